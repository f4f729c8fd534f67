"""Card generation: pure functions from fact snapshots to card specs. No database access here.

services.sync_cards builds the snapshots from the fact base and writes the specs. Keeping this pure
means every rule (when a reverse card is unambiguous, what a cloze may blank, which answer would be
a default guess) is tested on plain data. The rules a finished card set must satisfy are checked,
independently of how it was made, by cards/rules.py (and `manage.py card_report`).

What makes a card here, in short:
- only facts with substance get cards: weight core or context, never mention;
- a prompt never contains an accepted answer of its own card (rules.leaks);
- no answer is a default guess: in no kind does one answer cover more than a fifth of the cards;
- a date is asked at its precision ("In what decade...?" accepts "1930s", never "1930");
- a cloze blanks a name, title or year that its quote's own words determine;
- no two cards share a prompt.
"""

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from studyapp.cards import text
from studyapp.decks import DECK_OF
from studyapp.facts.timeline import end_of
from studyapp.refs import ref
from studyapp.topics import PERIODS, TOPICS

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
# Kinds form a small hierarchy: an essay IS non-fiction, so the two never compete as options, and
# "X is a work of non-fiction" is true of a memoir.
KIND_PARENT = {"memoir": "non-fiction", "history": "non-fiction", "notebooks": "non-fiction", "essay": "non-fiction",
               "article": "non-fiction", "speech": "non-fiction", "novel": "literature", "poetry": "literature"}
# Words that name a kind in a title ("Memoirs of...", "History of...") and so give a kind card away.
KIND_WORDS = {
    "novel": ("novel",), "memoir": ("memoir",), "history": ("histor",), "notebooks": ("notebook", "carnet"),
    "poetry": ("poem", "poet", "verse"), "periodical": ("journal", "review", "gazette", "newspaper"),
    "essay": ("essay",), "article": ("article",), "speech": ("speech", "address"), "film": ("film",),
    "non-fiction": (),
}

WEIGHTS = ("core", "context")  # facts of these weights get cards; a mention gets none
BLANK = "[...]"
MIN_WORDS_AROUND_BLANK = 10  # a cloze needs enough of its sentence left to determine the blank
# Words that lean on what came before the quote: a blank beside them is not determined by the quote alone.
ANAPHORA = re.compile(r"\b(?:the (?:opposite|same|latter|former|other)|also|too|likewise|another|either)\b",
                      flags=re.IGNORECASE)
PRONOUN = re.compile(r"\b(?:he|she|they|him|them|his)\b", flags=re.IGNORECASE)
# A birth or a death is the default guess for "what happened in <month year>?" at the edge of a life (blind raters
# answered "Serge dies" to November 1947 without recalling anything): such events get no date -> event card.
LIFE_EDGE = re.compile(r"\b(?:born|birth|dies|died|death)\b", flags=re.IGNORECASE)
DEFAULT_SHARE = 5  # no answer may cover more than 1/DEFAULT_SHARE of a kind's cards
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


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
    weight: str = "context"
    roles: tuple[str, ...] = ()
    dispute_note: str = ""


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
    weight: str = "context"
    description: str = ""
    coauthors: tuple[str, ...] = ()
    dispute_note: str = ""
    author_key: str | None = None


@dataclass(frozen=True)
class EventFact:
    key: str
    when: str
    date: dt.date
    precision: str
    description: str
    versions: tuple[Version, ...]
    weight: str = "context"
    end: dt.date | None = None
    topic: str = ""
    dispute_note: str = ""


@dataclass(frozen=True)
class IdeaFact:
    """What someone thought, argued or named: asked as its question (the curator's words, borne out by its quotes)."""

    key: str
    question: str
    answer: str
    aliases: tuple[str, ...]
    versions: tuple[Version, ...]
    holder: str | None = None
    weight: str = "context"


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
    weight: str = "context"
    intro_rank: int = 0
    # What the card asks for, for the rules: "date" cards carry their span, cloze cards their blank.
    date_span: tuple | None = None
    cloze: dict | None = None

    @property
    def sibling_key(self):
        return ref(self.fact_type, self.fact_key)


def card_key(fact_type, fact_key, kind):
    """The stable key: fact and card kind only, never the text, so edits keep everyone's progress."""
    return f"{ref(fact_type, fact_key)}:{kind}"


