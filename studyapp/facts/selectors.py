"""Reads of the fact base that more than one caller needs."""

from django.db.models import Prefetch

from studyapp.facts.models import Citation, Event, Person, Source, Work


def _citations(citations):
    return [{"source": c.source.key, "quote": c.quote} for c in citations]


def _citations_prefetch():
    return Prefetch("citations", queryset=Citation.objects.select_related("source"))


def export_fact_base() -> dict:
    """The whole base in the export_facts shape; a disputed fact gives one entry per sourced version."""
    people = Person.objects.prefetch_related(_citations_prefetch())
    works = Work.objects.select_related("author").prefetch_related(_citations_prefetch())
    events = Event.objects.prefetch_related(_citations_prefetch(), "people")
    return {
        "sources": [{"key": s.key, "title": s.title} for s in Source.objects.all()],
        "people": [
            {"name": p.name, "aliases": p.aliases, "description": version["description"],
             "citations": _citations(cites)}
            for p in people for version, cites in p.versions()
        ],
        "works": [
            {"title": w.title, "aliases": w.aliases, "author": w.author.name if w.author else None,
             "year": version["year"], "kind": w.kind, "citations": _citations(cites)}
            for w in works for version, cites in w.versions()
        ],
        "events": [
            {"when": version["when"], "precision": version["precision"], "event": e.description,
             "people": [p.name for p in e.people.all()], "citations": _citations(cites)}
            for e in events for version, cites in e.versions()
        ],
    }
