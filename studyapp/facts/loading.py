"""Read and validate fact fixtures (Django loaddata format, natural keys) before anything is written.

Validation is pure: it reads files and returns plain records or raises FixtureError naming the file,
the record and the field. Writing happens in services.load_facts, inside one transaction.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from studyapp.facts.models import COLLECTION_KEY, Event, Idea, Person, Precision, Visibility, Weight, Work, WorkKind

MAX_QUOTE_CHARS = 400
MAX_QUOTE_WORDS = 40  # "about 30 words": a little slack for hyphenated and short words

# An event's date and end (and those a claim states) lie between these years (issue 21 probe #7). Python's dates
# stop at years 1 and 9999, and code around a date reaches past it: quiz distractors move a date by a year or two
# (a span by its length and two more, and they skip what would leave Python's range) and a decade by up to forty
# years, a decade's period runs to its ninth year, a timeline draws to the first day after an event's end. From
# year 100 those reach down to year 60 at worst; to 2999, up to 3039: far inside Python's range. 100 to 2999 holds
# any history a collection would date to the day (dates before year 100 are not written YYYY-MM-DD anyway) and any
# plausible future in a novel's chronology; it keeps out the typo and the probe (0001-01-01, 9999-12-31).
MIN_YEAR, MAX_YEAR = 100, 2999

# The longest text a fact's field may hold, and so a claim stating that field differently (issue 21 probe #15): the
# API's and the forms' limits (the columns' max_length where they have one).
TEXT_LIMITS = {"name": 200, "title": 300, "when": 100, "topic": 200, "description": 2000, "dispute_note": 2000,
               "question": 500, "answer": 300}
ITEM_LIMITS = {"aliases": 200, "roles": 100}  # each item of these lists
MAX_WORK_YEAR = 9999  # a work's year (and a claim of it): 0 to 9999, as the API and the forms take it

FACT_MODELS = {"facts.person": Person, "facts.work": Work, "facts.event": Event, "facts.idea": Idea}
REQUIRED = {
    "facts.source": {"key": str, "title": str, "kind": str},
    "facts.person": {"key": str, "name": str, "description": str},
    "facts.work": {"key": str, "title": str, "kind": str},
    "facts.event": {"key": str, "when": str, "date": str, "precision": str, "description": str},
    "facts.idea": {"key": str, "question": str, "answer": str},
    "facts.citation": {"source": list, "quote": str},
}
OPTIONAL = {
    "facts.source": {"author": str, "publication": str, "year": (int, type(None))},
    "facts.person": {"aliases": list, "roles": list, "weight": str, "dispute_note": str},
    "facts.work": {"aliases": list, "author": (list, type(None)), "year": (int, type(None)),
                   "pages": (int, type(None)), "weight": str, "dispute_note": str, "description": str,
                   "coauthors": list},
    "facts.event": {"aliases": list, "people": list, "works": list, "weight": str, "dispute_note": str,
                    "end": (str, type(None)), "topic": str},
    "facts.idea": {"aliases": list, "holder": (list, type(None)), "weight": str},
    "facts.citation": {"person": list, "work": list, "event": list, "idea": list, "claim": dict},
}


class FixtureError(Exception):
    """A fixture problem, with where it is: file, record number and field."""

    def __init__(self, message, *, file=None, record=None, field=None):
        self.file, self.record, self.field, self.message = file, record, field, message
        where = []
        if file:
            where.append(str(file))
        if record is not None:
            where.append(f"record {record}")
        if field:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass
class FactBase:
    """Everything the loaded files say, keyed by natural key; citations keyed by (model, fact key)."""

    sources: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    works: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)
    ideas: dict = field(default_factory=dict)
    citations: dict = field(default_factory=dict)

    def facts_of(self, model_name):
        return {"facts.person": self.people, "facts.work": self.works, "facts.event": self.events,
                "facts.idea": self.ideas}[model_name]


def quote_occurs(quote, text) -> bool:
    """Whether a quote occurs verbatim in a source's text: `quote in text`, with no normalisation of case, spaces or
    punctuation. The one rule for fixtures (`load_facts --verify-quotes`) and for facts written in the browser."""
    return bool(quote) and quote in text


def _check_types(fields, model, where):
    allowed = {**REQUIRED[model], **OPTIONAL[model]}
    for name in fields:
        if name not in allowed:
            raise FixtureError(f"unknown field (expected one of {', '.join(sorted(allowed))})", field=name, **where)
    for name, kind in REQUIRED[model].items():
        if name not in fields:
            raise FixtureError("missing required field", field=name, **where)
        if not isinstance(fields[name], kind) or (kind is str and not fields[name].strip()):
            raise FixtureError("must be a non-empty " + kind.__name__, field=name, **where)
    for name, kind in OPTIONAL[model].items():
        if name in fields and not isinstance(fields[name], kind):
            raise FixtureError("has the wrong type", field=name, **where)


def _natural_key(value, where, name):
    if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], str) and value[0]):
        raise FixtureError('must be a natural key like ["some-key"]', field=name, **where)
    return value[0]


def _check_lengths(fields, where, prefix=""):
    """Each text field (and each item of a list field) within its limit (TEXT_LIMITS, ITEM_LIMITS)."""
    for name, limit in TEXT_LIMITS.items():
        value = fields.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise FixtureError(f"{len(value):,} characters; at most {limit:,}", field=prefix + name, **where)
    for name, limit in ITEM_LIMITS.items():
        items = fields.get(name)
        if isinstance(items, list) and any(isinstance(item, str) and len(item) > limit for item in items):
            raise FixtureError(f"each at most {limit:,} characters", field=prefix + name, **where)


def _check_work_year(year, field, where):
    if isinstance(year, bool) or not isinstance(year, int) or not 0 <= year <= MAX_WORK_YEAR:
        raise FixtureError(f"must be a whole number from 0 to {MAX_WORK_YEAR}", field=field, **where)


def _check_year_range(date, name, where, prefix):
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise FixtureError(f"{name} {date.isoformat()} is out of range: use a date between the years {MIN_YEAR} and "
                           f"{MAX_YEAR}", field=prefix + name, **where)


def _check_date(fields, where, prefix=""):
    try:
        date = dt.date.fromisoformat(fields["date"])
    except (TypeError, ValueError):
        raise FixtureError(f"bad date {fields['date']!r}: use YYYY-MM-DD", field=prefix + "date", **where) from None
    _check_year_range(date, "date", where, prefix)
    precision = fields["precision"]
    if precision not in Precision.values:
        raise FixtureError(f"bad precision {precision!r}: use one of {', '.join(Precision.values)}",
                           field=prefix + "precision", **where)
    if precision == "decade" and (date.year % 10 or (date.month, date.day) != (1, 1)):
        raise FixtureError("a decade must start on YYY0-01-01", field=prefix + "date", **where)
    if precision == "year" and (date.month, date.day) != (1, 1):
        raise FixtureError("a year must start on YYYY-01-01", field=prefix + "date", **where)
    if precision == "month" and date.day != 1:
        raise FixtureError("a month must start on its first day", field=prefix + "date", **where)
    return date


def _check_end(fields, date, where, prefix=""):
    """A span's last day: after its start, given as YYYY-MM-DD."""
    if fields.get("end") is None:
        return None
    try:
        end = dt.date.fromisoformat(fields["end"])
    except (TypeError, ValueError):
        raise FixtureError(f"bad end {fields['end']!r}: use YYYY-MM-DD", field=prefix + "end", **where) from None
    _check_year_range(end, "end", where, prefix)
    if end <= date:
        raise FixtureError("a span must end after it starts", field=prefix + "end", **where)
    return end


