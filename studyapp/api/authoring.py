"""Authoring over the API (issue 21): a collection's sources (their text stored; changed or removed), people, works
and events citing them (each quote verbatim in its source; read, changed, removed, quoted again, previewed as cards,
their history), and suggested facts found in a source's text.

The collections API's rules: a collection the caller may not see is 404 (`facts.selectors.collection_for`); one they
may see but not change is 403 for every write. Writes go through `facts.services.source_create` and
`authoring.services` (the fixture loader's validation; the cards made at once, as load_facts makes them). A fact or
source still referred to cannot be removed: 409 naming what refers to it.

PATCH of a fact is partial: the fields it gives replace the fact's, the others (and the citations, when
`citations` is left out) stay as they are; `citations`, when given, replace all of them.
"""

from django.db.models.functions import Length
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from studyapp.authoring.services import (
    fact_author,
    fact_card_keys,
    fact_edit,
    fact_history,
    fact_preview,
    fact_remove,
    quote_add,
    source_edit,
    source_remove,
)
from studyapp.authoring.suggestions import suggest
from studyapp.authoring.text import MAX_SOURCE_BYTES, SourceFormat, SourceTextError, source_text
from studyapp.facts.loading import MAX_QUOTE_CHARS
from studyapp.facts.models import Person, Precision, Source, Weight, Work, WorkKind
from studyapp.facts.selectors import collection_for
from studyapp.facts.services import (
    FACT_MODELS,
    FactInUse,
    FactNotFound,
    InvalidFact,
    NotAllowed,
    fact_values,
    source_create,
)


class SourceOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    author = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    characters = serializers.IntegerField()


class SourceDetailOut(SourceOut):
    text = serializers.CharField()


class SourceIn(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    # No length here: source_text caps it (1,000,000 bytes, 413), the body cap (settings.SOURCE_UPLOAD_MAX_BYTES) too.
    text = serializers.CharField(trim_whitespace=False)
    format = serializers.ChoiceField(choices=SourceFormat.choices, default=SourceFormat.TEXT)
    author = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    year = serializers.IntegerField(min_value=0, max_value=9999, required=False, allow_null=True, default=None)


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(required=False)


class CitationIn(serializers.Serializer):
    source = serializers.CharField(max_length=100)
    quote = serializers.CharField(max_length=MAX_QUOTE_CHARS, trim_whitespace=False)
    claim = serializers.DictField(required=False, help_text=(
        'A disputed version: the fields this source states differently, e.g. {"year": 1938} for a work, '
        '{"when", "date", "precision", "end"?} or {"description"} for an event, {"description"} for a person.'))


class FactIn(serializers.Serializer):
    citations = CitationIn(many=True, min_length=1, max_length=20)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=20)
    weight = serializers.ChoiceField(choices=Weight.choices, required=False)

    def fixture_fields(self) -> dict:
        """The validated fields as a fixture record gives them (references as natural keys)."""
        return {name: value for name, value in self.validated_data.items() if name != "citations"}


class PersonIn(FactIn):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000)
    roles = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=20)


class WorkIn(FactIn):
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=WorkKind.choices, default=WorkKind.OTHER)
    author = serializers.SlugField(max_length=120, required=False, allow_null=True,
                                   help_text="The author's person key in this collection.")
    year = serializers.IntegerField(min_value=0, max_value=9999, required=False, allow_null=True)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def fixture_fields(self):
        fields = super().fixture_fields()
        if fields.get("author"):
            fields["author"] = [fields["author"]]
        return fields


