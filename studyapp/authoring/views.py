"""The authoring pages (issue 21): collections, their sources (upload, reader with passage selection and
suggestions), and facts written from passages (form with a card preview, edit, quotes, removal, history).

Thin views: each reads with a query of its own or a selector and writes only through a service
(facts.services for collections and sources, authoring.services for facts). The collection rules are
facts.selectors.collection_for's: a collection the user may not see is 404 (private ones to all but owner and
editors); one they may see but not change is 403 for every write; writing needs a signed-in user.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.db.models.functions import Length
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studyapp.authoring import services
from studyapp.authoring.forms import (
    FACT_FORMS,
    FACT_MODELS,
    CollectionForm,
    DetailsForm,
    EditorForm,
    SourceEditForm,
    SourceForm,
    VisibilityForm,
    citation_form,
    citation_formset,
    claim_initial,
)
from studyapp.authoring.models import DismissedSuggestion
from studyapp.authoring.suggestions import suggest
from studyapp.cards.models import Card, CardKind, Deck
from studyapp.facts.loading import MAX_QUOTE_CHARS, MAX_QUOTE_WORDS
from studyapp.facts.models import Citation, Collection, Event, Person, Source, Visibility, Work
from studyapp.facts.selectors import collection_for
from studyapp.facts.services import (
    CollectionInUse,
    FactInUse,
    FactNotFound,
    InvalidFact,
    NotAllowed,
    collection_create,
    collection_delete,
    collection_editor_add,
    collection_editor_remove,
    collection_transfer,
    collection_update,
    fact_values,
    source_create,
)


@dataclass(frozen=True)
class Kind:
    """How the pages name and list one kind of fact."""

    key: str  # person, work, event
    label: str
    plural: str
    order: tuple[str, ...]


KINDS = {
    "person": Kind("person", "Person", "People", ("name", "key")),
    "work": Kind("work", "Work", "Works", ("title", "key")),
    "event": Kind("event", "Event", "Events", ("date", "key")),
}
SUGGESTIONS_SHOWN = 200  # a whole book proposes thousands; the first ones are a page's worth


def _editable(request, key) -> Collection:
    """The collection if the signed-in user may change it: 404 if they may not see it, 403 if they may only see it."""
    collection = collection_for(request.user, key)
    if not collection.can_edit(request.user):
        raise PermissionDenied("only the collection's owner and editors change it")
    return collection


def _kind(kind) -> Kind:
    if kind not in KINDS:
        raise Http404("no such kind of fact")
    return KINDS[kind]


def fact_label(kind, fact) -> str:
    return {"person": lambda f: f.name, "work": lambda f: f.title,
            "event": lambda f: f"{f.when}: {f.description}"}[kind](fact)


def _choices(collection):
    """(people, works, sources) as (key, label) choices for the fact forms: three queries."""
    people = list(Person.objects.filter(collection=collection).order_by("name", "key").values_list("key", "name"))
    works = list(Work.objects.filter(collection=collection).order_by("title", "key").values_list("key", "title"))
    sources = list(Source.objects.filter(collection=collection).order_by("title", "key").values_list("key", "title"))
    return people, works, sources


# --- collections ---------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def collection_list(request):
    """The user's collections (own and edited) and the public ones; a form that creates one."""
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
    form = CollectionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            collection = collection_create(owner=request.user, **form.cleaned_data)
            messages.success(request, f"Collection “{collection.title}” created. Add a source to start.")
            return redirect("authoring:collection", key=collection.key)
    user = request.user
    if user.is_authenticated:
        listed = list(Collection.objects.listed_for(user).order_by("title", "key"))
        edited_ids = set(Collection.editors.through.objects.filter(user=user).values_list("collection_id", flat=True))
    else:
        listed, edited_ids = list(Collection.objects.public().order_by("title", "key")), set()
    mine = [c for c in listed if user.is_authenticated and c.owner_id == user.pk]
    edited = [c for c in listed if c.pk in edited_ids and c not in mine]
    public = [c for c in listed if c not in mine and c not in edited]
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "authoring/collections.html",
                  {"form": form, "mine": mine, "edited": edited, "public": public}, status=status)