# fixtures/ holds one folder per collection, named by its key; its optional collection.json gives its title,
# description and visibility. A subfolder without fixture files (fixtures/audit/) is not a collection.
COLLECTION_FILE = "collection.json"
COLLECTION_ABOUT = {"title": str, "description": str, "visibility": str}


def fixture_files(folder) -> list[Path]:
    """A collection folder's fixture files, in name order."""
    return sorted(path for path in Path(folder).glob("*.json") if path.name != COLLECTION_FILE)


def collection_folders(root) -> list[Path]:
    """Every collection folder under `root` (fixtures/): a subfolder holding fixture files."""
    return sorted(path for path in Path(root).iterdir() if path.is_dir() and fixture_files(path))


def collection_about(folder) -> dict:
    """What a collection folder says about its collection: its key (the folder's name) checked, and the fields
    of its collection.json (title, description, visibility), if it has one."""
    folder = Path(folder)
    if not COLLECTION_KEY.match(folder.name):
        raise FixtureError("a collection folder is named by its key: lower-case letters, digits, - and _",
                           file=folder)
    path = folder / COLLECTION_FILE
    if not path.exists():
        return {}
    try:
        about = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise FixtureError(f"not valid JSON: {error}", file=path) from None
    if not isinstance(about, dict):
        raise FixtureError("must hold a JSON object", file=path)
    for name, value in about.items():
        if name not in COLLECTION_ABOUT:
            raise FixtureError(f"unknown field (expected one of {', '.join(COLLECTION_ABOUT)})", file=path, field=name)
        if not isinstance(value, str) or (name == "title" and not value.strip()):
            raise FixtureError("must be a non-empty str" if name == "title" else "must be a str", file=path,
                               field=name)
    if "visibility" in about and about["visibility"] not in Visibility.values:
        raise FixtureError(f"bad visibility {about['visibility']!r}: use one of {', '.join(Visibility.values)}",
                           file=path, field="visibility")
    return about


