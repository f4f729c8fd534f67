"""Writes to a user's study state. review_submit is the only way a review is recorded (HTML, API, quiz)."""

import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tasks import task

from studyapp import rows
from studyapp.accounts.models import StudySettings, settings_for
from studyapp.cards.models import Card
from studyapp.study import optimizer, replay, scheduling
from studyapp.study.models import FsrsOptimization, Rating, ReviewLog, ReviewState, StudyAction, is_leech_lapse
from studyapp.study.selectors import due_load, study_day, study_days


class ReviewConflict(Exception):
    """The review_id was already used for a different review."""


class StaleReview(Exception):
    """The card changed since the page asking for this review was shown (another tab, another device)."""


class NothingToUndo(Exception):
    pass


class UndoBlocked(Exception):
    """The card changed since the action to undo, by something undo does not reverse (a quiz answer)."""


@dataclass(frozen=True)
class ReviewResult:
    created: bool  # False when the same review was submitted again
    log: ReviewLog

    def as_dict(self):
        after = self.log.state_after
        return {
            "card": self.log.card_id, "review_id": str(self.log.review_id), "rating": self.log.rating,
            "reviewed_at": self.log.reviewed_at.isoformat(), "due": after["due"], "state": after["state"],
            "step": after["step"], "stability": after["stability"], "difficulty": after["difficulty"],
            "reps": after["reps"], "lapses": after["lapses"], "suspended": after["suspended"],
            "leech": after["leech"],
        }

    @property
    def leeched(self) -> bool:
        """This review was a lapse that made the card a leech (the 8th, 12th, 16th, ...)."""
        before, after = self.log.state_before, self.log.state_after
        return bool(before) and after["lapses"] > before["lapses"] and is_leech_lapse(after["lapses"])


def _full_state(state: ReviewState) -> dict:
    """Everything undo needs to put the row back exactly as it was."""
    return {**scheduling.Snapshot.of(state).to_json(), "reps": state.reps, "lapses": state.lapses,
            "suspended": state.suspended, "leech": state.leech, "version": state.version,
            "buried_until": state.buried_until.isoformat() if state.buried_until else None}


def _validate(rating, review_id, duration_ms):
    errors = {}
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in Rating.values:
        errors["rating"] = "must be 1 (again), 2 (hard), 3 (good) or 4 (easy)"
    if not isinstance(review_id, uuid.UUID):
        try:
            review_id = uuid.UUID(str(review_id))
        except ValueError:
            errors["review_id"] = "must be a UUID"
    if duration_ms is not None and (isinstance(duration_ms, bool) or not isinstance(duration_ms, int)
                                    or not 0 <= duration_ms <= 86_400_000):
        errors["duration_ms"] = "must be a whole number of milliseconds between 0 and 86400000"
    if errors:
        raise ValidationError(errors)
    return review_id


