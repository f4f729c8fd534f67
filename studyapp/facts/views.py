"""Explore the facts: the timeline, people, works, events, sources, periods and search.

Public pages, like the card browser; a signed-in user also sees their own mastery of each fact (never
anyone else's) and can study or quiz on exactly that part. Events are addressed by their key, a slug as
stable as a person's or a work's: a primary key could change when the base is reloaded, the key cannot.
Every page makes a fixed number of queries whatever the size of the base (tests/test_explore.py).
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from studyapp.facts import selectors, timeline
from studyapp.facts.mastery import DECKS, EMPTY, LEVELS, UNSTUDIED, combine, mastery_for
from studyapp.facts.models import Event, Person, Source, Work
from studyapp.refs import ref, ref_of


def _mastery(request, keys):
    """The signed-in user's own mastery of these facts, or None for a visitor (nothing is shown)."""
    if not request.user.is_authenticated:
        return None
    return mastery_for(request.user, timezone.now(), keys)


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
    people = list(Person.objects.values_list("key", "name"))
    works = list(Work.objects.values_list("key", "title"))
    events = Event.objects.prefetch_related(selectors._citations_prefetch(), "people", "works")
    person, work = request.GET.get("person", "").strip(), request.GET.get("work", "").strip()
    filters = []
    if person:
        name = dict(people).get(person)
        if name is None:
            raise Http404("no such person")
        events, filters = events.filter(people__key=person), [*filters, name]
    if work:
        title = dict(works).get(work)
        if title is None:
            raise Http404("no such work")
        events, filters = events.filter(works__key=work), [*filters, title]
    events = list(events.distinct())
    # Knowing an event is knowing it and the people and works in it: a dot is coloured by all their cards,
    # so studying Serge's people and books colours the timeline too (many events have no card of their own).
    involved = {e.key: [ref_of(e), *map(ref_of, e.people.all()), *map(ref_of, e.works.all())] for e in events}
    per_key = _mastery(request, {k for keys in involved.values() for k in keys})
    marks = []
    for event in events:
        mastery = combine(per_key, involved[event.key]) if per_key is not None else None
        marks.append(timeline.mark_of(event, css=mastery.css if mastery else "m-none",
                                      note=mastery.describe() if mastery else ""))
    first, last = timeline.span_years(marks)
    what = f"{len(marks)} event{'s' if len(marks) != 1 else ''}" + (f" with {' and '.join(filters)}" if filters else "")
    overview = {layout.name: timeline.overview_svg(marks, title=f"Timeline, {first}–{last}: {what}", layout=layout)
                for layout in timeline.LAYOUTS}
    selected = request.GET.get("period", "")
    periods = []
    for period in timeline.PERIODS:
        inside = [m for m in marks if m.period == period.slug]
        if not inside:
            continue
        start, end = timeline.period_span(period, inside)
        periods.append({
            "period": period, "marks": sorted(inside, key=lambda m: (m.start, m.key)),
            "svg": {layout.name: timeline.zoom_svg(inside, first_year=start, last_year=end, period=period.slug,
                                                   title=f"{period.label}: {len(inside)} events", layout=layout)
                    for layout in timeline.LAYOUTS},
            "mastery": None if per_key is None else combine(per_key, {k for m in inside for k in involved[m.key]}),
        })
    return render(request, "facts/timeline.html", {
        "overview": overview, "periods": periods, "selected": selected if selected in timeline.BY_SLUG else "",
        "people": people, "works": works, "person": person, "work": work, "filters": filters, "what": what,
        "count": len(marks), "signed_in": per_key is not None, "legend": _legend(),
    })


@require_safe
def person_list(request):
    people = list(Person.objects.all())
    per_key = _mastery(request, [ref_of(p) for p in people])
    return render(request, "facts/list.html", {"title": "People", "kind": "person", "items": _pairs(
        people, "person", per_key), "signed_in": per_key is not None, "legend": _legend()})


@require_safe
def work_list(request):
    works = list(Work.objects.select_related("author"))
    per_key = _mastery(request, [ref_of(w) for w in works])
    return render(request, "facts/list.html", {"title": "Works", "kind": "work", "items": _pairs(
        works, "work", per_key), "signed_in": per_key is not None, "legend": _legend()})


