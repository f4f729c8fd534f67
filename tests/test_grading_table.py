"""Typed answers over the real fact base: the table in tests/grading_cases.py, graded as a quiz grades them.

The real base (loaded once per run, see tests/conftest.py) is copied in once for the module, in a transaction rolled
back afterwards, and every expected answer of the table is turned into its question's solution there; the rows are
then graded without the database.
"""

import random
from collections import Counter

import pytest
from django.db import transaction

from studyapp.cards import generation as g
from studyapp.cards.distractors import Pool
from studyapp.cards.models import Card
from studyapp.cards.selectors import fact_snapshots
from studyapp.quiz import building, grading
from tests.conftest import restore_fact_base
from tests.grading_cases import CASES, ISSUE_16, RIGHT, WRONG

pytestmark = pytest.mark.django_db  # so the test database exists when the module's fixture loads the base


def _main_answer(card) -> str:
    return card.accepted[0] if card.disputed else card.answer


def _card_expecting(expected, pool, cards):
    """The card whose typed question expects `expected`, or the card a fact without one (a mention) would have."""
    for card in cards:
        if card.kind in building.TYPED_CARD_KINDS and _main_answer(card) == expected:
            return card
    made = {"key": "synthetic", "prompt": "?", "answer": expected}
    for person in pool.people:
        if person.name == expected:
            return g.CardSpec(fact_type="person", fact_key=person.key, kind="person_reverse", deck="people",
                              accepted=g._unique([person.name, *person.aliases]), **made)
    for work in pool.works:
        if work.title == expected:
            return g.CardSpec(fact_type="work", fact_key=work.key, kind="work_reverse", deck="works",
                              accepted=g._unique([work.title, *work.aliases]), **made)
    for kind, name in g.KIND_NAMES.items():
        if name == expected:
            return g.CardSpec(fact_type="work", fact_key=kind, kind="work_kind", deck="works", accepted=[name],
                              **made)
    for event in pool.events:
        for card in g.event_cards(event, reverse_ok=False):
            if card.kind == "event_when" and _main_answer(card) == expected:
                return card
    raise LookupError(f"nothing in the base expects “{expected}”")


@pytest.fixture(scope="module")
def base(real_fact_base, django_db_blocker):
    """Each expected answer of the table → (its card, the solution of its typed question), over the real base;
    and the solutions quiz building stores for the real cards among them."""
    with django_db_blocker.unblock(), transaction.atomic():
        restore_fact_base(real_fact_base[1])
        pool = Pool(*(tuple(facts) for facts in fact_snapshots()))
        cards = list(Card.objects.active().order_by("kind", "key"))
        found = {expected: _card_expecting(expected, pool, cards) for expected, *_ in CASES}
        solved = {expected: grading.typed_solution(card, pool) for expected, card in found.items()}
        quizzed = {expected: building.typed(card, pool, random.Random(0))
                   for expected, card in found.items() if isinstance(card, Card)}
        transaction.set_rollback(True)
    return solved, {expected: q.solution for expected, q in quizzed.items() if q is not None}


@pytest.fixture(scope="module")
def solutions(base):
    return base[0]


@pytest.mark.parametrize(("expected", "typed", "verdict", "feedback"), CASES,
                         ids=[f"{expected}|{typed}" for expected, typed, *_ in CASES])
def test_it_grades_a_typed_answer_as_the_table_says(solutions, expected, typed, verdict, feedback):
    result = grading.grade("typed", solutions[expected], [], typed)
    assert (RIGHT if result.correct else WRONG, result.reason) == (verdict, feedback)


def test_the_table_is_large_holds_every_case_of_issue_16_and_no_row_twice():
    rows = Counter((expected, typed) for expected, typed, *_ in CASES)
    assert len(CASES) >= 100
    assert [row for row, count in rows.items() if count > 1] == []
    verdicts = {(expected, typed): verdict for expected, typed, verdict, _ in CASES}
    assert {(e, t): verdicts.get((e, t)) for e, t, _ in ISSUE_16} == {(e, t): v for e, t, v in ISSUE_16}
    assert len(ISSUE_16) == 29


def test_quiz_questions_on_real_cards_store_the_solution_the_table_grades_with(base):
    solved, quizzed = base
    assert len(quizzed) >= 10  # the table reaches real cards of every typed kind, not only synthetic ones
    assert {expected: solved[expected] for expected in quizzed} == quizzed


def test_surnames_come_from_canonical_names_and_near_misses_name_their_owner(solutions):
    assert solutions["Leon Trotsky"]["accepted"] == ["Leon Trotsky", "Trotsky"]
    assert solutions["Laurette Sejourne"]["accepted"] == ["Laurette Sejourne", "Sejourne"]
    assert solutions["Richard Greeman"]["near_misses"]["Freeman"] == "Richard Freeman"
    assert "Ruhle" not in solutions["Alice Ruhle"]["accepted"]  # Otto Ruhle is "Ruhle" too
    assert solutions["The Case of Comrade Tulayev"]["accepted"] == ["The Case of Comrade Tulayev", "Comrade Tulayev"]
    assert solutions["Year One of the Russian Revolution"]["accepted"] == [
        "Year One of the Russian Revolution", "Year One of the revolution"]  # "Russian Revolution" is not its own