def topics_for_span(first, last):
    """Every period the years first..last touch, so a period holds the whole span of its events."""
    return [label for start, end, label in PERIODS
            if (start is None or last >= start) and (end is None or first <= end)]


def topics_for_years(years):
    found = set()
    for year in years:
        found.update(topics_for_span(year, year))
    return [label for label in TOPICS if label in found]


def _unique(items):
    seen, out = set(), []
    for item in items:
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def _all_cites(fact):
    return [c.as_dict() for v in fact.versions for c in v.cites]


def _titles_of(version):
    return "; ".join(_unique([c.title for c in version.cites]))


def _versions_answer(fact, rendered):
    """The answer to a question about a disputable field: each sourced version, and what the difference is.

    `rendered` holds one text per version, in order. A dispute_note explains versions that are not a
    disagreement between sources (two calendars; a text and its own note).
    """
    distinct = _unique(rendered)
    if len(distinct) == 1:
        return distinct[0]
    if fact.dispute_note:
        return " / ".join(distinct) + f" ({fact.dispute_note})"
    parts, seen = [], set()
    for value, version in zip(rendered, fact.versions, strict=True):
        if value.casefold() in seen:
            continue
        seen.add(value.casefold())
        parts.append(f"{value} (according to {_titles_of(version)})")
    return "Sources differ: " + " / ".join(parts)


# --- dates --------------------------------------------------------------------------------------

def format_date(date: dt.date, precision: str, end: dt.date | None = None) -> str:
    """A date at its precision, one format everywhere so the format never gives an answer away."""
    if end is not None:
        if precision in ("day", "month") and (date.year, end.year) == (date.year, date.year):
            return f"{MONTHS[date.month - 1]}–{MONTHS[end.month - 1]} {date.year}"
        return f"{date.year}–{end.year}"
    if precision == "day":
        return f"{date.day} {MONTHS[date.month - 1]} {date.year}"
    if precision == "month":
        return f"{MONTHS[date.month - 1]} {date.year}"
    if precision == "year":
        return str(date.year)
    return f"{date.year // 10 * 10}s"


def date_forms(date: dt.date, precision: str, end: dt.date | None = None, when: str = "") -> list[str]:
    """Every way of writing this date that a typed answer may use: exactly what its precision supports.

    A decade accepts "1930s", never "1930"; a year accepts the year; a month or day is asked as month
    and year ("July 1918"), and the full day is accepted too; a span accepts both ends only.
    """
    if end is not None:
        if precision in ("day", "month") and date.year == end.year:
            forms = [format_date(date, precision, end)]
        else:
            forms = [f"{date.year}–{end.year}", f"{date.year}-{end.year}", f"{date.year} to {end.year}",
                     f"from {date.year} to {end.year}", f"{date.year}–{end.year % 100:02d}"]
    elif precision == "decade":
        decade = date.year // 10 * 10
        forms = [f"{decade}s", f"the {decade}s"]
        if re.search(rf"\b(early|mid|late)\W+{decade}", when, flags=re.IGNORECASE):
            forms.append(re.sub(r"^the\s+", "", when.strip(), flags=re.IGNORECASE))
    elif precision == "year":
        forms = [str(date.year)]
    else:
        month = f"{MONTHS[date.month - 1]} {date.year}"
        forms = [month, f"{date.year}-{date.month:02d}"]
        if precision == "day":
            forms = [format_date(date, "day"), f"{MONTHS[date.month - 1]} {date.day}, {date.year}",
                     date.isoformat(), *forms]
    return _unique(forms)


def date_question(precision, end):
    if end is not None:
        return "In what years did this happen (from when to when)?"
    return {"day": "On what date did this happen?", "month": "In what month and year did this happen?",
            "year": "In what year did this happen?", "decade": "In what decade did this happen?"}[precision]


