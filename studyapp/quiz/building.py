"""Question building: pure functions from cards and the fact pool to question specs. No database here.

Every question has exactly one right option among its options, distractors of the answer's own type,
and a prompt that does not give the answer away. A card that cannot make a fair question of a kind
(too few plausible distractors, the answer visible in the prompt) is asked another way or skipped.
"""

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from studyapp.cards import distractors as d
from studyapp.cards import text
from studyapp.cards.generation import KIND_NAMES, author_names, prompt_kind
from studyapp.cards.models import CardKind
from studyapp.quiz.grading import typed_solution
from studyapp.refs import ref

MULTIPLE_CHOICE, TYPED, TRUE_FALSE, ORDER = "multiple_choice", "typed", "true_false", "order"
QUESTION_KINDS = (MULTIPLE_CHOICE, TYPED, TRUE_FALSE, ORDER)
TRUE, FALSE = "True", "False"
ORDER_SIZE = 4
ORDER_WINDOW = 6  # years from the first event chosen: the four lie within twelve years, so the order is a real question


@dataclass
class QuestionSpec:
    kind: str
    prompt: str
    expected: str
    solution: dict
    options: list = field(default_factory=list)
    card_id: int | None = None
    facts: list = field(default_factory=list)  # "event:key", so one quiz asks about each fact once
    citations: list = field(default_factory=list)
    versions: list = field(default_factory=list)  # disputed facts: every sourced version with its sources


def _fact(pool, card):
    """The card's fact in the pool; None for an idea (the pool holds what distractors are drawn from)."""
    facts = {"person": pool.person, "work": pool.work, "event": pool.event}.get(card.fact_type, {})
    return facts.get(card.fact_key)


def _mentions(text, answer):
    """Whether the answer can be read in the text (word-bounded, folded)."""
    needle = d.fold(answer)
    return bool(needle) and f" {needle} " in f" {d.fold(text)} "


def versions_of(card, fact) -> list[dict]:
    """For a disputed card: each sourced value with the citations that give it, main version first."""
    rule = QUESTION_RULES.get(card.kind)
    name = rule.version_field if rule else None
    if not card.disputed or not name or fact is None:
        return []
    out = {}
    for version in fact.versions:
        value = str(version.values.get(name))
        out.setdefault(value, []).extend(c.as_dict() for c in version.cites)
    return [{"value": value, "citations": cites} for value, cites in out.items()]


# --- per card kind: the right answer and its plausible wrong ones, the statement, what may be asked -------
# Each takes (card, its fact, the pool, rng, n) and gives (the right option, candidate distractors), or None.

def _person_who(card, fact, pool, rng, n):
    right = fact.versions[0].values["description"] if fact.versions else fact.description
    return right, d.descriptions(pool, fact.key, exclude=card.accepted, rng=rng, n=n, same_role=True)


def _person_reverse(card, fact, pool, rng, n):
    # Nobody the description itself names ("... whom Serge helped ...") is a plausible answer.
    named = [name for p in pool.people for name in (p.name, *p.aliases) if text.mentions(card.prompt, name)]
    return fact.name, d.person_names(pool, fact.key, exclude=[*card.accepted, *named], rng=rng, n=n, same_role=True)


def _work_author(card, fact, pool, rng, n):
    authors = [w.author for w in pool.same_works(fact) if w.author]
    author_key = next(iter(pool.people_named.get(d.fold(fact.author), ())), None)
    wrong = d.person_names(pool, author_key, exclude=[*card.accepted, *authors], rng=rng, n=n, role_hint=("writer",))
    return author_names(fact), [w for w in wrong if d.fold(w) not in pool.authors_of(fact)]


def _work_year(card, fact, pool, rng, n):
    right = str(fact.versions[0].values.get("year") or fact.year)
    return right, d.years(int(right), avoid=pool.years_of_work(fact), rng=rng, n=n)


def _work_kind(card, fact, pool, rng, n):
    return KIND_NAMES[fact.kind], d.kinds(fact.kind, avoid=pool.kinds_of(fact), rng=rng, n=n)


def _work_reverse(card, fact, pool, rng, n):
    named = prompt_kind(fact) != "work"  # "Which novel ...?": only novels (and their kin) are plausible
    return fact.title, d.titles(pool, fact.key, exclude=card.accepted, rng=rng, n=n, signature=(
        fact.kind, fact.author, fact.year), kinds=d.related_kinds(fact.kind) if named else None, author=fact.author)


def _event_when(card, fact, pool, rng, n):
    main = fact.versions[0].values if fact.versions else {"date": fact.date, "precision": fact.precision,
                                                          "end": fact.end}
    precision, end = main.get("precision", fact.precision), main.get("end")
    right = d.format_date(main["date"], precision, end)
    return right, d.dates(main["date"], precision, avoid_years=pool.years_of_event(fact), rng=rng, n=n, end=end)


def _event_reverse(card, fact, pool, rng, n):
    return fact.description, d.event_descriptions(pool, fact.key, exclude=card.accepted, rng=rng, n=n)


