"""Anki notes from cards: pure functions, no database access; the .apkg and the CSV are built from the same notes.

Identity is what lets a learner re-import without losing progress: note types, decks and GUIDs are fixed
(GUIDs come from the card key, never from the text), so Anki recognises every note it has seen before
and, because each package is stamped later than the last, updates it in place.
"""

import hashlib
import html
import io
import re
import threading
from dataclasses import dataclass

import genanki

from studyapp.cards.generation import BLANK
from studyapp.decks import DECKS
from studyapp.facts.models import SERGE

GUID_NAMESPACE = "studyapp"
BASIC_MODEL_ID = 1_734_209_101
CLOZE_MODEL_ID = 1_734_209_102
ANKI_DECKS = {  # app deck -> (Anki deck id, Anki deck name) of the Serge collection; one per deck of studyapp.decks
    "people": (1_734_209_201, "Victor Serge::People"),
    "works": (1_734_209_202, "Victor Serge::Works"),
    "events": (1_734_209_203, "Victor Serge::Events"),
}


def anki_deck(collection, deck: str) -> tuple[int, str]:
    """(Anki deck id, name) of an app deck of a collection: "<collection title>::People". The Serge collection
    keeps the ids it always had; another's come from its key and the deck, so each export gives the same ones."""
    title = collection.title.replace("::", ":").strip() or collection.key  # "::" would make a sub-deck
    name = f"{title}::{deck.capitalize()}"
    if collection.key == SERGE:
        return ANKI_DECKS[deck][0], name
    digest = hashlib.sha256(f"{GUID_NAMESPACE}:{collection.key}:{deck}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30), name
BASIC, CLOZE = "studyapp Basic", "studyapp Cloze"
BASIC_FIELDS = ("Front", "Back", "Source", "Key", "Reverse Front", "Reverse Back")
CLOZE_FIELDS = ("Text", "Extra", "Source", "Key")
# A reverse card rides on its forward card's note (Anki buries siblings); other kinds are notes of their own.
REVERSE_OF = {"person_reverse": "person_who", "event_reverse": "event_when"}
TAG_PREFIX = "studyapp"

CSS = """.card { font-family: system-ui, sans-serif; font-size: 20px; line-height: 1.4; max-width: 40em;
  margin: 0 auto; text-align: left; color: #1d1d1f; background: #fff; }
.nightMode.card, .night_mode .card { color: #eee; background: #222; }
.source { margin-top: 1.2em; font-size: 15px; color: #666; }
.hint { margin-top: .6em; font-size: 15px; color: #666; }
.cloze { font-weight: bold; color: #0a5bd3; }
"""
SOURCE_BLOCK = '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'

BASIC_MODEL = genanki.Model(
    BASIC_MODEL_ID, BASIC, fields=[{"name": name} for name in BASIC_FIELDS], css=CSS, sort_field_index=0,
    templates=[
        {"name": "Card 1", "qfmt": "{{Front}}",
         "afmt": '{{FrontSide}}<hr id="answer">{{Back}}' + SOURCE_BLOCK},
        # Empty Reverse Front -> Anki generates no card from this template.
        {"name": "Reverse", "qfmt": "{{#Reverse Front}}{{Reverse Front}}{{/Reverse Front}}",
         "afmt": '{{FrontSide}}<hr id="answer">{{Reverse Back}}' + SOURCE_BLOCK},
    ],
)
CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID, CLOZE, fields=[{"name": name} for name in CLOZE_FIELDS], css=CSS,
    model_type=genanki.Model.CLOZE, sort_field_index=0,
    templates=[
        {"name": "Cloze", "qfmt": '{{cloze:Text}}{{#Extra}}<div class="hint">({{Extra}})</div>{{/Extra}}',
         "afmt": '{{cloze:Text}}{{#Extra}}<div class="hint">({{Extra}})</div>{{/Extra}}' + SOURCE_BLOCK},
    ],
)
MODELS = {BASIC: BASIC_MODEL, CLOZE: CLOZE_MODEL}

CLOZE_PROMPT = re.compile(r"Fill in the blank \((?P<what>[^)]*)\): “(?P<text>.*)” \(", re.DOTALL)


@dataclass(frozen=True)
class NoteSpec:
    """One Anki note: which note type, deck (the app's, and the Anki deck of its collection) and fields (already
    HTML), its tags, and the app cards it carries."""

    guid: str
    notetype: str
    deck: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    card_keys: tuple[str, ...]
    anki_deck: tuple[int, str]  # (id, name), from anki_deck()

    @property
    def card_count(self):
        return len(self.card_keys)


def guid_for_key(key: str) -> str:
    """The note's GUID: from the card key only, so a reworded card is the same note to Anki."""
    return genanki.guid_for(GUID_NAMESPACE, key)


def esc(text) -> str:
    return html.escape(str(text or ""), quote=False)


def _cloze_safe(text):
    # Braces and "::" inside a cloze field would be read as cloze syntax, not text.
    return esc(text).replace("{", "&#123;").replace("}", "&#125;").replace("::", ":&#58;")