def _overview(request, collection, **forms):
    """The overview page's context: sources, facts with their live card counts, editors: a fixed number of
    queries whatever the collection holds."""
    counts = {(row["fact_type"], row["fact_key"]): row["n"] for row in
              Card.objects.filter(collection=collection, retired=False)
              .values("fact_type", "fact_key").annotate(n=Count("pk"))}
    facts = {}
    for kind, model in FACT_MODELS.items():
        rows = model.objects.filter(collection=collection).order_by(*KINDS[kind].order)
        facts[kind] = [(row, counts.get((kind, row.key), 0)) for row in rows]
    editors = list(collection.editors.order_by("username"))
    can_edit = request.user.is_authenticated and (
        collection.owner_id == request.user.pk or any(e.pk == request.user.pk for e in editors))
    is_owner = request.user.is_authenticated and collection.owner_id == request.user.pk
    return {
        "collection": collection, "editors": editors, "can_edit": can_edit, "is_owner": is_owner,
        "sources": Source.objects.filter(collection=collection).defer("text").annotate(characters=Length("text"))
        .order_by("title", "key"),
        "groups": [(KINDS[kind], rows) for kind, rows in facts.items()],
        "cards": sum(counts.values()),
        "share_url": request.build_absolute_uri(reverse("authoring:collection", args=[collection.key])),
        "visibility_form": forms.get("visibility_form")
        or VisibilityForm(initial={"visibility": collection.visibility}),
        "editor_form": forms.get("editor_form") or EditorForm(),
        "details_form": forms.get("details_form")
        or DetailsForm(initial={"title": collection.title, "description": collection.description}),
    }


@require_safe
def collection_detail(request, key):
    collection = get_object_or_404(Collection.objects.studyable_by(request.user).select_related("owner"), key=key)
    return render(request, "authoring/collection.html", _overview(request, collection))


@login_required
@require_POST
def collection_details(request, key):
    """The owner or an editor changes the title and description."""
    collection = _editable(request, key)
    form = DetailsForm(request.POST)
    if form.is_valid():
        collection_update(collection=collection, by=request.user, values=form.cleaned_data)
        messages.success(request, "Title and description saved.")
        return redirect("authoring:collection", key=key)
    return render(request, "authoring/collection.html", _overview(request, collection, details_form=form),
                  status=400)


@login_required
@require_POST
def collection_visibility(request, key):
    """The owner changes who may see the collection."""
    collection = _editable(request, key)
    form = VisibilityForm(request.POST)
    if form.is_valid():
        try:
            collection_update(collection=collection, by=request.user, values=form.cleaned_data)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        messages.success(request, f"The collection is now {collection.visibility}.")
        return redirect("authoring:collection", key=key)
    return render(request, "authoring/collection.html", _overview(request, collection, visibility_form=form),
                  status=400)


@login_required
@require_POST
def collection_editor_leave(request, key, username):
    """The owner removes an editor (or an editor leaves): they stop seeing a private collection at once."""
    collection = _editable(request, key)
    editor = get_object_or_404(collection.editors.all(), username=username)
    try:
        collection_editor_remove(collection=collection, by=request.user, editor=editor)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    messages.success(request, f"{editor.username} no longer edits this collection.")
    if editor.pk == request.user.pk and collection.visibility == Visibility.PRIVATE:
        return redirect("authoring:collections")
    return redirect("authoring:collection", key=key)


@login_required
@require_POST
def collection_editor(request, key):
    """The owner adds an editor by username."""
    collection = _editable(request, key)
    if collection.owner_id != request.user.pk:
        raise PermissionDenied("only the collection's owner adds editors")
    form = EditorForm(request.POST)
    if form.is_valid():
        editor = form.cleaned_data["username"]
        collection_editor_add(collection=collection, by=request.user, editor=editor)
        messages.success(request, f"{editor.username} can now edit this collection.")
        return redirect("authoring:collection", key=key)
    return render(request, "authoring/collection.html", _overview(request, collection, editor_form=form),
                  status=400)


