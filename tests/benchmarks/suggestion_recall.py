"""How many of the facts in fixtures/ the suggester proposes, run over their sources as if they were new.

    .venv/bin/python tests/benchmarks/suggestion_recall.py [--sources ../shared/sources] [--fixtures fixtures]

Two runs: knowing nothing (an empty collection: only what the text itself marks) and knowing the fixtures' names
(every person's name and aliases and every work's title and aliases passed in as `known_people`/`known_works`,
as a collection that already has those facts would). "Proposes", precisely:
- a person is found when a person candidate from a source that cites the person has, after `studyapp.text.fold`,
  the text of the person's name or of one of its aliases;
- a work likewise, with its title or an alias, from a work candidate;
- an event is found when an event (date) candidate from a source that cites the event lies in the same sentence
  as one of its quotes (the candidate's quote overlaps the cited quote where it occurs in the text) and starts in
  the same year as the event, or as one of the versions its citations claim.
Candidates per source (by kind) stand in for precision: every one is a proposal an editor reads.
"""

import argparse
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

KINDS = ("person", "work", "event")
LABELS = {"person": "people", "work": "works", "event": "dated events"}


@dataclass
class Fact:
    """What a fixture fact gives the measure: names to match (people, works) or years (events), and citations."""

    kind: str
    key: str
    weight: str
    names: list = field(default_factory=list)
    years: set = field(default_factory=set)
    citations: list = field(default_factory=list)  # (source key, quote)


def fixture_facts(fixtures_dir) -> list[Fact]:
    """Every person, work and event of the fixture files in a folder, read and checked by the loader itself."""
    from studyapp.facts.loading import read_files, validate

    paths = sorted(path for path in Path(fixtures_dir).glob("*.json") if path.name != "collection.json")
    base = validate(read_files(paths))
    facts = []
    for kind, table in (("person", base.people), ("work", base.works), ("event", base.events)):
        for key, fields in table.items():
            cites = base.citations[(kind, key)]
            fact = Fact(kind, key, fields.get("weight", "core"), citations=[(c["source"], c["quote"]) for c in cites])
            if kind == "event":
                fact.years = {fields["date"].year} | {int(c["claim"]["date"][:4]) for c in cites
                                                      if "date" in c["claim"]}
            else:
                fact.names = [fields["name" if kind == "person" else "title"], *fields.get("aliases", [])]
            facts.append(fact)
    return facts


def run_suggester(texts, facts, *, known):
    """{source key: candidates} for every text, knowing the facts' names or not."""
    from studyapp.authoring.suggestions import suggest

    people = [name for fact in facts if fact.kind == "person" for name in fact.names] if known else []
    works = [name for fact in facts if fact.kind == "work" for name in fact.names] if known else []
    return {key: suggest(text, known_people=people, known_works=works) for key, text in texts.items()}


def _positions(text, quote):
    start = text.find(quote)
    while start >= 0:
        yield start, start + len(quote)
        start = text.find(quote, start + 1)


def found(fact, texts, candidates) -> bool:
    """Whether the suggester proposed this fact (the definitions in the module's docstring)."""
    from studyapp.text import fold

    sources = {source for source, _ in fact.citations if source in texts}
    if fact.kind != "event":
        names = {fold(name) for name in fact.names}
        return any(c.kind == fact.kind and fold(c.text) in names for source in sources for c in candidates[source])
    for source, quote in fact.citations:
        if source not in texts:
            continue
        for start, end in _positions(texts[source], quote):
            for c in candidates[source]:
                overlaps = c.quote_start < end and c.quote_start + len(c.quote) > start
                if c.kind == "event" and overlaps and int(c.when.date[:4]) in fact.years:
                    return True
    return False


def measure(texts, facts, *, known):
    """{kind: (found, total)} overall and for the facts that make cards (core and context), and candidates per
    source by kind."""
    candidates = run_suggester(texts, facts, known=known)
    recall, carded = {}, {}
    for kind in KINDS:
        of_kind = [fact for fact in facts if fact.kind == kind and any(s in texts for s, _ in fact.citations)]
        hits = [fact for fact in of_kind if found(fact, texts, candidates)]
        recall[kind] = (len(hits), len(of_kind))
        carded[kind] = tuple(sum(fact.weight != "mention" for fact in group) for group in (hits, of_kind))
    counts = {key: Counter(c.kind for c in found_here) for key, found_here in candidates.items()}
    return recall, carded, counts


def _share(pair):
    hits, total = pair
    return f"{hits}/{total} ({100 * hits / total:.0f}%)" if total else "-"


def table(texts, facts) -> str:
    """The report: recall by kind in both runs, then candidates per source."""
    runs = {known: measure(texts, facts, known=known) for known in (False, True)}
    lines = [f"{'':14} {'knowing nothing':>18} {'knowing the names':>18} {'core+context, knowing nothing':>30} "
             f"{'core+context, knowing the names':>32}"]
    for kind in KINDS:
        lines.append(f"{LABELS[kind]:14} {_share(runs[False][0][kind]):>18} {_share(runs[True][0][kind]):>18} "
                     f"{_share(runs[False][1][kind]):>30} {_share(runs[True][1][kind]):>32}")
    lines += ["", f"{'source':26} {'chars':>7}  candidates, knowing nothing (people/works/events)  "
              "knowing the names"]
    totals = {False: Counter(), True: Counter()}
    for key, text in texts.items():
        cells = []
        for known in (False, True):
            count = runs[known][2][key]
            totals[known].update(count)
            cells.append(f"{sum(count.values()):>4} ({count['person']}/{count['work']}/{count['event']})")
        lines.append(f"{key:26} {len(text):>7}  {cells[0]:>44}  {cells[1]:>17}")
    cells = [f"{sum(t.values()):>4} ({t['person']}/{t['work']}/{t['event']})" for t in totals.values()]
    lines.append(f"{'all':26} {sum(map(len, texts.values())):>7}  {cells[0]:>44}  {cells[1]:>17}")
    return "\n".join(lines)


def default_fixtures() -> Path:
    """The Serge base: fixtures/serge/ since fixtures hold one folder per collection, fixtures/ before."""
    serge = ROOT / "fixtures" / "serge"
    return serge if serge.is_dir() else ROOT / "fixtures"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", default=str(ROOT.parent / "shared" / "sources"))
    parser.add_argument("--fixtures", default=str(default_fixtures()))
    args = parser.parse_args(argv)
    import django

    django.setup()  # the fixtures are read and checked by the loader, which knows the models' choices
    facts = fixture_facts(args.fixtures)
    texts = {path.name: path.read_text(encoding="utf-8") for path in sorted(Path(args.sources).glob("*.txt"))}
    print(table(texts, facts))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    main()
