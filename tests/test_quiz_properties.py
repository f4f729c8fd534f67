"""Property tests over the real fact base: every question of every kind is fair.

Exactly one right option, distractors of the answer's own type and wrong in the whole base, no answer
readable in the prompt, order questions without ties.
"""

import datetime as dt
import random
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from studyapp.cards import distractors as d
from studyapp.cards import text
from studyapp.cards.generation import KIND_NAMES, KIND_PARENT, MONTHS, author_names, format_date
from studyapp.cards.models import Card
from studyapp.quiz import building, grading
from studyapp.quiz.selectors import fact_pool

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture])
# "1933", "1930s", "March 1933", "17 March 1933", and spans: "1933–1936", "March–July 1918".
DATE = re.compile(r"^(?:(\d{1,2} )?([A-Z][a-z]+ )?\d{4}s?|\d{4}–\d{4}|[A-Z][a-z]+–[A-Z][a-z]+ \d{4})$")


def option_years(option):
    """Every year a date option may mean: a decade its ten years, a span each year from start to end."""
    years = [int(y) for y in re.findall(r"\d{4}", option)]
    if option.endswith("0s"):
        return set(range(years[0], years[0] + 10))
    return set(range(min(years), max(years) + 1))


def date_shape(option):
    """An option's format with its numbers and month names left out: every option of a question shares it."""
    return re.sub(r"\d", "9", re.sub("|".join(MONTHS), "M", option))


def true_dates(pool, event):
    """Every version of the event's date (and of events described the same way), as the cards write them."""
    out = set()
    for e in pool.same_events(event):
        for v in e.versions or ():
            end = v.values.get("end")
            end = dt.date.fromisoformat(end) if isinstance(end, str) else end
            out.add(format_date(v.values["date"], v.values.get("precision", e.precision), end))
        out.add(format_date(e.date, e.precision, e.end))
    return out


def author_answers(pool, work):
    """What "X was written by ..." may truly say: the whole authorship ("Victor Serge and Natalia"), or a sole
    author by any of his names."""
    out = set()
    for w in pool.same_works(work):
        if w.author:
            out.add(d.fold(author_names(w)))
            if not w.coauthors:
                out |= {d.fold(n) for n in (w.author, *w.author_aliases)}
    return out


def any_author(pool, work):
    """Names of anyone who wrote the work, alone or with others: never a wrong option or a false statement."""
    names = set(author_answers(pool, work)) | pool.authors_of(work)
    for w in pool.same_works(work):
        for coauthor in w.coauthors:
            for key in pool.people_named.get(d.fold(coauthor), ()):
                names |= pool.names_of(pool.person[key])
            names.add(d.fold(coauthor))
    return names


def true_kinds(kind):
    """A work's kind statement is true of its own kind and of the kind above it (a memoir is non-fiction)."""
    return {kind, *([KIND_PARENT[kind]] if kind in KIND_PARENT else [])}


@pytest.fixture
def base(facts):
    cards = list(Card.objects.active())
    assert len(cards) > 30, "the real base should give plenty of cards"
    return fact_pool(), cards


