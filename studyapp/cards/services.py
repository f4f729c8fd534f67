"""Writes to the card table: sync_cards, called by load_facts after every load (bench_seed also writes cards)."""

import datetime as dt

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from studyapp.cards.generation import Cite, EventFact, PersonFact, Version, WorkFact, generate_cards
from studyapp.cards.models import Card
from studyapp.facts.models import Citation, Event, Person, Work

SYNCED_FIELDS = ("fact_type", "fact_key", "kind", "deck", "prompt", "answer", "accepted", "topics", "citations",
                 "disputed", "weight", "intro_rank")


def _versions(fact):
    return tuple(
        Version(values=values, cites=tuple(Cite(c.source.key, c.source.title, c.quote) for c in cites))
        for values, cites in fact.versions()
    )


def fact_snapshots():
    """The fact base as plain, immutable snapshots for the pure generator (a fixed number of queries)."""
    cites = Prefetch("citations", queryset=Citation.objects.select_related("source"))
    events = list(Event.objects.prefetch_related(cites, "people"))
    years_of = {}
    for event in events:
        for person in event.people.all():
            years_of.setdefault(person.pk, set()).add(event.date.year)
    people = [
        PersonFact(key=p.key, name=p.name, aliases=tuple(p.aliases), description=p.description,
                   versions=_versions(p), years=tuple(sorted(years_of.get(p.pk, ()))), weight=p.weight,
                   roles=tuple(p.roles), dispute_note=p.dispute_note)
        for p in Person.objects.prefetch_related(cites)
    ]
    works = [
        WorkFact(key=w.key, title=w.title, aliases=tuple(w.aliases), kind=w.kind, year=w.year,
                 author=w.author.name if w.author else None,
                 author_aliases=tuple(w.author.aliases) if w.author else (), versions=_versions(w),
                 weight=w.weight, description=w.description, coauthors=tuple(c.name for c in w.coauthors.all()),
                 dispute_note=w.dispute_note, author_key=w.author.key if w.author else None)
        for w in Work.objects.select_related("author").prefetch_related(cites, "coauthors")
    ]
    event_facts = [
        EventFact(key=e.key, when=e.when, date=e.date, precision=e.precision, description=e.description,
                  versions=tuple(Version(values={**v.values, "date": _as_date(v.values["date"]),
                                                 "end": _as_date(v.values.get("end"))}, cites=v.cites)
                                 for v in _versions(e)),
                  weight=e.weight, end=e.end, topic=e.topic, dispute_note=e.dispute_note)
        for e in events
    ]
    return people, works, event_facts


def _as_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


@transaction.atomic
def sync_cards(*, now=None) -> dict:
    """Make the card table match the fact base: create, update in place by key, retire what is gone.

    Cards are never deleted: a retired card keeps every user's review history and comes back to life,
    progress intact, if its fact returns.
    """
    now = now or timezone.now()
    specs = {spec.key: spec for spec in generate_cards(*fact_snapshots())}
    existing = {card.key: card for card in Card.objects.all()}
    counts = {"created": 0, "updated": 0, "retired": 0, "unchanged": 0}

    to_create, to_update = [], []
    for key, spec in specs.items():
        card = existing.get(key)
        if card is None:
            to_create.append(Card(key=key, created_at=now, updated_at=now, sibling_key=spec.sibling_key,
                                  **{name: getattr(spec, name) for name in SYNCED_FIELDS}))
            continue
        changed = [name for name in SYNCED_FIELDS if getattr(card, name) != getattr(spec, name)]
        if changed or card.retired:
            for name in changed:
                setattr(card, name, getattr(spec, name))
            card.retired = False
            card.updated_at = now
            to_update.append(card)
        else:
            counts["unchanged"] += 1
    Card.objects.bulk_create(to_create, batch_size=500)
    Card.objects.bulk_update(to_update, [*SYNCED_FIELDS, "retired", "updated_at"], batch_size=500)
    counts["created"], counts["updated"] = len(to_create), len(to_update)
    counts["retired"] = (
        Card.objects.filter(retired=False).exclude(key__in=list(specs)).update(retired=True, updated_at=now)
    )
    return counts
