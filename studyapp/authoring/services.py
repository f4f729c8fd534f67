"""Authoring writes (issue 21): facts and sources written into a collection by its owner or an editor, and the
collection's cards regenerated at once by the same generator and rules as load_facts (cards.services.sync_cards), so
the editor's cards are in that collection's study queue. Each write is one transaction: a refused one changes nothing.

Progress survives edits because a card's key is its fact's key and its kind, never its text: an edited fact keeps its
key, so sync_cards updates its cards in place and every user's review state (keyed by the card) stays; a removed
fact's cards are retired, never deleted, and come back to life, progress intact, if a fact with that key returns.
The interfaces are notes/issue-21-authoring-interfaces.md.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from studyapp.cards import generation as g
from studyapp.cards import text
from studyapp.cards.generation import generate_cards
from studyapp.cards.models import Card, collection_card_key
from studyapp.cards.rules import violations as card_violations
from studyapp.cards.selectors import fact_snapshots, idea_snapshots
from studyapp.cards.services import sync_cards
from studyapp.facts.models import Collection
from studyapp.facts.services import (
    FACT_MODELS,
    FactNotFound,
    NotAllowed,
    fact_create,
    fact_delete,
    fact_update,
    fact_values,
    source_delete,
    source_update,
)
from studyapp.quiz.selectors import forget_fact_pool
from studyapp.refs import ref


def fact_card_keys(collection, kind, key) -> list[str]:
    """The keys of a fact's live cards, in key order."""
    return list(Card.objects.filter(collection=collection, fact_type=kind, fact_key=key, retired=False)
                .order_by("key").values_list("key", flat=True))


def _sync(collection, now):
    """Regenerate the collection's cards; the quiz's cached distractor pool is dropped once the write commits."""
    counts = sync_cards(collection=collection, now=now)
    transaction.on_commit(lambda: forget_fact_pool(collection.pk))
    return counts


def fact_author(*, collection: Collection, by, kind: str, fields: dict, citations: list[dict], now=None):
    """Write a person, work or event (facts.services.fact_create: the fixture loader's validation, quotes verbatim
    in the stored source texts), then regenerate the collection's cards. Returns (the fact, the keys of its live
    cards). Raises facts.services.NotAllowed or InvalidFact."""
    with transaction.atomic():
        fact = fact_create(collection=collection, by=by, kind=kind, fields=fields, citations=citations)
        _sync(collection, now)
    return fact, fact_card_keys(collection, kind, fact.key)


def fact_edit(*, collection: Collection, by, kind: str, key: str, fields: dict, citations: list[dict], now=None):
    """Replace a fact's fields and all its citations (facts.services.fact_update; its key never changes), then
    regenerate the collection's cards: the fact's cards keep their keys, so every learner's progress on them stays.
    Returns (the fact, the keys of its live cards). Raises NotAllowed, FactNotFound or InvalidFact."""
    with transaction.atomic():
        fact = fact_update(collection=collection, by=by, kind=kind, key=key, fields=fields, citations=citations)
        _sync(collection, now)
    return fact, fact_card_keys(collection, kind, fact.key)


def fact_remove(*, collection: Collection, by, kind: str, key: str, now=None) -> int:
    """Remove a fact (refused with FactInUse while another fact refers to it) and retire the cards no longer made:
    its own, and any other card its absence changes. Returns how many cards were retired."""
    with transaction.atomic():
        fact_delete(collection=collection, by=by, kind=kind, key=key)
        return _sync(collection, now)["retired"]


def quote_add(*, collection: Collection, by, kind: str, key: str, source: str, quote: str, claim=None, now=None):
    """One more citation on an existing fact, after its others (a disputed version when `claim` gives the fields
    this source states differently, e.g. {"year": 1938}). Returns (the fact, the keys of its live cards)."""
    if not collection.can_edit(by):
        raise NotAllowed("only the collection's owner and editors change facts")
    fact = FACT_MODELS[kind].objects.filter(collection=collection, key=key).first()
    if fact is None:
        raise FactNotFound(f"no {kind} {key!r} in this collection")
    fields, citations = fact_values(fact)
    citations.append({"source": source, "quote": quote, "claim": claim or {}})
    return fact_edit(collection=collection, by=by, kind=kind, key=key, fields=fields, citations=citations, now=now)


# --- preview: the cards a fact would make, and the rules it would break ------------------------------------------

@dataclass
class Preview:
    """What saving a fact would make: `cards` [{key, kind, deck, prompt, answer}], `violations` [{card (a card key,
    or "" for a rule about the fact itself), rule, message}], `dropped` [{kind, reason}] for the card kinds it does
    not get, and `key`, the fact's key (a new fact's is the one a save would give it now)."""

    key: str
    cards: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    dropped: list = field(default_factory=list)