def _owned(request, key) -> Collection:
    """The collection if the signed-in user owns it: 404 if they may not see it, 403 if they only see or edit it."""
    collection = collection_for(request.user, key)
    if collection.owner_id is None or collection.owner_id != request.user.pk:
        raise PermissionDenied("only the collection's owner does this")
    return collection


@login_required
@require_POST
def collection_owner(request, key):
    """The owner hands the collection to one of its editors (and stays on as an editor)."""
    collection = _owned(request, key)
    heir = collection.editors.filter(username=request.POST.get("username", "")).first()
    if heir is None:
        messages.error(request, "Choose one of the collection's editors as its new owner.")
        return redirect("authoring:collection", key=key)
    collection_transfer(collection=collection, by=request.user, owner=heir)
    messages.success(request, f"{heir.username} now owns this collection; you edit it.")
    return redirect("authoring:collection", key=key)


@login_required
@require_http_methods(["GET", "POST"])
def collection_remove(request, key):
    """Delete the collection, after a confirmation that says what goes with it; refused (409) while it is shared
    and other learners have studied it (facts.services.collection_delete says why)."""
    collection = _owned(request, key)
    error = ""
    if request.method == "POST":
        try:
            collection_delete(collection=collection, by=request.user)
        except CollectionInUse as in_use:
            error = str(in_use)
        else:
            messages.success(request, f"The collection “{collection.title}” was deleted.")
            return redirect("authoring:collections")
    context = {"collection": collection, "error": error,
               "sources": Source.objects.filter(collection=collection).count(),
               "facts": sum(model.objects.filter(collection=collection).count() for model in FACT_MODELS.values()),
               "cards": Card.objects.filter(collection=collection).count()}
    return render(request, "authoring/collection_remove.html", context, status=409 if error else 200)


# --- sources ---------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def source_new(request, key):
    collection = _editable(request, key)
    form = SourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = source_create(collection=collection, by=request.user, title=data["title"], text=data["text"],
                               author=data.get("author") or "", year=data.get("year"))
        messages.success(request, f"Source “{source.title}” added: select a passage to turn it into a fact.")
        return redirect("authoring:source", key=key, source=source.key)
    status = 400 if form.is_bound else 200
    too_big = any("at most 1,000,000" in str(e) for e in form.errors.get("file", []) + form.errors.get("text", []))
    return render(request, "authoring/source_new.html", {"collection": collection, "form": form},
                  status=413 if too_big else status)


def paragraphs(text) -> list[tuple[int, str]]:
    """(offset, text) of each paragraph (blank-line separated) of a source, each exactly its stored characters,
    so a selection in one maps back to the stored text."""
    rows, at = [], 0
    for block in text.split("\n\n"):
        if block.strip("\n"):
            lead = len(block) - len(block.lstrip("\n"))
            rows.append((at + lead, block.strip("\n")))
        at += len(block) + 2
    return rows


