"""Writes to the fact base: load_facts is the only way fixtures reach the database."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from studyapp.facts.loading import read_files, validate
from studyapp.facts.models import Citation, Event, Person, Source, Work, plain_value

DEFAULTS = {"aliases": [], "roles": [], "weight": "context", "dispute_note": "", "description": "", "topic": ""}
SOURCE_FIELDS = ("title", "author", "publication", "year", "kind")


def _no_foreign_keys(fields) -> dict:
    return {}


def _work_author(fields) -> dict:
    author = fields.get("author")
    return {"author": Person.objects.get(key=author[0]) if author else None}


@dataclass(frozen=True)
class FactWrite:
    """How one kind of fact is written from its validated fixture fields."""

    model: type
    columns: tuple[str, ...]  # copied from the fixture, or DEFAULTS when it leaves them out
    foreign_keys: Callable[[dict], dict] = _no_foreign_keys  # fixture fields -> foreign-key column values
    relations: tuple[tuple[str, type], ...] = ()  # (many-to-many field, its model), set from natural keys

    @property
    def label(self) -> str:  # what the load report counts: "people", "works", "events"
        return self.model._meta.verbose_name_plural

    @property
    def kind(self) -> str:  # the fact type: "person", "work", "event"
        return self.model._meta.model_name


# In dependency order: a work's author and an event's people and works are written before they are referred to.
FACT_WRITES = (
    FactWrite(Person, ("name", "aliases", "description", "roles", "weight", "dispute_note")),
    FactWrite(Work, ("title", "aliases", "year", "kind", "pages", "weight", "dispute_note", "description"),
              foreign_keys=_work_author, relations=(("coauthors", Person),)),
    FactWrite(Event, ("when", "date", "precision", "end", "description", "aliases", "weight", "dispute_note", "topic"),
              relations=(("people", Person), ("works", Work))),
)


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

        for write in FACT_WRITES:
            model, label, kind = write.model, write.label, write.kind
            for key, fields in base.facts_of(model._meta.label_lower).items():
                values = {name: fields.get(name, DEFAULTS.get(name)) for name in write.columns}
                obj, changed = _upsert(model, key, {**values, **write.foreign_keys(fields)}, report, label)
                for name, related in write.relations:
                    rows = list(related.objects.filter(key__in=[ref[0] for ref in fields.get(name, [])]))
                    if {r.pk for r in getattr(obj, name).all()} != {r.pk for r in rows}:
                        getattr(obj, name).set(rows)
                        changed or report.count("updated", label)
                        changed = True
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

        if full:
            for write in FACT_WRITES:
                gone = write.model.objects.exclude(key__in=base.facts_of(write.model._meta.label_lower))
                if gone.exists():
                    report.deleted[write.label] = gone.count()
                    gone.delete()
            gone_sources = Source.objects.exclude(key__in=base.sources)
            if gone_sources.exists():
                report.deleted["sources"] = gone_sources.count()
                gone_sources.delete()
    return report
