"""The authoring pages (issue 21): collections, their sources (upload, reader with passage selection and
suggestions), and facts written from passages (form with a card preview, edit, quotes, removal, history).

Thin views: each reads with a query of its own or a selector and writes only through a service
(facts.services for collections and sources, authoring.services for facts). The collection rules are
facts.selectors.collection_for's: a collection the user may not see is 404 (private ones to all but owner and
editors); one they may see but not change is 403 for every write; writing needs a signed-in user.
"""

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.db.models.functions import Length
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studyapp.accounts.models import settings_for
from studyapp.accounts.services import settings_update
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
    first_date,
    when_text,
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
    OverLimit,
    collection_create,
    collection_delete,
    collection_editor_add,
    collection_editor_remove,
    collection_transfer,
    collection_update,
    fact_values,
    source_create,
)
from studyapp.text import fold


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
            try:
                collection = collection_create(owner=request.user, **form.cleaned_data)
            except OverLimit as error:  # the most collections one user may own
                form.add_error(None, str(error))
            else:
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
    chosen = settings_for(user).collections if user.is_authenticated else []
    studied = list(Collection.objects.studied_by(user, chosen).order_by("title", "key")) if chosen else []
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "authoring/collections.html",
                  {"form": form, "mine": mine, "edited": edited, "public": public, "studied": studied,
                   "chose": bool(chosen)}, status=status)


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
    studies = None  # None: no button (a visitor, an editor, a private collection); else whether they study it
    if request.user.is_authenticated and not can_edit and collection.visibility != Visibility.PRIVATE:
        studies = _studies(request.user, collection)
    return {
        "studies": studies,
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


def _studies(user, collection) -> bool:
    """Whether the user studies the collection: it is one of their chosen ones, or they chose none and it is
    public (an empty choice means every public collection)."""
    chosen = settings_for(user).collections
    return collection.key in chosen if chosen else collection.visibility == Visibility.PUBLIC


@login_required
@require_POST
def collection_study(request, key):
    """"Add to my studies" / "Remove from my studies": the user's chosen collections (accounts.services
    .settings_update, the one write). An empty choice means every public collection, so adding to it keeps those
    (their keys, then this one); removing the last chosen one leaves the public ones other than it, named, never
    an empty choice that would bring it back; with nothing else to study it is refused."""
    collection = get_object_or_404(Collection.objects.studyable_by(request.user), key=key)
    chosen = list(settings_for(request.user).collections)
    public = list(Collection.objects.public().order_by("title", "key").values_list("key", flat=True))
    if request.POST.get("study") == "add":
        keys = chosen or public
        keys = keys if key in keys else [*keys, key]
        done = f"“{collection.title}” is now one of the collections you study."
    else:
        keys = [k for k in (chosen or public) if k != key]
        done = f"You no longer study “{collection.title}”."
        if not keys and chosen:  # it was the only one chosen: the public ones other than it, by name
            keys = [k for k in public if k != key]
            names = ", ".join(Collection.objects.filter(key__in=keys).order_by("title").values_list("title", flat=True))
            done += f" You now study the public collections: {names}." if keys else ""
        if not keys:
            messages.error(request, f"“{collection.title}” is the only collection you study: add another one "
                                    f"before you remove it.")
            return redirect("authoring:collection", key=key)
    try:
        settings_update(user=request.user, values={"collections": keys})
    except ValidationError as error:
        messages.error(request, "; ".join(m for messages_ in error.message_dict.values() for m in messages_))
    else:
        messages.success(request, done)
    return redirect("authoring:collection", key=key)


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
    if form.is_valid() and form.cleaned_data["username"].pk == collection.owner_id:
        form.add_error("username", "you own this collection: owners edit it already")
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
    try:
        collection_transfer(collection=collection, by=request.user, owner=heir)
    except OverLimit as error:  # the heir owns the most collections one user may
        messages.error(request, str(error))
        return redirect("authoring:collection", key=key)
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
        try:
            source = source_create(collection=collection, by=request.user, title=data["title"], text=data["text"],
                                   author=data.get("author") or "", year=data.get("year"))
        except OverLimit as error:  # the collection's caps: its number of sources, its characters of text
            field = ("file" if data.get("uploaded") or request.FILES.get("file") else "text") \
                if error.field == "text" else None
            form.add_error(field, str(error))
        else:
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
    undo = request.session.pop("undismiss", None) if can_edit and "undismiss" in request.session else None
    context["undismiss"] = undo if undo and undo.get("source") == row.key else None
    if can_edit:
        people = list(Person.objects.filter(collection=collection).only("key", "name", "aliases").order_by("name"))
        works = list(Work.objects.filter(collection=collection).only("key", "title", "aliases").order_by("title"))
        events = list(Event.objects.filter(collection=collection)
                      .only("key", "when", "description", "date", "precision", "end").order_by("date", "key"))
        known = {}
        for kind, facts, label in (("person", people, "name"), ("work", works, "title")):
            for fact in facts:
                for name in (getattr(fact, label), *fact.aliases):
                    known.setdefault((kind, name), fact.key)
        dismissed = DismissedSuggestion.objects.keys_for(row)
        candidates = [c for c in suggest(row.text, known_people=[n for k, n in known if k == "person"],
                                         known_works=[n for k, n in known if k == "work"])
                      if DismissedSuggestion.key_of(c.kind, c.text, c.quote) not in dismissed]
        already = _already(row, people, works, events)
        context.update({
            "existing": [(KINDS[kind], [(f"{kind}:{f.key}", fact_label(kind, f)) for f in facts])
                         for kind, facts in (("person", people), ("work", works), ("event", events))],
            "suggestions": [(c, known.get((c.kind, c.known)) if c.known else None,
                             already(c, known.get((c.kind, c.known)) if c.known else None))
                            for c in candidates[:SUGGESTIONS_SHOWN]],
            "more_suggestions": max(0, len(candidates) - SUGGESTIONS_SHOWN),
            "has_facts": bool(people or works or events),
        })
    return render(request, "authoring/reader.html", context)


def _already(source, people, works, events):
    """A function telling whether a suggestion is already a fact: (kind, key, label) of that fact, or None.

    A known name or title whose fact already cites the suggestion's quote from this source; a new name or title
    whose quote a fact of its kind cites and whose words its name or title shares; a date whose date, precision
    and span an event already has. One query (this source's citations)."""
    cited = {"person": {}, "work": {}, "event": {}}
    for quote, person, work, event in Citation.objects.filter(source=source, idea__isnull=True).values_list(
            "quote", "person_id", "work_id", "event_id"):
        kind, pk = ("person", person) if person else ("work", work) if work else ("event", event)
        cited[kind].setdefault(pk, []).append(quote)
    by_kind = {"person": [(f, f.name) for f in people], "work": [(f, f.title) for f in works]}
    dated = {(str(e.date), e.precision, str(e.end) if e.end else None): e for e in events}

    def overlaps(quotes, quote):
        return any(q == quote or q in quote or quote in q for q in quotes)

    def already(candidate, known_key):
        if candidate.kind == "event":
            when = candidate.when
            event = dated.get((when.date, when.precision, when.end)) if when else None
            return ("event", event.key, fact_label("event", event)) if event else None
        words = set(fold(candidate.text).split())
        for fact, label in by_kind[candidate.kind]:
            if not overlaps(cited[candidate.kind].get(fact.pk, ()), candidate.quote):
                continue
            if fact.key == known_key or (not known_key and words & set(fold(" ".join([label, *fact.aliases])).split())):
                return candidate.kind, fact.key, label
        return None
    return already


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request, key, source):
    """Change a source's title, author, year or text (every quote citing it must stay in the new text)."""
    collection = _editable(request, key)
    row = get_object_or_404(Source.objects.filter(collection=collection), key=source)
    form = SourceEditForm(request.POST if request.method == "POST" else None, request.FILES or None,
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
        request.session["undismiss"] = {"source": row.key, "kind": kind, "text": text, "quote": quote}
    return redirect(f"{reverse('authoring:source', args=[key, source])}#suggestions")


@login_required
@require_POST
def suggestion_undismiss(request, key, source):
    """Undo a dismissal: the suggestion is shown again (the DismissedSuggestion row goes)."""
    collection = _editable(request, key)
    row = get_object_or_404(Source.objects.filter(collection=collection).defer("text"), key=source)
    kind, text, quote = (request.POST.get(name, "") for name in ("kind", "text", "quote"))
    if DismissedSuggestion.objects.restore(source=row, kind=kind, text=text, quote=quote):
        messages.success(request, f"Suggestion back: {text}.")
    return redirect(f"{reverse('authoring:source', args=[key, source])}#suggestions")


@require_safe
def quote_to_fact(request, key):
    """"Add this quote to an existing fact" from the reader: to that fact's page, its quote form filled in."""
    collection = collection_for(request.user, key)
    kind, _, fact = request.GET.get("fact", "").partition(":")
    if kind not in KINDS or not fact:
        messages.error(request, "Choose the fact to add the quote to.")
        source = Source.objects.filter(collection=collection, key=request.GET.get("source", "")).first()
        back = reverse("authoring:source", args=[key, source.key]) if source else reverse(
            "authoring:collection", args=[key])  # never a URL built from whatever the query string holds
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
    precision = ((data or {}).get("precision") or (initial or {}).get("precision") or "") if kind == "event" else ""
    formset = citation_formset(kind, extra=extra)(data, initial=citations, sources=sources, prefix="cite",
                                                  fact_precision=precision)
    return form, formset, sources


# The cards of a fact as a writer knows them (preview: "Cards it does not make").
CARD_NAMES = {
    "person_who": "“Who was …?” (the name asked for the description)",
    "person_reverse": "“Who is this?” (the description asked for the name)",
    "work_author": "“Who wrote …?”",
    "work_year": "“When was … published?”",
    "work_kind": "“What kind of work is …?”",
    "work_reverse": "The title asked from its author, kind and year",
    "event_when": "“When did it happen?”",
    "event_reverse": "“What happened then?” (the date asked for the event)",
    "event_dispute": "“What do the sources say about …?”",
    "cloze": "A quote with a word to fill in",
}


def _quoted(message):
    """The first quoted words of a rule's message ('Agnes Pellow'), or ""."""
    found = re.search(r"'([^']+)'|\"([^\"]+)\"", message)
    return (found.group(1) or found.group(2)) if found else ""


def rule_text(rule: str, message: str) -> str:
    """A card rule broken, said in plain words: what it means and what to change (cards.rules' codes)."""
    named = _quoted(message)
    if rule == "cross_leak":
        return (f"This card's prompt names “{named}”, which another card asks for: a learner who sees one learns the "
                f"other's answer. Reword the description so it does not name “{named}”, or accept it.")
    if rule == "leak" and "states a year" in message:
        return ("The description states a year, so the card asking when it happened gives its own answer away. "
                "Take the year out of the description.")
    if rule == "leak" and "names the work" in message:
        return ("The description contains the title, so the card showing the description gives the title away. "
                "Describe the work without its title.")
    if rule == "leak":
        answer = message.rpartition(": ")[2].split(", ")[0]
        return (f"This card's prompt contains its own answer (“{answer}”). Reword the description so it does not "
                f"contain “{answer}”, or accept it.")
    texts = {
        "artefact": f"The name or title “{named}” has stray characters (brackets, digits or quotes). "
                    "Write it as plain words.",
        "meta_description": "The description says where the name appears, not who the person was. "
                            "Say who they were: “a rockman who led the men at the quarry”.",
        "significance": "This card belongs to a fact marked as a mention, which gets no cards. "
                        "Mark it core or context.",
        "shared_prompt": "Another card asks exactly the same question, so a learner cannot tell which answer is "
                         "wanted. Make the description more specific.",
        "no_answer": "This card has nothing to accept as its answer. Fill in the field it asks about.",
        "unclear": "The prompt would read unclearly (a raw bracket, or “he” before anyone is named). "
                   "Reword the text it is made from.",
        "cloze_undetermined": "In the quote with a word to fill in, other words would fit the blank too. "
                              "Cite a passage that pins the word down.",
        "default_answer": "Too many cards of this kind have the same answer, so a learner could guess it. "
                          "Add facts with other answers, or accept it.",
        "date_precision": "The date card would accept answers more exact than the date you gave. "
                          "Check the date and its precision.",
        "date_period": "The date does not fit the periods the card is filed under. Check the date.",
    }
    return texts.get(rule, "This card breaks a card rule. Check the fact's fields, or accept it.")


def _service_error(form, formset, error: InvalidFact):
    """An InvalidFact on the field it names: a fact field, or the citations."""
    field = error.field if error.field in form.fields else None
    if error.field in ("citations", "quote", "source") or error.field.startswith("claim"):
        formset._non_form_errors = formset.error_class([str(error)], error_class="nonform")
    else:
        form.add_error(field, str(error) if field else f"{error.field}: {error}")


TWIN_FIELDS = {"person": ("name",), "work": ("title",), "event": ("date", "description")}


def _twin(collection, kind, fields, citations):
    """The collection's fact identical to the one about to be saved (same name, title, or date and description, and
    the same quotes): a form sent twice (a second click, a reload) finds it rather than making a copy under key-2."""
    quotes = [(c["source"], c["quote"]) for c in citations]
    for fact in FACT_MODELS[kind].objects.filter(collection=collection,
                                                 **{name: fields.get(name) for name in TWIN_FIELDS[kind]}):
        if [(c["source"], c["quote"]) for c in fact_values(fact)[1]] == quotes:
            return fact
    return None


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
            for violation in preview.violations:
                violation["text"] = rule_text(violation["rule"], violation["message"])
            for dropped in preview.dropped:
                dropped["label"] = CARD_NAMES.get(dropped["kind"], "A card")
            return preview, None
        if key is None:
            fact = _twin(collection, kind, fields, citations) or services.fact_author(**args)[0]
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
    if kind == "event" and cite["quote"] and not (initial.get("when") or initial.get("date")):
        found = first_date(cite["quote"])  # the reader's date finder, as accepting a date suggestion does
        if found is not None:
            words, when = found
            initial.update({"when": words, "date": when.date, "precision": when.precision})
            if when.end:
                initial["end"] = when.end
    form, formset, sources = _fact_forms(request, collection, kind, data=request.POST or None, initial=initial,
                                         citations=[cite] if any(cite.values()) else None)
    preview, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            preview, fact = _preview_or_save(request, collection, kind, form, formset)
            if fact is not None:
                messages.success(request, f"Saved. The {info.label.lower()} and its cards are ready to study.")
                return redirect("authoring:fact", key=key, kind=kind, fact=fact.key)
            status = 200 if preview is not None else 400
    return render(request, "authoring/fact_form.html", {
        "collection": collection, "kind": info, "form": form, "formset": formset, "preview": preview,
        "has_sources": bool(sources), "source": cite["source"]}, status=status)


def _day(value):
    return value if isinstance(value, dt.date) or value is None else dt.date.fromisoformat(value)


def when_label(event) -> str:
    """An event's date as it reads, a span once: "1889 to 1891", or "1889 (to 1891)" only when "when" does not
    already say where it ends."""
    if event.end is None:
        return event.when
    end = _day(event.end)
    if str(end.year) in event.when:
        return event.when
    return f"{event.when} (to {when_text(end, 'year' if event.precision == 'decade' else event.precision)})"


def claim_text(claim: dict) -> str:
    """What a source states differently, as it reads: "1840 (year)", "the year 1817", "the description “…”"."""
    parts = []
    if claim.get("date") or claim.get("when"):
        date, precision = _day(claim.get("date")), claim.get("precision") or "year"
        when = claim.get("when") or (when_text(date, precision, _day(claim.get("end"))) if date else "")
        end = _day(claim.get("end"))
        if end is not None and str(end.year) not in when:
            when += f" (to {when_text(end, 'year' if precision == 'decade' else precision)})"
        parts.append(f"{when} ({precision})")
    if claim.get("year") not in (None, ""):
        parts.append(f"the year {claim['year']}")
    if claim.get("description"):
        parts.append(f"the description “{claim['description']}”")
    return "; ".join(parts)


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
    for citation in row.citations.all():
        citation.claim_text = claim_text(citation.claim) if citation.claim else ""
    context = {"collection": collection, "kind": info, "fact": row, "label": fact_label(kind, row),
               "when_label": when_label(row) if kind == "event" else "",
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
                    messages.success(request, "Saved. Its cards were updated; everyone's progress on them is kept.")
                    return redirect("authoring:fact", key=key, kind=kind, fact=row.key)
                context["preview"] = preview
                status = 200 if preview is not None else 400
        quote_form = citation_form(kind)(initial={name: request.GET.get(name, "") for name in ("source", "quote")},
                                         sources=sources, prefix="quote",
                                         fact_precision=getattr(row, "precision", ""))
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
    form = citation_form(kind)(request.POST, sources=sources, prefix="quote",
                               fact_precision=getattr(row, "precision", ""))
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
            claim = f"claim_{error.field.removeprefix('claim.')}"
            form.add_error(claim if claim in form.fields else "quote" if error.field in ("citations", "quote")
                           else None, str(error))
        else:
            messages.success(request, "Quote added. Its cards were updated; everyone's progress on them is kept.")
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
