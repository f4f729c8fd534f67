"""Exploring the facts with one's own mastery: the timeline, people, works, events, sources and periods.

Public pages, like the card browser; a signed-in user also sees their own mastery of each fact (never
anyone else's) and can study or quiz on exactly that part. Mastery is study data, so these pages live in
`study`, above `facts`, whose selectors and timeline drawing they call; the source list and search show
no mastery and stay in facts/views.py. Events are addressed by their key, a slug as stable as a person's
or a work's: a primary key could change when the base is reloaded, the key cannot.
Every page makes a fixed number of queries whatever the size of the base (tests/test_explore.py).

Each page shows the Serge base, or with ?collection=KEY that collection (404 unless the visitor may study it,
the same for a private collection as for an unknown key); its links then carry ?collection=KEY. Facts are named
by their plain refs ("person:x") within the collection shown; only the mastery lookup turns them into the
collection's card sibling keys (cards.models.collection_card_key: other collections' are prefixed).
"""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from studyapp.cards.models import collection_card_key
from studyapp.decks import DECK_OF, DECKS
from studyapp.facts import selectors, timeline
from studyapp.facts.models import SERGE, Collection, Person, Work
from studyapp.facts.selectors import in_collection
from studyapp.facts.views import collection_context
from studyapp.refs import parse, ref, ref_of
from studyapp.study.mastery import EMPTY, LEVELS, UNSTUDIED, combine, mastery_for


@dataclass(frozen=True)
class Shown:
    """The collection a page shows: `collection` is None without ?collection= (the Serge base, links unchanged)."""

    key: str
    collection: Collection | None

    @property
    def query(self) -> str:
        return f"?collection={self.key}" if self.collection else ""

    @property
    def grouping(self) -> timeline.Grouping:
        return timeline.grouping_for(self.key)

    def context(self) -> dict:
        return collection_context(self.collection)


def _shown(request) -> Shown:
    collection = selectors.shown_collection(request.user, request.GET)
    return Shown(collection.key if collection else SERGE, collection)


def _mastery(request, keys, shown: Shown):
    """The signed-in user's own mastery of these facts (refs within the collection shown), or None for a visitor
    (nothing is shown)."""
    if not request.user.is_authenticated:
        return None
    if shown.key == SERGE:
        return mastery_for(request.user, timezone.now(), keys)
    siblings = {collection_card_key(shown.key, key): key for key in keys}
    return {siblings[key]: mastery for key, mastery in mastery_for(request.user, timezone.now(), siblings).items()}


def _pairs(objects, kind, per_key):
    """[(object, its Mastery or None)] for a template."""
    return [(obj, None if per_key is None else per_key.get(ref(kind, obj.key), EMPTY)) for obj in objects]


def _scoped(per_key, param, label, keys):
    """What the "Study this" / "Quiz me on this" panel needs."""
    return {"scope": param, "scope_label": label,
            "scope_mastery": None if per_key is None else combine(per_key, keys)}


def _versions(fact, field):
    """[(the disputed field's value in this version, its citations)], main version first."""
    return [(values[field], citations) for values, citations in fact.versions()]


def _dispute(fact):
    """What the template says about differing versions: the question they answer, or why they differ."""
    return {"dispute_topic": getattr(fact, "topic", ""), "dispute_note": fact.dispute_note}


def _legend():
    return [(css, label) for _, css, label in LEVELS] + [UNSTUDIED]


@require_safe
def timeline_page(request):
    """Every dated event as SVG, grouped in periods, filtered by person or work; JS zooms into a period."""
    shown = _shown(request)
    person, work = request.GET.get("person", "").strip(), request.GET.get("work", "").strip()
    found = selectors.timeline_events(person=person, work=work, collection=shown.key)
    # Knowing an event is knowing it and the people and works in it: a dot is coloured by all their cards,
    # so studying Serge's people and books colours the timeline too (many events have no card of their own).
    involved = {e.key: [ref_of(e), *map(ref_of, e.people.all()), *map(ref_of, e.works.all())] for e in found.events}
    per_key = _mastery(request, {k for keys in involved.values() for k in keys}, shown)
    marks = []
    for event in found.events:
        mastery = combine(per_key, involved[event.key]) if per_key is not None else None
        marks.append(timeline.mark_of(event, css=mastery.css if mastery else "m-none",
                                      note=mastery.describe() if mastery else "", grouping=shown.grouping,
                                      query=shown.query))
    drawn = timeline.drawing(marks, filters=found.filters, grouping=shown.grouping)
    periods = [{"period": period, "marks": inside, "svg": svg,
                "mastery": None if per_key is None else combine(per_key, {k for m in inside for k in involved[m.key]})}
               for period, inside, svg in drawn.periods]
    selected = request.GET.get("period", "")
    return render(request, "facts/timeline.html", {
        "overview": drawn.overview, "periods": periods,
        "selected": selected if any(p["period"].slug == selected for p in periods) else "",
        "people": found.people, "works": found.works, "person": person, "work": work, "filters": found.filters,
        "what": drawn.what, "count": len(marks), "signed_in": per_key is not None, "legend": _legend(),
        **shown.context(),
    })


