"""Reads for cards: the fact base as snapshots for the generator and the quiz, and the card browser's filter."""

import datetime as dt

from django.db import connection
from django.db.models import Prefetch, Q

from studyapp import rows
from studyapp.cards.generation import Cite, EventFact, IdeaFact, PersonFact, Version, WorkFact
from studyapp.cards.models import Card, CardKind, Deck, collection_card_key
from studyapp.facts.models import Citation, Collection, Event, Idea, Person, Visibility, Work
from studyapp.facts.selectors import Scope
from studyapp.topics import TOPICS


def scope_card_keys(scope: Scope, collection: str) -> set[str]:
    """The sibling keys of the cards a "Study this" / "Quiz me on this" scope of a collection (by key) covers: the
    scope names facts within the collection (facts.selectors.parse_scope), its cards' keys are prefixed for any
    collection but Serge's (collection_card_key)."""
    return {collection_card_key(collection, sibling) for sibling in scope.sibling_keys}


def _versions(fact):
    return tuple(
        Version(values=values, cites=tuple(Cite(c.source.key, c.source.title, c.quote) for c in cites))
        for values, cites in fact.versions()
    )


def fact_snapshots(collection=None):
    """The fact base (one collection's, given a Collection or its primary key; else every collection's) as
    plain, immutable snapshots for the pure generator (a fixed number of queries)."""
    cites = Prefetch("citations", queryset=Citation.objects.select_related("source"))

    def of(model):
        return model.objects.filter(collection=collection) if collection is not None else model.objects.all()

    events = list(of(Event).prefetch_related(cites, "people"))
    years_of = {}
    for event in events:
        for person in event.people.all():
            years_of.setdefault(person.pk, set()).add(event.date.year)
    people = [
        PersonFact(key=p.key, name=p.name, aliases=tuple(p.aliases), description=p.description,
                   versions=_versions(p), years=tuple(sorted(years_of.get(p.pk, ()))), weight=p.weight,
                   roles=tuple(p.roles), dispute_note=p.dispute_note)
        for p in of(Person).prefetch_related(cites)
    ]
    works = [
        WorkFact(key=w.key, title=w.title, aliases=tuple(w.aliases), kind=w.kind, year=w.year,
                 author=w.author.name if w.author else None,
                 author_aliases=tuple(w.author.aliases) if w.author else (), versions=_versions(w),
                 weight=w.weight, description=w.description, coauthors=tuple(c.name for c in w.coauthors.all()),
                 dispute_note=w.dispute_note, author_key=w.author.key if w.author else None)
        for w in of(Work).select_related("author").prefetch_related(cites, "coauthors")
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


def idea_snapshots(collection=None) -> list[IdeaFact]:
    """The ideas (one collection's, given a Collection or its primary key; else every collection's) as snapshots for
    the generator: fact_snapshots' fourth part, apart so its three-part shape stays (two queries)."""
    rows = Idea.objects.filter(collection=collection) if collection is not None else Idea.objects.all()
    cites = Prefetch("citations", queryset=Citation.objects.select_related("source"))
    return [IdeaFact(key=i.key, question=i.question, answer=i.answer, aliases=tuple(i.aliases), versions=_versions(i),
                     holder=i.holder.name if i.holder else None, weight=i.weight)
            for i in rows.select_related("holder").prefetch_related(cites)]


def _as_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def browse_cards(*, user, deck="", kind="", topic="", disputed=None, query=""):
    """Active cards of the collections listed for `user` (public ones, and their own and edited ones) matching the
    browse filters; unknown filter values match nothing rather than everything."""
    cards = Card.objects.active().listed_for(user)
    if deck:
        cards = cards.filter(deck=deck) if deck in Deck.values else cards.none()
    if kind:
        cards = cards.filter(kind=kind) if kind in CardKind.values else cards.none()
    if topic:
        # JSON "contains" is not on SQLite; the topic list is short, so a quoted-substring match is exact.
        cards = cards.filter(topics__icontains=f'"{topic}"') if topic in TOPICS else cards.none()
    if disputed is not None:
        cards = cards.filter(disputed=disputed)
    if query:
        cards = cards.filter(Q(prompt__icontains=query) | Q(answer__icontains=query) | Q(accepted__icontains=query))
    return cards.order_by("deck", "fact_key", "kind")


# Collection.objects.studyable_by in SQL (a condition on card `c`): public and unlisted collections, and private
# ones the user owns or edits. Card.objects.studyable_by is the same rule for the ORM.
STUDYABLE_SQL = """c.collection_id IN (SELECT k.id FROM {collection} k WHERE k.visibility <> %s OR k.owner_id = %s
    OR k.id IN (SELECT e.collection_id FROM {editors} e WHERE e.user_id = %s))"""


def active_card(card_id, user) -> Card | None:
    """The card with this id unless it is retired, unknown, or in a collection `user` may not reach (a private one
    not theirs: the same 404 as a missing card); one fixed statement, as it is read on every review and every
    next-card request (studyapp/rows.py says why)."""
    studyable = STUDYABLE_SQL.format(collection=Collection._meta.db_table,
                                     editors=Collection.editors.through._meta.db_table)
    sql = (f"SELECT {rows.columns(Card, 'c')} FROM {Card._meta.db_table} c WHERE c.id = %s AND NOT c.retired "
           f"AND {studyable}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [card_id, Visibility.PRIVATE.value, user.pk, user.pk])
        row = cursor.fetchone()
    return rows.instance(Card, row) if row else None
