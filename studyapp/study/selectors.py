"""Reads of study state. study_queue is THE definition of what a user studies next; every page and API uses it."""

import bisect
import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

from studyapp import rows
from studyapp.accounts.models import settings_for
from studyapp.cards.models import Card
from studyapp.cards.selectors import active_card
from studyapp.facts.models import Collection, Visibility
from studyapp.study import scheduling
from studyapp.study.models import FsrsOptimization, FsrsState, ReviewLog, ReviewState

# Like Anki: a learning card due within 20 minutes is shown now rather than leaving the user waiting.
LEARN_AHEAD = dt.timedelta(minutes=20)


def study_days(user) -> scheduling.StudyDays:
    """The user's day boundary (time zone and day-start hour), which all their scheduling counts in."""
    prefs = settings_for(user)
    return scheduling.StudyDays(prefs.timezone, prefs.day_starts_at)


def study_day(user, now):
    """(start, end) of the user's current study day, in UTC, from their timezone and day-start hour."""
    return study_days(user).bounds(now)


def due_load(user, card, windows, days: scheduling.StudyDays) -> scheduling.Load:
    """The user's review cards due on each study day of `windows`, and the days a sibling of `card` is due.

    One fixed statement (none when there is nothing to balance): one index range scan on (user, state, due)
    from the first window's first day to the last one's last; no join (retired cards and siblings are
    small hashed sets). `card` itself is not counted. Due times come back as seconds since the epoch and are
    put into study days by bisecting the days' start times: a busy user has hundreds of reviews in the
    range, and making each a time-zone-aware datetime cost more than the query (issue 17's profile).
    """
    if not windows:
        return scheduling.NO_LOAD
    first, last = min(w[0] for w in windows), max(w[1] for w in windows)
    starts = [days.start_of(first + dt.timedelta(days=i)) for i in range((last - first).days + 2)]
    adapt = connection.ops.adapt_datetimefield_value
    params = {"user": user.pk, "card": card.pk, "review": FsrsState.REVIEW.value, "sibling": card.sibling_key,
              "from": adapt(starts[0]), "to": adapt(starts[-1])}
    seconds = ("EXTRACT(EPOCH FROM rs.due)::float8" if connection.vendor == "postgresql"
               else "CAST(strftime('%%s', rs.due) AS REAL)")
    sql = (f"SELECT {seconds}, rs.card_id IN (SELECT s.id FROM {Card._meta.db_table} s WHERE s.sibling_key = "
           f"%(sibling)s) FROM {ReviewState._meta.db_table} rs "
           f"WHERE rs.user_id = %(user)s AND rs.state = %(review)s AND rs.due >= %(from)s AND rs.due < %(to)s "
           f"AND NOT rs.suspended AND rs.reps > 0 AND rs.card_id <> %(card)s "
           f"AND rs.card_id NOT IN (SELECT r.id FROM {Card._meta.db_table} r WHERE r.retired)")
    wanted = {first + dt.timedelta(days=i) for a, b in windows for i in range((a - first).days, (b - first).days + 1)}
    bounds = [start.timestamp() for start in starts]
    due, siblings = {}, set()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    for moment, sibling in found:
        day = first + dt.timedelta(days=bisect.bisect_right(bounds, moment) - 1)
        if day not in wanted:  # between two windows
            continue
        due[day] = due.get(day, 0) + 1
        if sibling:
            siblings.add(day)
    return scheduling.Load(due=due, sibling_days=frozenset(siblings))