def _fact_list(request, *, title, kind, model):
    shown = _shown(request)
    rows = in_collection(model, shown.key)
    facts = list(rows.select_related("author") if model is Work else rows)
    per_key = _mastery(request, [ref_of(f) for f in facts], shown)
    return render(request, "facts/list.html", {"title": title, "kind": kind, "items": _pairs(
        facts, kind, per_key), "signed_in": per_key is not None, "legend": _legend(), **shown.context()})


@require_safe
def person_list(request):
    return _fact_list(request, title="People", kind="person", model=Person)


@require_safe
def work_list(request):
    return _fact_list(request, title="Works", kind="work", model=Work)


@require_safe
def person_detail(request, slug):
    shown = _shown(request)
    person = selectors.person_page(slug, collection=shown.key)
    works, events, ideas = list(person.works.all()), list(person.events.all()), list(person.ideas.all())
    keys = [ref_of(person), *map(ref_of, works), *map(ref_of, events), *map(ref_of, ideas)]
    per_key = _mastery(request, keys, shown)
    return render(request, "facts/person.html", {
        "person": person, "versions": _versions(person, "description"), **_dispute(person),
        "works": _pairs(works, "work", per_key), "ideas": _pairs(ideas, "idea", per_key),
        "events": _pairs(events, "event", per_key), "signed_in": per_key is not None,
        **_scoped(per_key, ref_of(person), person.name, [keys[0]]), **shown.context(),
    })


@require_safe
def work_detail(request, slug):
    shown = _shown(request)
    work = selectors.work_page(slug, collection=shown.key)
    events = list(work.events.all())
    keys = [ref_of(work), *map(ref_of, events)]
    if work.author:
        keys.append(ref_of(work.author))
    per_key = _mastery(request, keys, shown)
    return render(request, "facts/work.html", {
        "work": work, "versions": _versions(work, "year"), **_dispute(work), "events": _pairs(events, "event", per_key),
        "author": _pairs([work.author], "person", per_key)[0] if work.author else None,
        "signed_in": per_key is not None, **_scoped(per_key, ref_of(work), work.title, [keys[0]]),
        **shown.context(),
    })


@require_safe
def event_detail(request, slug):
    shown = _shown(request)
    event = selectors.event_page(slug, collection=shown.key)
    people, works = list(event.people.all()), list(event.works.all())
    keys = [ref_of(event), *map(ref_of, people), *map(ref_of, works)]
    per_key = _mastery(request, keys, shown)
    mark = timeline.mark_of(event, grouping=shown.grouping)
    return render(request, "facts/event.html", {
        "event": event, "mark": mark, **_dispute(event),
        "versions": _versions(event, "description" if event.topic else "when"),
        "period": shown.grouping.period(mark.period),
        "people": _pairs(people, "person", per_key), "works": _pairs(works, "work", per_key),
        "signed_in": per_key is not None, **_scoped(per_key, ref_of(event), event.when, [keys[0]]),
        **shown.context(),
    })


@require_safe
def source_detail(request, key):
    shown = _shown(request)
    source, citations = selectors.source_page(key, collection=shown.key)
    keys = {ref_of(c.fact) for c in citations}
    per_key = _mastery(request, keys, shown)
    rows = []
    for citation in citations:
        fact = citation.fact
        kind = fact._meta.model_name
        rows.append({"citation": citation, "kind": kind, "fact": fact,
                     "mastery": None if per_key is None else per_key.get(ref(kind, fact.key), EMPTY)})
    return render(request, "facts/source.html", {
        "source": source, "rows": rows, "signed_in": per_key is not None,
        **_scoped(per_key, ref("source", source.key), source.title, keys), **shown.context(),
    })


@require_safe
def period_detail(request, slug):
    shown = _shown(request)
    period = shown.grouping.period(slug)
    if period is None:
        raise Http404("no such period")
    events, works, people = selectors.period_members(period, collection=shown.key)
    keys = [*map(ref_of, events), *map(ref_of, works), *map(ref_of, people)]
    per_key = _mastery(request, keys, shown)
    decks = None
    if per_key is not None:
        decks = [(deck, combine(per_key, (k for k in keys if DECK_OF[parse(k)[0]] == deck))) for deck in DECKS]
    return render(request, "facts/period.html", {
        "period": period, "events": _pairs(events, "event", per_key), "works": _pairs(works, "work", per_key),
        "people": _pairs(people, "person", per_key), "decks": decks, "signed_in": per_key is not None,
        "periods": selectors.collection_periods(shown.key), "legend": _legend(),
        **_scoped(per_key, ref("period", slug), period.label, keys), **shown.context(),
    })