def review_submit(*, user, card, rating, now, review_id, duration_ms=None, source="study",
                  expected_version=None) -> ReviewResult:
    """Record one review of `card` by `user` at `now` and reschedule it with FSRS.

    Time is counted in the user's study days; a review interval is fuzzed and load-balanced exactly as
    the study page previewed it (scheduling.outcomes). A review from the study page or the API (source
    "study") also goes on the undo stack; one fed by a quiz does not.

    Idempotent on review_id: the same review again returns the stored result; the same id with a
    different card or rating raises ReviewConflict. expected_version (from the page that showed
    the card) rejects a stale submission instead of reviewing the card twice.
    """
    review_id = _validate(rating, review_id, duration_ms)
    retention = settings_for(user).desired_retention
    for attempt in range(2):
        try:
            return _review_once(user=user, card=card, rating=rating, now=now, review_id=review_id,
                                duration_ms=duration_ms, source=source, expected_version=expected_version,
                                retention=retention)
        except IntegrityError:
            # A concurrent request created this card's first state row first. Its row exists now, so
            # the second attempt takes the row lock like any later review.
            if attempt:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _review_once(*, user, card, rating, now, review_id, duration_ms, source, expected_version, retention):
    # The row lock serializes every review of this card by this user (two tabs, a retried request).
    state, previous_id = _locked_state(user=user, card=card, review_id=review_id)
    if previous_id is not None:  # checked under the lock: a concurrent twin of this request has committed by now
        return _replay(ReviewLog.objects.get(pk=previous_id), card=card, rating=rating, duration_ms=duration_ms)
    if state is None:
        state = ReviewState(user=user, card=card, due=now)  # inserted below; a racing insert fails loudly
    if expected_version is not None and state.version != expected_version:
        raise StaleReview("this card was already answered elsewhere; showing the next card")
    if state.last_review is not None and state.last_review > now:
        # `now` was read before this request waited for the lock, and a review stamped later committed
        # first: apply this one at that review's time, so a card's reviews are stamped in the order they
        # were applied, last_review never goes back, and undo (latest first) reverses the last one applied.
        now = state.last_review
    before_full = _full_state(state) if state.reps else None
    before = scheduling.Snapshot.of(state) if state.reps else scheduling.new_snapshot(now)
    days = study_days(user)
    ratings = range(1, rating + 1)  # a rating's interval depends on those below it (Hard < Good < Easy)
    parameters = settings_for(user).fsrs_parameters  # the user's own FSRS parameters (free: loaded with the user)
    windows = scheduling.balance_windows(before, card_id=card.pk, now=now, desired_retention=retention, days=days,
                                         ratings=ratings, parameters=parameters)
    after = scheduling.review(before, card_id=card.pk, reps=state.reps, rating=rating, now=now,
                              desired_retention=retention, days=days, load=due_load(user, card, windows, days),
                              parameters=parameters)
    for name, value in after.__dict__.items():
        setattr(state, name, value)
    state.reps += 1
    state.version += 1
    state.buried_until = None
    if scheduling.is_lapse(before, after):
        state.lapses += 1
        if is_leech_lapse(state.lapses):
            # A card forgotten this often needs rereading, not more drilling: park it (again, every 4
            # lapses after the 8th, for a leech brought back).
            state.leech = True
            state.suspended = True
    if state.pk is None:
        state.save()
    else:
        rows.update(state, REVIEWED_COLUMNS)
    log = ReviewLog(
        user=user, card=card, review_id=review_id, rating=rating, reviewed_at=now, duration_ms=duration_ms,
        # null state_before marks a card's first review: a new card introduced that day
        state_before=before_full, state_after=_full_state(state), source=source,
    )
    log.pk = rows.insert(ReviewLog, user_id=user.pk, card_id=card.pk, review_id=review_id, rating=rating,
                         reviewed_at=now, duration_ms=duration_ms, state_before=log.state_before,
                         state_after=log.state_after, source=source)
    log._state.adding = False
    if source == "study":  # a quiz's reviews are the quiz's to keep: undo on the study page leaves them
        rows.insert(StudyAction, user_id=user.pk, card_id=card.pk, kind=StudyAction.Kind.REVIEW, at=now,
                    review_log_id=log.pk, state_before=None, state_after=None)
    return ReviewResult(created=True, log=log)


# What a review changes in a card's row (written with one fixed UPDATE: studyapp/rows.py says why).
REVIEWED_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "suspended",
                    "leech", "buried_until", "version")


def _locked_state(*, user, card, review_id) -> tuple[ReviewState | None, int | None]:
    """The user's state of `card`, row-locked, and the id of a review already recorded with `review_id`.

    One statement when the card has a state (every review after the first): the lock and the replay check.
    """
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite: the write lock is the lock
    sql = (f"SELECT {rows.columns(ReviewState, 'rs')}, (SELECT l.id FROM {ReviewLog._meta.db_table} l "
           f"WHERE l.user_id = %s AND l.review_id = %s) FROM {ReviewState._meta.db_table} rs "
           f"WHERE rs.user_id = %s AND rs.card_id = %s{lock}")
    review_key = ReviewLog._meta.get_field("review_id").get_db_prep_value(review_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, review_key, user.pk, card.pk])
        row = cursor.fetchone()
    if row is None:
        previous = ReviewLog.objects.filter(user=user, review_id=review_id).values_list("pk", flat=True).first()
        return None, previous
    state = rows.instance(ReviewState, row[:-1])
    state._state.fields_cache["card"] = card
    return state, row[-1]