def _datetime(value) -> dt.datetime:
    """A timestamp read with plain SQL: PostgreSQL gives a datetime, SQLite the stored UTC text."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def interval_preview(user, card, state, now) -> dict[int, scheduling.Outcome]:
    """What each rating would do to `card` (state None: new), exactly as review_submit would apply it."""
    days = study_days(user)
    retention = settings_for(user).desired_retention
    snapshot = scheduling.Snapshot.of(state) if state else scheduling.new_snapshot(now)
    parameters = settings_for(user).fsrs_parameters
    windows = scheduling.balance_windows(snapshot, card_id=card.pk, now=now, desired_retention=retention, days=days,
                                         parameters=parameters)
    return scheduling.outcomes(snapshot, card_id=card.pk, reps=state.reps if state else 0, now=now,
                               desired_retention=retention, days=days, load=due_load(user, card, windows, days),
                               parameters=parameters)


def owned_state(user, card_id):
    """The one ownership helper for study state: a user only ever reaches their own rows, of cards they may still
    reach (a card of a collection gone private is as missing as another user's row)."""
    return ReviewState.objects.select_related("card").get(
        user=user, card_id=card_id, card__in=Card.objects.studyable_by(user))


@dataclass
class Queue:
    card: Card | None
    state: ReviewState | None  # None for a new card
    counts: dict = field(default_factory=dict)  # what is left today: new, learning, review
    day_end: dt.datetime | None = None
    next_due: dt.datetime | None = None  # when a card not held back by a limit is next due, if none is due now
    done_today: int = 0
    reviews_waiting: int = 0  # reviews due today that the review limit holds back
    new_waiting: str = ""  # "new" or "review": the limit holding back the new cards there are, if any
    limits: dict = field(default_factory=dict)  # the user's daily limits: new, review
    collections: int = 0  # how many collections the user studies (their choice, or every public one)

    @property
    def total_left(self):
        return sum(self.counts.values())


def study_queue(user, now, *, deck=None, scope=None, collection=None) -> Queue:
    """What to study next, and what is left today, in a fixed number of queries.

    Order: due learning and relearning cards, then due reviews (up to the daily review cap), then
    new cards (up to what is left of today's new limit, and of the review cap, which they count
    against as in Anki), then learning cards due within LEARN_AHEAD.
    Suspended, buried and retired cards are left out; so are the siblings of cards reviewed today,
    until the next study day. Only cards of the user's collections are shown (Card.objects.studied_by), or of
    `collection` alone when given (a Collection the caller has checked the user may study).
    """
    prefs = settings_for(user)
    start, end = study_day(user, now)
    n = _queue_numbers(user, prefs, now=now, start=start, end=end, deck=deck, scope=scope, collection=collection)
    # As Anki (new cards do not ignore the review limit): new cards introduced today count against the
    # review limit, and new cards are only shown within what the due reviews leave of it.
    review_room = max(0, prefs.reviews_per_day - n["reviews_done"] - n["new_done"])
    new_room = max(0, prefs.new_per_day - n["new_done"])
    review = min(n["review"], review_room)
    new = min(n["new"], new_room, review_room - review)
    counts = {"new": new, "learning": n["learning"], "review": review}
    queue = Queue(card=None, state=None, counts=counts, day_end=end, done_today=n["done"],
                  reviews_waiting=n["review"] - review,
                  new_waiting="" if new == n["new"] or not prefs.new_per_day else (
                      "new" if new == new_room else "review"),
                  limits={"new": prefs.new_per_day, "review": prefs.reviews_per_day}, collections=n["collections"])
    # A learning card goes first once due; one that is only due soon (learn-ahead) waits until
    # reviews and new cards are done, so the user is not shown the card they have just answered.
    if n["learning_now"]:
        state_id = n["first_learning"]
    elif counts["review"]:
        state_id = n["first_review"]
    elif counts["new"]:
        queue.card = active_card(n["first_new"], user)
        return queue
    elif counts["learning"]:
        state_id = n["first_learning"]
    else:
        queue.next_due = n["next_due"]
        return queue
    queue.state, queue.card = _state_with_card(state_id)
    return queue


# The chosen state with its card read with a fixed statement: studyapp/rows.py says why.
def _state_with_card(state_id) -> tuple[ReviewState, Card]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {rows.columns(ReviewState, 'rs')}, {rows.columns(Card, 'c')} "
                       f"FROM {ReviewState._meta.db_table} rs JOIN {Card._meta.db_table} c ON c.id = rs.card_id "
                       f"WHERE rs.id = %s", [state_id])
        state, card = rows.instances(cursor.fetchone(), ReviewState, Card)
    state._state.fields_cache["card"] = card
    return state, card


# The queue's numbers in one statement of plain SQL. The same conditions written with the ORM cost
# 15-20 ms of Python per request to build (seven counting subqueries, each cloning the filters) and
# ~10 ms of PostgreSQL planning; here the statement is a fixed text, and the three sets it counts
# (today's reviews, the visible review states, the new cards) are each written once, as CTEs. Measured
# on 1,000 states per user (tests/benchmarks): today's few cards looked up by key, not by hashing every card,
# and the user's touched cards as one hashed NOT IN set, not an anti-join, took PostgreSQL 1.43 → 1.25 ms.
QUEUE_SQL = """
WITH today AS (
    SELECT l.card_id, (SELECT c.sibling_key FROM {card} c WHERE c.id = l.card_id) AS sibling_key, l.state_before
    FROM {log} l
    WHERE l.user_id = %(user)s AND l.reviewed_at >= %(start)s AND l.reviewed_at < %(end)s
), visible AS (
    SELECT rs.id, rs.state, rs.due
    FROM {state} rs JOIN {card} c ON c.id = rs.card_id
    WHERE rs.user_id = %(user)s AND NOT rs.suspended AND rs.reps > 0
      AND (rs.buried_until IS NULL OR rs.buried_until <= %(now)s) AND {cards}
      AND NOT (c.sibling_key IN (SELECT sibling_key FROM today) AND rs.card_id NOT IN (SELECT card_id FROM today))
), fresh AS (
    SELECT c.id, c.intro_rank FROM {card} c
    WHERE {cards} AND c.sibling_key NOT IN (SELECT sibling_key FROM today)
      AND c.id NOT IN (SELECT h.card_id FROM {state} h WHERE h.user_id = %(user)s
                       AND (h.reps > 0 OR h.suspended OR (h.buried_until IS NOT NULL AND h.buried_until > %(now)s)))
)
SELECT
    (SELECT COUNT(*) FROM fresh),
    (SELECT COUNT(*) FROM visible WHERE state IN ({learning}, {relearning}) AND due <= %(ahead)s),
    (SELECT COUNT(*) FROM visible WHERE state IN ({learning}, {relearning}) AND due <= %(now)s),
    (SELECT COUNT(*) FROM visible WHERE state = {review} AND due < %(end)s),
    (SELECT COUNT(*) FROM today),
    (SELECT COUNT(*) FROM today WHERE state_before IS NULL),
    (SELECT COUNT(*) FROM today WHERE {before_state} = {review}),
    (SELECT id FROM visible WHERE state IN ({learning}, {relearning}) AND due <= %(ahead)s ORDER BY due, id LIMIT 1),
    (SELECT id FROM visible WHERE state = {review} AND due < %(end)s ORDER BY due, id LIMIT 1),
    (SELECT id FROM fresh ORDER BY intro_rank, id LIMIT 1),
    (SELECT MIN(due) FROM visible WHERE state IN ({learning}, {relearning})),
    (SELECT MIN(due) FROM visible WHERE state = {review} AND due >= %(end)s),
    (SELECT COUNT(*) FROM {collection} k WHERE {studied})
"""
QUEUE_COLUMNS = ("new", "learning", "learning_now", "review", "done", "new_done", "reviews_done",
                 "first_learning", "first_review", "first_new", "next_learning", "next_review", "collections")


