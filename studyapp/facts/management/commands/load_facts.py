from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from studyapp.content import load_facts
from studyapp.facts.loading import FixtureError

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = "Validate fact fixtures, load them (all of fixtures/ by default) and regenerate the cards."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="fixture files (default: every fixtures/*.json)")
        parser.add_argument("--verify-quotes", metavar="DIR",
                            help="also check every quote occurs verbatim in DIR/<source key>")

    def handle(self, *args, files, verify_quotes, **options):
        paths = files or sorted(FIXTURES_DIR.glob("*.json"))
        if not paths:
            raise CommandError(f"no fixture files in {FIXTURES_DIR}")
        if verify_quotes and not Path(verify_quotes).is_dir():
            raise CommandError(f"--verify-quotes: {verify_quotes} is not a folder")
        try:
            report = load_facts(paths=paths, full=not files, sources_dir=verify_quotes)
        except FixtureError as error:
            raise CommandError(f"nothing was loaded: {error}") from None
        self.stdout.write(f"Loaded {len(paths)} file(s): {report}")