class _Rollback(Exception):
    """Leaves the preview's savepoint, undoing its write, carrying the preview out."""

    def __init__(self, preview):
        self.preview = preview


def _generated(collection):
    people, works, events = fact_snapshots(collection)
    ideas = idea_snapshots(collection)  # a collection loaded from fixtures may hold ideas: they share its rules
    specs = generate_cards(people, works, events, ideas)
    return (people, works, events), specs, card_violations(specs, people, works, events, ideas)


def fact_preview(*, collection: Collection, by, kind: str, fields: dict, citations: list[dict], key=None) -> Preview:
    """The cards a new fact (`key` None) or an edit of fact `key` would make, and every card rule it would break,
    computed by doing the write (the same validation, InvalidFact as a save would raise) and generating the
    collection's cards in a savepoint that is then rolled back: the preview can never disagree with the save, and
    nothing is kept (no fact, no card, no history row). Violations: those of the fact and its cards, and any the
    write adds to other cards (e.g. a prompt that now names this fact's answer)."""
    try:
        with transaction.atomic():
            before = {(v.card, v.rule, v.message) for v in _generated(collection)[2]}
            if key is None:
                fact = fact_create(collection=collection, by=by, kind=kind, fields=fields, citations=citations)
            else:
                fact = fact_update(collection=collection, by=by, kind=kind, key=key, fields=fields,
                                   citations=citations)
            snapshots, specs, found = _generated(collection)
            raise _Rollback(_preview(collection, kind, fact.key, snapshots, specs, found, before))
    except _Rollback as done:
        return done.preview


def _preview(collection, kind, key, snapshots, specs, found, before) -> Preview:
    own = ref(kind, key)
    mine = sorted((s for s in specs if s.sibling_key == own), key=lambda s: s.key)
    mine_keys = {s.key for s in mine}
    violations = [
        {"card": "" if v.card == own else collection_card_key(collection.key, v.card), "rule": v.rule,
         "message": v.message}
        for v in found if v.card == own or v.card in mine_keys or (v.card, v.rule, v.message) not in before
    ]
    people, works, events = snapshots
    fact = next(f for f in {"person": people, "work": works, "event": events}[kind] if f.key == key)
    return Preview(
        key=key,
        cards=[{"key": collection_card_key(collection.key, s.key), "kind": s.kind, "deck": s.deck, "prompt": s.prompt,
                "answer": s.answer} for s in mine],
        violations=violations,
        dropped=_dropped(kind, fact, {s.kind for s in mine}, snapshots),
    )


LATER_DROP = ("made, then dropped: another card asks the same question, or its answer would answer more than a "
              "fifth of its kind's cards")
NO_CLOZE = "no quote of it makes a fair fill-in-the-blank (a whole sentence that names it and pins the blank down)"


def _default_authors(works) -> set:
    """The collection's main author, as generate_cards finds it: "Who wrote ...?" answered by them is not asked."""
    authors = Counter(g.author_names(w) for w in works if w.weight in g.WEIGHTS and w.author)
    total = sum(authors.values())
    return {name for name, n in authors.items() if n * g.DEFAULT_SHARE > total >= g.DEFAULT_SHARE}


def _person_reasons(person, snapshots):
    people, works, _ = snapshots
    names = [person.name, *person.aliases]
    descriptions = {v.values["description"] for v in person.versions} or {person.description}
    same = sum(text.fold(p.description) == text.fold(person.description) for p in people if p.weight in g.WEIGHTS)
    reverse = ("the sources describe the person differently" if len(descriptions) > 1
               else "the description names the person" if any(text.mentions(person.description, n) for n in names)
               else "another person has the same description" if same > 1
               else "the collection's main author is asked only “Who was …?”"
               if person.name in _default_authors(works) else LATER_DROP)
    reasons = {"person_who": "a one-word name is asked only the other way round (“Who was Natalia?” could be anyone)"
               if len(person.name.split()) < 2 else LATER_DROP, "person_reverse": reverse}
    if person.weight == "core":
        reasons["cloze"] = NO_CLOZE
    return reasons


def _work_reasons(work, snapshots):
    _, works, _ = snapshots
    signature = g.work_reverse_signature(work)
    shared = sum(g.work_reverse_signature(w) == signature for w in works if w.weight in g.WEIGHTS) > 1
    reasons = {
        "work_author": "no author given" if not work.author
        else "most works here are by this author: asked the other way round"
        if g.author_names(work) in _default_authors(works) else LATER_DROP,
        "work_reverse": "needs a description, or an author and one year" if signature is None
        else "another work has the same description (or the same kind, author and year)" if shared else LATER_DROP,
    }
    if work.weight == "core":
        reasons["cloze"] = NO_CLOZE
    return reasons


