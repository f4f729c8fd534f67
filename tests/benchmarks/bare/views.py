"""The minimum for each job studyapp's benchmark measures, in plain Django with raw SQL.

- hello: one `SELECT 1`, as studyapp's /healthz does.
- next: one indexed query (bare_state_user_due) for the user's earliest due, unsuspended card, joined to
  its card. No new cards, daily limits, siblings, counts or interval previews.
- review: in one transaction, lock the state row (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
  transaction takes the write lock), update it with a stand-in for scheduling, insert a log row
  (UNIQUE (user_id, review_id): a review id used twice is refused with 409).
The user is named in the request (`?user=` / the body's "user"): no authentication.
"""

import datetime as dt
import json
import uuid

from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone

NEXT = """
SELECT s.card_id, s.state, s.due, s.version, c.deck, c.prompt, c.answer
FROM bare_state s JOIN bare_card c ON c.id = s.card_id
WHERE s.user_id = %s AND NOT s.suspended AND s.due <= %s
ORDER BY s.due LIMIT 1
"""
LOCK = "SELECT id, stability, difficulty, reps, lapses FROM bare_state WHERE user_id = %s AND card_id = %s"
UPDATE = """
UPDATE bare_state SET state = %s, step = NULL, stability = %s, difficulty = %s, due = %s, last_review = %s,
    reps = reps + 1, lapses = %s, version = version + 1
WHERE id = %s
"""
INSERT = """
INSERT INTO bare_log (user_id, card_id, review_id, rating, reviewed_at, duration_ms, state, due, stability, difficulty)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""
GROWTH = (0.5, 1.2, 2.5, 3.5)  # stability factor per rating: a stand-in for FSRS


def _json(data, status=200):
    return HttpResponse(json.dumps(data), status=status, content_type="application/json")


def hello(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return _json({"status": "ok"})


def next_due(request):
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(NEXT, [int(request.GET["user"]), now])
        row = cursor.fetchone()
    if row is None:
        return HttpResponse(status=204)
    card, state, due, version, deck, prompt, answer = row
    return _json({"id": card, "state": state, "due": str(due), "version": version, "deck": deck, "prompt": prompt,
                  "answer": answer})


def review(request):
    body = json.loads(request.body)
    user, card, rating = int(body["user"]), int(body["card"]), int(body["rating"])
    review_id = uuid.UUID(body["review_id"])
    postgres = connection.vendor == "postgresql"
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(LOCK + (" FOR UPDATE" if postgres else ""), [user, card])
            row = cursor.fetchone()
            if row is None:
                return _json({"detail": "no such card"}, status=404)
            state_id, stability, difficulty, reps, lapses = row
            stability = min(36500.0, max(0.1, stability * GROWTH[rating - 1]))  # fsrs's maximum interval
            difficulty = min(10.0, max(1.0, difficulty + (3 - rating) * 0.5))
            state = 3 if rating == 1 else 2
            lapses += rating == 1
            due = now + dt.timedelta(days=stability)
            cursor.execute(UPDATE, [state, stability, difficulty, adapt(due), adapt(now), lapses, state_id])
            cursor.execute(INSERT, [user, card, review_id if postgres else review_id.hex, rating, adapt(now),
                                    body.get("duration_ms"), state, adapt(due), stability, difficulty])
    except IntegrityError:
        return _json({"detail": "review_id already used"}, status=409)
    return _json({"card": card, "review_id": str(review_id), "due": due.isoformat(), "state": state,
                  "stability": stability, "difficulty": difficulty, "reps": reps + 1, "lapses": lapses}, status=201)