def _replay(log, *, card, rating, duration_ms):
    if (log.card_id, log.rating, log.duration_ms) != (card.pk, rating, duration_ms):
        raise ReviewConflict(f"review_id {log.review_id} was already used for another review")
    return ReviewResult(created=False, log=log)


@dataclass(frozen=True)
class Undone:
    """What undo reversed: an action of `kind` on `card`, and for a review its (now deleted) log."""

    kind: str
    card: Card
    log: ReviewLog | None = None

    @property
    def review_id(self):
        return self.log.review_id if self.log else None

    @property
    def rating(self):
        return self.log.rating if self.log else None


def _same_state(state: ReviewState | None, data: dict | None) -> bool:
    """Whether the row is still as an action left it (versions aside: undo bumps them)."""
    if state is None or data is None:
        return state is None and data is None
    current = _full_state(state)
    return all(_field(current, name) == _field(data, name) for name in current if name != "version")


def _field(data, name):
    value = data[name]
    return datetime.fromisoformat(value) if value and name in ("due", "last_review", "buried_until") else value


def study_undo(*, user) -> Undone:
    """Undo the user's latest study action (review, suspend, unsuspend or bury), restoring the card exactly.

    Raises NothingToUndo when there is none, and UndoBlocked when the card has changed since by
    something undo does not reverse (a review from a quiz): that action then leaves the undo stack, so
    the next undo goes on to the one before.
    """
    undone, blocked = _undo_latest(user=user)
    if blocked:
        raise UndoBlocked(blocked)
    return undone


@transaction.atomic
def _undo_latest(*, user) -> tuple[Undone | None, str]:
    # Latest applied first: actions on one card are recorded under its row lock, so ids follow the order
    # they were applied in (see _review_once).
    action = (StudyAction.objects.select_for_update(of=("self",)).filter(user=user).select_related("card", "review_log")
              .order_by("-pk").first())
    if action is None:
        raise NothingToUndo("there is nothing to undo")
    state = ReviewState.objects.select_for_update().filter(user=user, card_id=action.card_id).first()
    log = action.review_log
    if not _same_state(state, log.state_after if log else action.state_after):
        action.delete()
        answered = state is not None and state.reps != (log.state_after if log else action.state_after)["reps"]
        return None, (f"“{action.card.prompt}” was {'answered in a quiz' if answered else 'changed'} since, so "
                      f"your {action.kind} of it cannot be undone")
    if log is not None:
        _undo_review(state, log)
        log.delete()  # and its action with it
    else:
        if action.state_before is None:
            state.delete()  # the action made the row: the card is as if never touched
        else:
            _restore(state, action.state_before)  # only the flags differ (the state is as the action left it)
        action.delete()
    return Undone(kind=action.kind, card=action.card, log=log), ""


# The name callers and tests have used since undo reversed reviews only.
review_undo = study_undo


def _undo_review(state, log):
    before = log.state_before
    if before is None:
        if state.suspended or state.buried_until:  # keep a manual suspend/bury made before the first review
            _restore(state, _blank_state(state))
        else:
            state.delete()
    else:
        _restore(state, before)


def _blank_state(state):
    return {**scheduling.new_snapshot(state.due).to_json(), "reps": 0, "lapses": 0, "suspended": state.suspended,
            "leech": False, "version": state.version + 1,
            "buried_until": state.buried_until.isoformat() if state.buried_until else None}


