import json

from django.core.management.base import BaseCommand, CommandError

from studyapp.facts.models import Collection
from studyapp.facts.selectors import export_fact_base


class Command(BaseCommand):
    help = ("Print the fact base as JSON on stdout (sources, people, works, events, citations): one collection's "
            "with --collection, else every collection's in one document of the same shape.")

    def add_arguments(self, parser):
        parser.add_argument("--collection", metavar="KEY", help="only this collection (default: every collection)")

    def handle(self, *args, collection, **options):
        target = None
        if collection is not None:
            target = Collection.objects.filter(key=collection).first()
            if target is None:
                raise CommandError(f"--collection: no collection {collection!r}")
        self.stdout.write(json.dumps(export_fact_base(target), ensure_ascii=False, indent=2))
