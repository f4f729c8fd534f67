"""Distractor pools: plausible wrong answers of the answer's own type. Pure: no database, no clock.

A distractor is only fair if it is wrong in the whole base, not just for this card: it is never an
alias of the answer, never another sourced version of a disputed fact, and never the answer of another
fact that the same question would also describe (a second work with the same title, say).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from studyapp.cards import generation as g
from studyapp.cards.generation import KIND_NAMES, KIND_PARENT, EventFact, PersonFact, WorkFact
from studyapp.cards.text import fold, mentions

NEAR_YEARS = (1, 2, 3, 4, 5, 6, 7, 8)  # a plausible wrong year is close to the right one
NEAR_DATE_YEARS = (1, 2)  # an event's date is shifted less: its era is common knowledge
SHORTLIST = 8  # pick distractors at random among the most similar few, so quizzes vary


def format_date(date: dt.date, precision: str, end: dt.date | None = None) -> str:
    """A date at its precision, in one format for every option so the format never gives the answer away."""
    return g.format_date(date, precision, end)


def span(date: dt.date, precision: str, end: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The period a date stands for at its precision (or its stated end): [start, end)."""
    first, last = g.span_of(date, precision, end)
    return first, last + dt.timedelta(days=1)


def event_span(event: EventFact) -> tuple[dt.date, dt.date]:
    """Every sourced version of the event's date together: an order question is only fair outside it."""
    spans = [span(v.values["date"], v.values.get("precision", event.precision), v.values.get("end"))
             for v in event.versions] or [span(event.date, event.precision, event.end)]
    return min(s for s, _ in spans), max(e for _, e in spans)


def shift_date(date: dt.date, years: int) -> dt.date | None:
    """The date moved by some years; None past Python's dates (years 1 to 9999), which no option may be."""
    if not dt.MINYEAR <= date.year + years <= dt.MAXYEAR:
        return None
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


@dataclass
class Pool:
    """The fact base as distractors need it: people, works, events and the indexes between them."""

    people: tuple[PersonFact, ...]
    works: tuple[WorkFact, ...]
    events: tuple[EventFact, ...]
    roles: dict = field(default_factory=dict)  # person key -> roles

    def __post_init__(self):
        self.person = {p.key: p for p in self.people}
        self.work = {w.key: w for w in self.works}
        self.event = {e.key: e for e in self.events}
        self.people_named = defaultdict(set)  # folded name or alias -> person keys
        for p in self.people:
            for name in (p.name, *p.aliases):
                self.people_named[fold(name)].add(p.key)
        self.works_titled = defaultdict(set)
        for w in self.works:
            for title in (w.title, *w.aliases):
                self.works_titled[fold(title)].add(w.key)
        self.events_described = defaultdict(set)
        for e in self.events:
            self.events_described[fold(e.description)].add(e.key)

    # --- what is true in the whole base --------------------------------------------------------

    def names_of(self, person: PersonFact) -> set[str]:
        return {fold(n) for n in (person.name, *person.aliases)}

    def same_people(self, person: PersonFact) -> list[PersonFact]:
        """People the person's name or aliases could also mean."""
        keys = set().union(*(self.people_named[n] for n in self.names_of(person)))
        return [self.person[k] for k in sorted(keys)]

    def same_works(self, work: WorkFact) -> list[WorkFact]:
        """Works a question naming this work's title could also mean."""
        keys = set().union(*(self.works_titled[fold(t)] for t in (work.title, *work.aliases)))
        return [self.work[k] for k in sorted(keys)]

    def same_events(self, event: EventFact) -> list[EventFact]:
        return [self.event[k] for k in sorted(self.events_described[fold(event.description)])]

    def descriptions_of(self, person):
        return {fold(v.values["description"]) for p in self.same_people(person) for v in p.versions} | {
            fold(p.description) for p in self.same_people(person)}

    def authors_of(self, work):
        found = set()
        for w in self.same_works(work):
            if w.author:
                found |= {fold(n) for n in (w.author, *w.author_aliases, *w.coauthors)}
        return found

    def years_of_work(self, work):
        return {int(v.values["year"]) for w in self.same_works(work) for v in w.versions if v.values.get("year")} | {
            w.year for w in self.same_works(work) if w.year}

    def kinds_of(self, work):
        return {w.kind for w in self.same_works(work)}

    def years_of_event(self, event):
        """Every year any version of this event (or of one described the same way) may mean."""
        years = set()
        for e in self.same_events(event):
            start, end = event_span(e)
            years.update(range(start.year, (end - dt.timedelta(days=1)).year + 1))
        return years


