import dataclasses
import json
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from studyapp.cards import rules
from studyapp.cards.generation import generate_cards
from studyapp.cards.models import collection_card_key
from studyapp.cards.selectors import fact_snapshots, idea_snapshots
from studyapp.facts.models import Collection


def _add(total: dict, part: dict) -> dict:
    """Two reports as one: counts added, violations listed one collection after the other."""
    def counts(a, b):
        return dict(sorted((Counter(a) + Counter(b)).items()))

    return {"cards": total["cards"] + part["cards"],
            **{name: counts(total[name], part[name]) for name in ("kinds", "decks", "weights")},
            "facts": {name: counts(total["facts"][name], part["facts"][name]) for name in total["facts"]},
            "violations": [*total["violations"], *part["violations"]]}


class Command(BaseCommand):
    help = ("Counts of the generated cards per kind, deck and weight, then every card-rule violation with its "
            "card key; exit status 1 if there is any. Each collection is checked on its own facts.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the report as one JSON object.")
        parser.add_argument("--collection", metavar="KEY", help="only this collection (default: every collection)")

    def handle(self, *args, **options):
        collections = Collection.objects.all()
        if options["collection"]:
            collections = collections.filter(key=options["collection"])
            if not collections:
                raise CommandError(f"--collection: no collection {options['collection']!r}")
        found = rules.report([], [], [], [])
        for collection in collections:
            people, works, events = fact_snapshots(collection)
            ideas = idea_snapshots(collection)
            part = rules.report(generate_cards(people, works, events, ideas), people, works, events, ideas)
            part["violations"] = [dataclasses.replace(v, card=collection_card_key(collection.key, v.card))
                                  for v in part["violations"]]
            found = _add(found, part)
        if options["json"]:
            self.stdout.write(json.dumps({**found, "violations": [vars(v) for v in found["violations"]]}))
        else:
            self.stdout.write(f"{found['cards']} cards")
            for name in ("kinds", "decks", "weights"):
                self.stdout.write(f"{name}: " + ", ".join(f"{k} {v}" for k, v in found[name].items()))
            for name, counts in found["facts"].items():
                self.stdout.write(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            self.stdout.write(f"violations: {len(found['violations'])}")
            for violation in found["violations"]:
                self.stdout.write(f"  {violation}")
        if found["violations"]:
            raise CommandError(f"{len(found['violations'])} card-rule violation(s)")
