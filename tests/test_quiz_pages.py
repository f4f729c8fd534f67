"""The quiz pages (issue 19): feedback that says each thing once, order results as lists with dates, no stale
feedback above the results, and order questions answered by dragging, by Up/Down buttons, or without JS."""

import re

import pytest

from studyapp.quiz.models import QuizAnswer
from studyapp.quiz.services import answer_submit
from studyapp.quiz.views import _dated, _moved, _order_param
from tests import quizbase
from tests.test_quiz import NOW, make_quiz, right_answer, wrong_answer


@pytest.fixture
def base(db, tmp_path):
    return quizbase.load(tmp_path)


def _answer_url(quiz, question):
    return f"/quiz/{quiz.pk}/questions/{question.pk}/answer/"


def _feedback_html(html):
    return re.search(r'<section class="panel last-answer".*?</section>', html, re.S).group(0)


def test_right_multiple_choice_feedback_says_right_once_and_the_answer_once(client, alice, base):
    client.force_login(alice)
    quiz = make_quiz(alice, size=2, kinds=["multiple_choice"])
    question = quiz.questions.first()
    html = client.post(_answer_url(quiz, question), {"answer": right_answer(question)}, follow=True).content.decode()
    shown = _feedback_html(html)
    assert shown.count("Right") == 1 and "Wrong" not in shown
    assert shown.count(f"<dd>{right_answer(question)}</dd>") == 1
    assert "<dt>Answer</dt>" not in shown  # the answer given was the answer


def test_wrong_multiple_choice_feedback_shows_the_choice_and_the_answer(client, alice, base):
    client.force_login(alice)
    quiz = make_quiz(alice, size=2, kinds=["multiple_choice"])
    question = quiz.questions.first()
    chosen = wrong_answer(question)
    shown = _feedback_html(client.post(_answer_url(quiz, question), {"answer": chosen}, follow=True).content.decode())
    assert "<strong class=\"bad\">Wrong.</strong>" in shown
    assert f"<dt>Your answer</dt><dd>{chosen}</dd>" in shown
    assert f"<dt>Answer</dt><dd>{question.expected}</dd>" in shown
    assert QuizAnswer.objects.get().feedback not in shown  # the grader's sentence would repeat both


def test_a_typed_answer_typed_exactly_shows_no_reason_and_a_lenient_one_says_why(client, alice, base):
    client.force_login(alice)
    quiz = make_quiz(alice, size=2, kinds=["typed"])
    first, second = quiz.questions.all()[:2]
    shown = _feedback_html(client.post(_answer_url(quiz, first), {"answer": first.expected},
                                       follow=True).content.decode())
    assert 'class="note"' not in shown and shown.count(first.expected) == 1 + sum(
        c["quote"].count(first.expected) for c in first.citations)
    html = client.post(_answer_url(quiz, second), {"answer": "Nobody at all"}, follow=True).content.decode()
    assert "Not accepted" in html and "<dt>Answer</dt>" not in html  # the reason names the answer, once


def test_the_results_do_not_repeat_the_last_answer_above_them(client, alice, base):
    client.force_login(alice)
    quiz = make_quiz(alice, size=1, kinds=["multiple_choice"])
    question = quiz.questions.get()
    html = client.post(_answer_url(quiz, question), {"answer": right_answer(question)}, follow=True).content.decode()
    assert "Quiz results" in html and "Your last answer" not in html
    assert html.count('class="feedback') == 1
    assert re.search(r'<li class="panel" id="last-answer">', html)


def test_order_results_are_two_lists_with_the_dates(client, alice, base):
    client.force_login(alice)
    quiz = make_quiz(alice, deck="events", size=1, kinds=["order"])
    question = quiz.questions.get()
    answer_submit(user=alice, quiz=quiz, question_id=question.pk, answer=wrong_answer(question), now=NOW)
    html = client.get(f"/quiz/{quiz.pk}/").content.decode()
    assert "Your order" in html and "The right order" in html and ".;" not in html
    dated = _dated(question)
    assert [event for _, event in dated] == question.solution["order"] and all(when for when, _ in dated)
    for when, event in dated:
        assert f"<li><strong>{when}</strong> {event}</li>" in html.replace("&#x27;", "'")


def test_an_order_question_is_a_list_to_drag_with_up_and_down_buttons(client, alice, base):
    client.force_login(alice)
    quiz = make_quiz(alice, deck="events", size=1, kinds=["order"])
    html = client.get(f"/quiz/{quiz.pk}/").content.decode()
    assert html.count('<input type="hidden" name="order"') == 4
    assert html.count('name="move" value="up-') == 4 and html.count('name="move" value="down-') == 4
    assert re.search(r'<script src="/static/vendor/sortablejs/Sortable.min(\.[0-9a-f]{12})?\.js" defer>', html)
    assert re.search(r'<script src="/static/quiz/order(\.[0-9a-f]{12})?\.js" defer>', html)


def test_without_javascript_the_move_buttons_reorder_and_the_order_is_posted(client, alice, base):
    client.force_login(alice)
    quiz = make_quiz(alice, deck="events", size=1, kinds=["order"])
    question = quiz.questions.get()
    response = client.post(_answer_url(quiz, question), {"order": ["0", "1", "2", "3"], "move": "down-0"})
    assert response.status_code == 302 and response.url == f"/quiz/{quiz.pk}/?order=1,0,2,3#question"
    html = client.get(response.url.split("#")[0]).content.decode()
    assert [int(i) for i in re.findall(r'name="order" value="(\d)"', html)] == [1, 0, 2, 3]
    assert not QuizAnswer.objects.exists()
    right = [question.options.index(event) for event in question.solution["order"]]
    client.post(_answer_url(quiz, question), {"order": [str(i) for i in right]})
    assert QuizAnswer.objects.get().correct is True


@pytest.mark.parametrize(("order", "move", "moved"), [
    ([0, 1, 2, 3], "up-2", [0, 2, 1, 3]), ([0, 1, 2, 3], "up-0", [0, 1, 2, 3]),
    ([0, 1, 2, 3], "down-3", [0, 1, 2, 3]), ([3, 2, 1, 0], "down-3", [2, 3, 1, 0]),
    ([0, 1, 2, 3], "sideways-1", [0, 1, 2, 3]), ([0, 1, 2, 3], "up-9", [0, 1, 2, 3]),
])
def test_a_move_swaps_an_event_with_its_neighbour_and_nothing_else(order, move, moved):
    assert _moved(order, move) == moved


@pytest.mark.parametrize(("value", "order"), [("2,0,1,3", [2, 0, 1, 3]), ("", [0, 1, 2, 3]), ("0,0,1,2", [0, 1, 2, 3]),
                                              ("a,b", [0, 1, 2, 3]), ("0,1,2", [0, 1, 2, 3])])
def test_a_shown_order_is_a_permutation_or_the_stored_one(value, order):
    assert _order_param(value, 4) == order
