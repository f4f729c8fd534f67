"""Writes to the card table: sync_cards, called by studyapp.content.load_facts after every load."""

from django.db import transaction
from django.utils import timezone

from studyapp.cards.generation import generate_cards
from studyapp.cards.models import Card, collection_card_key
from studyapp.cards.selectors import fact_snapshots, idea_snapshots
from studyapp.facts.models import SERGE

SYNCED_FIELDS = ("fact_type", "fact_key", "kind", "deck", "prompt", "answer", "accepted", "topics", "citations",
                 "disputed", "weight", "intro_rank")


@transaction.atomic
def sync_cards(*, collection, now=None) -> dict:
    """Make the collection's cards match its facts: create, update in place by key, retire what is gone.

    Cards are never deleted: a retired card keeps every user's review history and comes back to life,
    progress intact, if its fact returns.
    """
    now = now or timezone.now()
    # The generator's rules (ambiguity, giveaways, significance) look at one collection's facts at a time.
    specs = {collection_card_key(collection.key, spec.key): spec
             for spec in generate_cards(*fact_snapshots(collection), ideas=idea_snapshots(collection))}
    if collection.key != SERGE:
        # Topics are the Serge base's periods of his life (studyapp/topics.py): they mean nothing for another
        # subject's facts, so its cards carry none (no misleading Anki topic tags, no Serge period filter).
        for spec in specs.values():
            spec.topics = []
    existing = {card.key: card for card in Card.objects.filter(collection=collection)}
    counts = {"created": 0, "updated": 0, "retired": 0, "unchanged": 0}

    to_create, to_update = [], []
    for key, spec in specs.items():
        card = existing.get(key)
        if card is None:
            to_create.append(Card(key=key, collection=collection, created_at=now, updated_at=now,
                                  sibling_key=collection_card_key(collection.key, spec.sibling_key),
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
        Card.objects.filter(collection=collection, retired=False).exclude(key__in=list(specs))
        .update(retired=True, updated_at=now)
    )
    return counts
