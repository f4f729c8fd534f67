"""Benchmark: export 10,000 cards as .apkg and as CSV, through the same selector the app uses.

Run: .venv/bin/python tests/benchmarks/bench_export.py [--cards 10000]
Builds the cards in a throwaway SQLite database in a temporary folder (the project's databases are not
touched), then times export_file end to end: the query, note building and writing the package.
"""

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench_export_")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from studyapp.cards.models import Card  # noqa: E402
from studyapp.exports.selectors import export_file  # noqa: E402
from studyapp.facts.models import serge_collection_id  # noqa: E402
from tests.builders import card  # noqa: E402

KINDS = [("person", "people", "person_who"), ("person", "people", "person_reverse"), ("work", "works", "work_author"),
         ("work", "works", "work_year"), ("event", "events", "event_when"), ("event", "events", "event_reverse"),
         ("work", "works", "cloze")]


def make_cards(count, now):
    cards, serge = [], serge_collection_id()
    for i in range(count):
        fact_type, deck, kind = KINDS[i % len(KINDS)]
        fact = f"fact-{i // len(KINDS)}"
        quote = f"In {1900 + i % 48} the writer number {i} published Title {i} & saw <Paris> again, said the source."
        if kind == "cloze":
            prompt = f"Fill in the blank (a title): “{quote.replace(f'Title {i}', '[...]')}” (Source {i % 5})"
            answer = f"Title {i}"
        else:
            prompt, answer = f"Question {i} about {fact} ({kind})?", f"Answer {i} & <more>"
        cards.append(card(
            f"{fact_type}:{fact}:{kind}", deck=deck, now=now, collection_id=serge,
            prompt=prompt, answer=answer, accepted=[answer], topics=["1917–1921", "before 1905"][: 1 + i % 2],
            citations=[{"source": f"00{i % 5}.txt", "title": f"Source {i % 5}", "quote": quote}],
            disputed=i % 11 == 0,
        ))
    Card.objects.bulk_create(cards, batch_size=1000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    now = dt.datetime.now(dt.UTC)
    make_cards(args.cards, now)
    for fmt in ("apkg", "csv"):
        times = []
        for run in range(args.runs):
            start = time.perf_counter()
            file = export_file(fmt=fmt, now=now + dt.timedelta(seconds=run))
            times.append(time.perf_counter() - start)
        print(f"{fmt}: {file.export.card_count} cards in {file.export.note_count} notes, "
              f"{len(file.content) / 1e6:.1f} MB; median {statistics.median(times):.2f} s, "
              f"best {min(times):.2f} s, worst {max(times):.2f} s over {args.runs} runs")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