@require_safe
def source_list(request):
    return render(request, "facts/sources.html", {"sources": Source.objects.all()})


@require_safe
def person_detail(request, slug):
    person = selectors.person_page(slug)
    works, events = list(person.works.all()), list(person.events.all())
    keys = [ref_of(person), *map(ref_of, works), *map(ref_of, events)]
    per_key = _mastery(request, keys)
    return render(request, "facts/person.html", {
        "person": person, "versions": _versions(person, "description"), **_dispute(person),
        "works": _pairs(works, "work", per_key),
        "events": _pairs(events, "event", per_key), "signed_in": per_key is not None,
        **_scoped(per_key, ref_of(person), person.name, [keys[0]]),
    })


@require_safe
def work_detail(request, slug):
    work = selectors.work_page(slug)
    events = list(work.events.all())
    keys = [ref_of(work), *map(ref_of, events)]
    if work.author:
        keys.append(ref_of(work.author))
    per_key = _mastery(request, keys)
    return render(request, "facts/work.html", {
        "work": work, "versions": _versions(work, "year"), **_dispute(work), "events": _pairs(events, "event", per_key),
        "author": _pairs([work.author], "person", per_key)[0] if work.author else None,
        "signed_in": per_key is not None, **_scoped(per_key, ref_of(work), work.title, [keys[0]]),
    })


@require_safe
def event_detail(request, slug):
    event = selectors.event_page(slug)
    people, works = list(event.people.all()), list(event.works.all())
    keys = [ref_of(event), *map(ref_of, people), *map(ref_of, works)]
    per_key = _mastery(request, keys)
    mark = timeline.mark_of(event)
    return render(request, "facts/event.html", {
        "event": event, "mark": mark, **_dispute(event),
        "versions": _versions(event, "description" if event.topic else "when"),
        "period": timeline.BY_SLUG[mark.period],
        "people": _pairs(people, "person", per_key), "works": _pairs(works, "work", per_key),
        "signed_in": per_key is not None, **_scoped(per_key, ref_of(event), event.when, [keys[0]]),
    })


@require_safe
def source_detail(request, key):
    source, citations = selectors.source_page(key)
    keys = {ref_of(getattr(c, kind)) for c in citations for kind in ("person", "work", "event")
            if getattr(c, f"{kind}_id")}
    per_key = _mastery(request, keys)
    rows = []
    for citation in citations:
        fact = citation.fact
        kind = "person" if citation.person_id else "work" if citation.work_id else "event"
        rows.append({"citation": citation, "kind": kind, "fact": fact,
                     "mastery": None if per_key is None else per_key.get(ref(kind, fact.key), EMPTY)})
    return render(request, "facts/source.html", {
        "source": source, "rows": rows, "signed_in": per_key is not None,
        **_scoped(per_key, f"source:{source.key}", source.title, keys),
    })


@require_safe
def period_detail(request, slug):
    period = timeline.BY_SLUG.get(slug)
    if period is None:
        raise Http404("no such period")
    events, works, people = selectors.period_members(period)
    keys = [*map(ref_of, events), *map(ref_of, works), *map(ref_of, people)]
    per_key = _mastery(request, keys)
    decks = None
    if per_key is not None:
        decks = [(deck, combine(per_key, (k for k in keys if k.startswith(prefix))))
                 for deck, prefix in zip(DECKS, ("person:", "work:", "event:"), strict=True)]
    return render(request, "facts/period.html", {
        "period": period, "events": _pairs(events, "event", per_key), "works": _pairs(works, "work", per_key),
        "people": _pairs(people, "person", per_key), "decks": decks, "signed_in": per_key is not None,
        "periods": timeline.PERIODS, "legend": _legend(), **_scoped(per_key, f"period:{slug}", period.label, keys),
    })


@require_safe
def search_page(request):
    query = request.GET.get("q", "").strip()[:200]
    hits = selectors.search(query) if query else []
    return render(request, "facts/search.html", {"q": query, "hits": hits})
