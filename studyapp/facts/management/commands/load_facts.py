from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from studyapp.content import load_facts
from studyapp.facts.loading import FixtureError, collection_about, collection_folders, fixture_files
from studyapp.facts.models import SERGE

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def _collection_of_file(path: Path, given: str | None) -> str:
    """The collection a fixture file loads into: --collection, else its folder's when it is in fixtures/<key>/,
    else the Serge base (as before collections)."""
    if given:
        return given
    parent = path.resolve().parent
    return parent.name if parent.parent == FIXTURES_DIR.resolve() else SERGE


class Command(BaseCommand):
    help = ("Validate fact fixtures, load them (every collection folder of fixtures/ by default, or the folders "
            "and files given) and regenerate the cards. A folder is loaded whole (facts no longer in it are removed, "
            "their cards retired); files are loaded as they are, removing nothing.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*",
                            help="collection folders or fixture files (default: every folder of fixtures/)")
        parser.add_argument("--collection", metavar="KEY",
                            help="the collection the given files or folder load into (default: the folder's name; "
                                 "files outside fixtures/<key>/ load into serge)")
        parser.add_argument("--verify-quotes", metavar="DIR",
                            help="also check every quote occurs verbatim in DIR/<source key>")

    def handle(self, *args, files, collection, verify_quotes, **options):
        if verify_quotes and not Path(verify_quotes).is_dir():
            raise CommandError(f"--verify-quotes: {verify_quotes} is not a folder")
        paths = [Path(name) for name in files]
        folders = [path for path in paths if path.is_dir()] if files else collection_folders(FIXTURES_DIR)
        if not files and not folders:
            raise CommandError(f"no fixture files in {FIXTURES_DIR}")
        loads = []  # (collection key, about, paths, full)
        try:
            for folder in folders:
                about = collection_about(folder)
                if not fixture_files(folder):
                    raise CommandError(f"no fixture files in {folder}")
                loads.append((collection or folder.name, about, fixture_files(folder), True))
            by_collection = {}
            for path in paths:
                if not path.is_dir():
                    by_collection.setdefault(_collection_of_file(path, collection), []).append(path)
            loads += [(key, None, group, False) for key, group in by_collection.items()]
            with transaction.atomic():  # every collection or none
                reports = [(key, group, load_facts(paths=group, collection=key, full=full, about=about,
                                                   sources_dir=verify_quotes))
                           for key, about, group, full in loads]
        except FixtureError as error:
            raise CommandError(f"nothing was loaded: {error}") from None
        for key, group, report in reports:
            self.stdout.write(f"Loaded {len(group)} file(s) into {key}: {report}")