@require_safe
def source_reader(request, key, source):
    """A source's text in paragraphs; for editors, selecting a passage offers the fact forms, and suggestions."""
    collection = collection_for(request.user, key)
    row = get_object_or_404(Source.objects.filter(collection=collection), key=source)
    can_edit = collection.can_edit(request.user)
    context = {"collection": collection, "source": row, "paragraphs": paragraphs(row.text), "can_edit": can_edit,
               "max_chars": MAX_QUOTE_CHARS, "max_words": MAX_QUOTE_WORDS, "quote": request.GET.get("quote", "")}
    if can_edit:
        people = list(Person.objects.filter(collection=collection).only("key", "name", "aliases").order_by("name"))
        works = list(Work.objects.filter(collection=collection).only("key", "title", "aliases").order_by("title"))
        events = list(Event.objects.filter(collection=collection).only("key", "when", "description")
                      .order_by("date", "key"))
        known = {}
        for kind, facts, label in (("person", people, "name"), ("work", works, "title")):
            for fact in facts:
                for name in (getattr(fact, label), *fact.aliases):
                    known.setdefault((kind, name), fact.key)
        dismissed = DismissedSuggestion.objects.keys_for(row)
        candidates = [c for c in suggest(row.text, known_people=[n for k, n in known if k == "person"],
                                         known_works=[n for k, n in known if k == "work"])
                      if DismissedSuggestion.key_of(c.kind, c.text, c.quote) not in dismissed]
        context.update({
            "existing": [(KINDS[kind], [(f"{kind}:{f.key}", fact_label(kind, f)) for f in facts])
                         for kind, facts in (("person", people), ("work", works), ("event", events))],
            "suggestions": [(c, known.get((c.kind, c.known)) if c.known else None)
                            for c in candidates[:SUGGESTIONS_SHOWN]],
            "more_suggestions": max(0, len(candidates) - SUGGESTIONS_SHOWN),
            "has_facts": bool(people or works or events),
        })
    return render(request, "authoring/reader.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request, key, source):
    """Change a source's title, author, year or text (every quote citing it must stay in the new text)."""
    collection = _editable(request, key)
    row = get_object_or_404(Source.objects.filter(collection=collection), key=source)
    form = SourceEditForm(request.POST or None, request.FILES or None,
                          initial={"title": row.title, "author": row.author, "year": row.year})
    if request.method == "POST" and form.is_valid():
        try:
            services.source_edit(collection=collection, by=request.user, key=row.key, values=form.values())
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        except InvalidFact as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "Source saved.")
            return redirect("authoring:source", key=key, source=row.key)
    return render(request, "authoring/source_edit.html", {"collection": collection, "source": row, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def source_remove(request, key, source):
    """Remove a source no fact cites; while facts cite it, the page says which."""
    collection = _editable(request, key)
    row = get_object_or_404(Source.objects.filter(collection=collection).defer("text"), key=source)
    try:
        services.source_remove(collection=collection, by=request.user, key=row.key)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except FactInUse as error:
        form = SourceEditForm(initial={"title": row.title, "author": row.author, "year": row.year})
        return render(request, "authoring/source_edit.html", {"collection": collection, "source": row,
                                                              "form": form, "remove_error": str(error)}, status=409)
    messages.success(request, f"Source “{row.title}” removed.")
    return redirect("authoring:collection", key=key)


@login_required
@require_POST
def suggestion_dismiss(request, key, source):
    """An editor sets a suggestion aside: it is no longer shown on this source, for any of its editors."""
    collection = _editable(request, key)
    row = get_object_or_404(Source.objects.filter(collection=collection).defer("text"), key=source)
    kind, text, quote = (request.POST.get(name, "") for name in ("kind", "text", "quote"))
    if kind not in KINDS or not text or not quote:
        messages.error(request, "That suggestion could not be dismissed: it names no kind, text and quote.")
    else:
        DismissedSuggestion.objects.dismiss(source=row, by=request.user, kind=kind, text=text, quote=quote)
    return redirect(f"{reverse('authoring:source', args=[key, source])}#suggestions")


@require_safe
def quote_to_fact(request, key):
    """"Add this quote to an existing fact" from the reader: to that fact's page, its quote form filled in."""
    collection = collection_for(request.user, key)
    kind, _, fact = request.GET.get("fact", "").partition(":")
    if kind not in KINDS or not fact:
        messages.error(request, "Choose the fact to add the quote to.")
        back = reverse("authoring:source", args=[key, request.GET.get("source", "")]) \
            if request.GET.get("source") else reverse("authoring:collection", args=[key])
        return redirect(back)
    get_object_or_404(FACT_MODELS[kind].objects.filter(collection=collection).only("pk"), key=fact)
    params = urlencode({name: request.GET.get(name, "") for name in ("source", "quote")})
    return redirect(f"{reverse('authoring:fact', args=[key, kind, fact])}?{params}#add-quote")


# --- facts -----------------------------------------------------------------------------------------------------

def _fact_forms(request, collection, kind, *, data=None, initial=None, citations=None, extra=1):
    """The fact form and its citations formset, their choices from the collection."""
    people, works, sources = _choices(collection)
    options = {"people": people} if kind == "work" else {"people": people, "works": works} if kind == "event" else {}
    form = FACT_FORMS[kind](data, collection=collection, initial=initial, **options)
    formset = citation_formset(kind, extra=extra)(data, initial=citations, sources=sources, prefix="cite")
    return form, formset, sources


def _service_error(form, formset, error: InvalidFact):
    """An InvalidFact on the field it names: a fact field, or the citations."""
    field = error.field if error.field in form.fields else None
    if error.field in ("citations", "quote", "source") or error.field.startswith("claim"):
        formset._non_form_errors = formset.error_class([str(error)], error_class="nonform")
    else:
        form.add_error(field, str(error) if field else f"{error.field}: {error}")


def _preview_or_save(request, collection, kind, form, formset, *, key=None):
    """"Preview cards" (fact_preview, nothing kept) or "Save" (fact_author / fact_edit): the preview, or the
    saved fact, or None when the service refused it (its error then sits on the form)."""
    fields, citations = form.fixture_fields(), formset.citations()
    if key is not None:
        # The form shows only some columns (not dispute_note, topic, pages or coauthors): an edit keeps the rest as
        # stored, since fact_edit replaces every field and would reset those to the fixtures' defaults.
        fields = {**fact_values(FACT_MODELS[kind].objects.get(collection=collection, key=key))[0], **fields}
    args = {"collection": collection, "by": request.user, "kind": kind, "fields": fields, "citations": citations}
    try:
        if "preview" in request.POST:
            preview = services.fact_preview(**args, key=key)
            for card in preview.cards:  # the names the study and card pages use
                card["kind_label"], card["deck_label"] = CardKind(card["kind"]).label, Deck(card["deck"]).label
            return preview, None
        if key is None:
            fact, _ = services.fact_author(**args)
        else:
            fact, _ = services.fact_edit(**args, key=key)
        return None, fact
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except FactNotFound:
        raise Http404("no such fact") from None
    except InvalidFact as error:
        _service_error(form, formset, error)
        return None, None


@login_required
@require_http_methods(["GET", "POST"])
def fact_new(request, key, kind):
    """A new fact of one kind, its first citation taken from the reader (?source=&quote=) or a suggestion
    (?name=, ?title=, ?when=&date=&precision=&end=)."""
    info = _kind(kind)
    collection = _editable(request, key)
    initial = {name: request.GET[name] for name in FACT_FORMS[kind].base_fields if request.GET.get(name)}
    cite = {name: request.GET.get(name, "") for name in ("source", "quote")}
    form, formset, sources = _fact_forms(request, collection, kind, data=request.POST or None, initial=initial,
                                         citations=[cite] if any(cite.values()) else None)
    preview, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            preview, fact = _preview_or_save(request, collection, kind, form, formset)
            if fact is not None:
                messages.success(request, f"{info.label} saved.")
                return redirect("authoring:fact", key=key, kind=kind, fact=fact.key)
            status = 200 if preview is not None else 400
    return render(request, "authoring/fact_form.html", {
        "collection": collection, "kind": info, "form": form, "formset": formset, "preview": preview,
        "has_sources": bool(sources), "source": cite["source"]}, status=status)


def _fact(collection, kind, key):
    model = FACT_MODELS[kind]
    rows = model.objects.filter(collection=collection).prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("position", "pk")))
    if kind == "work":
        rows = rows.select_related("author")
    if kind == "event":
        rows = rows.prefetch_related("people", "works")
    return get_object_or_404(rows, key=key)