def option_type(card, pool):
    """What every option of a card's multiple-choice question must be."""
    names = {n for p in pool.people for n in (p.name, *p.aliases)}
    authorships = {author_names(w) for w in pool.works if w.author}
    work_titles = {t for w in pool.works for t in (w.title, *w.aliases)}
    kind = card.kind
    if kind == "work_author":
        return lambda option: option in names or option in authorships
    if kind == "person_reverse" or (kind == "cloze" and card.fact_type == "person"):
        return lambda option: option in names
    if kind == "work_reverse" or (kind == "cloze" and card.fact_type == "work"):
        return lambda option: option in work_titles
    if kind == "person_who":
        descriptions = {v.values["description"] for p in pool.people for v in p.versions} | {
            p.description for p in pool.people}
        return lambda option: option in descriptions
    if kind == "event_reverse":
        return lambda option: option in {e.description for e in pool.events}
    if kind == "work_kind":
        return lambda option: option in KIND_NAMES.values()
    if kind in {"work_year"} or (kind == "cloze" and card.fact_type == "event"):
        return lambda option: option.isdigit() and len(option) == 4
    return lambda option: bool(DATE.match(option))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_every_multiple_choice_question_has_exactly_one_right_option(base, data):
    pool, cards = base
    card = data.draw(st.sampled_from(cards))
    question = building.multiple_choice(card, pool, random.Random(data.draw(st.integers(0, 10**6))))
    assume(question is not None)  # no fair question of this card with this seed: draw another
    right = [o for o in question.options
             if grading.grade_choice(o, options=question.options, correct=question.solution["correct"]).correct]
    accepted = {d.fold(a) for a in card.accepted}
    assert len(question.options) == 4
    assert len({d.fold(o) for o in question.options}) == 4
    assert right == [question.solution["correct"]]
    assert not [o for o in question.options if o not in right and d.fold(o) in accepted]  # no alias, no version
    assert all(map(option_type(card, pool), question.options)), question.options
    assert not d.fold(question.solution["correct"]) or not building._mentions(question.prompt,
                                                                              question.solution["correct"])
    wrong = [o for o in question.options if o != question.solution["correct"]]
    fact = building._fact(pool, card)
    if card.kind == "work_author":  # a coauthor is half of the answer, not a wrong one
        assert not {d.fold(o) for o in wrong} & any_author(pool, fact), question.options
    if card.kind == "work_kind":  # related kinds never compete: "an essay" and "a work of non-fiction"
        kinds = [k for o in question.options for k, name in KIND_NAMES.items() if name == o]
        assert all(b not in d.related_kinds(a) for a in kinds for b in kinds if a != b), question.options
    if card.kind == "event_when":
        assert len({date_shape(o) for o in question.options}) == 1, question.options
        assert question.solution["correct"] in true_dates(pool, fact)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_year_and_date_distractors_are_near_and_never_another_version(base, data):
    pool, cards = base
    dated = [c for c in cards if c.kind in {"work_year", "event_when"}]
    card = data.draw(st.sampled_from(dated))
    question = building.multiple_choice(card, pool, random.Random(data.draw(st.integers(0, 10**6))))
    assume(question is not None)  # no fair question of this card with this seed: draw another
    fact = building._fact(pool, card)
    true_years = pool.years_of_work(fact) if card.kind == "work_year" else pool.years_of_event(fact)
    right = question.solution["correct"]
    right_years = option_years(right)
    assert right_years <= true_years
    for option in question.options:
        if option == right:
            continue
        # No wrong option is partly right: its years (a decade's ten, a span's every one) miss every version.
        assert not option_years(option) & true_years, (option, sorted(true_years))
        assert len(option_years(option)) == len(right_years)  # a span keeps its length, a decade stays one
        assert abs(min(option_years(option)) - min(right_years)) <= (40 if right.endswith("0s") else 8)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_true_false_statements_are_true_or_false_in_the_whole_base(base, data):
    pool, cards = base
    card = data.draw(st.sampled_from([c for c in cards if c.kind in building.TRUE_FALSE_CARD_KINDS]))
    question = building.true_false(card, pool, random.Random(data.draw(st.integers(0, 10**6))))
    assume(question is not None)  # no fair question of this card with this seed: draw another
    assert question.options == ["True", "False"]
    fact = building._fact(pool, card)
    statement = question.prompt.removeprefix("True or false? ")
    if card.kind == "work_author":
        stated = d.fold(statement.rsplit(" was written by ", 1)[1].rstrip("."))
        statement_is_true = stated in author_answers(pool, fact)
        if not statement_is_true:  # naming only a coauthor is half true: never offered as false
            assert stated not in any_author(pool, fact), statement
    elif card.kind == "work_year":
        statement_is_true = int(statement.rstrip(".")[-4:]) in pool.years_of_work(fact)
    elif card.kind == "work_kind":
        kinds = set().union(*(true_kinds(k) for k in pool.kinds_of(fact)))
        statement_is_true = any(statement.endswith(f" {KIND_NAMES[k]}.") for k in kinds if k in KIND_NAMES)
        related = set().union(*(d.related_kinds(k) for k in pool.kinds_of(fact)))
        if not statement_is_true:  # a kind below the work's own is not false either
            assert not any(statement.endswith(f" {KIND_NAMES[k]}.") for k in related if k in KIND_NAMES)
    else:
        when = statement.split(": ", 1)[0]
        statement_is_true = when in true_dates(pool, fact)
        if not statement_is_true:  # false at its precision: no year of it is a year of any version
            assert not option_years(when) & pool.years_of_event(fact), statement
    assert statement_is_true is (question.solution["correct"] == "True"), statement


@PROPERTY_SETTINGS
@given(data=st.data())
def test_typed_questions_accept_their_own_answers_and_do_not_show_them(base, data):
    pool, cards = base
    card = data.draw(st.sampled_from([c for c in cards if c.kind in building.TYPED_CARD_KINDS]))
    question = building.typed(card, pool, random.Random(0))
    assert question is not None, card.key  # no typed card of the real base shows its own answer in its prompt
    assert question.options == []
    for answer in card.accepted:
        assert grading.grade_typed(answer, accepted=question.solution["accepted"]).correct, answer
    assert not building._mentions(question.prompt, question.solution["accepted"][0])
    for miss in question.solution["near_misses"]:
        assert not grading.grade_typed(miss, accepted=question.solution["accepted"],
                                       near_misses=question.solution["near_misses"]).correct