def tag(*parts) -> str:
    """A hierarchical tag; Anki splits tags on spaces, so spaces become underscores."""
    return "::".join(re.sub(r"\s+", "_", str(part).strip()) for part in (TAG_PREFIX, *parts))


def source_html(citations) -> str:
    """Every citation as "title: “quote”", one per line."""
    return "<br>".join(f"<i>{esc(c.get('title') or c.get('source'))}</i>: “{esc(c.get('quote'))}”"
                       for c in citations)


def cloze_parts(card):
    """(Text with {{c1::answer}} where the blank was, hint) from the card's quote; None if it cannot be rebuilt."""
    if not card.citations:
        return None
    quote, answer = card.citations[0].get("quote") or "", card.answer
    match = CLOZE_PROMPT.match(card.prompt)
    start = None
    if match and BLANK in match["text"]:
        prefix = match["text"].split(BLANK, 1)[0]
        if quote.startswith(prefix) and quote[len(prefix):].startswith(answer):
            start = len(prefix)
    if start is None:
        start = quote.find(answer) if answer else -1
    if start < 0:
        return None
    text = _cloze_safe(quote[:start]) + "{{c1::" + _cloze_safe(answer) + "}}" + _cloze_safe(quote[start + len(answer):])
    return text, match["what"] if match else ""


def _tags(cards, leech_keys):
    tags = {tag(), *(tag("deck", c.deck) for c in cards), *(tag("kind", c.kind) for c in cards),
            *(tag("topic", t) for c in cards for t in c.topics)}
    if any(c.disputed for c in cards):
        tags.add(tag("disputed"))
    if any(c.key in leech_keys for c in cards):
        tags.add(tag("leech"))
    return tuple(sorted(tags))


def _forward_key(card):
    return f"{card.key.rsplit(':', 1)[0]}:{REVERSE_OF[card.kind]}"


def note_specs(cards, *, leech_keys=frozenset()) -> list[NoteSpec]:
    """The notes for these cards, in their order. Cards need key, kind, deck, prompt, answer, topics,
    citations, disputed and collection (key and title) (Card rows or anything shaped like them)."""
    cards = list(cards)
    by_key = {card.key: card for card in cards}
    reverse_for = {_forward_key(c): c for c in cards if c.kind in REVERSE_OF and _forward_key(c) in by_key}
    notes = []
    for card in cards:
        if card.kind in REVERSE_OF and _forward_key(card) in by_key:
            continue  # carried by its forward card's note
        carried = [card]
        source = source_html(card.citations)
        cloze = cloze_parts(card) if card.kind == "cloze" else None
        if cloze:
            notetype, fields = CLOZE, (cloze[0], esc(cloze[1]), source, esc(card.key))
        else:
            reverse = reverse_for.get(card.key)
            reverse_fields = ("", "")
            if reverse is not None:
                carried.append(reverse)
                reverse_fields = (esc(reverse.prompt), esc(reverse.answer))
                source = source_html(_unique_citations([*card.citations, *reverse.citations]))
            notetype = BASIC
            fields = (esc(card.prompt), esc(card.answer), source, esc(card.key), *reverse_fields)
        notes.append(NoteSpec(
            guid=guid_for_key(card.key), notetype=notetype, deck=card.deck, fields=fields,
            tags=_tags(carried, leech_keys), card_keys=tuple(c.key for c in carried),
            anki_deck=anki_deck(card.collection, card.deck),
        ))
    return notes


def _unique_citations(citations):
    seen, out = set(), []
    for cite in citations:
        marker = (cite.get("source"), cite.get("quote"))
        if marker not in seen:
            seen.add(marker)
            out.append(cite)
    return out


_last_timestamp = 0
_timestamp_lock = threading.Lock()


def next_timestamp(now: float) -> int:
    """Whole seconds (what the package stores), strictly after any earlier export from this process.

    Anki updates a note on import only when the package's copy is newer than its own.
    """
    global _last_timestamp
    with _timestamp_lock:
        _last_timestamp = max(int(now), _last_timestamp + 1)
        return _last_timestamp


def build_package(notes) -> genanki.Package:
    """A genanki package with one deck per collection and app deck that has notes."""
    decks = {}
    for spec in notes:
        if spec.anki_deck not in decks:
            decks[spec.anki_deck] = genanki.Deck(*spec.anki_deck)
        note = genanki.Note(model=MODELS[spec.notetype], fields=list(spec.fields), tags=list(spec.tags),
                            guid=spec.guid)
        decks[spec.anki_deck].add_note(note)
    # Collection by collection (by deck name), each in the one deck order.
    order = {spec.anki_deck: (spec.anki_deck[1].rsplit("::", 1)[0], DECKS.index(spec.deck)) for spec in notes}
    return genanki.Package([decks[key] for key in sorted(decks, key=order.__getitem__)])


def apkg_bytes(notes, *, timestamp: float) -> bytes:
    """The .apkg file as bytes, every note and card stamped with timestamp."""
    buffer = io.BytesIO()
    build_package(notes).write_to_file(buffer, timestamp=timestamp)
    return buffer.getvalue()
