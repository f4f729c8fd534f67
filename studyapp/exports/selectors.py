"""What an export contains: one selector shared by the command, the /export/ page and the API."""

from dataclasses import dataclass

from studyapp.accounts.models import settings_for
from studyapp.cards.models import Card
from studyapp.decks import ALL, DECK_CHOICES, DECKS
from studyapp.exports.anki import NoteSpec, apkg_bytes, next_timestamp, note_specs
from studyapp.exports.csv_export import csv_text
from studyapp.facts.models import SERGE, Visibility
from studyapp.study.models import ReviewState

CARD_FIELDS = ("key", "kind", "deck", "prompt", "answer", "topics", "citations", "disputed")


@dataclass(frozen=True)
class Export:
    notes: list[NoteSpec]
    decks: tuple[str, ...]

    @property
    def note_count(self):
        return len(self.notes)

    @property
    def card_count(self):
        return sum(note.card_count for note in self.notes)


def export_decks(*, user=None, deck="all") -> tuple[str, ...]:
    """The app decks an export covers: the one asked for, else the user's chosen decks, else every deck."""
    if deck not in DECK_CHOICES:
        raise ValueError(f"deck must be one of {', '.join(DECK_CHOICES)}")
    if deck != ALL:
        return (deck,)
    if user is not None:
        chosen = settings_for(user).decks
        return tuple(d for d in DECKS if d in chosen)
    return DECKS


def export_cards(*, user=None, deck="all", studied_only=False, collection=None):
    """Active (never retired) cards of the export's decks, in `collection` when given (the caller has checked
    the user may study it), else in the user's collections (without a user, every public collection's); with
    studied_only, those the user has reviewed."""
    cards = Card.objects.active().filter(deck__in=export_decks(user=user, deck=deck))
    if collection is not None:
        cards = cards.filter(collection=collection)
    elif user is not None:
        cards = cards.studied_by(user)
    else:
        cards = cards.filter(collection__visibility=Visibility.PUBLIC)
    if studied_only:
        if user is None:
            raise ValueError("studied_only needs a user")
        cards = cards.filter(review_states__user=user)
    return (cards.select_related("collection").order_by("collection__key", "deck", "fact_type", "fact_key", "kind")
            .only(*CARD_FIELDS, "collection__key", "collection__title"))


def export_for(*, user=None, deck="all", studied_only=False, collection=None) -> Export:
    """The notes to export, with leech tags from the user's review states."""
    cards = list(export_cards(user=user, deck=deck, studied_only=studied_only, collection=collection))
    leech_keys = set()
    if user is not None:
        leech_keys = set(
            ReviewState.objects.filter(user=user, leech=True, card__retired=False).values_list("card__key", flat=True)
        )
    return Export(notes=note_specs(cards, leech_keys=leech_keys), decks=export_decks(user=user, deck=deck))


FORMATS = {"apkg": "application/apkg", "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    export: Export


def export_file(*, user=None, deck="all", studied_only=False, fmt="apkg", now, collection=None) -> ExportFile:
    """The export as a downloadable file (.apkg or Anki-format CSV), stamped with now; one collection's cards
    when `collection` is given (its key then starts the file name)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    export = export_for(user=user, deck=deck, studied_only=studied_only, collection=collection)
    if fmt == "apkg":
        content = apkg_bytes(export.notes, timestamp=next_timestamp(now.timestamp()))
    else:
        content = csv_text(export.notes).encode("utf-8")
    prefix = collection.key if collection is not None and collection.key != SERGE else "victor-serge"
    name = "-".join([prefix, deck, *(["studied"] if studied_only else []), now.strftime("%Y-%m-%d")])
    return ExportFile(content=content, filename=f"{name}.{fmt}", content_type=FORMATS[fmt], export=export)