class EventIn(FactIn):
    when = serializers.CharField(max_length=100, help_text='As it is shown: "1917", "March 1921", "1930s".')
    date = serializers.DateField(help_text="Its first day: YYYY-01-01 for a year, YYYY-MM-01 for a month.")
    precision = serializers.ChoiceField(choices=Precision.choices)
    end = serializers.DateField(required=False, allow_null=True, help_text="A span's last day.")
    description = serializers.CharField(max_length=2000)
    people = serializers.ListField(child=serializers.SlugField(max_length=120), required=False, max_length=50)
    works = serializers.ListField(child=serializers.SlugField(max_length=120), required=False, max_length=50)

    def fixture_fields(self):
        fields = super().fixture_fields()
        for name in ("date", "end"):
            if fields.get(name) is not None:
                fields[name] = fields[name].isoformat()
        for name in ("people", "works"):
            if name in fields:
                fields[name] = [[key] for key in fields[name]]
        return fields


class FactOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "work", "event"])
    key = serializers.CharField()
    fact = serializers.DictField(help_text="The fact as written (its fields and citations).")
    cards = serializers.ListField(child=serializers.CharField(), help_text="The keys of the cards it made.")


class SuggestionOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "work", "event"])
    text = serializers.CharField()
    quote = serializers.CharField()


def _editable(request, key):
    """The collection if the caller may change it: 404 if they may not see it, 403 if they may only see it."""
    collection = collection_for(request.user, key)
    if not collection.can_edit(request.user):
        raise PermissionDenied("only the collection's owner and editors change it")
    return collection


def _sources(collection):
    return Source.objects.filter(collection=collection).annotate(characters=Length("text"))


class SourceUploads:
    """A source's text added (POST) or changed (PATCH with `text`) counts against the user's `source_upload` rate
    (settings.REST_FRAMEWORK's DEFAULT_THROTTLE_RATES; 429 past it): each is up to 1 MB read and stored (issue 21
    probe #11). Reading sources and other changes are not counted."""

    throttle_scope = "source_upload"

    def get_throttles(self):
        if self.request.method == "POST" or (self.request.method == "PATCH" and isinstance(self.request.data, dict)
                                             and "text" in self.request.data):
            return [ScopedRateThrottle()]
        return []


class SourceListView(SourceUploads, APIView):
    @extend_schema(responses={200: SourceOut(many=True), 404: None})
    def get(self, request, key):
        """The collection's sources (without their texts)."""
        collection = collection_for(request.user, key)
        return Response(SourceOut(_sources(collection).defer("text"), many=True).data)

    @extend_schema(request=SourceIn, responses={201: SourceOut, 400: ErrorOut, 403: None, 404: None, 413: ErrorOut,
                                                429: None})
    def post(self, request, key):
        """Add a source: plain text, or Markdown or HTML read as text; at most 1,000,000 bytes of UTF-8. A collection
        holds at most settings.AUTHORING_MAX_SOURCES_PER_COLLECTION sources and AUTHORING_MAX_COLLECTION_TEXT_CHARS
        characters of text (else 400); adding and changing texts is rate-limited per user (429)."""
        collection = _editable(request, key)
        data = SourceIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        text, too_large = _plain_text(values["text"], values["format"])
        if too_large:
            return too_large
        source = _refusals(lambda: source_create(collection=collection, by=request.user, title=values["title"],
                                                 text=text, author=values["author"], year=values["year"]))
        return Response(SourceOut(_sources(collection).get(pk=source.pk)).data, status=status.HTTP_201_CREATED)


# Inline in the schema: the same choices in a second component would make drf-spectacular's enum naming collide
# with the user-data export's `format` (a warning that fails `check --deploy`).
@extend_schema_field({"type": "string", "enum": SourceFormat.values})
class SourceFormatField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=SourceFormat.choices, **kwargs)


