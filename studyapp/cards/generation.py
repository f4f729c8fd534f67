"""Card generation: pure functions from fact snapshots to card specs. No database access here.

services.sync_cards builds the snapshots from the fact base and writes the specs. Keeping this pure
means every rule (when a reverse card is unambiguous, what a cloze may blank) is tested on plain data.
"""

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

# Period tags, so a student can study one stretch of Serge's life at a time. ASCII hyphens: the tags are
# matched inside JSON text, which SQLite stores \u-escaped and PostgreSQL does not.
PERIODS = (
    (None, 1904, "before 1905"),
    (1905, 1916, "1905-1916"),
    (1917, 1921, "1917-1921"),
    (1922, 1935, "1922-1935"),
    (1936, 1947, "1936-1947"),
    (1948, None, "after 1947"),
)
TOPICS = tuple(label for _, _, label in PERIODS)

KIND_NAMES = {
    "novel": "a novel", "memoir": "a memoir", "history": "a history", "non-fiction": "a work of non-fiction",
    "notebooks": "notebooks (a journal)", "poetry": "poetry", "periodical": "a periodical (journal or newspaper)",
    "essay": "an essay", "article": "an article", "speech": "a speech", "film": "a film", "other": "other",
}
KIND_SHORT = {
    "novel": "novel", "memoir": "memoir", "history": "history", "non-fiction": "non-fiction book",
    "notebooks": "notebooks", "poetry": "poetry collection", "periodical": "periodical", "essay": "essay",
    "article": "article", "speech": "speech", "film": "film", "other": "work",
}
BLANK = "[...]"
MIN_WORDS_AROUND_BLANK = 5  # a cloze needs enough context left to be answerable


@dataclass(frozen=True)
class Cite:
    source: str
    title: str
    quote: str

    def as_dict(self):
        return {"source": self.source, "title": self.title, "quote": self.quote}


@dataclass(frozen=True)
class Version:
    """One sourced version of a fact's disputable fields, with the citations that give it."""

    values: dict
    cites: tuple[Cite, ...]


@dataclass(frozen=True)
class PersonFact:
    key: str
    name: str
    aliases: tuple[str, ...]
    description: str
    versions: tuple[Version, ...]
    years: tuple[int, ...] = ()  # years of the events the person takes part in, for topics


@dataclass(frozen=True)
class WorkFact:
    key: str
    title: str
    aliases: tuple[str, ...]
    kind: str
    year: int | None
    author: str | None
    author_aliases: tuple[str, ...]
    versions: tuple[Version, ...]


@dataclass(frozen=True)
class EventFact:
    key: str
    when: str
    date: dt.date
    precision: str
    description: str
    versions: tuple[Version, ...]


@dataclass
class CardSpec:
    key: str
    fact_type: str
    fact_key: str
    kind: str
    deck: str
    prompt: str
    answer: str
    accepted: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    citations: list = field(default_factory=list)
    disputed: bool = False

    @property
    def sibling_key(self):
        return f"{self.fact_type}:{self.fact_key}"


def card_key(fact_type, fact_key, kind):
    """The stable key: fact and card kind only, never the text, so edits keep everyone's progress."""
    return f"{fact_type}:{fact_key}:{kind}"


def topics_for_years(years):
    found = []
    for start, end, label in PERIODS:
        if any((start is None or y >= start) and (end is None or y <= end) for y in years):
            found.append(label)
    return found


def _unique(items):
    seen, out = set(), []
    for item in items:
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def _all_cites(fact):
    return [c.as_dict() for v in fact.versions for c in v.cites]


def _version_answer(fact, field_name, render=str):
    """The answer to a question about a disputable field: each sourced version, with its source."""
    if len(fact.versions) == 1:
        return render(fact.versions[0].values[field_name])
    parts = []
    for version in fact.versions:
        titles = "; ".join(_unique([c.title for c in version.cites]))
        parts.append(f"{render(version.values[field_name])} (according to {titles})")
    return "Sources differ: " + " / ".join(parts)


def _distinct_values(fact, field_name):
    return _unique([str(v.values[field_name]) for v in fact.versions])


def _mentions(text, term):
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, flags=re.IGNORECASE) is not None


# --- people -------------------------------------------------------------------------------------

