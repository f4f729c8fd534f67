"""Reads of the fact base that more than one caller needs."""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from studyapp.facts import timeline as periods
from studyapp.facts.models import SERGE, Citation, Collection, Event, Idea, Person, Source, Work
from studyapp.refs import parse, ref
from studyapp.text import fold


def _citations(citations):
    return [{"source": c.source.key, "quote": c.quote} for c in citations]


def _citations_prefetch():
    return Prefetch("citations", queryset=Citation.objects.select_related("source"))


def in_collection(model, collection: str):
    """A fact model's rows in one collection (by key). The pages of the base (/people/..., /timeline/, search)
    read the Serge collection's: every read below takes the collection, Serge's by default."""
    return model.objects.filter(collection__key=collection)


def collection_for(user, key) -> Collection:
    """The collection `key` if `user` may study it (public, unlisted, or private and theirs to edit); else 404,
    the same for a private collection as for an unknown key."""
    return get_object_or_404(Collection.objects.studyable_by(user), key=key)


def shown_collection(user, params) -> Collection | None:
    """The collection an explore page was asked for with ?collection=KEY (collection_for's 404 rule), or None
    without the parameter: the page shows the Serge base as it always did."""
    key = (params.get("collection") or "").strip()
    return collection_for(user, key) if key else None


def export_fact_base(collection=None) -> dict:
    """One collection's facts (a Collection), or every collection's (None), in the export_facts shape; a disputed
    fact gives one entry per sourced version. Every collection's sources, people, works and events are listed
    collection by collection, each in its usual order; source keys as stored."""

    def of(model):
        rows = model.objects.filter(collection=collection) if collection is not None else model.objects.all()
        return rows.order_by("collection__key", *model._meta.ordering)

    people = of(Person).prefetch_related(_citations_prefetch())
    works = of(Work).select_related("author").prefetch_related(_citations_prefetch())
    events = of(Event).prefetch_related(_citations_prefetch(), "people")
    ideas = of(Idea).select_related("holder").prefetch_related(_citations_prefetch())
    # Exactly the contract's fields: weights, notes and spans stay in the fixtures, not in this shape. "ideas" came
    # after the contract (issue 14): a key of its own, in the same manner, so the contract's four are unchanged.
    return {
        "sources": [{"key": s.key, "title": s.title} for s in of(Source)],
        "people": [
            {"name": p.name, "aliases": p.aliases, "description": version["description"],
             "citations": _citations(cites)}
            for p in people for version, cites in p.versions()
        ],
        "works": [
            {"title": w.title, "aliases": w.aliases, "author": w.author.name if w.author else None,
             "year": version["year"], "kind": w.kind, "citations": _citations(cites)}
            for w in works for version, cites in w.versions()
        ],
        "events": [
            {"when": version["when"], "precision": version["precision"], "event": version["description"],
             "people": [p.name for p in e.people.all()], "citations": _citations(cites)}
            for e in events for version, cites in e.versions()
        ],
        "ideas": [
            {"holder": i.holder.name if i.holder else None, "question": i.question, "answer": i.answer,
             "aliases": i.aliases, "citations": _citations(i.citations.all())}
            for i in ideas
        ],
    }


# --- exploring the base: pages, search, scopes --------------------------------------------------------

def person_page(key, *, collection: str = SERGE) -> Person:
    """A person with their citations, works, events and ideas, in a fixed number of queries; 404 if unknown."""
    ideas = Prefetch("ideas", queryset=Idea.objects.prefetch_related(_citations_prefetch()))
    return get_object_or_404(
        in_collection(Person, collection).prefetch_related(_citations_prefetch(), "works", "events", ideas), key=key)


def work_page(key, *, collection: str = SERGE) -> Work:
    """A work with its author, citations and events; 404 if unknown."""
    works = in_collection(Work, collection).select_related("author")
    return get_object_or_404(works.prefetch_related(_citations_prefetch(), "events"), key=key)


def event_page(key, *, collection: str = SERGE) -> Event:
    """An event with its people, works and citations; 404 if unknown."""
    return get_object_or_404(
        in_collection(Event, collection).prefetch_related(_citations_prefetch(), "people", "works"), key=key)


@dataclass(frozen=True)
class Timeline:
    """The events a timeline shows, and what its filter form offers."""

    events: list[Event]  # with their citations, people and works
    people: list[tuple[str, str]]  # (key, name) of everyone, for the filter form
    works: list[tuple[str, str]]  # (key, title) of every work
    filters: list[str]  # the name and the title filtered by, person first