class SourceChange(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    text = serializers.CharField(trim_whitespace=False, required=False, help_text=(
        "A new text: every quote citing the source must still occur in it, verbatim (else 400 naming the facts)."))
    format = SourceFormatField(default=SourceFormat.TEXT, help_text="How `text` is written (default text).")
    author = serializers.CharField(max_length=200, required=False, allow_blank=True)
    year = serializers.IntegerField(min_value=0, max_value=9999, required=False, allow_null=True)


def _plain_text(text, fmt):
    """An uploaded text as plain text (authoring.text.source_text): too large -> 413, no text -> 400."""
    try:
        return source_text(text, fmt=fmt).text, None
    except SourceTextError as error:
        if len(text.encode("utf-8")) > MAX_SOURCE_BYTES:
            return None, Response({"detail": f"text: {error}", "errors": {"text": [str(error)]}},
                                  status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        raise ValidationError({error.field: [str(error)]}) from None


class SourceDetailView(SourceUploads, APIView):
    @extend_schema(responses={200: SourceDetailOut, 404: None})
    def get(self, request, key, source):
        """One source with its text."""
        collection = collection_for(request.user, key)
        return Response(SourceDetailOut(get_object_or_404(_sources(collection), key=source)).data)

    @extend_schema(request=SourceChange, responses={200: SourceOut, 400: ErrorOut, 403: None, 404: None,
                                                    413: ErrorOut, 429: None})
    def patch(self, request, key, source):
        """Change the source's title, author, year or text (a new text keeps every quote citing it)."""
        collection = _editable(request, key)
        data = SourceChange(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {name: value for name, value in data.validated_data.items() if name != "format"}
        if "text" in values:
            values["text"], too_large = _plain_text(values["text"],
                                                   data.validated_data.get("format", SourceFormat.TEXT))
            if too_large:
                return too_large
        row = _refusals(lambda: source_edit(collection=collection, by=request.user, key=source, values=values))
        return Response(SourceOut(_sources(collection).get(pk=row.pk)).data)

    @extend_schema(responses={204: None, 403: None, 404: None, 409: ErrorOut})
    def delete(self, request, key, source):
        """Remove the source (409 while a fact cites it)."""
        collection = _editable(request, key)
        _refusals(lambda: source_remove(collection=collection, by=request.user, key=source))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SuggestionsView(APIView):
    @extend_schema(responses={200: SuggestionOut(many=True), 404: None})
    def get(self, request, key, source):
        """Candidate facts in a source's text (dates, people, titles), each with its sentence as a verbatim quote;
        names and titles the collection already holds are recognised."""
        collection = collection_for(request.user, key)
        row = get_object_or_404(Source.objects.filter(collection=collection), key=source)
        people = [name for p in Person.objects.filter(collection=collection).only("name", "aliases")
                  for name in (p.name, *p.aliases)]
        works = [title for w in Work.objects.filter(collection=collection).only("title", "aliases")
                 for title in (w.title, *w.aliases)]
        candidates = suggest(row.text, known_people=people, known_works=works)
        return Response([candidate.as_dict() for candidate in candidates])


def _fact_out(fact, kind, cards) -> dict:
    """{kind, key, fact: {key, its fields (references as keys), citations: [{source, quote, claim}]}, cards}."""
    fields, citations = fact_values(fact)
    return {"kind": kind, "key": fact.key, "fact": {"key": fact.key, **fields, "citations": citations},
            "cards": cards}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "it is still referred to"
    default_code = "conflict"


def _refusals(call):
    """Run a service call, its refusals as API errors: 403, 404, 400 naming the field, 409."""
    try:
        return call()
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except FactNotFound as error:
        raise NotFound(str(error)) from None
    except InvalidFact as error:  # OverLimit too; with no field to blame (a cap), {"non_field_errors": [...]}
        raise ValidationError({error.field: [str(error)]} if error.field else [str(error)]) from None
    except FactInUse as error:
        raise Conflict(str(error)) from None


def _citations(data) -> list[dict]:
    return [dict(c) for c in data.validated_data["citations"]]


def _merged(collection, kind, key, data) -> tuple[dict, list[dict]]:
    """A partial change (PATCH, or the preview of an edit) over the fact's current fields and citations."""
    fact = FACT_MODELS[kind].objects.filter(collection=collection, key=key).first()
    if fact is None:
        raise NotFound(f"no {kind} {key!r} in this collection")
    fields, citations = fact_values(fact)
    return {**fields, **data.fixture_fields()}, (
        _citations(data) if "citations" in data.validated_data else citations)


class RemovedOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "work", "event"])
    key = serializers.CharField()
    retired = serializers.IntegerField(help_text="Cards retired (kept with every learner's progress, never deleted).")


class QuoteIn(CitationIn):
    pass


class PreviewKeyIn(serializers.Serializer):
    key = serializers.SlugField(max_length=120, required=False)


class CardPreviewOut(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    deck = serializers.CharField()
    prompt = serializers.CharField()
    answer = serializers.CharField()


class ViolationOut(serializers.Serializer):
    card = serializers.CharField(help_text="The card's key, or empty for a rule about the fact itself.")
    rule = serializers.CharField()
    message = serializers.CharField()


class DroppedOut(serializers.Serializer):
    kind = serializers.CharField()
    reason = serializers.CharField()


class PreviewOut(serializers.Serializer):
    key = serializers.CharField(help_text="The fact's key (a new fact's: the one saving it now would give).")
    cards = CardPreviewOut(many=True)
    violations = ViolationOut(many=True)
    dropped = DroppedOut(many=True)


class HistoryOut(serializers.Serializer):
    when = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True, help_text="null: a fixture load, or an account since deleted.")
    action = serializers.ChoiceField(choices=["created", "changed", "removed"])
    changes = serializers.ListField(child=serializers.CharField())


def fact_views(kind, serializer):
    """The views of one kind of fact: create, read/change/remove, add a quote, preview, history."""
    plural = FACT_MODELS[kind]._meta.verbose_name_plural
    preview_in = type(f"{kind.title()}PreviewIn", (serializer,), {
        "key": serializers.SlugField(max_length=120, required=False, help_text=(
            "Preview an edit of this fact (the body then changes it as PATCH does: fields left out stay)."))})

    class FactCreateView(APIView):
        @extend_schema(request=serializer, responses={201: FactOut, 400: ErrorOut, 403: None, 404: None},
                       operation_id=f"collections_{kind}_create")
        def post(self, request, key):
            collection = _editable(request, key)
            data = serializer(data=request.data)
            data.is_valid(raise_exception=True)
            fact, cards = _refusals(lambda: fact_author(collection=collection, by=request.user, kind=kind,
                                                        fields=data.fixture_fields(), citations=_citations(data)))
            return Response(_fact_out(fact, kind, cards), status=status.HTTP_201_CREATED)

    class FactDetailView(APIView):
        @extend_schema(responses={200: FactOut, 404: None}, operation_id=f"collections_{kind}_retrieve")
        def get(self, request, key, fact):
            """The fact: its fields, its citations (with any disputed claim) and its live cards' keys."""
            collection = collection_for(request.user, key)
            row = get_object_or_404(FACT_MODELS[kind].objects.filter(collection=collection), key=fact)
            return Response(_fact_out(row, kind, fact_card_keys(collection, kind, row.key)))

        @extend_schema(request=serializer(partial=True), responses={200: FactOut, 400: ErrorOut, 403: None,
                                                                     404: None},
                       operation_id=f"collections_{kind}_partial_update")
        def patch(self, request, key, fact):
            """Change the fact (partial: fields left out stay; `citations`, when given, replace all of them). Its
            key and its cards' keys stay, so every learner's progress on it stays."""
            collection = _editable(request, key)
            data = serializer(data=request.data, partial=True)
            data.is_valid(raise_exception=True)
            fields, citations = _merged(collection, kind, fact, data)
            row, cards = _refusals(lambda: fact_edit(collection=collection, by=request.user, kind=kind, key=fact,
                                                     fields=fields, citations=citations))
            return Response(_fact_out(row, kind, cards))

        @extend_schema(responses={200: RemovedOut, 403: None, 404: None, 409: ErrorOut},
                       operation_id=f"collections_{kind}_destroy")
        def delete(self, request, key, fact):
            """Remove the fact (409 while another fact refers to it); its cards are retired, progress kept."""
            collection = _editable(request, key)
            retired = _refusals(lambda: fact_remove(collection=collection, by=request.user, kind=kind, key=fact))
            return Response({"kind": kind, "key": fact, "retired": retired})

    class QuoteView(APIView):
        @extend_schema(request=QuoteIn, responses={201: FactOut, 400: ErrorOut, 403: None, 404: None},
                       operation_id=f"collections_{kind}_citations_create")
        def post(self, request, key, fact):
            """One more citation on the fact, verbatim in its source (a disputed version with `claim`)."""
            collection = _editable(request, key)
            data = QuoteIn(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            row, cards = _refusals(lambda: quote_add(collection=collection, by=request.user, kind=kind, key=fact,
                                                     source=values["source"], quote=values["quote"],
                                                     claim=values.get("claim")))
            return Response(_fact_out(row, kind, cards), status=status.HTTP_201_CREATED)

    class PreviewView(APIView):
        @extend_schema(request=preview_in, responses={200: PreviewOut, 400: ErrorOut, 403: None, 404: None},
                       operation_id=f"collections_{kind}_preview")
        def post(self, request, key):
            """The cards the fact would make and every card rule it would break; nothing is saved."""
            collection = _editable(request, key)
            # The key first: with one, the body is an edit (partial, as PATCH); without, a new fact (as POST).
            edited = PreviewKeyIn(data=request.data)
            edited.is_valid(raise_exception=True)
            fact_key = edited.validated_data.get("key")
            data = preview_in(data=request.data, partial=fact_key is not None)
            data.is_valid(raise_exception=True)
            if fact_key is not None:
                fields, citations = _merged(collection, kind, fact_key, data)
                fields.pop("key", None)
            else:
                fields, citations = data.fixture_fields(), _citations(data)
            preview = _refusals(lambda: fact_preview(collection=collection, by=request.user, kind=kind,
                                                     fields=fields, citations=citations, key=fact_key))
            return Response(PreviewOut(preview).data)

    class HistoryView(APIView):
        @extend_schema(responses={200: HistoryOut(many=True), 403: None, 404: None},
                       operation_id=f"collections_{kind}_history")
        def get(self, request, key, fact):
            """Who changed the fact when, newest first (the collection's owner and editors)."""
            collection = collection_for(request.user, key)
            entries = _refusals(lambda: fact_history(collection=collection, by=request.user, kind=kind, key=fact))
            return Response(HistoryOut(entries, many=True).data)

    # The preview's path comes before a fact's: "preview" is never a fact's key (facts.services.RESERVED_FACT_KEYS).
    views = [("", FactCreateView, ""), ("preview/", PreviewView, "-preview"), ("<slug:fact>/", FactDetailView, "-fact"),
             ("<slug:fact>/citations/", QuoteView, "-citations"), ("<slug:fact>/history/", HistoryView, "-history")]
    for _, view, _ in views:
        view.__name__ = f"{kind.title()}{view.__name__.removeprefix('Fact')}"
    FactCreateView.__doc__ = f"Add a {kind} citing the collection's sources: every quote verbatim in its source."
    return [path(f"collections/<slug:key>/{plural}/{suffix}", view.as_view(), name=f"api-collection-{plural}{name}")
            for suffix, view, name in views]


urlpatterns = [
    path("collections/<slug:key>/sources/", SourceListView.as_view(), name="api-collection-sources"),
    path("collections/<slug:key>/sources/<str:source>/", SourceDetailView.as_view(), name="api-collection-source"),
    path("collections/<slug:key>/sources/<str:source>/suggestions/", SuggestionsView.as_view(),
         name="api-collection-suggestions"),
    *fact_views("person", PersonIn),
    *fact_views("work", WorkIn),
    *fact_views("event", EventIn),
]