def _restore(state, data):
    snapshot = scheduling.Snapshot.from_json(data)
    for name, value in snapshot.__dict__.items():
        setattr(state, name, value)
    state.reps, state.lapses, state.suspended, state.leech = data["reps"], data["lapses"], data["suspended"], \
        data["leech"]
    state.buried_until = datetime.fromisoformat(data["buried_until"]) if data["buried_until"] else None
    state.version = max(state.version, data["version"]) + 1  # never reuse a version a page may hold
    state.save()


def _flag_action(user, card, now, kind, change):
    """Apply `change` to the card's flags under its row lock and record it for undo."""
    state = ReviewState.objects.select_for_update().filter(user=user, card=card).first()
    before = None
    if state is None:
        state = ReviewState(user=user, card=card, due=now, state=scheduling.new_snapshot(now).state, step=0)
    else:
        before = _full_state(state)
    change(state)
    state.version += 1
    state.save()
    StudyAction.objects.create(user=user, card=card, kind=kind, at=now, state_before=before,
                               state_after=_full_state(state))
    return state


@transaction.atomic
def card_suspend(*, user, card, now, suspended=True) -> ReviewState:
    """Take a card out of study (or put it back); a leech un-suspended starts afresh as a non-leech.

    Its lapses stay: brought back, it is a leech again at the 12th lapse, the 16th, ... (as Anki).
    """
    def change(state):
        state.suspended = suspended
        if not suspended:
            state.leech = False

    kind = StudyAction.Kind.SUSPEND if suspended else StudyAction.Kind.UNSUSPEND
    return _flag_action(user, card, now, kind, change)


@transaction.atomic
def card_bury(*, user, card, now) -> ReviewState:
    """Hide a card until the user's next study day."""
    end = study_day(user, now)[1]

    def change(state):
        state.buried_until = end

    return _flag_action(user, card, now, StudyAction.Kind.BURY, change)


# --- reviews brought back from elsewhere (Anki) -------------------------------------------------------

# review_id of an imported review: derived from Anki's revlog id, so the same review always gets the same one.
ANKI_REVIEW_NAMESPACE = uuid.UUID("6f1b7a52-3c55-4d0e-9a3e-2b8f1d0c9e41")
IMPORT_CHUNK = 500  # cards per query (SQLite's bound-parameter limit)


def anki_review_id(revlog_id: int) -> uuid.UUID:
    return uuid.uuid5(ANKI_REVIEW_NAMESPACE, f"anki-revlog:{revlog_id}")


@dataclass(frozen=True)
class ImportedReview:
    """One answer given in Anki to one of our cards."""

    card_id: int
    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    anki_revlog_id: int


@dataclass(frozen=True)
class ReviewsImported:
    imported: int  # new reviews recorded
    already_imported: int  # reviews this user had already brought back (same revlog id)
    cards: int  # cards whose state was recomputed


def _chunks(values, size=IMPORT_CHUNK):
    values = list(values)
    return (values[i:i + size] for i in range(0, len(values), size))