def read_files(paths) -> list[tuple[Path, int, dict]]:
    """Parse each file into (path, record number, record) triples."""
    records = []
    for path in map(Path, paths):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FixtureError("file not found", file=path) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise FixtureError(f"not valid JSON: {error}", file=path) from None
        if not isinstance(data, list):
            raise FixtureError("a fixture file must hold a JSON list of records", file=path)
        for number, record in enumerate(data, start=1):
            records.append((path, number, record))
    return records


def validate(records, *, known_sources=(), known_people=(), known_works=(), known_events=(), known_ideas=(),
             sources_dir=None, source_texts=None) -> FactBase:
    """Check every record and every reference; return the fact base or raise FixtureError. Quotes are checked
    verbatim against the texts in `sources_dir` (files named by source key) or in `source_texts` ({key: text},
    the texts a collection stores), when given. With both (`load_facts --verify-quotes DIR` into a collection
    whose sources were uploaded), a source without a file in DIR is checked against its stored text; one with
    neither is an error naming it."""
    base = FactBase()
    pending_citations = []
    for path, number, record in records:
        where = {"file": path, "record": number}
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            raise FixtureError('each record must be {"model": ..., "fields": {...}}', **where)
        model = record.get("model")
        if model not in REQUIRED:
            raise FixtureError(f"unknown model {model!r}", field="model", **where)
        fields = record["fields"]
        _check_types(fields, model, where)
        if model == "facts.citation":
            pending_citations.append((where, fields))
            continue
        key = fields["key"]
        target = base.sources if model == "facts.source" else base.facts_of(model)
        if key in target:
            raise FixtureError(f"duplicate natural key {key!r}", field="key", **where)
        if model == "facts.event":
            date = _check_date(fields, where)
            fields = {**fields, "date": date, "end": _check_end(fields, date, where)}
        if "weight" in fields and fields["weight"] not in Weight.values:
            raise FixtureError(f"bad weight {fields['weight']!r}: use one of {', '.join(Weight.values)}",
                               field="weight", **where)
        if model == "facts.work" and fields["kind"] not in WorkKind.values:
            raise FixtureError(f"bad kind {fields['kind']!r}: use one of {', '.join(WorkKind.values)}",
                               field="kind", **where)
        for name in ("aliases", "roles"):
            if name in fields and not all(isinstance(item, str) and item.strip() for item in fields[name]):
                raise FixtureError("must be a list of non-empty strings", field=name, **where)
        if model != "facts.source":
            _check_lengths(fields, where)
        if model == "facts.work" and fields.get("year") is not None:
            _check_work_year(fields["year"], "year", where)
        target[key] = {**fields, "_where": where}

    sources = set(base.sources) | set(known_sources)
    people = set(base.people) | set(known_people)
    works = set(base.works) | set(known_works)
    for work in base.works.values():
        if work.get("author") is not None:
            author = _natural_key(work["author"], work["_where"], "author")
            if author not in people:
                raise FixtureError(f"unknown person {author!r}", field="author", **work["_where"])
        for ref in work.get("coauthors", []):
            coauthor = _natural_key(ref, work["_where"], "coauthors")
            if coauthor not in people:
                raise FixtureError(f"unknown person {coauthor!r}", field="coauthors", **work["_where"])
    for idea in base.ideas.values():
        if idea.get("holder") is not None:
            holder = _natural_key(idea["holder"], idea["_where"], "holder")
            if holder not in people:
                raise FixtureError(f"unknown person {holder!r}", field="holder", **idea["_where"])
    for event in base.events.values():
        for name, known in (("people", people), ("works", works)):
            for ref in event.get(name, []):
                target = _natural_key(ref, event["_where"], name)
                if target not in known:
                    raise FixtureError(f"unknown {name[:-1] if name == 'works' else 'person'} {target!r}",
                                       field=name, **event["_where"])

    facts_known = {"person": people, "work": works, "event": set(base.events) | set(known_events),
                   "idea": set(base.ideas) | set(known_ideas)}
    file_texts = {}
    seen = set()
    for where, fields in pending_citations:
        source = _natural_key(fields["source"], where, "source")
        if source not in sources:
            raise FixtureError(f"unknown source {source!r}", field="source", **where)
        refs = [name for name in ("person", "work", "event", "idea") if name in fields]
        if len(refs) != 1:
            raise FixtureError("a citation names exactly one of person, work, event or idea", field="person",
                               **where)
        kind = refs[0]
        fact_key = _natural_key(fields[kind], where, kind)
        if fact_key not in facts_known[kind]:
            raise FixtureError(f"unknown {kind} {fact_key!r}", field=kind, **where)
        quote = fields["quote"]
        if len(quote) > MAX_QUOTE_CHARS:
            raise FixtureError(f"quote is {len(quote)} characters; at most {MAX_QUOTE_CHARS}", field="quote", **where)
        if len(quote.split()) > MAX_QUOTE_WORDS:
            raise FixtureError(f"quote is {len(quote.split())} words; at most {MAX_QUOTE_WORDS}",
                               field="quote", **where)
        # A quote is one passage: a single word (or a lone "a" or ".") verifies nothing, and a quote across a blank
        # line joins two paragraphs the reader shows apart (the authoring pages refuse both before a save).
        if len(quote.split()) < 2:
            raise FixtureError("quote is one word: at least two, the words that state the fact", field="quote",
                               **where)
        if "\n\n" in quote.strip():
            raise FixtureError("quote spans a blank line: one passage within one paragraph", field="quote", **where)
        claim = fields.get("claim", {})
        model_class = FACT_MODELS[f"facts.{kind}"]
        if claim and not model_class.CLAIM_FIELDS:
            # An idea is one view with its own question: a differing view is another idea, not a claim on this one.
            raise FixtureError(f"this {kind}'s citation may state no claim: a differing view is an idea of its own",
                               field="claim", **where)
        for name in claim:
            if name not in model_class.CLAIM_FIELDS:
                raise FixtureError(f"a {kind} claim may state only {', '.join(model_class.CLAIM_FIELDS)}",
                                   field=f"claim.{name}", **where)
        if kind == "event" and set(claim) & {"when", "date", "precision", "end"}:
            if not {"when", "date", "precision"} <= set(claim):
                raise FixtureError("an event claim gives when, date and precision together", field="claim", **where)
            date = _check_date(claim, where, prefix="claim.")
            end = _check_end(claim, date, where, prefix="claim.")
            # A date claim states its own span: it never inherits the main version's end.
            claim = {**claim, "date": date.isoformat(), "end": end.isoformat() if end else None}
        for name in ("description", "when"):  # a claim's texts: as the fields they replace (issue 21 #15)
            if name in claim and not (isinstance(claim[name], str) and claim[name].strip()):
                raise FixtureError("must be a non-empty str", field=f"claim.{name}", **where)
        _check_lengths(claim, where, prefix="claim.")
        if kind == "work" and "year" in claim:
            _check_work_year(claim["year"], "claim.year", where)
        identity = (kind, fact_key, source, quote, json.dumps(claim, sort_keys=True))
        if identity in seen:
            raise FixtureError("duplicate citation", field="quote", **where)
        seen.add(identity)
        if sources_dir is not None:
            if source not in file_texts:
                try:
                    file_texts[source] = (Path(sources_dir) / source).read_text(encoding="utf-8")
                except FileNotFoundError:
                    file_texts[source] = None
            stored = (source_texts or {}).get(source) or None
            if file_texts[source] is None and stored is None:
                raise FixtureError(f"source {source!r}: no file {source} in {sources_dir} and no text stored for it",
                                   field="source", **where)
            if not quote_occurs(quote, file_texts[source] if file_texts[source] is not None else stored):
                found_in = source if file_texts[source] is not None else f"the stored text of source {source!r}"
                raise FixtureError(f"quote not found verbatim in {found_in}: {quote[:80]!r}", field="quote", **where)
        elif source_texts is not None and not quote_occurs(quote, source_texts.get(source, "")):
            raise FixtureError(f"quote not found verbatim in source {source!r}: {quote[:80]!r}", field="quote",
                               **where)
        base.citations.setdefault((kind, fact_key), []).append(
            {"source": source, "quote": quote, "claim": claim, "position": len(seen)}
        )

    for model in FACT_MODELS:
        kind = model.split(".")[1]
        for key, fact in base.facts_of(model).items():
            if (kind, key) not in base.citations:
                raise FixtureError(f"{kind} {key!r} has no citation: every fact cites a source",
                                   field="key", **fact["_where"])
    return base