@require_http_methods(["GET", "POST"])
def fact_detail(request, key, kind, fact):
    """A fact, its citations and cards; for editors the edit form (with preview), "Add a quote" and Remove."""
    info = _kind(kind)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
        collection = _editable(request, key)
    else:
        collection = collection_for(request.user, key)
    row = _fact(collection, kind, fact)
    can_edit = collection.can_edit(request.user)
    context = {"collection": collection, "kind": info, "fact": row, "label": fact_label(kind, row),
               "can_edit": can_edit, "preview": None,
               "cards": Card.objects.filter(collection=collection, fact_type=kind, fact_key=row.key, retired=False)
               .order_by("key")}
    status = 200
    if can_edit:
        citations = [claim_initial(c) for c in row.citations.all()]
        form, formset, sources = _fact_forms(request, collection, kind, data=request.POST or None,
                                             initial=FACT_FORMS[kind].initial_from(row), citations=citations,
                                             extra=0)
        if request.method == "POST":
            status = 400
            if form.is_valid() and formset.is_valid():
                preview, saved = _preview_or_save(request, collection, kind, form, formset, key=row.key)
                if saved is not None:
                    messages.success(request, f"{info.label} saved; its cards were made again with the same keys.")
                    return redirect("authoring:fact", key=key, kind=kind, fact=row.key)
                context["preview"] = preview
                status = 200 if preview is not None else 400
        quote_form = citation_form(kind)(initial={name: request.GET.get(name, "") for name in ("source", "quote")},
                                         sources=sources, prefix="quote")
        context.update({"form": form, "formset": formset, "quote_form": quote_form})
    return render(request, "authoring/fact.html", context, status=status)