@transaction.atomic
def anki_reviews_import(*, user, reviews) -> ReviewsImported:
    """Record reviews made in Anki once each (by revlog id), and recompute every card they touch.

    Each card's history (its reviews here and the new ones, in time order) is replayed through
    study/replay.py, as review_submit would have applied it; the derived states kept on its log rows
    are rewritten to match, the rows themselves (card, rating, time) never. Replayed answers are not
    load-balanced (what else was due on a past day is not known). A suspension or leech flag the card
    already has is kept; a leech lapse among the new reviews suspends it, as a review here would.
    """
    reviews = list(reviews)
    for review in reviews:
        _validate(review.rating, anki_review_id(review.anki_revlog_id), review.duration_ms)
    # One import at a time per user: the same file uploaded twice at once waits here, then finds its reviews
    # already recorded (the settings row, which every user has, is the lock).
    prefs = StudySettings.objects.select_for_update().get(pk=settings_for(user).pk)
    known = set(ReviewLog.objects.filter(user=user, anki_revlog_id__isnull=False)
                .values_list("anki_revlog_id", flat=True))
    fresh = {}
    for review in reviews:
        if review.anki_revlog_id not in known:
            fresh.setdefault(review.anki_revlog_id, review)
    by_card = {}
    for review in fresh.values():
        by_card.setdefault(review.card_id, []).append(review)
    days = study_days(user)
    recomputed = 0
    for card_ids in _chunks(sorted(by_card)):
        locked = {row.card_id: row for row in ReviewState.objects.select_for_update().filter(user=user,
                                                                                          card_id__in=card_ids)}
        logs = {}
        for log in ReviewLog.objects.filter(user=user, card_id__in=card_ids).order_by("reviewed_at", "pk"):
            logs.setdefault(log.card_id, []).append(log)
        states, created, changed = [], [], []
        for card_id in card_ids:
            state, new_logs, changed_logs = _reimport_card(
                user=user, card_id=card_id, row=locked.get(card_id), logs=logs.get(card_id, []), new=by_card[card_id],
                retention=prefs.desired_retention, parameters=prefs.fsrs_parameters, days=days)
            states.append(state)
            created += new_logs
            changed += changed_logs
        ReviewState.objects.bulk_create([state for state in states if state.pk is None], batch_size=IMPORT_CHUNK)
        ReviewState.objects.bulk_update([state for state in states if state.pk is not None], _STATE_COLUMNS,
                                        batch_size=IMPORT_CHUNK)
        ReviewLog.objects.bulk_create(created, batch_size=IMPORT_CHUNK)
        ReviewLog.objects.bulk_update(changed, ["state_before", "state_after"], batch_size=IMPORT_CHUNK)
        recomputed += len(states)
    return ReviewsImported(imported=len(fresh), already_imported=len(reviews) - len(fresh), cards=recomputed)


_STATE_COLUMNS = [*scheduling.STATE_FIELDS, "reps", "lapses", "leech", "suspended", "buried_until", "version"]


def _reimport_card(*, user, card_id, row, logs, new, retention, parameters, days):
    """Merge the new reviews into the card's history and replay it from the first new one; returns the card's
    state row (unsaved), the new log rows (unsaved) and the changed ones.

    The history before that is left as it was (its states are what review_submit gave, load balancing
    included); from there every answer, new or already here, is replayed, and the states its log rows
    keep are rewritten to match, the last one to the card's row.
    """
    entries = [(log.reviewed_at, 0, log.pk, log) for log in logs]
    entries += [(review.reviewed_at, 1, review.anki_revlog_id, review) for review in new]
    entries.sort(key=lambda entry: entry[:3])
    first_new = next(index for index, entry in enumerate(entries) if entry[1])
    start = replay.CardState.from_json(entries[first_new - 1][3].state_after) if first_new else replay.NEW
    entries = entries[first_new:]
    steps = replay.replay([replay.Answer(entry[3].rating, entry[3].reviewed_at) for entry in entries],
                          card_id=card_id, desired_retention=retention, days=days, start=start, parameters=parameters)
    final = replay.final_state(steps)
    leeched = any(step.leeched for step, entry in zip(steps, entries, strict=True) if entry[1])
    if row is None:
        row = ReviewState(user=user, card_id=card_id, due=final.snapshot.due)
    for name, value in final.snapshot.__dict__.items():
        setattr(row, name, value)
    row.reps, row.lapses = final.reps, final.lapses
    row.leech = row.leech or leeched
    row.suspended = row.suspended or leeched
    row.buried_until = None if entries[-1][1] else row.buried_until  # as a review here unburies the card
    row.version += 1

    def kept(state, old):  # a log's JSON state: the replayed fields, its own version and burial
        extra = {"version": old["version"], "buried_until": old["buried_until"]} if old else {
            "version": row.version, "buried_until": None}
        return state.to_json(due=state.snapshot.due if state.snapshot else row.due) | extra

    changed, created = [], []
    for index, (step, entry) in enumerate(zip(steps, entries, strict=True)):
        item = entry[3]
        old_before, old_after = (None, None) if entry[1] else (item.state_before, item.state_after)
        before = kept(step.before, old_before) if step.before.reps else None
        after = _full_state(row) if index == len(steps) - 1 else kept(step.after, old_after)
        if entry[1]:
            created.append(ReviewLog(
                user=user, card_id=card_id, review_id=anki_review_id(item.anki_revlog_id), rating=item.rating,
                reviewed_at=item.reviewed_at, duration_ms=item.duration_ms, state_before=before, state_after=after,
                source="anki", anki_revlog_id=item.anki_revlog_id))
        elif (item.state_before, item.state_after) != (before, after):
            item.state_before, item.state_after = before, after
            changed.append(item)
    return row, created, changed