def timeline_events(*, person: str = "", work: str = "", collection: str = SERGE) -> Timeline:
    """Every dated event, or those with a person and/or a work (by key); 404 for a key that names nobody."""
    people = list(in_collection(Person, collection).values_list("key", "name"))
    works = list(in_collection(Work, collection).values_list("key", "title"))
    events = in_collection(Event, collection).prefetch_related(_citations_prefetch(), "people", "works")
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
    return Timeline(list(events.distinct()), people, works, filters)


def _source_text(key) -> str | None:
    directory = getattr(settings, "FACT_SOURCES_DIR", Path(settings.BASE_DIR).parent / "shared" / "sources")
    try:
        return (Path(directory) / Path(key).name).read_text(encoding="utf-8")
    except OSError:
        return None


def source_page(key, *, collection: str = SERGE):
    """(source, citations in the order their quotes appear in the source's text); 404 if unknown.

    The order comes from the source's text, stored (an uploaded source) or its file when it is on disk (quotes
    are verbatim, so find() places them); otherwise, and for a quote not found, from the order of the fixtures.
    """
    source = get_object_or_404(in_collection(Source, collection), key=key)
    citations = list(Citation.objects.filter(source=source).select_related("person", "work", "event", "idea__holder"))
    # An uploaded source keeps its text in the database; the Serge sources' texts are files.
    text = source.text or _source_text(source.key)
    if text is not None:
        def place(citation):
            at = text.find(citation.quote)
            return (at if at >= 0 else len(text), citation.position, citation.pk)
        citations.sort(key=place)
    return source, citations


@dataclass(frozen=True)
class Hit:
    kind: str  # person, work, event, idea
    key: str  # an idea's holder: an idea is shown on its holder's page (anchor: the idea's own key)
    label: str
    detail: str
    matched: str  # the name or alias that matched
    anchor: str = ""


def search(query, *, limit=50, collection: str = SERGE) -> list[Hit]:
    """People, works, events and ideas whose name, title, description, question, answer, aliases or author contain
    every word of the query.

    Matching is insensitive to case and accents; the base is small, so it is folded in Python in four
    queries whatever its size. Name and alias hits come before hits in a description.
    """
    words = fold(query).split()
    if not words:
        return []
    rows = []  # (kind, key, label, detail, names, author, text, anchor)
    for key, name, aliases, description in in_collection(Person, collection).values_list(
            "key", "name", "aliases", "description"):
        rows.append(("person", key, name, description, [name, *aliases], "", description, ""))
    for key, title, aliases, year, author in in_collection(Work, collection).values_list(
            "key", "title", "aliases", "year", "author__name"):
        detail = ", ".join(str(part) for part in (author, year) if part)
        rows.append(("work", key, title, detail, [title, *aliases], author or "", "", ""))
    for key, when, description, aliases in in_collection(Event, collection).values_list(
            "key", "when", "description", "aliases"):
        rows.append(("event", key, description, when, [*aliases], "", f"{when} {description}", ""))
    for key, question, answer, aliases, holder in in_collection(Idea, collection).values_list(
            "key", "question", "answer", "aliases", "holder__key"):
        rows.append(("idea", holder or "", question, answer, [answer, *aliases], "", question, key))
    hits = []
    for kind, key, label, detail, names, author, text, anchor in rows:
        named = next((n for n in names if all(w in fold(n) for w in words)), None)
        if named is not None:
            hits.append((0, Hit(kind, key, label, detail, named, anchor)))
        elif author and all(w in fold(author) for w in words):
            hits.append((1, Hit(kind, key, label, detail, "", anchor)))  # "Trotsky" lists his works next
        elif all(w in fold(text) for w in words):
            hits.append((2, Hit(kind, key, label, detail, "", anchor)))
    hits.sort(key=lambda item: (item[0], fold(item[1].label)))
    return [hit for _, hit in hits[:limit]]