def person_cards(person, *, reverse_ok):
    topics = topics_for_years(person.years)
    names = _unique([person.name, *person.aliases])
    disputed = len(_distinct_values(person, "description")) > 1
    cards = [CardSpec(
        key=card_key("person", person.key, "person_who"), fact_type="person", fact_key=person.key,
        kind="person_who", deck="people", prompt=f"Who was {person.name}?",
        answer=_version_answer(person, "description"), accepted=_distinct_values(person, "description"),
        topics=topics, citations=_all_cites(person), disputed=disputed,
    )]
    if reverse_ok and not disputed and not any(_mentions(person.description, n) for n in names):
        cards.append(CardSpec(
            key=card_key("person", person.key, "person_reverse"), fact_type="person", fact_key=person.key,
            kind="person_reverse", deck="people", prompt=f"Who is this? {person.description}",
            answer=person.name, accepted=names, topics=topics, citations=_all_cites(person),
        ))
    return cards


# --- works --------------------------------------------------------------------------------------

def work_cards(work, *, reverse_ok):
    years = [v.values["year"] for v in work.versions if v.values.get("year")]
    topics = topics_for_years(years)
    titles = _unique([work.title, *work.aliases])
    cites = _all_cites(work)
    base = {"fact_type": "work", "fact_key": work.key, "deck": "works", "topics": topics, "citations": cites}
    cards = []
    if work.author:
        cards.append(CardSpec(
            key=card_key("work", work.key, "work_author"), kind="work_author", prompt=f"Who wrote “{work.title}”?",
            answer=work.author, accepted=_unique([work.author, *work.author_aliases]), **base,
        ))
    year_versions = _unique([str(y) for y in years])
    if year_versions:
        cards.append(CardSpec(
            key=card_key("work", work.key, "work_year"), kind="work_year",
            prompt=f"In what year was “{work.title}” published?",
            answer=_version_answer(work, "year") if len(work.versions) > 1 else year_versions[0],
            accepted=year_versions, disputed=len(year_versions) > 1, **base,
        ))
    if work.kind != "other":
        cards.append(CardSpec(
            key=card_key("work", work.key, "work_kind"), kind="work_kind",
            prompt=f"What kind of work is “{work.title}”?",
            answer=KIND_NAMES[work.kind], accepted=_unique([KIND_NAMES[work.kind], work.kind]), **base,
        ))
    if reverse_ok:
        by = f" by {work.author}" if work.author else ""
        year = f", published in {work.year}" if work.year else ""
        cards.append(CardSpec(
            key=card_key("work", work.key, "work_reverse"), kind="work_reverse",
            prompt=f"Which {KIND_SHORT[work.kind]}{by}{year}?", answer=work.title, accepted=titles, **base,
        ))
    return cards


def work_reverse_signature(work):
    """What a reverse prompt reveals; it is asked only when no other work shares it."""
    if not work.author or not work.year or len(_distinct_values(work, "year")) > 1:
        return None
    return (work.kind, work.author, work.year)


# --- events -------------------------------------------------------------------------------------

