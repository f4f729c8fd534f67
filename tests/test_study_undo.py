"""Undo (issue 16): the latest study action of the user, whatever it was, reversed exactly; quiz answers stay."""

import datetime as dt
import uuid

import pytest

from studyapp.study import services
from studyapp.study.models import ReviewLog, ReviewState, StudyAction
from tests.builders import make_cards
from tests.test_study import NOON

UTC = dt.UTC
LATER = NOON + dt.timedelta(minutes=5)


def review(user, card, rating, now, source="study"):
    return services.review_submit(user=user, card=card, rating=rating, now=now, review_id=uuid.uuid4(),
                                  source=source)


def row(user, card):
    """The card's state row as stored, version aside (undo bumps it so no page reuses one), or None."""
    found = ReviewState.objects.filter(user=user, card=card).values().first()
    return found and {name: value for name, value in found.items() if name != "version"}


def suspend(user, card, now):
    services.card_suspend(user=user, card=card, now=now)


def unsuspend(user, card, now):
    services.card_suspend(user=user, card=card, now=now, suspended=False)


def bury(user, card, now):
    services.card_bury(user=user, card=card, now=now)


def good(user, card, now):
    review(user, card, 3, now)


# (what was done to the card first, the action undo must reverse)
CASES = {
    "review of a new card": ([], good),
    "review of a reviewed card": ([good], good),
    "suspend of a new card": ([], suspend),
    "suspend of a reviewed card": ([good], suspend),
    "bury of a new card": ([], bury),
    "bury of a reviewed card": ([good], bury),
    "unsuspend of a suspended card": ([good, suspend], unsuspend),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_undo_reverses_exactly_the_latest_action_of_each_kind(alice, case):
    card = make_cards(1)[0]
    setup, action = CASES[case]
    for step in setup:
        step(alice, card, NOON)
    before, logs = row(alice, card), ReviewLog.objects.count()
    action(alice, card, LATER)
    undone = services.study_undo(user=alice)
    assert undone.kind == action.__name__.replace("good", "review") and undone.card == card
    assert row(alice, card) == before and ReviewLog.objects.count() == logs


@pytest.mark.django_db
def test_review_then_suspend_then_undo_unsuspends_and_keeps_the_review(alice):
    card = make_cards(1)[0]
    review(alice, card, 3, NOON)
    reviewed = row(alice, card)
    suspend(alice, card, LATER)
    assert services.study_undo(user=alice).kind == "suspend"
    assert row(alice, card) == reviewed and reviewed["suspended"] is False and reviewed["reps"] == 1
    assert services.study_undo(user=alice).kind == "review"
    assert row(alice, card) is None
    with pytest.raises(services.NothingToUndo):
        services.study_undo(user=alice)


@pytest.mark.django_db
def test_review_then_bury_then_undo_unburies_and_keeps_the_review(alice):
    card, other = make_cards(2)
    review(alice, card, 3, NOON)
    review(alice, other, 3, NOON)
    reviewed = row(alice, other)
    bury(alice, other, LATER)
    assert row(alice, other)["buried_until"] == dt.datetime(2026, 3, 11, 4, 0, tzinfo=UTC)
    assert services.study_undo(user=alice).kind == "bury"
    assert row(alice, other) == reviewed and ReviewLog.objects.count() == 2


@pytest.mark.django_db
def test_undoing_an_unsuspend_makes_the_leech_a_leech_again(alice):
    card = make_cards(1)[0]
    ReviewState.objects.create(user=alice, card=card, state=3, step=0, stability=1.0, difficulty=9.0, reps=20,
                               lapses=8, suspended=True, leech=True, due=NOON, last_review=NOON)
    unsuspend(alice, card, NOON)
    assert (row(alice, card)["suspended"], row(alice, card)["leech"]) == (False, False)
    services.study_undo(user=alice)
    assert (row(alice, card)["suspended"], row(alice, card)["leech"], row(alice, card)["lapses"]) == (True, True, 8)


@pytest.mark.django_db
def test_undo_leaves_quiz_answers_to_the_quiz(alice):
    studied, quizzed = make_cards(2)
    review(alice, quizzed, 3, NOON)
    review(alice, studied, 3, NOON)
    review(alice, quizzed, 1, LATER, source="quiz")  # a quiz answer that counts as a review
    quizzed_row = row(alice, quizzed)
    undone = services.study_undo(user=alice)
    assert (undone.kind, undone.card) == ("review", studied)  # the quiz's review, later, is not undone
    assert row(alice, studied) is None and row(alice, quizzed) == quizzed_row
    assert ReviewLog.objects.filter(source="quiz").count() == 1


@pytest.mark.django_db
def test_a_card_answered_in_a_quiz_since_is_not_rolled_back_and_undo_goes_on_to_the_action_before(alice):
    first, card = make_cards(2)
    review(alice, first, 3, NOON)
    review(alice, card, 3, NOON)
    review(alice, card, 3, LATER, source="quiz")
    after_quiz = row(alice, card)
    with pytest.raises(services.UndoBlocked, match="“Who was p1\\?” was answered in a quiz since"):
        services.study_undo(user=alice)
    assert row(alice, card) == after_quiz and ReviewLog.objects.filter(card=card).count() == 2
    assert services.study_undo(user=alice).card == first
    assert not StudyAction.objects.exists()


@pytest.mark.django_db
def test_the_api_undoes_any_action_and_says_which(alice_api, alice):
    card = make_cards(1)[0]
    review_id = str(uuid.uuid4())
    assert alice_api.post("/api/reviews/", {"card": card.pk, "rating": 3, "review_id": review_id},
                          format="json").status_code == 201
    assert alice_api.post(f"/api/cards/{card.pk}/suspend/").status_code == 200
    first = alice_api.post("/api/reviews/undo/")
    assert (first.status_code, first.json()) == (
        200, {"undone": None, "card": card.pk, "rating": None, "action": "suspend"})
    second = alice_api.post("/api/reviews/undo/")
    assert (second.status_code, second.json()) == (
        200, {"undone": review_id, "card": card.pk, "rating": 3, "action": "review"})
    assert alice_api.post("/api/reviews/undo/").status_code == 404


@pytest.mark.django_db
def test_the_api_says_409_when_a_quiz_answer_came_since(alice_api, alice):
    card = make_cards(1)[0]
    review(alice, card, 3, NOON)
    review(alice, card, 3, LATER, source="quiz")
    response = alice_api.post("/api/reviews/undo/")
    assert response.status_code == 409 and "answered in a quiz since" in response.json()["detail"]
    assert alice_api.post("/api/reviews/undo/").status_code == 404


@pytest.mark.django_db
def test_charlie_cannot_undo_alices_actions(alice, charlie):
    card = make_cards(1)[0]
    suspend(alice, card, NOON)
    with pytest.raises(services.NothingToUndo):
        services.study_undo(user=charlie)
    assert row(alice, card)["suspended"] is True


@pytest.mark.django_db
def test_the_study_page_undoes_a_bury(client, alice):
    card = make_cards(1)[0]
    client.force_login(alice)
    client.post("/study/bury/", {"card": card.pk})
    assert ReviewState.objects.get(user=alice, card=card).buried_until is not None
    page = client.post("/study/undo/", follow=True).content.decode()
    assert "Undid burying “Who was p0?”." in page and "Who was p0?" in page
    assert not ReviewState.objects.filter(user=alice, card=card).exists()
    assert "There is nothing to undo." in client.post("/study/undo/", follow=True).content.decode()
