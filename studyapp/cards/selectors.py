"""Reads of the card table that several views (HTML, API, quiz, export) share."""

from django.db.models import Q

from studyapp.cards.generation import TOPICS
from studyapp.cards.models import Card, CardKind, Deck


def browse_cards(*, deck="", kind="", topic="", disputed=None, query=""):
    """Active cards matching the browse filters; unknown filter values match nothing rather than everything."""
    cards = Card.objects.active()
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