# --- the user's own FSRS parameters (the optimizer) ----------------------------------------------------

class OptimizationPending(Exception):
    """A run of the optimizer is already queued or running for this user (the run is the argument)."""


def fsrs_limits(user) -> optimizer.Limits:
    """What the simulator takes of the user: the cards of their decks and their daily limits."""
    prefs = settings_for(user)
    deck_size = Card.objects.filter(deck__in=prefs.decks, retired=False).count()
    return optimizer.Limits(deck_size=deck_size, new_per_day=prefs.new_per_day, reviews_per_day=prefs.reviews_per_day)


def fsrs_optimize(*, user, now, run: FsrsOptimization | None = None) -> FsrsOptimization:
    """Fit FSRS to the user's review log and adopt the fit if it predicts held-out reviews better.

    Below optimizer.MIN_REVIEWS reviews nothing is fitted and the record says how many more are needed. The
    optimal retention and the year's simulation are computed for the parameters in use afterwards. The
    parameters and the record are saved together (the parameters through StudySettings.save(), so its
    post_save listeners run). Running it again on the same history changes nothing: a fit equal to the
    parameters in use is not "adopted" again.
    """
    prefs = settings_for(user)
    current = list(prefs.fsrs_parameters)
    if run is None:
        run = FsrsOptimization(user=user, requested_at=now)
    run.status, run.parameters_before, run.error = FsrsOptimization.Status.RUNNING, current, ""
    run.save()
    timings, started = {}, time.perf_counter()
    history = ReviewLog.objects.filter(user=user).order_by("reviewed_at", "pk").values_list("card_id", "reviewed_at",
                                                                                         "rating")
    reviews = [optimizer.Review(card_id, at, rating) for card_id, at, rating in history.iterator(chunk_size=5000)]
    items = optimizer.training_items(reviews, study_days(user))
    timings["read"] = time.perf_counter() - started
    run.reviews, run.items = len(reviews), len(items)
    run.needed = max(optimizer.MIN_REVIEWS - len(reviews), 0)
    adopted = None
    if not run.needed and optimizer.folds(len(items)):
        started = time.perf_counter()
        found = optimizer.optimize(items, current)
        timings["fit"] = time.perf_counter() - started
        run.parameters = list(found.parameters)
        run.log_loss_before, run.rmse_before = found.before.log_loss, found.before.rmse_bins
        run.log_loss_after, run.rmse_after = found.after.log_loss, found.after.rmse_bins
        if found.better and list(found.parameters) != current:
            adopted = list(found.parameters)
    elif len(items):
        # Nothing fitted, so nothing to hold out: the parameters in use (never fitted to these reviews below the
        # minimum) are scored on every review, before and after alike, as the --json contract has floats.
        scores = optimizer.evaluate(current, items)
        run.log_loss_before = run.log_loss_after = scores.log_loss
        run.rmse_before = run.rmse_after = scores.rmse_bins
    in_use = adopted if adopted is not None else current
    limits = fsrs_limits(user)
    started = time.perf_counter()
    run.optimal_retention = optimizer.optimal_retention(in_use, limits)
    timings["retention"] = time.perf_counter() - started
    started = time.perf_counter()
    run.simulation = [vars(point) for point in optimizer.simulate(in_use, limits)]
    timings["simulate"] = time.perf_counter() - started
    run.timings = {name: round(seconds, 3) for name, seconds in timings.items()}
    run.adopted = adopted is not None
    run.status, run.finished_at = FsrsOptimization.Status.DONE, now
    with transaction.atomic():
        if adopted is not None:
            prefs.fsrs_parameters = adopted
            prefs.save(update_fields=["fsrs_parameters"])
        run.save()
    return run