def period_facts(*, collection: str = SERGE) -> dict[str, set[str]]:
    """Period slug → sibling keys of its facts: events dated in it, works published in it, and the people
    taking part in its events. Three queries whatever the size of the base. Every Serge period is a key; a
    collection grouped by decade (facts.timeline.grouping_for) has the decades that hold one of its facts."""
    grouping = periods.grouping_for(collection)
    found = defaultdict(set)
    for key, date in in_collection(Event, collection).values_list("key", "date"):
        found[grouping.slug_for_year(date.year)].add(ref("event", key))
    for key, year in in_collection(Work, collection).filter(year__isnull=False).values_list("key", "year"):
        found[grouping.slug_for_year(year)].add(ref("work", key))
    attended = Event.people.through.objects.filter(event__collection__key=collection)
    for date, person in attended.values_list("event__date", "person__key"):
        found[grouping.slug_for_year(date.year)].add(ref("person", person))
    if not grouping.named:
        return dict(found)
    return {period.slug: found.get(period.slug, set()) for period in grouping.named}


def collection_periods(collection: str = SERGE) -> list[periods.Period]:
    """The periods a collection's pages list: Serge's five, or the decades holding its events (one query)."""
    grouping = periods.grouping_for(collection)
    if grouping.named:
        return grouping.periods()
    return grouping.periods(d.year for d in in_collection(Event, collection).values_list("date", flat=True))


def period_members(period, *, collection: str = SERGE) -> tuple[list[Event], list[Work], list[Person]]:
    """The events, works and people of a period, as period_facts defines them (three queries)."""
    years = {}
    if period.start is not None:
        years["gte"] = period.start
    if period.end is not None:
        years["lte"] = period.end

    def within(field):
        return {f"{field}__{op}": value for op, value in years.items()}

    events = list(in_collection(Event, collection).filter(**within("date__year")))
    works = list(in_collection(Work, collection).filter(year__isnull=False, **within("year")).order_by("year", "title"))
    people = list(in_collection(Person, collection).filter(**within("events__date__year")).distinct())
    return events, works, people


def source_facts(source) -> set[str]:
    """Sibling keys of every fact cited from a source."""
    keys = set()
    for person, work, event, idea in Citation.objects.filter(source=source).values_list(
            "person__key", "work__key", "event__key", "idea__key"):
        keys.add(ref("person", person) if person else ref("work", work) if work else ref("event", event) if event
                 else ref("idea", idea))
    return keys


@dataclass(frozen=True)
class Scope:
    """What "Study this" or "Quiz me on this" is limited to."""

    param: str  # as it travels in links and forms: "person:victor-serge", "period:1917-1921", "source:…"
    label: str
    sibling_keys: frozenset


SCOPE_KINDS = ("person", "work", "event", "source", "period")


class UnknownScope(Http404):
    """The scope names nothing in the base (a 404 on pages; the API answers 400 naming `scope`)."""


def parse_scope(kind, key, *, collection: str = SERGE) -> Scope:
    """Resolve one scope to the sibling keys of its cards; raises UnknownScope."""
    param = ref(kind, key)
    if kind == "person":
        fact = in_collection(Person, collection).filter(key=key).values_list("name", flat=True).first()
    elif kind == "work":
        fact = in_collection(Work, collection).filter(key=key).values_list("title", flat=True).first()
    elif kind == "event":
        fact = in_collection(Event, collection).filter(key=key).values_list("description", flat=True).first()
    elif kind == "source":
        source = in_collection(Source, collection).filter(key=key).first()
        if source is None:
            raise UnknownScope(f"no source {key!r}")
        return Scope(param, source.title, frozenset(source_facts(source)))
    elif kind == "period":
        period = periods.grouping_for(collection).period(key)
        if period is None:
            raise UnknownScope(f"no period {key!r}")
        return Scope(param, period.label, frozenset(period_facts(collection=collection).get(key, ())))
    else:
        raise UnknownScope(f"choose one of {', '.join(SCOPE_KINDS)}")
    if fact is None:
        raise UnknownScope(f"no {kind} {key!r}")
    return Scope(param, fact, frozenset({param}))


def scope_from_params(params, *, collection: str = SERGE) -> Scope | None:
    """The scope a page was asked for: ?scope=person:victor-serge, or ?person= / ?work= / ?event= /
    ?source= / ?period=; None when there is none. Raises UnknownScope for one that names nothing in the
    collection (a scope names a fact of one collection: its sibling keys are that collection's refs)."""
    value = (params.get("scope") or "").strip()
    if value:
        return parse_scope(*parse(value), collection=collection)
    for kind in SCOPE_KINDS:
        key = (params.get(kind) or "").strip()
        if key:
            return parse_scope(kind, key, collection=collection)
    return None
