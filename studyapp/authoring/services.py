"""Authoring writes (issue 21): a fact written into a collection by its owner or an editor, and its cards made at
once, by the same generator and rules as load_facts (cards.services.sync_cards over the collection), so the
editor's new cards are in that collection's study queue. One transaction: a refused fact changes nothing."""

from django.db import transaction

from studyapp.cards.models import Card
from studyapp.cards.services import sync_cards
from studyapp.facts.models import Collection
from studyapp.facts.services import fact_create
from studyapp.quiz.selectors import forget_fact_pool


def fact_author(*, collection: Collection, by, kind: str, fields: dict, citations: list[dict], now=None):
    """Write a person, work or event (facts.services.fact_create: the fixture loader's validation, quotes verbatim
    in the stored source texts), then regenerate the collection's cards. Returns (the fact, the keys of its live
    cards). Raises facts.services.NotAllowed or InvalidFact."""
    with transaction.atomic():
        fact = fact_create(collection=collection, by=by, kind=kind, fields=fields, citations=citations)
        sync_cards(collection=collection, now=now)
        transaction.on_commit(lambda: forget_fact_pool(collection.pk))
    keys = list(Card.objects.filter(collection=collection, fact_type=kind, fact_key=fact.key, retired=False)
                .order_by("key").values_list("key", flat=True))
    return fact, keys