def _event_reasons(event, snapshots):
    events = [e for e in snapshots[2] if e.weight in g.WEIGHTS]
    versions = g._event_versions(event)
    descriptions = {v.get("description") or event.description for v in versions}
    if len(descriptions) > 1 and event.topic:
        when = "the sources give different accounts: shown on its page and the timeline, not asked"
    elif event.precision == "decade" and event.end is None:
        when = "a decade alone is guessed, not recalled: shown on the timeline only"
    else:
        when = LATER_DROP
    start, end = g.version_span(versions[0], event.precision)
    fitting = g.events_fitting(events)
    rendered = {g.format_date(v["date"], v["precision"], g._end(v)) for v in versions}
    if when != LATER_DROP:  # neither card is made
        reverse = when
    elif event.precision != "day":
        reverse = "only a day is asked the other way round (a month or a year holds too many happenings)"
    elif g.LIFE_EDGE.search(event.description):
        reverse = "a birth or a death is the default guess for a date: not asked the other way round"
    elif len(rendered) > 1 or len(event.versions) > 1:
        reverse = "the sources give different dates"
    elif any(fitting[("year", y)] > 1 for y in range(start.year, end.year + 1)):
        reverse = "another event falls in the same year: the date would not point at one event"
    else:
        reverse = LATER_DROP
    return {"event_when": when, "event_reverse": reverse}


REASONS = {"person": _person_reasons, "work": _work_reasons, "event": _event_reasons}


def _dropped(kind, fact, made, snapshots) -> list[dict]:
    """[{kind, reason}] for each card kind this fact could get and does not, with the generator's reason."""
    reasons = REASONS[kind](fact, snapshots)
    if fact.weight not in g.WEIGHTS:
        return [{"kind": card_kind, "reason": "weighted mention: a mention gets no cards of its own"}
                for card_kind in reasons]
    return [{"kind": card_kind, "reason": reason} for card_kind, reason in reasons.items() if card_kind not in made]


# --- sources -----------------------------------------------------------------------------------------------------

def source_edit(*, collection: Collection, by, key: str, values: dict, now=None):
    """Change a source's title, author, year or text (facts.services.source_update: a new text must still hold every
    quote citing it), then regenerate the collection's cards (a card shows its source's title)."""
    with transaction.atomic():
        source = source_update(collection=collection, by=by, key=key, values=values)
        _sync(collection, now)
    return source


def source_remove(*, collection: Collection, by, key: str) -> None:
    """Remove a source no fact cites (FactInUse while any does). No card changes: cards are made from citations,
    and none cites it."""
    source_delete(collection=collection, by=by, key=key)


# --- history -----------------------------------------------------------------------------------------------------

ACTIONS = {"+": "created", "~": "changed", "-": "removed"}
UNCHANGING = {"id", "collection", "key"}  # a history row's columns that are not the fact's content


def fact_history(*, collection: Collection, by, kind: str, key: str) -> list[dict]:
    """Who changed the fact when, newest first: [{when, user (username or None: a fixture load, a deleted account),
    action: created | changed | removed, changes: [field names, "citations", "people", ...]}], from its
    django-simple-history rows (a removed fact's too, and those of an earlier fact with the same key). Owners and
    editors only (NotAllowed); FactNotFound if the key never existed in the collection."""
    if not collection.can_edit(by):
        raise NotAllowed("only the collection's owner and editors see its history")
    history = FACT_MODELS[kind].history.model
    rows = list(history.objects.filter(collection_id=collection.pk, key=key).select_related("history_user")
                .order_by("history_date", "history_id"))
    if not rows:
        raise FactNotFound(f"no {kind} {key!r} in this collection")
    fields = [f for f in history.tracked_fields if f.name not in UNCHANGING]
    entries, previous, cited, linked = [], None, None, None
    for row in rows:
        changes = []
        if row.history_type == "~" and previous is not None:
            changes = [f.name for f in fields if getattr(row, f.attname) != getattr(previous, f.attname)]
            if row.history_citations is not None and cited is not None and row.history_citations != cited:
                changes.append("citations")
            if row.history_links is not None and linked is not None:
                changes += [name for name, keys in row.history_links.items() if keys != linked.get(name)]
        entries.append({"when": row.history_date, "user": row.history_user.username if row.history_user else None,
                        "action": ACTIONS[row.history_type], "changes": changes})
        previous = row
        cited = row.history_citations if row.history_citations is not None else cited
        linked = row.history_links if row.history_links is not None else linked
    return entries[::-1]
