import os
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from studyapp.exports.selectors import DECK_CHOICES, export_file
from studyapp.facts.models import Collection


class Command(BaseCommand):
    help = "Write cards as an Anki package (.apkg), or as Anki-format CSV when --out ends in .csv."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="File to write: FILE.apkg, or FILE.csv for CSV.")
        parser.add_argument("--user", help="Export this user's chosen decks, with their leech tags.")
        parser.add_argument("--deck", choices=DECK_CHOICES, default="all",
                            help="One deck, or all (with --user: the user's chosen decks). Default: all.")
        parser.add_argument("--collection", metavar="KEY",
                            help="Only this collection (with --user: one the user may study). Default: the "
                                 "user's collections, or without --user every public one.")
        parser.add_argument("--studied-only", action="store_true",
                            help="Only cards the user has studied (needs --user).")

    def handle(self, *args, out, user, deck, studied_only, collection, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"--user: no user named {user!r}")
        if studied_only and account is None:
            raise CommandError("--studied-only needs --user")
        chosen = None
        if collection:
            rows = Collection.objects.studyable_by(account) if account else Collection.objects.all()
            chosen = rows.filter(key=collection).first()
            if chosen is None:
                raise CommandError(f"--collection: no collection {collection!r}" + (f" for {user}" if user else ""))
        path = Path(out)
        fmt = "csv" if path.suffix.lower() in (".csv", ".txt", ".tsv") else "apkg"
        file = export_file(user=account, deck=deck, studied_only=studied_only, fmt=fmt, now=timezone.now(),
                           collection=chosen)
        # Write next to the target, then rename: a reader never sees half a package.
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(file.content)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.stdout.write(f"Wrote {file.export.note_count} notes ({file.export.card_count} cards) to {path}")
