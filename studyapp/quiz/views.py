"""Quiz pages: set up, answer one question at a time (no JS needed), results and history."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studyapp.cards.models import Card
from studyapp.facts.selectors import collection_for
from studyapp.quiz.forms import QuizSetupForm
from studyapp.quiz.selectors import get_quiz_for_user, quiz_history
from studyapp.quiz.services import AlreadyAnswered, QuizInputError, answer_submit, quiz_create


@login_required
@require_http_methods(["GET", "POST"])
def quiz_setup(request):
    # "Quiz me on this" from a collection's explore page: ?collection=KEY (404 unless the user may study it).
    key = (request.POST if request.method == "POST" else request.GET).get("collection", "").strip()
    collection = collection_for(request.user, key) if key else None
    form = QuizSetupForm(request.POST or None, initial={"scope": request.GET.get("scope", "")}, collection=collection)
    if request.method == "POST" and form.is_valid():
        try:
            quiz = quiz_create(user=request.user, now=timezone.now(), **form.cleaned_data)
        except QuizInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("quiz-detail", pk=quiz.pk)
    # One question per fact: a collection with fewer facts than asked makes a shorter quiz; the page says so.
    facts = (Card.objects.filter(collection=collection, retired=False).values("fact_type", "fact_key").distinct()
             .count() if collection is not None else None)
    return render(request, "quiz/setup.html", {"form": form, "recent": quiz_history(request.user)[:5],
                                               "collection": collection, "facts": facts})


@login_required
@require_safe
def quiz_detail(request, pk):
    """The next unanswered question, with feedback on the one just answered; the results once all are done."""
    quiz = get_quiz_for_user(request.user, pk)
    questions = list(quiz.questions.all())
    for question in questions:
        question.given = getattr(question, "answer", None)
        question.shown = feedback(question) if question.given else None
    current = next((q for q in questions if q.given is None), None)
    after = next((q for q in questions if str(q.pk) == request.GET.get("after") and q.given), None)
    order = None
    if current is not None and current.kind == "order":
        order = _order_items(current, _order_param(request.GET.get("order", ""), len(current.options)))
    return render(request, "quiz/detail.html", {
        "quiz": quiz, "questions": questions, "current": current, "order": order,
        # Feedback on the last answer goes above the next question; once the quiz is over, the results show
        # every answer, so it is not repeated above them (the results mark it instead).
        "last": after if current is not None else None, "last_pk": after.pk if after else None,
        "number": questions.index(current) + 1 if current else None,
    })


# --- how an answer's feedback is shown ------------------------------------------------------------------------

@dataclass(frozen=True)
class Feedback:
    """What the page says about one answer, without saying anything twice: the verdict, what was answered, the
    right answer only where it differs, the grader's reason only where it adds to these, and for an order
    question both orders as lists."""

    correct: bool
    verdict: str
    given: str = ""
    answer: str = ""
    answer_label: str = "Answer"
    note: str = ""
    yours: tuple = ()  # order questions: (text, in its right place?, its right position), as answered
    order: tuple = ()  # order questions: (date, text), earliest first


def _dated(question) -> list[tuple[str, str]]:
    """(date, event) for an order question, earliest first, read back from its stored "date: event; ..." text."""
    right, text, rows, at = question.solution.get("order", []), question.expected, [], 0
    for event in right:
        core = event.rstrip(".")
        found = text.find(f": {core}", at)
        if found < 0:
            return [("", e) for e in right]
        rows.append((text[at:found].strip(), event))
        at = found + len(core) + 2
        at = at + 2 if text.startswith("; ", at) else at
    return rows


def _verdict(correct):
    return "Right." if correct else "Wrong."


def _feedback_choice(question, given, correct):
    return Feedback(correct, _verdict(correct), given=given, answer="" if correct else question.expected)


def _feedback_true_false(question, given, correct):
    # When the statement was false, say what is true (the question stores it after "True is: "); when it was
    # true, the prompt already said it, so a wrong answer needs only the word.
    if question.solution.get("correct") == "True":
        return Feedback(correct, _verdict(correct), given=given, answer="" if correct else "True",
                        answer_label="The statement is")
    _, found, truth = question.expected.partition("True is: ")
    return Feedback(correct, _verdict(correct), given=given, answer=truth if found else question.expected,
                    answer_label="What is true" if found else "Answer")


def _feedback_typed(question, given, correct):
    # The grader's reason names the expected answer, so it stands in for an "Answer" line; it is left out when
    # the answer was typed exactly as expected, where it would only repeat it.
    exact = str(given).strip().casefold() == question.expected.strip().casefold()
    return Feedback(correct, _verdict(correct), given=given or "(nothing)",
                    note="" if exact else question.given.feedback)


def _feedback_order(question, given, correct):
    right = question.solution.get("order", [])
    given = given if isinstance(given, list) else []
    yours = tuple((text, i < len(right) and right[i] == text, right.index(text) + 1 if text in right else 0)
                  for i, text in enumerate(given))
    misplaced = sum(1 for _, ok, _ in yours if not ok)
    verdict = "Right." if correct else f"Wrong. {misplaced} of {len(right)} in the wrong place."
    return Feedback(correct, verdict, yours=yours, order=tuple(_dated(question)))


FEEDBACK = {"multiple_choice": _feedback_choice, "true_false": _feedback_true_false, "typed": _feedback_typed,
            "order": _feedback_order}


def feedback(question) -> Feedback:
    """How the page shows the answer to this question (which must have been answered)."""
    answer = question.given
    return FEEDBACK.get(question.kind, _feedback_choice)(question, answer.given, answer.correct)


# --- order questions: drag (JavaScript), move buttons (keyboard, and without JavaScript) -----------------------

def _order_param(value: str, size: int) -> list[int]:
    """The order the options are shown in: a permutation of their indexes, else as stored."""
    try:
        order = [int(part) for part in value.split(",")] if value else []
    except ValueError:
        order = []
    return order if sorted(order) == list(range(size)) else list(range(size))


def _order_items(question, order):
    return [{"index": i, "text": question.options[i]} for i in order]


def _moved(order: list[int], move: str) -> list[int]:
    """The order after "up-<index>" or "down-<index>" (a move button pressed without JavaScript)."""
    direction, _, index = move.partition("-")
    if direction not in ("up", "down") or not index.isdigit() or int(index) not in order:
        return order
    at = order.index(int(index))
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(order):
        order = list(order)
        order[at], order[to] = order[to], order[at]
    return order


def _answer_from_post(question, data):
    if question.kind != "order":
        return data.get("answer", "")
    if "order" in data:  # the list as arranged (dragged, or moved with the buttons), earliest first
        order = _order_param(",".join(data.getlist("order")), len(question.options))
        return [question.options[i] for i in order]
    positions = {}  # a number per option, the form before drag-to-order
    for index, option in enumerate(question.options):
        try:
            positions[option] = int(data.get(f"position-{index}", ""))
        except ValueError:
            positions[option] = 0
    if sorted(positions.values()) != list(range(1, len(question.options) + 1)):
        return None
    return sorted(positions, key=positions.get)


@login_required
@require_POST
def question_answer(request, pk, question_pk):
    quiz = get_quiz_for_user(request.user, pk)
    question = next((q for q in quiz.questions.all() if q.pk == question_pk), None)
    if question is None:
        messages.error(request, "That question is not part of this quiz.")
        return redirect("quiz-detail", pk=quiz.pk)
    detail = reverse("quiz-detail", kwargs={"pk": quiz.pk})
    if question.kind == "order" and request.POST.get("move"):  # a move button pressed without JavaScript
        order = _moved(_order_param(",".join(request.POST.getlist("order")), len(question.options)),
                       request.POST["move"])
        return redirect(f"{detail}?order={','.join(map(str, order))}#question")
    answer = _answer_from_post(question, request.POST)
    if answer is None:
        messages.error(request, "Give each event a different position, from 1 to 4.")
        return redirect("quiz-detail", pk=quiz.pk)
    try:
        answer_submit(user=request.user, quiz=quiz, question_id=question.pk, answer=answer, now=timezone.now())
    except AlreadyAnswered:
        messages.info(request, "You had already answered that question; your first answer counts.")
    except QuizInputError as error:
        messages.error(request, f"Please answer again: {error.message}.")
        return redirect("quiz-detail", pk=quiz.pk)
    return redirect(f"{detail}?after={question.pk}")


@login_required
@require_safe
def history(request):
    return render(request, "quiz/history.html", {"quizzes": quiz_history(request.user)})
