"""Reading review history out of an Anki package, and matching it to our cards; no database writes.

The package is opened by the official `anki` package: it is imported, with its scheduling, into a fresh
collection in a temporary folder, which reads every format Anki writes today (a `.colpkg`; an `.apkg`
with `collection.anki21b` (zstd), `collection.anki21` ("support older Anki versions") or only
`collection.anki2` (Anki 2.0, genanki)). Anki keeps note GUIDs, card ordinals and revlog ids as they were
in the file, so a note is ours when its GUID is one our export gives (anki.guid_for_key), and its card of
ordinal 0 is the note's own card, ordinal 1 the reverse card it carries.
"""

import datetime as dt
import os
import tempfile
import zipfile
from dataclasses import dataclass

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.errors import AnkiException
from django.conf import settings

from studyapp.exports.anki import REVERSE_OF, guid_for_key
from studyapp.study.services import ImportedReview

COLLECTION_FILES = ("collection.anki21b", "collection.anki21", "collection.anki2")
# Anki's revlog types, and whether an entry of the type is an answer to import. Manual entries (set due date,
# forget) and reschedulings record no answer (ease 0), so they are skipped.
REVLOG_KINDS = {0: ("learning", True), 1: ("review", True), 2: ("relearning", True), 3: ("filtered", True),
                4: ("manual", False), 5: ("rescheduled", False)}
ANSWER_KINDS = frozenset(kind for kind, (_name, answer) in REVLOG_KINDS.items() if answer)
FILTERED = 3
# Anki's answer buttons (revlog ease) to our ratings: the same four, in the same order.
RATINGS = {1: 1, 2: 2, 3: 3, 4: 4}
MAX_DURATION_MS = 86_400_000
NO_SCHEDULING = ("This package has no review history: it was exported without scheduling information (in "
                 "Anki's export dialog, tick “Include scheduling information”, or export the whole collection "
                 "as a .colpkg), or none of its cards has been studied.")


class AnkiPackageError(ValueError):
    """The file cannot be read as an Anki package with review history; the message says why, for the user."""

    code = "invalid"


class NotAnAnkiPackage(AnkiPackageError):
    code = "not_anki"


class CorruptPackage(AnkiPackageError):
    code = "corrupt"


class NoScheduling(AnkiPackageError):
    code = "no_scheduling"


class PackageTooLarge(AnkiPackageError):
    code = "too_large"


def max_package_bytes() -> int:
    return settings.ANKI_IMPORT_MAX_BYTES


def too_large_message() -> str:
    return f"The file is too large: an Anki package of at most {max_package_bytes() / 2**20:g} MB is accepted."


@dataclass(frozen=True)
class RevlogEntry:
    """One row of Anki's revlog: id is the moment of the answer in ms since the epoch."""

    id: int
    card_id: int
    ease: int
    kind: int
    time_ms: int
    factor: int  # the ease factor after the answer; 0 in a filtered deck that does not reschedule

    @property
    def reviewed_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.id / 1000, tz=dt.UTC)

    @property
    def skipped_as(self) -> str | None:
        """Why the entry is not imported, as Anki's own FSRS leaves it out: "manual" (no answer: set due date,
        forget, reschedule, ease 0) or "preview" (answered in a filtered deck that does not reschedule, which
        left the card's schedule alone); None for an answer to import."""
        if self.kind not in ANSWER_KINDS or self.ease not in RATINGS:
            return "manual"
        if self.kind == FILTERED and self.factor == 0:
            return "preview"
        return None


@dataclass(frozen=True)
class PackageHistory:
    """What a package holds that matters here: each note's GUID, each card's note and ordinal, the revlog."""

    notes: dict[int, str]  # Anki note id -> GUID
    cards: dict[int, tuple[int, int]]  # Anki card id -> (note id, ordinal)
    revlog: list[RevlogEntry]


