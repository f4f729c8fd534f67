import json

from django.core.management.base import BaseCommand

from studyapp.facts.selectors import export_fact_base


class Command(BaseCommand):
    help = "Print the whole fact base as JSON on stdout (sources, people, works, events, citations)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(export_fact_base(), ensure_ascii=False, indent=2))