def _truncate(date, precision):
    if precision == "day":
        return (date.year, date.month, date.day)
    if precision == "month":
        return (date.year, date.month)
    if precision == "year":
        return (date.year,)
    return (date.year // 10,)


def event_cards(event, *, reverse_ok):
    dates = [v.values["date"] for v in event.versions]
    topics = topics_for_years([d.year for d in dates])
    whens = _distinct_values(event, "when")
    cites = _all_cites(event)
    base = {"fact_type": "event", "fact_key": event.key, "deck": "events", "topics": topics, "citations": cites}
    accepted = _unique([*whens, *[str(d.year) for d in dates]])
    cards = [CardSpec(
        key=card_key("event", event.key, "event_when"), kind="event_when",
        prompt=f"When did this happen? {event.description}", answer=_version_answer(event, "when"),
        accepted=accepted, disputed=len(whens) > 1, **base,
    )]
    if reverse_ok:
        cards.append(CardSpec(
            key=card_key("event", event.key, "event_reverse"), kind="event_reverse",
            prompt=f"What happened in {event.when}?", answer=event.description, accepted=[event.description], **base,
        ))
    return cards


def events_fitting(events):
    """How many events fit each (precision, truncated date): a reverse prompt needs exactly one."""
    counts = Counter()
    for event in events:
        for precision in ("day", "month", "year", "decade"):
            dates = {_truncate(v.values["date"], precision) for v in event.versions}
            for date in dates:
                counts[(precision, date)] += 1
    return counts


# --- cloze --------------------------------------------------------------------------------------

def _blank(quote, terms):
    """Blank the first (longest) term found in the quote; None when the rest would be too thin."""
    for term in sorted(_unique(terms), key=len, reverse=True):
        match = re.search(rf"(?<!\w){re.escape(term)}(?!\w)", quote)
        if not match:
            continue
        rest = quote[: match.start()] + " " + quote[match.end():]
        if len(re.findall(r"\w+", rest)) < MIN_WORDS_AROUND_BLANK:
            return None
        return quote[: match.start()] + BLANK + quote[match.end():], match.group(0)
    return None


def cloze_card(fact_type, fact, terms, accepted, what, ambiguous_terms):
    """A cloze from the first citation whose quote contains the answer; terms shared by facts are skipped."""
    terms = [t for t in terms if t.casefold() not in ambiguous_terms]
    deck = {"person": "people", "work": "works", "event": "events"}[fact_type]
    for version in fact.versions:
        for cite in version.cites:
            blanked = _blank(cite.quote, terms)
            if blanked:
                text, found = blanked
                return CardSpec(
                    key=card_key(fact_type, fact.key, "cloze"), fact_type=fact_type, fact_key=fact.key,
                    kind="cloze", deck=deck, prompt=f"Fill in the blank ({what}): “{text}” ({cite.title})",
                    answer=found, accepted=_unique([found, *accepted]), citations=[cite.as_dict()],
                )
    return None


# --- the whole base -----------------------------------------------------------------------------

def generate_cards(people, works, events):
    """Every card spec for the base. Reverse and cloze cards appear only where their answer is unique."""
    specs = []
    descriptions = Counter(p.description.casefold() for p in people)
    for person in people:
        specs += person_cards(person, reverse_ok=descriptions[person.description.casefold()] == 1)

    signatures = Counter(work_reverse_signature(w) for w in works)
    for work in works:
        signature = work_reverse_signature(work)
        specs += work_cards(work, reverse_ok=signature is not None and signatures[signature] == 1)

    fitting = events_fitting(events)
    for event in events:
        fit = (event.precision, _truncate(event.date, event.precision))
        unique_fit = len(event.versions) == 1 and fitting[fit] == 1
        specs += event_cards(event, reverse_ok=unique_fit)

    # A name or title shared by two facts cannot be a cloze answer: the blank would fit both.
    owners = defaultdict(set)
    for person in people:
        for name in _unique([person.name, *person.aliases]):
            owners[name.casefold()].add(("person", person.key))
    for work in works:
        for title in _unique([work.title, *work.aliases]):
            owners[title.casefold()].add(("work", work.key))
    ambiguous = {term for term, facts in owners.items() if len(facts) > 1}
    for person in people:
        names = _unique([person.name, *person.aliases])
        card = cloze_card("person", person, names, names, "a name", ambiguous)
        specs += [card] if card else []
    for work in works:
        titles = _unique([work.title, *work.aliases])
        card = cloze_card("work", work, titles, titles, "a title", ambiguous)
        specs += [card] if card else []
    for event in events:
        if len(event.versions) == 1:  # a disputed date has no single right blank
            year = str(event.date.year)
            card = cloze_card("event", event, [year], [year], "a year", set())
            specs += [card] if card else []
    for spec in specs:
        if spec.kind == "cloze":
            spec.topics = next((s.topics for s in specs if s.fact_key == spec.fact_key
                                and s.fact_type == spec.fact_type and s.kind != "cloze"), [])
    return drop_ambiguous_prompts(specs)


def drop_ambiguous_prompts(specs):
    """Last guard: if two cards ask the same question with different answers, neither is fair to ask."""
    answers = defaultdict(set)
    for spec in specs:
        answers[spec.prompt.casefold()].add(spec.answer.casefold())
    return [spec for spec in specs if len(answers[spec.prompt.casefold()]) == 1]