def _period(years):
    return (min(years), max(years)) if years else None


def _gap(a, b):
    if not a or not b:
        return 50
    return max(0, a[0] - b[1], b[0] - a[1])


def _minor(fact, penalty=40) -> int:
    """A fact without cards of its own (a mention, such as a world-famous name) is a late-resort distractor:
    among the subject's own people and works it stands out, and elimination gives the answer away."""
    return 0 if fact.weight in g.WEIGHTS else penalty


def _pick(scored, rng, n):
    """n distinct texts chosen at random among the best-scored few (lower score is closer)."""
    seen, unique = set(), []
    rng.shuffle(scored)
    for _score, text in sorted(scored, key=lambda item: item[0]):
        if fold(text) not in seen:
            seen.add(fold(text))
            unique.append(text)
    shortlist = unique[: max(SHORTLIST, n)]
    return rng.sample(shortlist, n) if len(shortlist) >= n else []


def person_names(pool: Pool, person_key: str | None, *, exclude, rng, n=3, role_hint=(), years=(),
                 same_role=False) -> list[str]:
    """Names of other people of a similar role and period; none that is a name of the answer.

    same_role: only people sharing a role with the answer (blind raters ruled out a dictator among the
    options for "Serge's second wife" at a glance); none at all if too few do."""
    excluded = {fold(x) for x in exclude}
    me = pool.person.get(person_key)
    roles = set(pool.roles.get(person_key, ())) | set(role_hint)
    period = _period(me.years if me else years)
    scored = []
    for other in pool.people:
        if other.key == person_key or pool.names_of(other) & excluded:
            continue
        shared = len(roles & set(pool.roles.get(other.key, ())))
        if same_role and not shared:
            continue
        # A name of the same role beats one of the subject's own circle: a novelist among a wife and a son
        # is found by elimination. So a mention's penalty here is less than one shared role.
        scored.append((-shared * 20 + _gap(period, _period(other.years)) + _minor(other, 10), other.name))
    return _pick(scored, rng, n)


def descriptions(pool: Pool, person_key: str, *, exclude, rng, n=3, same_role=False) -> list[str]:
    """Descriptions of other people of a similar role and period; never a version of this person's."""
    me = pool.person[person_key]
    excluded = {fold(x) for x in exclude} | pool.descriptions_of(me)
    roles = set(pool.roles.get(person_key, ()))
    scored = []
    for other in pool.people:
        if other.key == person_key or fold(other.description) in excluded:
            continue
        if pool.names_of(other) & pool.names_of(me):  # a namesake's description could also be "right"
            continue
        if _minor(other):  # a mention's description may say only where the name appears
            continue
        if any(mentions(other.description, name) for name in (me.name, *me.aliases)):
            continue  # "Serge's son ..." cannot be who Serge was: ruled out at a glance
        shared = len(roles & set(pool.roles.get(other.key, ())))
        if same_role and not shared:
            continue
        scored.append((-shared * 20 + _gap(_period(me.years), _period(other.years)), other.description))
    return _pick(scored, rng, n)