def _cloze(card, fact, pool, rng, n):
    right = card.answer
    if card.fact_type == "person":
        return right, d.person_names(pool, fact.key, exclude=card.accepted, rng=rng, n=n)
    if card.fact_type == "work":
        return right, d.titles(pool, fact.key, exclude=card.accepted, rng=rng, n=n)
    if right.isdigit():
        return right, d.years(int(right), avoid=[], rng=rng, n=n)
    return None


@dataclass(frozen=True)
class Rule:
    """How a card of one kind becomes a question: a new card kind is one row of QUESTION_RULES."""

    # (card, fact, pool, rng, n) -> (right option, candidate distractors) or None; None: no multiple choice.
    choices: Callable | None = None
    # Typed from memory: long descriptions are fair to recognise among options, not to type.
    typed: bool = False
    # (fact, value) -> the fact stated with this value, for true/false; None: never true/false (blind raters
    # found "X: <someone else's description>" swaps teach nothing and give themselves away).
    statement: Callable | None = None
    # A fact true/false may state: a shifted span or decade overlaps what the sources leave open.
    statable: Callable = lambda fact: True
    version_field: str | None = None  # what a disputed fact's versions differ in, shown with the question


QUESTION_RULES = {
    CardKind.PERSON_WHO: Rule(_person_who, version_field="description"),
    CardKind.PERSON_REVERSE: Rule(_person_reverse, typed=True),
    CardKind.WORK_AUTHOR: Rule(_work_author, typed=True,
                               statement=lambda fact, value: f"“{fact.title}” was written by {value}."),
    CardKind.WORK_YEAR: Rule(_work_year, typed=True, version_field="year",
                             statement=lambda fact, value: f"“{fact.title}” was published in {value}."),
    CardKind.WORK_KIND: Rule(_work_kind, typed=True, statement=lambda fact, value: f"“{fact.title}” is {value}."),
    CardKind.WORK_REVERSE: Rule(_work_reverse, typed=True),
    CardKind.EVENT_WHEN: Rule(_event_when, typed=True, version_field="when",
                              statement=lambda fact, value: f"{value}: {fact.description}",
                              statable=lambda fact: fact.end is None and fact.precision != "decade"),
    CardKind.EVENT_REVERSE: Rule(_event_reverse),
    CardKind.EVENT_DISPUTE: Rule(),  # the sources disagree: no one right option to offer
    CardKind.CLOZE: Rule(_cloze, typed=True),
    # An idea's answer is a phrase of its own kind ("establishing the Cheka", "psychology"): no other idea's answer is
    # a plausible wrong option, so no multiple choice nor true/false; asked typed, graded against its aliases.
    CardKind.IDEA: Rule(typed=True),
}
TYPED_CARD_KINDS = {kind for kind, rule in QUESTION_RULES.items() if rule.typed}
TRUE_FALSE_CARD_KINDS = {kind for kind, rule in QUESTION_RULES.items() if rule.statement}


def choices(card, pool, rng, n=3):
    """(the right option, n distractors) for a card, or None if no fair set exists."""
    fact = _fact(pool, card)
    rule = QUESTION_RULES.get(card.kind)
    if fact is None or rule is None or rule.choices is None:
        return None
    found = rule.choices(card, fact, pool, rng, n)
    if found is None:
        return None
    right, wrong = found
    wrong = [w for w in wrong if d.fold(w) not in {d.fold(a) for a in (*card.accepted, right)}]
    if not right or len(wrong) < n:
        return None
    return right, wrong


def _base(card, fact, **kwargs):
    return QuestionSpec(card_id=card.id, facts=[ref(card.fact_type, card.fact_key)], citations=list(card.citations),
                        versions=versions_of(card, fact), **kwargs)


def multiple_choice(card, pool, rng) -> QuestionSpec | None:
    """Four distinct options, exactly one right; the others wrong in the whole base."""
    found = choices(card, pool, rng)
    if found is None:
        return None
    right, wrong = found
    if _mentions(card.prompt, right):
        return None
    options = [right, *wrong]
    rng.shuffle(options)
    return _base(card, _fact(pool, card), kind=MULTIPLE_CHOICE, prompt=card.prompt, options=options,
                 expected=card.answer, solution={"correct": right})


def typed(card, pool, rng) -> QuestionSpec | None:
    """The card's own prompt; graded leniently against every accepted answer."""
    if card.kind not in TYPED_CARD_KINDS:
        return None
    fact = _fact(pool, card)
    solution = typed_solution(card, pool)
    if any(_mentions(card.prompt, a) for a in solution["accepted"] if len(d.fold(a)) > 2):
        return None
    return _base(card, fact, kind=TYPED, prompt=card.prompt, expected=card.answer, solution=solution)


def _statement(card, fact, value):
    return QUESTION_RULES[card.kind].statement(fact, value)


