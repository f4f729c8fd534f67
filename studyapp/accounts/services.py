"""Account writes shared by the HTML pages and the API."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from studyapp.accounts.models import StudySettings, settings_for


@transaction.atomic
def user_signup(*, username: str, password: str, email: str = "", timezone: str = "UTC") -> User:
    """Create a user with default study settings in their time zone; callers validate the password and zone first."""
    user = User.objects.create_user(username=username, password=password, email=email)
    StudySettings.objects.create(user=user, timezone=timezone)
    return user


SETTINGS_FIELDS = ("timezone", "day_starts_at", "desired_retention", "new_per_day", "reviews_per_day", "decks",
                   "topics", "quiz_counts_as_review")


@transaction.atomic
def settings_update(*, user: User, values: dict) -> StudySettings:
    """The one write of a user's study settings (the settings page and the API): checked by the model's own
    validators, saved all or nothing. Raises django's ValidationError naming each bad field; nothing is saved
    then, and the user's cached settings are read back unchanged."""
    prefs = settings_for(user)
    unknown = sorted(set(values) - set(SETTINGS_FIELDS))
    if unknown:
        raise ValidationError({name: "not a setting" for name in unknown})
    for name, value in values.items():
        setattr(prefs, name, value)
    try:
        prefs.full_clean(exclude=["user"])
    except ValidationError:
        prefs.refresh_from_db()
        raise
    prefs.save()
    return prefs


def token_for(user: User) -> str:
    """The user's API token, created on first use."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


# --- User data: a copy of everything that is the user's, and deleting all of it ------------------------------

EXPORT_FORMAT = "studyapp-user-data"
EXPORT_VERSION = 1


class WrongPassword(Exception):
    """Deleting an account needs the account's password."""


def _iso(value):
    return value.isoformat() if value is not None else None


def user_data_export(*, user: User) -> dict:
    """Everything the app keeps about this user, JSON-ready: account, settings, review states and logs, quizzes.

    Cards are named by their stable key (and id), so the file still makes sense after the fact base changes.
    Only this user's rows are read; a fixed number of queries whatever the amount of history.
    """
    from studyapp.accounts.models import settings_for
    from studyapp.quiz.models import Quiz, QuizQuestion
    from studyapp.study.models import ReviewLog, ReviewState

    study_settings = settings_for(user)
    states = ReviewState.objects.filter(user=user).select_related("card").order_by("card__key", "id")
    logs = ReviewLog.objects.filter(user=user).select_related("card").order_by("reviewed_at", "id")
    quizzes = Quiz.objects.filter(user=user).with_scores().order_by("created_at", "id")
    questions = {}
    for question in (QuizQuestion.objects.filter(quiz__user=user).select_related("card", "answer")
                     .order_by("quiz_id", "position")):
        questions.setdefault(question.quiz_id, []).append(question)

    def answer_of(question):
        answer = getattr(question, "answer", None)
        if answer is None:
            return None
        return {"given": answer.given, "correct": answer.correct, "feedback": answer.feedback,
                "answered_at": _iso(answer.answered_at),
                "review_id": str(answer.review_id) if answer.review_id else None}

    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "user": {"username": user.username, "email": user.email, "date_joined": _iso(user.date_joined),
                 "last_login": _iso(user.last_login)},
        "settings": {
            "timezone": study_settings.timezone, "day_starts_at": study_settings.day_starts_at,
            "desired_retention": study_settings.desired_retention, "new_per_day": study_settings.new_per_day,
            "reviews_per_day": study_settings.reviews_per_day, "decks": list(study_settings.decks),
            "topics": list(study_settings.topics), "quiz_counts_as_review": study_settings.quiz_counts_as_review,
            "fsrs_parameters": list(study_settings.fsrs_parameters),
        },
        "review_states": [
            {"card": s.card.key, "card_id": s.card_id, "state": s.get_state_display(), "step": s.step,
             "stability": s.stability, "difficulty": s.difficulty, "due": _iso(s.due),
             "last_review": _iso(s.last_review), "reps": s.reps, "lapses": s.lapses, "suspended": s.suspended,
             "leech": s.leech, "buried_until": _iso(s.buried_until), "version": s.version}
            for s in states
        ],
        "review_logs": [
            {"review_id": str(log.review_id), "card": log.card.key, "card_id": log.card_id, "rating": log.rating,
             "reviewed_at": _iso(log.reviewed_at), "duration_ms": log.duration_ms, "source": log.source,
             "anki_revlog_id": log.anki_revlog_id, "state_before": log.state_before, "state_after": log.state_after}
            for log in logs
        ],
        "quizzes": [
            {"id": quiz.pk, "deck": quiz.deck, "mode": quiz.mode, "kinds": list(quiz.kinds), "size": quiz.size,
             "created_at": _iso(quiz.created_at), "finished_at": _iso(quiz.finished_at), "score": quiz.score,
             "answered": quiz.answered, "total": quiz.total,
             "questions": [
                 {"position": q.position, "kind": q.kind, "card": q.card.key if q.card else None, "prompt": q.prompt,
                  "options": list(q.options), "expected": q.expected, "answer": answer_of(q)}
                 for q in questions.get(quiz.pk, [])
             ]}
            for quiz in quizzes
        ],
    }


def _session_keys_of(user: User) -> list[str]:
    """Keys of the stored sessions logged in as this user (database-backed session engines only)."""
    from django.conf import settings
    from django.contrib.auth import SESSION_KEY

    if settings.SESSION_ENGINE not in ("django.contrib.sessions.backends.db",
                                       "django.contrib.sessions.backends.cached_db"):
        return []
    from django.contrib.sessions.models import Session

    return [session.session_key for session in Session.objects.iterator()
            if session.get_decoded().get(SESSION_KEY) == str(user.pk)]


@transaction.atomic
def user_delete(*, user: User, password: str) -> dict:
    """Delete the account and every row that is the user's, after checking the password.

    Removes review states and logs, quizzes with their questions and answers, study settings, the API token,
    every session logged in as the user, their log-in records (django-axes) and the user itself. Shared rows
    (facts, cards) stay. Raises WrongPassword, changing nothing, when the password is wrong.
    Returns the number of rows deleted per model label.
    """
    from importlib import import_module

    from django.apps import apps
    from django.conf import settings

    from studyapp.quiz.models import Quiz
    from studyapp.study.models import ReviewLog, ReviewState

    if not password or not user.check_password(password):
        raise WrongPassword("The password is not right; nothing was deleted.")
    counts: dict[str, int] = {}

    def tally(deleted):
        for label, number in deleted[1].items():
            counts[label] = counts.get(label, 0) + number

    tally(ReviewLog.objects.filter(user=user).delete())
    tally(ReviewState.objects.filter(user=user).delete())
    tally(Quiz.objects.filter(user=user).delete())  # questions and answers cascade
    tally(StudySettings.objects.filter(user=user).delete())
    tally(Token.objects.filter(user=user).delete())
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = _session_keys_of(user)
    for key in keys:
        session_store(session_key=key).delete()
    if keys:
        counts["sessions.Session"] = len(keys)
    if apps.is_installed("axes"):
        for model_name in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
            model = apps.get_model("axes", model_name)
            tally(model.objects.filter(username=user.get_username()).delete())
    tally(user.delete())  # and anything else that points at the user with CASCADE (admin log entries, ...)
    return {label: number for label, number in counts.items() if number}
