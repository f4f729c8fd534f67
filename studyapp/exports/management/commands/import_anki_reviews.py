import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from studyapp.exports.anki_import import AnkiPackageError
from studyapp.exports.services import anki_reviews_from_package


class Command(BaseCommand):
    help = ("Bring a user's reviews back from Anki: a .colpkg, or an .apkg exported with scheduling information. "
            "Each Anki review is imported once; the cards it touches are rescheduled from their merged history.")

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Whose reviews these are (username).")
        parser.add_argument("file", help="The Anki package: FILE.colpkg or FILE.apkg.")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="End with one line of JSON: the counts.")

    def handle(self, *args, user, file, as_json, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"--user: no user named {user!r}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            report = anki_reviews_from_package(user=account, path=path)
        except (AnkiPackageError, ValidationError) as error:
            raise CommandError(f"{file}: {_message(error)}") from error
        self.stdout.write(
            f"Imported {report.imported} review{'s' * (report.imported != 1)} from Anki for {user} "
            f"({report.already_imported} already here; {report.cards} card{'s' * (report.cards != 1)} rescheduled). "
            f"{report.unknown_notes} of {report.notes} notes are not ours and were left out"
            f"{f' ({report.unknown_reviews} reviews)' if report.unknown_reviews else ''}; "
            f"{report.skipped_manual} manual or rescheduling entries and {report.skipped_previews} previews in "
            "filtered decks skipped."
        )
        if as_json:
            self.stdout.write(json.dumps(report.as_dict()))


def _message(error):
    return "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
