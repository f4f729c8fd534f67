import json

from django.core.management.base import BaseCommand, CommandError

from studyapp.cards import rules
from studyapp.cards.generation import generate_cards
from studyapp.cards.selectors import fact_snapshots


class Command(BaseCommand):
    help = ("Counts of the generated cards per kind, deck and weight, then every card-rule violation with its "
            "card key; exit status 1 if there is any.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the report as one JSON object.")

    def handle(self, *args, **options):
        people, works, events = fact_snapshots()
        specs = generate_cards(people, works, events)
        found = rules.report(specs, people, works, events)
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