def span_of(date: dt.date, precision: str, end: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day a date may mean at its precision (or its stated end)."""
    return date, end or end_of(date, precision)


def version_span(values, fallback_precision="year"):
    return span_of(values["date"], values.get("precision") or fallback_precision, _end(values))


# --- people -------------------------------------------------------------------------------------

def person_cards(person, *, reverse_ok):
    topics = topics_for_years(person.years)
    names = _unique([person.name, *person.aliases])
    descriptions = [v.values["description"] for v in person.versions] or [person.description]
    disputed = len(_unique(descriptions)) > 1
    base = {"fact_type": "person", "fact_key": person.key, "deck": "people", "topics": topics,
            "citations": _all_cites(person), "weight": person.weight}
    cards = []
    # "Who was Natalia?" could be anyone: a one-word name is asked only the other way round.
    if len(person.name.split()) > 1:
        cards.append(CardSpec(
            key=card_key("person", person.key, "person_who"), kind="person_who", prompt=f"Who was {person.name}?",
            answer=_versions_answer(person, descriptions), accepted=_unique(descriptions), disputed=disputed, **base,
        ))
    if reverse_ok and not disputed and not any(text.mentions(person.description, n) for n in names):
        cards.append(CardSpec(
            key=card_key("person", person.key, "person_reverse"), kind="person_reverse",
            prompt=f"Who is this? {person.description}", answer=person.name, accepted=names, **base,
        ))
    return cards


# --- works --------------------------------------------------------------------------------------

def author_names(work):
    """"Victor Serge" or, for a co-written work, "Victor Serge and Natalia Sedova"."""
    if not work.author:
        return None
    return " and ".join([work.author, *work.coauthors])


def work_cards(work, *, reverse_ok, author_card_ok):
    years = [v.values["year"] for v in work.versions if v.values.get("year")]
    topics = topics_for_years(years)
    titles = _unique([work.title, *work.aliases])
    base = {"fact_type": "work", "fact_key": work.key, "deck": "works", "topics": topics,
            "citations": _all_cites(work), "weight": work.weight}
    cards = []
    author = author_names(work)
    if author and author_card_ok:
        accepted = [author] if work.coauthors else _unique([work.author, *work.author_aliases])
        cards.append(CardSpec(
            key=card_key("work", work.key, "work_author"), kind="work_author", prompt=f"Who wrote “{work.title}”?",
            answer=author, accepted=accepted, **base,
        ))
    # No "In what year was T published?" nor "What kind of work is T?": blind raters judged both
    # bibliographic trivia (a genre label, often given away by the title) and not worth learning.
    if reverse_ok:
        cards.append(CardSpec(
            key=card_key("work", work.key, "work_reverse"), kind="work_reverse",
            prompt=work_reverse_prompt(work), answer=work.title, accepted=titles, **base,
        ))
    return cards


def prompt_kind(work) -> str:
    """The kind a reverse prompt names: "novel", or "work" when the title would echo it ("Which memoir ...?"
    points at "Memoirs of a Revolutionary")."""
    if any(text.mentions_stem(t, stem) for t in (work.title, *work.aliases) for stem in KIND_WORDS.get(work.kind, ())):
        return "work"
    return KIND_SHORT[work.kind]


def work_reverse_prompt(work):
    """"Which novel by Victor Serge: <what it is>?" from the description, else kind, author and year."""
    what = prompt_kind(work)
    by = f" by {author_names(work)}" if work.author else ""
    if work.description:
        return f"Which {what}{by}: {work.description.rstrip('.')}?"
    return f"Which {what}{by}, published in {work.year}?"


def work_reverse_signature(work):
    """What a reverse prompt reveals; it is asked only when no other work shares it."""
    if work.description:
        return ("description", text.fold(work.description))
    if not work.author or not work.year or len(_unique([str(v.values.get("year")) for v in work.versions])) > 1:
        return None
    return (work.kind, work.author, work.year)


# --- events -------------------------------------------------------------------------------------

def _event_versions(event):
    return [v.values for v in event.versions] or [
        {"when": event.when, "date": event.date, "precision": event.precision, "end": event.end,
         "description": event.description}]


def _end(values):
    end = values.get("end")
    return dt.date.fromisoformat(end) if isinstance(end, str) else end


def event_cards(event, *, reverse_ok):
    versions = _event_versions(event)
    spans = [version_span(v, event.precision) for v in versions]
    first, last = min(s for s, _ in spans), max(e for _, e in spans)
    base = {"fact_type": "event", "fact_key": event.key, "deck": "events",
            "topics": topics_for_span(first.year, last.year), "citations": _all_cites(event),
            "weight": event.weight}
    rendered = [format_date(v["date"], v["precision"], _end(v)) for v in versions]
    dates_disputed = len(_unique(rendered)) > 1
    descriptions = _unique([v.get("description") or event.description for v in versions])
    cards = []
    if len(descriptions) > 1 and event.topic:
        # Sources give different accounts of what happened. Blind raters (three rounds) found "The sources
        # disagree about X: what does each say?" neither recallable nor gradable, so the disagreement is
        # shown on the event's page and the timeline, with each version's sources, and asked nowhere.
        return cards
    if event.precision == "decade" and event.end is None:
        # "In what decade...?" of a landmark is guessed, not recalled (blind rating): the timeline shows it.
        return cards
    accepted = []
    for v in versions:
        accepted += date_forms(v["date"], v["precision"], _end(v), v.get("when", ""))
    precisions = {(v["precision"], _end(v) is not None) for v in versions}
    question = date_question(event.precision, event.end) if len(precisions) == 1 else "When did this happen?"
    cards.append(CardSpec(
        key=card_key("event", event.key, "event_when"), kind="event_when",
        prompt=f"{question} {event.description}", answer=_versions_answer(event, rendered),
        accepted=_unique(accepted), disputed=dates_disputed, date_span=(first, last), **base,
    ))
    # Only a day points at one happening: "In these sources, what happened in May 1919?" was unclear to four blind
    # readers in four rounds (a month holds too much of a life to be a question).
    if reverse_ok and event.precision == "day" and not dates_disputed and not LIFE_EDGE.search(event.description):
        when = format_date(event.date, event.precision, event.end)
        on = "on" if event.precision == "day" and event.end is None else "in"
        cards.append(CardSpec(
            key=card_key("event", event.key, "event_reverse"), kind="event_reverse",
            prompt=f"In these sources, what happened {on} {when}?", answer=event.description,
            accepted=[event.description], **base,
        ))
    return cards


def events_fitting(events):
    """How many events each (year, month) touches: a date → event card needs exactly one."""
    counts = Counter()
    for event in events:
        for values in _event_versions(event):
            start, end = version_span(values, event.precision)
            for year in range(start.year, end.year + 1):
                counts[("year", year)] += 1
    return counts


# --- cloze --------------------------------------------------------------------------------------

def cloze_problem(quote, start, end, common=()):
    """Why a blank at quote[start:end] would not be determined by its context, or None if it is.

    `common`: names every quote of the base carries (its subject), which tie a blank to no one."""
    before, after = quote[:start].rstrip(), quote[end:].lstrip()
    if not text.is_sentence(quote):
        return "the quote is a fragment, not a whole sentence: what it is about may be cut off"
    if re.match(r"[“\"‘']?(?:He|She|It|They|His|Her|Its|Their|This|These|That|Those)\b", quote.strip()):
        return "the quote starts with a pronoun whose referent is not in it"
    if text.looks_like_reference(quote):
        return "the quote is a bibliographic reference or footnote fragment"
    if ANAPHORA.search(quote) or PRONOUN.search(quote):
        return "the quote points outside itself ('the opposite program'): its context is not all there"
    conjunction_before = re.search(r"(?:\band|\bor|\bnor|&)$", before)
    conjunction_after = re.match(r"(?:and|or|nor|&)\b", after)
    comma_before, comma_after = before[-1:] in {",", ";", "/"}, after[:1] in {",", ";", "/"}
    if (before[-1:] == "(" or after[:1] == ")" or conjunction_before or conjunction_after
            or (comma_before and comma_after) or ((comma_before or comma_after) and text.is_list(quote))):
        return "the blank is an item of a list or an aside: its neighbours would fit as well"
    if before[-1:] in {"-", "–"} or after[:1] in {"-", "–"}:
        return "the blank is one end of a range"
    rest = before + " " + after
    if len(re.findall(r"[^\W\d_]+", rest)) < MIN_WORDS_AROUND_BLANK:
        return "too little context is left around the blank"
    anchors = set(re.findall(r"(?<!^)(?<![.!?“\"]\s)\b[A-Z][\w’']+|\b\d{4}\b", rest.strip())) - set(common)
    if not anchors:
        return "nothing but the blank names anyone, anywhere or any time: the gap fits too many people"
    return None


def _blank(quote, terms, common=()):
    """Blank the first (longest) term found in the quote whose context determines it.

    A shorter term inside a longer one is never blanked alone ("Victor [...]" for "Victor Serge").
    """
    taken = []
    for term in sorted(_unique(terms), key=len, reverse=True):
        matches = list(re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", quote))
        inner = [m for m in matches if any(a <= m.start() and m.end() <= b for a, b in taken)]
        taken += [(m.start(), m.end()) for m in matches]
        for match in matches:
            if match in inner:
                continue
            if cloze_problem(quote, match.start(), match.end(), common) is None:
                return quote[: match.start()] + BLANK + quote[match.end():], match.group(0)
    return None


def cloze_card(fact_type, fact, terms, accepted, what, ambiguous_terms, common=()):
    """A cloze from the first citation whose quote determines the answer; shared terms are never blanked."""
    terms = [t for t in terms if t.casefold() not in ambiguous_terms]
    deck = DECK_OF[fact_type]
    for version in fact.versions:
        for cite in version.cites:
            blanked = _blank(cite.quote, terms, common)
            if not blanked:
                continue
            prompt_text, found = blanked
            prompt = f"Fill in the blank ({what}): “{prompt_text}” ({cite.title})"
            if any(text.mentions(prompt, a) for a in accepted):
                continue  # the answer is still readable elsewhere in the quote or in the source's title
            return CardSpec(
                key=card_key(fact_type, fact.key, "cloze"), fact_type=fact_type, fact_key=fact.key,
                kind="cloze", deck=deck, prompt=prompt,
                answer=found, accepted=_unique([found, *accepted]), citations=[cite.as_dict()], weight=fact.weight,
                cloze={"quote": cite.quote, "blanked": prompt_text},
            )
    return None


# --- the whole base -----------------------------------------------------------------------------

# --- ideas -------------------------------------------------------------------------------------

def idea_cards(idea):
    """One card: the idea's question, its answer. An idea is no period's (it has no date), so it has no topics; its
    cards are the People deck's (what people thought: studyapp.decks)."""
    return [CardSpec(
        key=card_key("idea", idea.key, "idea"), fact_type="idea", fact_key=idea.key, kind="idea", deck="people",
        prompt=idea.question, answer=idea.answer, accepted=_unique([idea.answer, *idea.aliases]),
        citations=_all_cites(idea), weight=idea.weight,
    )]


def generate_cards(people, works, events, ideas=()):
    """Every card spec for the base, in the order new cards are introduced (intro_rank)."""
    # Most-cited first within each weight, so the first cards met are the facts the sources dwell on.
    people = sorted((p for p in people if p.weight in WEIGHTS), key=lambda p: (-len(_all_cites(p)), p.key))
    works = sorted((w for w in works if w.weight in WEIGHTS), key=lambda w: (-len(_all_cites(w)), w.key))
    events = [e for e in events if e.weight in WEIGHTS]
    # "Who wrote ...?" whose answer would be the default guess (the base's own subject) is asked the
    # other way round: "Which novel by Victor Serge: <what it is>?".
    authors = Counter(author_names(w) for w in works if w.author)
    default_authors = {a for a, n in authors.items()
                       if n * DEFAULT_SHARE > sum(authors.values()) >= DEFAULT_SHARE}

    specs = []
    descriptions = Counter(text.fold(p.description) for p in people)
    for person in people:
        # "Who is this? Belgian-born revolutionary writer ..." in a Serge deck answers itself; "Who was
        # Victor Serge?" stays.
        specs += person_cards(person, reverse_ok=descriptions[text.fold(person.description)] == 1
                              and person.name not in default_authors)

    signatures = Counter(work_reverse_signature(w) for w in works)
    for work in works:
        signature = work_reverse_signature(work)
        specs += work_cards(work, reverse_ok=signature is not None and signatures[signature] == 1,
                            author_card_ok=author_names(work) not in default_authors)

    fitting = events_fitting(events)
    for event in events:
        start, end = version_span(_event_versions(event)[0], event.precision)
        unique_fit = len(event.versions) <= 1 and all(fitting[("year", y)] == 1
                                                       for y in range(start.year, end.year + 1))
        specs += event_cards(event, reverse_ok=unique_fit)

    # Most-cited first, as people and works: the views the sources dwell on are met first.
    for idea in sorted((i for i in ideas if i.weight in WEIGHTS), key=lambda i: (-len(_all_cites(i)), i.key)):
        specs += idea_cards(idea)

    # A name or title shared by two facts cannot be a cloze answer: the blank would fit both.
    owners = defaultdict(set)
    for person in people:
        for name in _unique([person.name, *person.aliases]):
            owners[name.casefold()].add(("person", person.key))
    for work in works:
        for title in _unique([work.title, *work.aliases]):
            owners[title.casefold()].add(("work", work.key))
    ambiguous = {term for term, facts in owners.items() if len(facts) > 1}
    # The base's own subject (the default author) is never a blank: it would be the default guess.
    # The subject's name is in every other quote: it ties a blank to no one ("[...] succumbs to the gossip
    # levelled against Serge" could be anyone).
    common = {word for p in people if p.name in default_authors for n in (p.name, *p.aliases) for word in n.split()}
    for person in (p for p in people if p.weight == "core" and p.name not in default_authors):
        names = _unique([person.name, *person.aliases])
        card = cloze_card("person", person, names, names, "a name", ambiguous, common)
        specs += [card] if card else []
    for work in (w for w in works if w.weight == "core"):
        titles = _unique([work.title, *work.aliases])
        card = cloze_card("work", work, titles, titles, "a title", ambiguous, common)
        specs += [card] if card else []
    # No year clozes: each repeats its event's "When did this happen?" card with less context.
    topics = {}
    for spec in specs:
        if spec.kind != "cloze":
            topics.setdefault(spec.sibling_key, spec.topics)
    for spec in specs:
        if spec.kind == "cloze":
            spec.topics = topics.get(spec.sibling_key, [])
    specs = drop_default_answers(drop_shared_prompts(specs))
    return rank_for_introduction(specs)


def answer_identity(spec):
    """What counts as "the same answer" for the default-answer rule: a name cloze is its fact."""
    if spec.kind == "cloze" and spec.fact_type in ("person", "work"):
        return spec.sibling_key
    return text.fold(spec.answer)


def drop_default_answers(specs):
    """No answer may cover more than a fifth of its kind's cards: keep the most significant, drop the rest.

    Kinds with fewer than DEFAULT_SHARE cards are left alone: there the share is a matter of size.
    """
    while True:  # dropping shrinks a kind, and so its limit: repeat until nothing more is dropped
        kept = _drop_default_answers_once(specs)
        if len(kept) == len(specs):
            return kept
        specs = kept


def _drop_default_answers_once(specs):
    by_kind = defaultdict(list)
    for spec in specs:
        by_kind[spec.kind].append(spec)
    dropped = set()
    for kind_specs in by_kind.values():
        if len(kind_specs) < DEFAULT_SHARE:
            continue
        limit = max(1, len(kind_specs) // DEFAULT_SHARE)
        groups = defaultdict(list)
        for spec in kind_specs:
            groups[answer_identity(spec)].append(spec)
        for group in groups.values():
            if len(group) > limit:
                ranked = sorted(group, key=lambda s: (WEIGHTS.index(s.weight), s.key))
                dropped.update(s.key for s in ranked[limit:])
    return [s for s in specs if s.key not in dropped]


def drop_shared_prompts(specs):
    """Two cards asking the same question are neither fair to ask (or one is a needless repeat)."""
    counts = Counter(text.fold(spec.prompt) for spec in specs)
    return [spec for spec in specs if counts[text.fold(spec.prompt)] == 1]


# The order a new learner meets cards: the direct card of each core fact first (who was, when, which
# work), then the other ways of asking about core facts, then context facts the same way; decks
# interleaved so a first week mixes people, events and works.
INTRO_ORDER = ("people", "events", "works")  # the decks of studyapp.decks, in the order new cards interleave
PRIMARY_KINDS = ("person_who", "event_when", "work_reverse", "work_author", "idea")


def rank_for_introduction(specs):
    tiers = defaultdict(lambda: defaultdict(list))
    for spec in specs:
        tier = (WEIGHTS.index(spec.weight), 0 if spec.kind in PRIMARY_KINDS else 1)
        tiers[tier][spec.deck].append(spec)
    ordered = []
    for tier in sorted(tiers):
        # who, then what happened, then the books: a learner's first cards tell a story
        decks = [tiers[tier][deck] for deck in INTRO_ORDER if tiers[tier].get(deck)]
        for row in range(max(len(d) for d in decks)):
            ordered += [d[row] for d in decks if row < len(d)]
    for rank, spec in enumerate(ordered, start=1):
        spec.intro_rank = rank
    return ordered
