"""Bringing reviews back from Anki: read the package, match it to our cards, record through study's service.

One function for the settings page, the API and the import_anki_reviews command.
"""

import os
import tempfile
from dataclasses import asdict, dataclass

from studyapp.cards.models import Card
from studyapp.exports.anki_import import (
    PackageTooLarge,
    match,
    max_package_bytes,
    ordinal_index,
    read_package,
    too_large_message,
)
from studyapp.study.services import anki_reviews_import


@dataclass(frozen=True)
class AnkiImportReport:
    imported: int  # new reviews recorded
    already_imported: int  # reviews of our cards brought back before (same Anki review id): not counted twice
    cards: int  # our cards whose state was recomputed
    notes: int  # notes in the package
    our_notes: int
    unknown_notes: int  # notes that are not ours: counted, not imported
    unknown_reviews: int  # their reviews
    unmatched_cards: int  # cards of our notes with no card here (a reverse card since retired)
    skipped_manual: int  # Anki entries that record no answer (set due date, forget, reschedule)
    skipped_previews: int  # answers in a filtered deck that does not reschedule (Anki's FSRS leaves them out too)

    def as_dict(self):
        return asdict(self)


def anki_reviews_from_package(*, user, path) -> AnkiImportReport:
    """Import the reviews of our cards in the Anki package at `path` into `user`'s history, each once.

    Raises AnkiPackageError (its message is for the user) for a file that is not an Anki package, is
    damaged, is over the size cap, or has no scheduling information.
    """
    # Only cards of collections the user may reach: a package can neither write reviews onto a private collection's
    # cards nor, by the counts, tell whether a fact exists in one.
    matched = match(read_package(path),
                    ordinal_index(Card.objects.studyable_by(user).values_list("id", "key", "kind")))
    result = anki_reviews_import(user=user, reviews=matched.reviews)
    return AnkiImportReport(
        imported=result.imported, already_imported=result.already_imported, cards=result.cards, notes=matched.notes,
        our_notes=matched.our_notes, unknown_notes=matched.unknown_notes, unknown_reviews=matched.unknown_reviews,
        unmatched_cards=matched.unmatched_cards, skipped_manual=matched.skipped_manual,
        skipped_previews=matched.skipped_previews,
    )


def anki_reviews_from_upload(*, user, upload) -> AnkiImportReport:
    """The same, for an uploaded file (Django's UploadedFile), copied to a temporary file within the size cap."""
    if upload.size is not None and upload.size > max_package_bytes():
        raise PackageTooLarge(too_large_message())
    with tempfile.TemporaryDirectory(prefix="anki-upload-") as folder:
        path = os.path.join(folder, "upload.apkg")
        written = 0
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                written += len(chunk)
                if written > max_package_bytes():
                    raise PackageTooLarge(too_large_message())
                out.write(chunk)
        return anki_reviews_from_package(user=user, path=path)