@task()
def fsrs_optimize_task(optimization_id: int) -> None:
    """The background half of fsrs_optimize_request (run by `manage.py db_worker`)."""
    run = FsrsOptimization.objects.select_related("user").get(pk=optimization_id)
    try:
        fsrs_optimize(user=run.user, now=timezone.now(), run=run)
    except Exception as error:
        FsrsOptimization.objects.filter(pk=run.pk).update(status=FsrsOptimization.Status.FAILED,
                                                          finished_at=timezone.now(), error=str(error)[:500])
        raise


@transaction.atomic
def fsrs_optimize_request(*, user, now) -> FsrsOptimization:
    """Queue a run of the optimizer for the user (the settings page's button, the API); one at a time.

    Below optimizer.MIN_REVIEWS the run fits nothing (it records how many more reviews are needed) but still
    suggests a desired retention and simulates the year for the parameters in use, so a new user gets the
    retention advisor too. Raises OptimizationPending with the run already queued or running. The task row
    is written in the same transaction, so the worker sees the run only once it is committed.
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per user
    pending = FsrsOptimization.objects.filter(user=user, status__in=[FsrsOptimization.Status.QUEUED,
                                                                     FsrsOptimization.Status.RUNNING]).first()
    if pending is not None:
        raise OptimizationPending(pending)
    run = FsrsOptimization.objects.create(user=user, requested_at=now)
    fsrs_optimize_task.enqueue(run.pk)
    run.refresh_from_db()  # an immediate backend (tests) has run it already
    return run


@dataclass(frozen=True)
class Rescheduled:
    cards: int  # cards whose due date and memory state were recomputed


@transaction.atomic
def cards_reschedule(*, user) -> Rescheduled:
    """Reschedule every card the user has reviewed to the parameters and retention in use, in one batch.

    Each card's review log is replayed (study/replay.py) with the user's parameters, as Anki's "reschedule
    cards on change" recomputes memory states; its state, stability, difficulty and due date become the
    replay's, while its counts and flags (reps, lapses, suspended, leech, burial) stay. Undo cannot reach
    back past this: the rows no longer match their last review.
    """
    prefs = settings_for(user)
    days = study_days(user)
    states = {row.card_id: row for row in ReviewState.objects.select_for_update().filter(user=user, reps__gt=0)}
    answers: dict[int, list[replay.Answer]] = {}
    logs = ReviewLog.objects.filter(user=user, card_id__in=list(states)).order_by("reviewed_at", "pk")
    for card_id, rating, at in logs.values_list("card_id", "rating", "reviewed_at").iterator(chunk_size=5000):
        answers.setdefault(card_id, []).append(replay.Answer(rating, at))
    changed = []
    for card_id, card_answers in answers.items():
        final = replay.final_state(replay.replay(card_answers, card_id=card_id, days=days,
                                                 desired_retention=prefs.desired_retention,
                                                 parameters=prefs.fsrs_parameters))
        row = states[card_id]
        if scheduling.Snapshot.of(row) != final.snapshot:
            for name, value in final.snapshot.__dict__.items():
                setattr(row, name, value)
            row.version += 1
            changed.append(row)
    ReviewState.objects.bulk_update(changed, [*scheduling.STATE_FIELDS, "version"], batch_size=500)
    return Rescheduled(cards=len(changed))