@login_required
@require_POST
def fact_quote(request, key, kind, fact):
    """One more citation on a fact: its quote, and what this source states differently if it disagrees."""
    info = _kind(kind)
    collection = _editable(request, key)
    row = _fact(collection, kind, fact)
    _, _, sources = _choices(collection)
    form = citation_form(kind)(request.POST, sources=sources, prefix="quote")
    if form.is_valid():
        citation = form.citation()
        try:
            services.quote_add(collection=collection, by=request.user, kind=kind, key=row.key,
                               source=citation["source"], quote=citation["quote"], claim=citation.get("claim"))
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None
        except FactNotFound:
            raise Http404("no such fact") from None
        except InvalidFact as error:
            form.add_error("quote" if error.field in ("citations", "quote") else None, str(error))
        else:
            messages.success(request, "Quote added; the cards were made again.")
            return redirect("authoring:fact", key=key, kind=kind, fact=row.key)
    context = {"collection": collection, "kind": info, "fact": row, "label": fact_label(kind, row),
               "quote_form": form, "can_edit": True}
    return render(request, "authoring/quote_add.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def fact_remove(request, key, kind, fact):
    """Remove a fact, after a confirmation; its cards are retired (their review history is kept)."""
    info = _kind(kind)
    collection = _editable(request, key)
    row = _fact(collection, kind, fact)
    error = ""
    if request.method == "POST":
        try:
            retired = services.fact_remove(collection=collection, by=request.user, kind=kind, key=row.key)
        except NotAllowed as refused:
            raise PermissionDenied(str(refused)) from None
        except FactNotFound:
            raise Http404("no such fact") from None
        except FactInUse as in_use:
            error = str(in_use)
        else:
            messages.success(request, f"{info.label} “{fact_label(kind, row)}” removed; "
                                      f"{retired} card{'s' * (retired != 1)} retired.")
            return redirect("authoring:collection", key=key)
    return render(request, "authoring/fact_remove.html",
                  {"collection": collection, "kind": info, "fact": row, "label": fact_label(kind, row),
                   "error": error}, status=409 if error else 200)


@login_required
@require_safe
def fact_history(request, key, kind, fact):
    """Who changed the fact when (owners and editors); a removed fact's history stays readable here."""
    info = _kind(kind)
    collection = _editable(request, key)
    try:
        history = services.fact_history(collection=collection, by=request.user, kind=kind, key=fact)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from None
    except FactNotFound:
        raise Http404("no such fact") from None
    row = FACT_MODELS[kind].objects.filter(collection=collection, key=fact).first()
    return render(request, "authoring/fact_history.html",
                  {"collection": collection, "kind": info, "fact": row, "key": fact,
                   "label": fact_label(kind, row) if row else fact, "history": history})
