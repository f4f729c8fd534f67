"""Property tests over the real fact base: every question of every kind is fair.

Exactly one right option, distractors of the answer's own type and wrong in the whole base, no answer
readable in the prompt, order questions without ties.
"""

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.cards import distractors as d
from studyapp.cards.generation import KIND_NAMES
from studyapp.cards.models import Card
from studyapp.quiz import building, grading
from studyapp.quiz.selectors import fact_pool

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture])
DATE = re.compile(r"^(\d{1,2} )?([A-Z][a-z]+ )?\d{4}s?$")


@pytest.fixture
def base(facts):
    cards = list(Card.objects.active())
    assert len(cards) > 100, "the real base should give plenty of cards"
    return fact_pool(), cards


def option_type(card, pool):
    """What every option of a card's multiple-choice question must be."""
    names = {n for p in pool.people for n in (p.name, *p.aliases)}
    work_titles = {t for w in pool.works for t in (w.title, *w.aliases)}
    kind = card.kind
    if kind in {"person_reverse", "work_author"} or (kind == "cloze" and card.fact_type == "person"):
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
    if question is None:
        return
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


@PROPERTY_SETTINGS
@given(data=st.data())
def test_year_and_date_distractors_are_near_and_never_another_version(base, data):
    pool, cards = base
    dated = [c for c in cards if c.kind in {"work_year", "event_when"}]
    card = data.draw(st.sampled_from(dated))
    question = building.multiple_choice(card, pool, random.Random(data.draw(st.integers(0, 10**6))))
    if question is None:
        return
    fact = building._fact(pool, card)
    true_years = pool.years_of_work(fact) if card.kind == "work_year" else pool.years_of_event(fact)
    right_year = int(re.search(r"\d{4}", question.solution["correct"]).group())
    for option in question.options:
        if option == question.solution["correct"]:
            continue
        year = int(re.search(r"\d{4}", option).group())
        if option.endswith("0s"):
            assert not any(y // 10 == year // 10 for y in true_years)
            assert abs(year - right_year // 10 * 10) <= 40
        else:
            assert year not in true_years and abs(year - right_year) <= 8


@PROPERTY_SETTINGS
@given(data=st.data())
def test_true_false_statements_are_true_or_false_in_the_whole_base(base, data):
    pool, cards = base
    card = data.draw(st.sampled_from([c for c in cards if c.kind in building.TRUE_FALSE_CARD_KINDS]))
    question = building.true_false(card, pool, random.Random(data.draw(st.integers(0, 10**6))))
    if question is None:
        return
    assert question.options == ["True", "False"]
    fact = building._fact(pool, card)
    statement = question.prompt.removeprefix("True or false? ")
    true_statements = set()
    if card.kind == "person_who":
        true_statements = {building._statement(card, fact, v) for v in pool.descriptions_of(fact)} | {
            building._statement(card, fact, v.values["description"]) for p in pool.same_people(fact)
            for v in p.versions}
        statement_is_true = statement in true_statements or d.fold(statement.split(": ", 1)[1]) in \
            pool.descriptions_of(fact)
    elif card.kind == "work_author":
        statement_is_true = d.fold(statement.rsplit(" by ", 1)[1].rstrip(".")) in pool.authors_of(fact)
    elif card.kind == "work_year":
        statement_is_true = int(statement.rstrip(".")[-4:]) in pool.years_of_work(fact)
    elif card.kind == "work_kind":
        statement_is_true = any(statement.endswith(f" {KIND_NAMES[k]}.") for k in pool.kinds_of(fact))
    else:
        when = statement.split(": ", 1)[0]
        year = int(re.search(r"\d{4}", when).group())
        years = pool.years_of_event(fact)
        statement_is_true = (any(y // 10 == year // 10 for y in years) if when.endswith("0s") else year in years)
    assert statement_is_true is (question.solution["correct"] == "True"), statement


@PROPERTY_SETTINGS
@given(data=st.data())
def test_typed_questions_accept_their_own_answers_and_do_not_show_them(base, data):
    pool, cards = base
    card = data.draw(st.sampled_from([c for c in cards if c.kind in building.TYPED_CARD_KINDS]))
    question = building.typed(card, pool, random.Random(0))
    if question is None:
        return
    assert question.options == []
    for answer in card.accepted:
        assert grading.grade_typed(answer, accepted=question.solution["accepted"]).correct, answer
    assert not building._mentions(question.prompt, question.solution["accepted"][0])
    for miss in question.solution["near_misses"]:
        assert not grading.grade_typed(miss, accepted=question.solution["accepted"],
                                       near_misses=question.solution["near_misses"]).correct


@PROPERTY_SETTINGS
@given(data=st.data())
def test_order_questions_have_four_untied_events(base, data):
    pool, cards = base
    event_keys = sorted({c.fact_key for c in cards if c.fact_type == "event"})
    anchor = data.draw(st.sampled_from(event_keys))
    question = building.order(anchor, pool, random.Random(data.draw(st.integers(0, 10**6))),
                              allowed=set(event_keys), used=set())
    if question is None:
        return
    order = question.solution["order"]
    events = [next(e for e in pool.events if e.description == text) for text in order]
    spans = [d.event_span(e) for e in events]
    assert len(set(order)) == 4 and sorted(question.options) == sorted(order) and question.options != order
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(3))
    assert grading.grade_order(order, options=question.options, order=order).correct


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
    if kinds != {"order"} or deck in ("events", "all"):
        assert questions
    for question in questions:
        if question.kind == "typed":
            answer = question.solution["accepted"][0]
            assert not any(building._mentions(other.prompt, answer) for other in questions)