def read_package(path) -> PackageHistory:
    """The review history in the package at `path`; AnkiPackageError (with a message for the user) if there is none."""
    if os.path.getsize(path) > max_package_bytes():
        raise PackageTooLarge(too_large_message())
    _check_zip(path)
    with tempfile.TemporaryDirectory(prefix="anki-import-") as folder:
        col = Collection(os.path.join(folder, "collection.anki2"))
        try:
            options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False, merge_notetypes=True)
            try:
                col.import_anki_package(ImportAnkiPackageRequest(package_path=os.fspath(path), options=options))
            except AnkiException as error:
                raise CorruptPackage(f"This Anki package could not be read ({error}); it may be damaged: "
                                     "export it from Anki again.") from error
            history = PackageHistory(
                notes=dict(col.db.all("SELECT id, guid FROM notes")),
                cards={cid: (nid, ord_) for cid, nid, ord_ in col.db.all("SELECT id, nid, ord FROM cards")},
                revlog=[RevlogEntry(*row) for row in
                        col.db.all("SELECT id, cid, ease, type, time, factor FROM revlog ORDER BY id")],
            )
            studied = col.db.scalar("SELECT count() FROM cards WHERE type != 0")
        finally:
            col.close()
    if not history.revlog and not studied:
        raise NoScheduling(NO_SCHEDULING)
    return history


def _check_zip(path):
    """Refuse what is not an Anki package at all before handing it to Anki (which would say less)."""
    if not zipfile.is_zipfile(path):
        raise NotAnAnkiPackage("This is not an Anki package: export a .colpkg (File › Export, “Anki Collection "
                               "Package”) or an .apkg with scheduling information from Anki.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if not names & set(COLLECTION_FILES):
                raise NotAnAnkiPackage("This zip file is not an Anki package: it holds no Anki collection.")
            damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
        raise CorruptPackage(f"This Anki package is damaged ({error}): export it from Anki again.") from error
    if damaged is not None:
        raise CorruptPackage(f"This Anki package is damaged ({damaged} does not match its checksum): export it "
                             "from Anki again.")


# --- matching to our cards ----------------------------------------------------------------------------

REVERSE_KIND = {forward: reverse for reverse, forward in REVERSE_OF.items()}


def note_card_keys(key: str, kind: str) -> tuple[str, ...]:
    """Our card keys of the note whose first card is `key`, by Anki ordinal (as anki.note_specs builds notes)."""
    if kind in REVERSE_KIND:
        return key, f"{key.rsplit(':', 1)[0]}:{REVERSE_KIND[kind]}"
    return (key,)


def ordinal_index(cards) -> dict[tuple[str, int], int]:
    """(note GUID, Anki ordinal) -> our card id, for `cards` given as (id, key, kind) rows."""
    ids = {key: pk for pk, key, _kind in cards}
    index = {}
    for _pk, key, kind in cards:
        guid = guid_for_key(key)
        for ordinal, card_key in enumerate(note_card_keys(key, kind)):
            if card_key in ids:
                index[guid, ordinal] = ids[card_key]
    return index


@dataclass(frozen=True)
class Matched:
    reviews: list[ImportedReview]
    notes: int  # notes in the package
    our_notes: int
    unknown_notes: int  # notes whose GUID is none of ours: counted, not imported
    unknown_reviews: int  # answers given to cards of those notes
    unmatched_cards: int  # cards of our notes with no card of ours at their ordinal (e.g. a retired reverse)
    skipped_manual: int  # revlog entries that are no answer (manual, rescheduled, ease 0)
    skipped_previews: int  # answers in a filtered deck that does not reschedule


def match(history: PackageHistory, index: dict[tuple[str, int], int]) -> Matched:
    """The package's answers to our cards, in revlog order, and counts of what was left out and why."""
    our_guids = {guid for guid, _ordinal in index}
    card_ids = {}
    unmatched = 0
    for anki_id, (note_id, ordinal) in history.cards.items():
        guid = history.notes.get(note_id)
        if guid in our_guids:
            card_ids[anki_id] = index.get((guid, ordinal))
            unmatched += card_ids[anki_id] is None
    reviews, unknown_reviews, skipped = [], 0, {"manual": 0, "preview": 0}
    for entry in history.revlog:
        if entry.skipped_as:
            skipped[entry.skipped_as] += 1
        elif card_ids.get(entry.card_id) is not None:
            duration = entry.time_ms if 0 <= entry.time_ms <= MAX_DURATION_MS else None
            reviews.append(ImportedReview(card_id=card_ids[entry.card_id], rating=RATINGS[entry.ease],
                                          reviewed_at=entry.reviewed_at, duration_ms=duration,
                                          anki_revlog_id=entry.id))
        elif entry.card_id not in card_ids:
            unknown_reviews += 1
    ours = sum(1 for guid in history.notes.values() if guid in our_guids)
    return Matched(reviews=reviews, notes=len(history.notes), our_notes=ours,
                   unknown_notes=len(history.notes) - ours, unknown_reviews=unknown_reviews,
                   unmatched_cards=unmatched, skipped_manual=skipped["manual"], skipped_previews=skipped["preview"])
