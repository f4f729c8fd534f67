"""Download my data: a copy of everything the app keeps about one user, across the apps (accounts, study,
quiz), as one JSON-ready dict. Here, above those apps, so none of them imports another to build it; the
deletion of the same rows is accounts.services.user_delete (by cascade from the user).
"""

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, Q

from studyapp.accounts.models import settings_for
from studyapp.facts.models import Collection, Source
from studyapp.facts.selectors import export_fact_base
from studyapp.quiz.models import Quiz, QuizQuestion
from studyapp.study.models import ReviewLog, ReviewState

EXPORT_FORMAT = "studyapp-user-data"
EXPORT_VERSION = 1


def _iso(value):
    return value.isoformat() if value is not None else None


def _collections(user: User) -> list[dict]:
    """The collections the user owns or edits, with their sources (title, stored text, how many facts cite each)
    and their facts in export_facts' shape: what the user built in the app is theirs to take away, and in that
    shape `load_facts` can read it back (facts.selectors.export_fact_base). One query when there are none;
    else three (collections, their sources, their editors), then export_fact_base's per collection."""
    facts_citing = (Count("citations__person", distinct=True) + Count("citations__work", distinct=True)
                    + Count("citations__event", distinct=True))
    sources = Source.objects.annotate(facts=facts_citing).order_by("key")
    owned_or_edited = (Collection.objects.filter(Q(owner=user) | Q(editors=user)).distinct()
                       .prefetch_related(Prefetch("sources", queryset=sources), "editors").order_by("key"))
    return [
        {"key": c.key, "title": c.title, "description": c.description, "visibility": c.visibility,
         "role": "owner" if c.owner_id == user.pk else "editor",
         "editors": sorted(e.username for e in c.editors.all()),
         "sources": [{"key": s.key, "title": s.title, "author": s.author, "year": s.year, "facts": s.facts,
                      "text": s.text} for s in c.sources.all()],
         "facts": export_fact_base(c)}
        for c in owned_or_edited
    ]


def user_data_export(*, user: User) -> dict:
    """Everything the app keeps about this user, JSON-ready: account, settings, review states and logs, quizzes,
    and the collections they own or edit.

    Cards are named by their stable key (and id), so the file still makes sense after the fact base changes.
    Only this user's rows are read; a fixed number of queries whatever the amount of history.
    """
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
            "collections": list(study_settings.collections),
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
        "collections": _collections(user),
    }
