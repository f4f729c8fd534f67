"""The one way tests and the benchmarks' seeds make Card rows (cards are otherwise only made by load_facts).

`card("person:victor-serge:person_who", prompt=...)` builds one, unsaved: its fact type, fact key, sibling key,
kind and deck follow from the card key, anything else can be given. `make_card` saves one, `make_cards` n.
"""

import datetime as dt

from studyapp.cards.generation import card_key
from studyapp.cards.models import Card
from studyapp.decks import DECK_OF
from studyapp.facts.models import serge_collection_id
from studyapp.refs import ref

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)  # created_at and updated_at unless given


def card(key: str, /, *, now: dt.datetime = NOW, collection_id: int | None = None, **fields) -> Card:
    """An unsaved card for `key` ("fact type:fact key:kind"); `fields` override any column, the key too. It is the
    Serge collection's unless `collection_id` says otherwise (give it when making many: it is a query)."""
    fact_type, fact_key, kind = key.split(":")
    assert card_key(fact_type, fact_key, kind) == key, key
    values = {"key": key, "fact_type": fact_type, "fact_key": fact_key, "sibling_key": ref(fact_type, fact_key),
              "kind": kind, "deck": DECK_OF[fact_type], "prompt": f"{kind} of {fact_key}?", "answer": fact_key,
              "created_at": now, "updated_at": now,
              "collection_id": collection_id if collection_id is not None else serge_collection_id()}
    return Card(**{**values, **fields})


def make_card(key: str, **fields) -> Card:
    """One saved card (see card())."""
    built = card(key, **fields)
    built.save()
    return built


def make_cards(n, *, deck="people", prefix="p", start=0, now: dt.datetime = NOW) -> list[Card]:
    """n saved "Who was p0?" cards, p{start} to p{start + n - 1}, each its own fact, in `deck` (in the Serge
    collection, looked up once)."""
    collection_id = serge_collection_id()
    return Card.objects.bulk_create(
        card(f"person:{prefix}{i}:person_who", now=now, deck=deck, prompt=f"Who was {prefix}{i}?",
             collection_id=collection_id,
             answer=f"answer {i}", accepted=[f"answer {i}"])
        for i in range(start, start + n)
    )
