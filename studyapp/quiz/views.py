"""Quiz pages: set up, answer one question at a time (no JS needed), results and history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studyapp.quiz.forms import QuizSetupForm
from studyapp.quiz.selectors import get_quiz_for_user, quiz_history
from studyapp.quiz.services import AlreadyAnswered, QuizInputError, answer_submit, quiz_create


@login_required
@require_http_methods(["GET", "POST"])
def quiz_setup(request):
    form = QuizSetupForm(request.POST or None, initial={"scope": request.GET.get("scope", "")})
    if request.method == "POST" and form.is_valid():
        try:
            quiz = quiz_create(user=request.user, now=timezone.now(), **form.cleaned_data)
        except QuizInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("quiz-detail", pk=quiz.pk)
    return render(request, "quiz/setup.html", {"form": form, "recent": quiz_history(request.user)[:5]})


@login_required
@require_safe
def quiz_detail(request, pk):
    """The next unanswered question, with feedback on the one just answered; the results once all are done."""
    quiz = get_quiz_for_user(request.user, pk)
    questions = list(quiz.questions.all())
    for question in questions:
        question.given = getattr(question, "answer", None)
    current = next((q for q in questions if q.given is None), None)
    last = next((q for q in questions if str(q.pk) == request.GET.get("after") and q.given), None)
    return render(request, "quiz/detail.html", {
        "quiz": quiz, "questions": questions, "current": current, "last": last,
        "number": questions.index(current) + 1 if current else None,
    })


def _answer_from_post(question, data):
    if question.kind != "order":
        return data.get("answer", "")
    positions = {}
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
    return redirect(f"{reverse('quiz-detail', kwargs={'pk': quiz.pk})}?after={question.pk}")


@login_required
@require_safe
def history(request):
    return render(request, "quiz/history.html", {"quizzes": quiz_history(request.user)})
