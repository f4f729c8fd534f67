"""Question building: pure functions from cards and the fact pool to question specs. No database here.

Every question has exactly one right option among its options, distractors of the answer's own type,
and a prompt that does not give the answer away. A card that cannot make a fair question of a kind
(too few plausible distractors, the answer visible in the prompt) is asked another way or skipped.
"""

import random
import re
from dataclasses import dataclass, field

from studyapp.cards import distractors as d
from studyapp.cards import text
from studyapp.cards.generation import KIND_NAMES, author_names, prompt_kind
from studyapp.quiz.grading import typed_solution
from studyapp.refs import ref

MULTIPLE_CHOICE, TYPED, TRUE_FALSE, ORDER = "multiple_choice", "typed", "true_false", "order"
QUESTION_KINDS = (MULTIPLE_CHOICE, TYPED, TRUE_FALSE, ORDER)
TRUE, FALSE = "True", "False"
ORDER_SIZE = 4
ORDER_WINDOW = 6  # years from the first event chosen: the four lie within twelve years, so the order is a real question

# Long descriptions are fair to recognise among options, not to type from memory.
TYPED_CARD_KINDS = {"person_reverse", "work_author", "work_year", "work_kind", "work_reverse", "event_when", "cloze"}
# Not "X: <someone else's description>": blind raters found such swaps teach nothing and give themselves away.
TRUE_FALSE_CARD_KINDS = {"work_author", "work_year", "work_kind", "event_when"}
VERSION_FIELDS = {"person_who": "description", "work_year": "year", "event_when": "when"}


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
    return {"person": pool.person, "work": pool.work, "event": pool.event}[card.fact_type].get(card.fact_key)


def _mentions(text, answer):
    """Whether the answer can be read in the text (word-bounded, folded)."""
    needle = d.fold(answer)
    return bool(needle) and f" {needle} " in f" {d.fold(text)} "


def versions_of(card, fact) -> list[dict]:
    """For a disputed card: each sourced value with the citations that give it, main version first."""
    name = VERSION_FIELDS.get(card.kind)
    if not card.disputed or not name or fact is None:
        return []
    out = {}
    for version in fact.versions:
        value = str(version.values.get(name))
        out.setdefault(value, []).extend(c.as_dict() for c in version.cites)
    return [{"value": value, "citations": cites} for value, cites in out.items()]


# --- the right answer and its plausible wrong ones, per card kind ---------------------------------

def choices(card, pool, rng, n=3):
    """(the right option, n distractors) for a card, or None if no fair set exists."""
    fact = _fact(pool, card)
    if fact is None:
        return None
    kind = card.kind
    if kind == "person_who":
        right = fact.versions[0].values["description"] if fact.versions else fact.description
        wrong = d.descriptions(pool, fact.key, exclude=card.accepted, rng=rng, n=n, same_role=True)
    elif kind == "person_reverse":
        right = fact.name
        # Nobody the description itself names ("... whom Serge helped ...") is a plausible answer.
        named = [name for p in pool.people for name in (p.name, *p.aliases) if text.mentions(card.prompt, name)]
        wrong = d.person_names(pool, fact.key, exclude=[*card.accepted, *named], rng=rng, n=n, same_role=True)
    elif kind == "work_author":
        right = author_names(fact)
        authors = [w.author for w in pool.same_works(fact) if w.author]
        author_key = next(iter(pool.people_named.get(d.fold(fact.author), ())), None)
        wrong = d.person_names(pool, author_key, exclude=[*card.accepted, *authors], rng=rng, n=n,
                               role_hint=("writer",))
        wrong = [w for w in wrong if d.fold(w) not in pool.authors_of(fact)]
    elif kind == "work_year":
        right = str(fact.versions[0].values.get("year") or fact.year)
        wrong = d.years(int(right), avoid=pool.years_of_work(fact), rng=rng, n=n)
    elif kind == "work_kind":
        right = KIND_NAMES[fact.kind]
        wrong = d.kinds(fact.kind, avoid=pool.kinds_of(fact), rng=rng, n=n)
    elif kind == "work_reverse":
        right = fact.title
        named = prompt_kind(fact) != "work"  # "Which novel ...?": only novels (and their kin) are plausible
        wrong = d.titles(pool, fact.key, exclude=card.accepted, rng=rng, n=n, signature=(fact.kind, fact.author,
                         fact.year), kinds=d.related_kinds(fact.kind) if named else None)
    elif kind == "event_when":
        main = fact.versions[0].values if fact.versions else {"date": fact.date, "precision": fact.precision,
                                                              "end": fact.end}
        precision, end = main.get("precision", fact.precision), main.get("end")
        right = d.format_date(main["date"], precision, end)
        wrong = d.dates(main["date"], precision, avoid_years=pool.years_of_event(fact), rng=rng, n=n, end=end)
    elif kind == "event_reverse":
        right = fact.description
        wrong = d.event_descriptions(pool, fact.key, exclude=card.accepted, rng=rng, n=n)
    elif kind == "cloze":
        right = card.answer
        if card.fact_type == "person":
            wrong = d.person_names(pool, fact.key, exclude=card.accepted, rng=rng, n=n)
        elif card.fact_type == "work":
            wrong = d.titles(pool, fact.key, exclude=card.accepted, rng=rng, n=n)
        elif right.isdigit():
            wrong = d.years(int(right), avoid=[], rng=rng, n=n)
        else:
            return None
    else:
        return None
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
    if card.kind == "work_author":
        return f"“{fact.title}” was written by {value}."
    if card.kind == "work_year":
        return f"“{fact.title}” was published in {value}."
    if card.kind == "work_kind":
        return f"“{fact.title}” is {value}."
    return f"{value}: {fact.description}"


def true_false(card, pool, rng) -> QuestionSpec | None:
    """The fact as a statement, or with one element swapped for a plausible value false in the whole base."""
    if card.kind not in TRUE_FALSE_CARD_KINDS:
        return None
    fact = _fact(pool, card)
    if card.kind == "event_when" and fact is not None and (fact.end is not None or fact.precision == "decade"):
        return None  # a shifted span or decade overlaps what the sources leave open: neither true nor false
    found = choices(card, pool, rng, n=1)
    if fact is None or found is None:
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
    return not text.years_in(event.description) and not SEQUENCE_CUES.search(event.description)


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

    `order_events` are the event keys an order question may use (default: events of the given cards).
    """
    kinds = [k for k in QUESTION_KINDS if k in kinds]
    if order_events is None:
        order_events = {c.fact_key for c in cards if c.fact_type == "event"}
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