def titles(pool: Pool, work_key: str | None, *, exclude, rng, n=3, signature=None, kinds=None,
           author=None) -> list[str]:
    """Titles of works of the same kind or decade; never a title of the answer or of a work that fits too.

    `kinds`: when the prompt names the kind ("Which novel by ...?"), only works of those kinds, or a
    book among novels would be ruled out at a glance. `author`: when the prompt names the author ("Which
    book by Victor Serge ...?"), only their works (blind raters ruled out Filtzer's study and Lenin's
    State and Revolution at a glance)."""
    excluded = {fold(x) for x in exclude}
    me = pool.work.get(work_key)
    scored = []
    for other in pool.works:
        if other.key == work_key or {fold(t) for t in (other.title, *other.aliases)} & excluded:
            continue
        if kinds is not None and other.kind not in kinds:
            continue
        if author is not None and other.author != author:
            continue
        if signature and (other.kind, other.author, other.year) == signature:
            continue
        score = 0
        if me:
            score += 0 if other.kind == me.kind else 10
            score += 0 if (me.year and other.year and me.year // 10 == other.year // 10) else 5
            score += 0 if other.author == me.author else 2
        score += _minor(other)
        scored.append((score, other.title))
    return _pick(scored, rng, n)


def years(answer: int, *, avoid, rng, n=3) -> list[str]:
    """Years near the answer, never equal to it nor to any year in `avoid` (other versions, namesakes)."""
    avoid = {int(y) for y in avoid} | {int(answer)}
    near = [answer + sign * d for d in NEAR_YEARS for sign in (1, -1) if answer + sign * d not in avoid]
    near = [y for y in near if 0 < y <= 2100]
    shortlist = near[: max(SHORTLIST, n)]
    return [str(y) for y in rng.sample(shortlist, n)] if len(shortlist) >= n else []


def dates(date: dt.date, precision: str, *, avoid_years, rng, n=3, end: dt.date | None = None) -> list[str]:
    """The same date shifted by a few years (decades at decade precision; a span keeps its length), never
    onto any avoided year, in the answer's own format so that exactly one option is right."""
    avoid_years = {int(y) for y in avoid_years} | {date.year}
    if precision == "decade" and end is None:
        avoid = {y // 10 for y in avoid_years}
        steps = [s * d for d in (1, 2, 3, 4) for s in (1, -1)]
        options = [format_date(shift_date(date, 10 * s), "decade") for s in steps
                   if date.year // 10 + s not in avoid and shift_date(date, 10 * s + 9) is not None]
    else:
        length = (end.year - date.year) if end else 0
        # One or two years off (a span: just clear of itself, or it is partly right). Further off, blind
        # raters ruled options out by common knowledge ("1914" for a Bolshevik deal, "1926" for the Civil War).
        steps = [s * (length + d) for d in NEAR_DATE_YEARS for s in (1, -1)]
        options = [format_date(shift_date(date, s), precision, shift_date(end, s) if end else None) for s in steps
                   if not any(date.year + s + k in avoid_years for k in range(length + 1))
                   and shift_date(date, s) is not None and (end is None or shift_date(end, s) is not None)]
    shortlist = options[: max(SHORTLIST, n)]
    return rng.sample(shortlist, n) if len(shortlist) >= n else []


def related_kinds(kind: str) -> set[str]:
    """Kinds that do not exclude this one: itself, its parent and its children (an essay is non-fiction)."""
    parent = KIND_PARENT.get(kind)
    return {kind, *([parent] if parent else []), *[k for k, p in KIND_PARENT.items() if p == kind]}


def kinds(kind: str, *, avoid=(), rng, n=3) -> list[str]:
    """Other kinds of work, as the card names them."""
    related = related_kinds(kind).union(*(related_kinds(k) for k in avoid))
    candidates = [name for k, name in KIND_NAMES.items() if k not in {"other", *related}]
    return rng.sample(candidates, n) if len(candidates) >= n else []


def event_descriptions(pool: Pool, event_key: str, *, exclude, rng, n=3) -> list[str]:
    """What happened at other times: events near in time whose dates do not overlap this one's."""
    me = pool.event[event_key]
    excluded = {fold(x) for x in exclude} | {fold(me.description)}
    start, end = event_span(me)
    scored = []
    for other in pool.events:
        if other.key == event_key or fold(other.description) in excluded:
            continue
        o_start, o_end = event_span(other)
        if o_start < end and start < o_end:  # it could have happened "then" as well
            continue
        scored.append((abs((o_start - start).days) // 365 + _minor(other), other.description))
    return _pick(scored, rng, n)
