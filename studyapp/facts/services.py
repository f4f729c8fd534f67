"""Writes to the fact base: load_facts is the only way fixtures reach the database."""

from dataclasses import dataclass, field

from django.db import transaction

from studyapp.facts.loading import FACT_MODELS, read_files, validate
from studyapp.facts.models import Citation, Event, Person, Source, Work, plain_value

FACT_FIELDS = {
    "facts.person": ("name", "aliases", "description", "roles", "weight", "dispute_note"),
    "facts.work": ("title", "aliases", "year", "kind", "pages", "weight", "dispute_note", "description"),
    "facts.event": ("when", "date", "precision", "end", "description", "aliases", "weight", "dispute_note", "topic"),
}
DEFAULTS = {"aliases": [], "roles": [], "weight": "context", "dispute_note": "", "description": "", "topic": ""}
SOURCE_FIELDS = ("title", "author", "publication", "year", "kind")


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    deleted: dict = field(default_factory=dict)
    cards: dict = field(default_factory=dict)

    def count(self, bucket, kind):
        getattr(self, bucket)[kind] = getattr(self, bucket).get(kind, 0) + 1

    def __str__(self):
        def fmt(d):
            return ", ".join(f"{v} {k}" for k, v in sorted(d.items())) or "none"

        cards = ", ".join(f"{v} {k}" for k, v in self.cards.items())
        return f"created: {fmt(self.created)}; updated: {fmt(self.updated)}; deleted: {fmt(self.deleted)}; " \
               f"cards: {cards}"


def _upsert(model, key, values, report, label):
    """Create or update one row by natural key, touching it only when something changed."""
    obj = model.objects.filter(key=key).first()
    if obj is None:
        obj = model.objects.create(key=key, **values)
        report.count("created", label)
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.count("updated", label)
    return obj, bool(changed)


def write_facts(*, paths, full=True, sources_dir=None) -> LoadReport:
    """Validate every file, then write the facts in one transaction (cards are not this app's: see
    studyapp/content.py, which loads facts and then regenerates cards in the same transaction).

    A full load (every fixture file) also removes facts that are no longer in the files.
    """
    records = read_files(paths)
    base = validate(
        records,
        known_sources=() if full else Source.objects.values_list("key", flat=True),
        known_people=() if full else Person.objects.values_list("key", flat=True),
        known_works=() if full else Work.objects.values_list("key", flat=True),
        known_events=() if full else Event.objects.values_list("key", flat=True),
        sources_dir=sources_dir,
    )
    report = LoadReport()
    with transaction.atomic():
        sources = {}
        for key, fields in base.sources.items():
            values = {name: fields.get(name, "" if name != "year" else None) for name in SOURCE_FIELDS}
            sources[key] = _upsert(Source, key, values, report, "sources")[0]
        sources.update({s.key: s for s in Source.objects.exclude(key__in=sources)})

        objects = {}
        for model_name, model in FACT_MODELS.items():
            label = model._meta.verbose_name_plural
            for key, fields in base.facts_of(model_name).items():
                values = {name: fields.get(name, DEFAULTS.get(name)) for name in FACT_FIELDS[model_name]}
                if model_name == "facts.work":
                    author = fields.get("author")
                    values["author"] = Person.objects.get(key=author[0]) if author else None
                obj, changed = _upsert(model, key, values, report, label)
                if model_name == "facts.work":
                    coauthors = list(Person.objects.filter(key__in=[ref[0] for ref in fields.get("coauthors", [])]))
                    if {p.pk for p in obj.coauthors.all()} != {p.pk for p in coauthors}:
                        obj.coauthors.set(coauthors)
                        changed or report.count("updated", label)
                        changed = True
                if model_name == "facts.event":
                    people = list(Person.objects.filter(key__in=[ref[0] for ref in fields.get("people", [])]))
                    works = list(Work.objects.filter(key__in=[ref[0] for ref in fields.get("works", [])]))
                    if {p.pk for p in obj.people.all()} != {p.pk for p in people}:
                        obj.people.set(people)
                        changed or report.count("updated", label)
                        changed = True
                    if {w.pk for w in obj.works.all()} != {w.pk for w in works}:
                        obj.works.set(works)
                        changed or report.count("updated", label)
                        changed = True
                kind = model_name.split(".")[1]
                wanted = base.citations[(kind, key)]
                current = [(c.source.key, c.quote, c.claim, c.position) for c in obj.citations.select_related("source")]
                if current != [(c["source"], c["quote"], c["claim"], c["position"]) for c in wanted]:
                    obj.citations.all().delete()
                    Citation.objects.bulk_create(
                        Citation(source=sources[c["source"]], quote=c["quote"], claim=c["claim"],
                                 position=c["position"], **{kind: obj})
                        for c in wanted
                    )
                    changed or report.count("updated", label)
                disputed = len({repr(sorted(c["claim"].items())) for c in wanted}) > 1 or any(
                    c["claim"] and any(c["claim"][k] != plain_value(getattr(obj, k)) for k in c["claim"])
                    for c in wanted
                )
                if obj.disputed != disputed:
                    obj.disputed = disputed
                    obj.save(update_fields=["disputed"])
                objects[(kind, key)] = obj

        if full:
            for model_name, model in FACT_MODELS.items():
                gone = model.objects.exclude(key__in=base.facts_of(model_name))
                if gone.exists():
                    report.deleted[model._meta.verbose_name_plural] = gone.count()
                    gone.delete()
            gone_sources = Source.objects.exclude(key__in=base.sources)
            if gone_sources.exists():
                report.deleted["sources"] = gone_sources.count()
                gone_sources.delete()
    return report
