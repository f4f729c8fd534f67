"""Authoring over the API (issue 21): a collection's sources (their text stored), new people, works and events
citing them (each quote verbatim in its source), and suggested facts found in a source's text.

The collections API's rules: a collection the caller may not see is 404 (`facts.selectors.collection_for`); one they
may see but not change is 403 for every write. Writes go through `facts.services.source_create` and
`authoring.services.fact_author` (the fixture loader's validation; the cards made at once, as load_facts makes them).
"""

from django.db.models.functions import Length
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from studyapp.authoring.services import fact_author
from studyapp.authoring.suggestions import suggest
from studyapp.authoring.text import MAX_SOURCE_BYTES, SourceFormat, SourceTextError, source_text
from studyapp.facts.loading import MAX_QUOTE_CHARS
from studyapp.facts.models import Person, Precision, Source, Weight, Work, WorkKind
from studyapp.facts.selectors import collection_for
from studyapp.facts.services import InvalidFact, NotAllowed, source_create


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


class SourceListView(APIView):
    @extend_schema(responses={200: SourceOut(many=True), 404: None})
    def get(self, request, key):
        """The collection's sources (without their texts)."""
        collection = collection_for(request.user, key)
        return Response(SourceOut(_sources(collection).defer("text"), many=True).data)

    @extend_schema(request=SourceIn, responses={201: SourceOut, 400: ErrorOut, 403: None, 404: None, 413: ErrorOut})
    def post(self, request, key):
        """Add a source: plain text, or Markdown or HTML read as text; at most 1,000,000 bytes of UTF-8."""
        collection = _editable(request, key)
        data = SourceIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            text = source_text(values["text"], fmt=values["format"]).text
        except SourceTextError as error:
            if len(values["text"].encode("utf-8")) > MAX_SOURCE_BYTES:
                return Response({"detail": f"text: {error}", "errors": {"text": [str(error)]}},
                                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
            raise ValidationError({error.field: [str(error)]}) from None
        try:
            source = source_create(collection=collection, by=request.user, title=values["title"], text=text,
                                   author=values["author"], year=values["year"])
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        return Response(SourceOut(_sources(collection).get(pk=source.pk)).data, status=status.HTTP_201_CREATED)


class SourceDetailView(APIView):
    @extend_schema(responses={200: SourceDetailOut, 404: None})
    def get(self, request, key, source):
        """One source with its text."""
        collection = collection_for(request.user, key)
        return Response(SourceDetailOut(get_object_or_404(_sources(collection), key=source)).data)


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


def _fact_out(fact, kind):
    cites = [{"source": c.source.key, "quote": c.quote} for c in fact.citations.select_related("source")]
    if kind == "person":
        fields = {"name": fact.name, "aliases": fact.aliases, "description": fact.description, "roles": fact.roles,
                  "weight": fact.weight}
    elif kind == "work":
        fields = {"title": fact.title, "aliases": fact.aliases, "kind": fact.kind, "year": fact.year,
                  "author": fact.author.key if fact.author_id else None, "weight": fact.weight}
    else:
        fields = {"when": fact.when, "date": fact.date.isoformat(), "precision": fact.precision,
                  "end": fact.end.isoformat() if fact.end else None, "description": fact.description,
                  "people": [p.key for p in fact.people.all()], "works": [w.key for w in fact.works.all()],
                  "weight": fact.weight}
    return {"key": fact.key, **fields, "citations": cites}


def fact_view(kind, serializer):
    class FactCreateView(APIView):
        @extend_schema(request=serializer, responses={201: FactOut, 400: ErrorOut, 403: None, 404: None},
                       operation_id=f"collections_{kind}_create")
        def post(self, request, key):
            collection = _editable(request, key)
            data = serializer(data=request.data)
            data.is_valid(raise_exception=True)
            try:
                fact, cards = fact_author(collection=collection, by=request.user, kind=kind,
                                          fields=data.fixture_fields(),
                                          citations=[dict(c) for c in data.validated_data["citations"]])
            except NotAllowed as error:
                raise PermissionDenied(str(error)) from None
            except InvalidFact as error:
                raise ValidationError({error.field: [str(error)]}) from None
            return Response({"kind": kind, "key": fact.key, "fact": _fact_out(fact, kind), "cards": cards},
                            status=status.HTTP_201_CREATED)

    FactCreateView.__name__ = f"{kind.title()}CreateView"
    FactCreateView.__doc__ = f"Add a {kind} citing the collection's sources: every quote verbatim in its source."
    return FactCreateView


urlpatterns = [
    path("collections/<slug:key>/sources/", SourceListView.as_view(), name="api-collection-sources"),
    path("collections/<slug:key>/sources/<str:source>/", SourceDetailView.as_view(), name="api-collection-source"),
    path("collections/<slug:key>/sources/<str:source>/suggestions/", SuggestionsView.as_view(),
         name="api-collection-suggestions"),
    path("collections/<slug:key>/people/", fact_view("person", PersonIn).as_view(), name="api-collection-people"),
    path("collections/<slug:key>/works/", fact_view("work", WorkIn).as_view(), name="api-collection-works"),
    path("collections/<slug:key>/events/", fact_view("event", EventIn).as_view(), name="api-collection-events"),
]
