"""Benchmark: record reviews brought back from Anki, through the service the page, the API and the command use.

Run: .venv/bin/python tests/benchmarks/bench_anki_import.py [--cards 500] [--per-card 20]
Builds cards and one user in a throwaway SQLite database in a temporary folder (the project's databases are
not touched), then times study.services.anki_reviews_import: each card answered `--per-card` times (an
Again every seventh answer, Good otherwise) at growing intervals, replayed and written; then the same
reviews again (all already imported). Reading a package is separate and small: anki opens 100,000 revlog
rows in about 0.5 s.
"""

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench_anki_import_")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from studyapp.cards.models import Card  # noqa: E402
from studyapp.facts.models import serge_collection_id  # noqa: E402
from studyapp.study.services import ImportedReview, anki_reviews_import  # noqa: E402
from tests.builders import card  # noqa: E402

START = dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.UTC)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--per-card", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    serge = serge_collection_id()
    cards = Card.objects.bulk_create([card(f"person:p{i}:person_who", collection_id=serge) for i in range(args.cards)],
                                     batch_size=1000)
    user = get_user_model().objects.create_user("bench")
    reviews, revlog_id = [], 1
    for each in cards:
        at = START
        for n in range(args.per_card):
            reviews.append(ImportedReview(card_id=each.pk, rating=1 if n % 7 == 3 else 3, reviewed_at=at,
                                          duration_ms=4000, anki_revlog_id=revlog_id))
            revlog_id += 1
            at += dt.timedelta(days=1 + 2 * n)
    for label in ("first import", "same reviews again"):
        start = time.perf_counter()
        result = anki_reviews_import(user=user, reviews=reviews)
        print(f"{label}: {len(reviews):,} reviews of {args.cards:,} cards in {time.perf_counter() - start:.2f} s "
              f"(imported {result.imported:,}, already here {result.already_imported:,})")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