# Most anchors make no order question (their neighbours in time are too few or too close): 100 questions checked
# cost about 300 draws, as many as the other properties make. So many draws are retried that Hypothesis's early
# "filtering too much" check would fail about one run in 140; without it, a run with no question at all still fails
# (Unsatisfiable).
@settings(PROPERTY_SETTINGS, max_examples=100,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
@given(data=st.data())
def test_order_questions_have_four_untied_events(base, data):
    pool, cards = base
    event_keys = sorted({c.fact_key for c in cards if c.fact_type == "event"})
    anchor = data.draw(st.sampled_from(event_keys))
    question = building.order(anchor, pool, random.Random(data.draw(st.integers(0, 10**6))),
                              allowed=set(event_keys), used=set())
    assume(question is not None)  # no fair question of this card with this seed: draw another
    order = question.solution["order"]
    events = [next(e for e in pool.events if e.description == text) for text in order]
    spans = [d.event_span(e) for e in events]
    assert len(set(order)) == 4 and sorted(question.options) == sorted(order) and question.options != order
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(3))
    assert grading.grade_order(order, options=question.options, order=order).correct
    assert spans[-1][0].year - spans[0][0].year <= 12  # close in time
    assert not [e.description for e in events if text.years_in(e.description)]  # no text states its date


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), deck=st.sampled_from(["people", "works", "events", "all"]),
       kinds=st.sets(st.sampled_from(building.QUESTION_KINDS), min_size=1))
def test_a_whole_quiz_asks_each_fact_once_and_never_states_a_typed_answer(base, seed, deck, kinds):
    pool, cards = base
    decks = {"all": {"people", "works", "events"}}.get(deck, {deck})
    chosen = [c for c in cards if c.deck in decks]
    random.Random(seed).shuffle(chosen)
    questions = building.build_questions(chosen, pool, size=50, kinds=kinds, rng=random.Random(seed))
    facts = [f for q in questions for f in q.facts]
    assert len(facts) == len(set(facts))
    assert {q.kind for q in questions} <= kinds
    # Order questions need events; true/false statements are made only of dates and authorship, and the real
    # base asks no authorship (every "Who wrote" would answer Serge or a famous name). The People deck is Serge's
    # ideas (studied, not quizzed) and two people since the seventh blind-rating round: no fair set of four
    # descriptions or names of the same role is left to offer, so it makes typed questions only (of the ideas).
    impossible = ({"order"} if deck not in ("events", "all") else set()) | (
        {"true_false"} if deck in ("people", "works") else set()) | ({"multiple_choice"} if deck == "people" else set())
    if kinds - impossible:
        assert questions
    for question in questions:
        if question.kind == "typed":
            answer = question.solution["accepted"][0]
            assert not any(building._mentions(other.prompt, answer) for other in questions)


def test_a_coauthor_is_never_a_wrong_author(base):
    """Who wrote a co-written work: the whole authorship is right, and neither author alone is offered as wrong."""
    from studyapp.cards.generation import work_cards
    from studyapp.cards.models import Card
    from studyapp.cards.services import SYNCED_FIELDS

    pool, _cards = base
    # The real base asks no "Who wrote" (a mention's card is not made), so ask it of every co-written work here.
    cowritten = [spec for w in pool.works if w.coauthors
                 for spec in work_cards(w, reverse_ok=False, author_card_ok=True)]
    assert cowritten
    asked = stated_false = 0
    for spec in cowritten:
        card = Card(id=None, key=spec.key, **{name: getattr(spec, name) for name in SYNCED_FIELDS})
        fact = building._fact(pool, card)
        assert card.answer == author_names(fact) and " and " in card.answer
        for seed in range(200):
            question = building.multiple_choice(card, pool, random.Random(seed))
            if question is not None:
                asked += 1
                wrong = {d.fold(o) for o in question.options if o != question.solution["correct"]}
                assert not wrong & any_author(pool, fact), (seed, question.options)
            statement = building.true_false(card, pool, random.Random(seed))
            if statement is not None and statement.solution["correct"] == "False":
                stated_false += 1
                stated = d.fold(statement.prompt.rsplit(" was written by ", 1)[1].rstrip("."))
                assert stated not in any_author(pool, fact), (seed, statement.prompt)
    assert asked and stated_false  # the checks above ran, on questions and on false statements alike