def true_false(card, pool, rng) -> QuestionSpec | None:
    """The fact as a statement, or with one element swapped for a plausible value false in the whole base."""
    if card.kind not in TRUE_FALSE_CARD_KINDS:
        return None
    fact = _fact(pool, card)
    if fact is None or not QUESTION_RULES[card.kind].statable(fact):
        return None
    found = choices(card, pool, rng, n=1)
    if found is None:
        return None
    right, (wrong,) = found
    truth = rng.random() < 0.5
    statement = _statement(card, fact, right if truth else wrong)
    expected = f"True: {statement}" if truth else f"False. True is: {_statement(card, fact, right)}"
    return _base(card, fact, kind=TRUE_FALSE, prompt=f"True or false? {statement}", options=[TRUE, FALSE],
                 expected=expected, solution={"correct": TRUE if truth else FALSE})


# Words that place an event in a sequence ("arrested again", "returns", "after his articles"): blind raters
# ordered such events from their wording alone.
SEQUENCE_CUES = re.compile(r"\b(?:again|return\w*|back|after\w*|before|later|first|then|still|finally|now|"
                           r"hoping|released|until|last|former\w*|earlier|previous\w*|already|re-\w+)\b",
                           flags=re.IGNORECASE)


def _orderable(event) -> bool:
    # An event the sources date differently has no one place in an order (the answer would settle it silently).
    dates = {(v.values.get("date"), v.values.get("precision"), v.values.get("end")) for v in event.versions}
    return (len(dates) <= 1 and not text.years_in(event.description)
            and not SEQUENCE_CUES.search(event.description))


def order(anchor_key, pool, rng, *, allowed, used) -> QuestionSpec | None:
    """Four events to order, no two overlapping at their precision (nor in any disputed version)."""
    anchor = pool.event.get(anchor_key)
    if anchor is None or not _orderable(anchor):
        return None
    first = d.event_span(anchor)[0]
    # Shown texts never state their dates nor their place in a sequence, and the events lie close in time.
    candidates = [pool.event[k] for k in sorted(allowed) if k != anchor_key and ref("event", k) not in used
                  and k in pool.event and _orderable(pool.event[k])
                  and abs(d.event_span(pool.event[k])[0].year - first.year) <= ORDER_WINDOW]
    rng.shuffle(candidates)
    chosen = [anchor]
    for event in candidates:
        if len(chosen) == ORDER_SIZE:
            break
        start, end = d.event_span(event)
        if d.fold(event.description) in {d.fold(c.description) for c in chosen}:
            continue
        if all(end <= d.event_span(c)[0] or d.event_span(c)[1] <= start for c in chosen):
            chosen.append(event)
    if len(chosen) < ORDER_SIZE:
        return None
    chosen.sort(key=lambda e: d.event_span(e)[0])
    right = [e.description for e in chosen]
    options = list(right)
    while options == right:
        rng.shuffle(options)
    expected = "; ".join(f"{d.format_date(e.date, e.precision, e.end)}: {e.description.rstrip('.')}" for e in chosen)
    citations = [v.cites[0].as_dict() for e in chosen for v in e.versions[:1] if v.cites]
    return QuestionSpec(kind=ORDER, prompt="Put these events in chronological order, earliest first.",
                        options=options, expected=expected, solution={"order": right},
                        facts=[ref("event", e.key) for e in chosen], citations=citations)


def _typed_answer(question):
    return question.solution["accepted"][0] if question.kind == TYPED else None


def _leaks(question, others) -> bool:
    """A typed answer must not be stated in the prompt of another question of the same quiz (either way)."""
    mine = _typed_answer(question)
    if mine and any(_mentions(other.prompt, mine) for other in others):
        return True
    return any(_mentions(question.prompt, _typed_answer(other)) for other in others if _typed_answer(other))


BUILDERS = {MULTIPLE_CHOICE: multiple_choice, TYPED: typed, TRUE_FALSE: true_false}


def build_questions(cards, pool, *, size, kinds, rng: random.Random, order_events=None) -> list[QuestionSpec]:
    """Up to `size` questions from the cards, in their order, kinds taken in turn, one question per fact.

    `order_events` are the event keys an order question may use beside its anchor, an event of the given cards
    (default: every dated event of the collection, mentions included: they are sourced and on the timeline, and
    blind raters solved orders drawn from the few events with cards by the story of one life alone).
    """
    kinds = [k for k in QUESTION_KINDS if k in kinds]
    if order_events is None:
        order_events = set(pool.event)
    questions, used, counts = [], set(), dict.fromkeys(kinds, 0)
    for card in cards:
        if len(questions) >= size:
            break
        if ref(card.fact_type, card.fact_key) in used:
            continue
        # The kind asked least so far goes first, so every requested kind gets its share.
        for kind in sorted(kinds, key=lambda k: (counts[k], kinds.index(k))):
            if kind == ORDER:
                question = order(card.fact_key, pool, rng, allowed=order_events, used=used) \
                    if card.fact_type == "event" else None
            else:
                question = BUILDERS[kind](card, pool, rng)
            if question is not None and not _leaks(question, questions):
                questions.append(question)
                used.update(question.facts)
                counts[kind] += 1
                break
    return questions