# Collection.objects.studied_by in SQL (a condition on `k`): the user's chosen collections they may study (public,
# unlisted, or private ones they own or edit: Collection.objects.studyable_by), or every public one when they chose
# none. The queue's cards are those collections' (Card.objects.studied_by); the last column counts them, for the
# study page's choice of collection (shown to a user who studies two or more) at no extra query.
STUDIED_SQL = """{chosen} AND (k.visibility <> %(private)s
    OR k.owner_id = %(user)s OR k.id IN (SELECT e.collection_id FROM {editors} e WHERE e.user_id = %(user)s))"""


def _queue_numbers(user, prefs, *, now, start, end, deck, scope, collection):
    postgres = connection.vendor == "postgresql"
    adapt = connection.ops.adapt_datetimefield_value
    params = {"user": user.pk, "now": adapt(now), "ahead": adapt(now + LEARN_AHEAD), "start": adapt(start),
              "end": adapt(end)}

    def listed(name, values):  # IN (...) with one named parameter per value
        params.update({f"{name}{i}": value for i, value in enumerate(values)})
        return ", ".join(f"%({name}{i})s" for i in range(len(values)))

    cards = [f"NOT c.retired AND c.deck IN ({listed('deck', [deck] if deck else prefs.decks)})"]
    params.update({"private": Visibility.PRIVATE.value, "public": Visibility.PUBLIC.value})
    chosen = (f"k.key IN ({listed('collection', prefs.collections)})" if prefs.collections
              else "k.visibility = %(public)s")
    studied = STUDIED_SQL.format(editors=Collection.editors.through._meta.db_table, chosen=chosen)
    if collection is not None:
        params["collection"] = collection.pk
        cards.append("c.collection_id = %(collection)s")
    else:
        cards.append(f"c.collection_id IN (SELECT k.id FROM {Collection._meta.db_table} k WHERE {studied})")
    if scope is not None:
        scope = list(scope)
        cards.append(f"c.sibling_key IN ({listed('scope', scope)})" if scope else "1 = 0")
    if prefs.topics:
        # Topic tags are matched inside the JSON list's text, quotes included, as the ORM's filter does.
        column = "c.topics::text" if postgres else "c.topics"
        params.update({f"topic{i}": f'%"{topic}"%' for i, topic in enumerate(prefs.topics)})
        cards.append("(" + " OR ".join(f"{column} LIKE %(topic{i})s" for i in range(len(prefs.topics))) + ")")
    sql = QUEUE_SQL.format(
        log=ReviewLog._meta.db_table, card=Card._meta.db_table, state=ReviewState._meta.db_table,
        cards=" AND ".join(cards), collection=Collection._meta.db_table, studied=studied,
        learning=FsrsState.LEARNING.value, relearning=FsrsState.RELEARNING.value,
        review=FsrsState.REVIEW.value,
        before_state="(state_before ->> 'state')::int" if postgres else "json_extract(state_before, '$.state')",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = dict(zip(QUEUE_COLUMNS, cursor.fetchone(), strict=True))
    dues = [_datetime(due) for due in (row.pop("next_learning"), row.pop("next_review")) if due is not None]
    row["next_due"] = min(dues, default=None)
    return row


def fsrs_optimizations(user) -> tuple[FsrsOptimization | None, FsrsOptimization | None]:
    """The user's latest optimizer run (queued, running or finished) and latest finished one (either may be None)."""
    latest = FsrsOptimization.objects.filter(user=user).order_by("-pk").first()
    if latest is None or latest.status == FsrsOptimization.Status.DONE:
        return latest, latest
    finished = FsrsOptimization.objects.filter(user=user, status=FsrsOptimization.Status.DONE)
    return latest, finished.order_by("-pk").first()
