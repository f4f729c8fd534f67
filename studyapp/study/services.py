"""Writes to a user's study state. review_submit is the only way a review is recorded (HTML, API, quiz)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from studyapp.accounts.models import settings_for
from studyapp.cards.models import Card
from studyapp.study import scheduling
from studyapp.study.models import Rating, ReviewLog, ReviewState, StudyAction, is_leech_lapse
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
    state = ReviewState.objects.select_for_update().filter(user=user, card=card).first()
    # Checked under the lock: a concurrent twin of this request has committed by now.
    previous = ReviewLog.objects.filter(user=user, review_id=review_id).first()
    if previous is not None:
        return _replay(previous, card=card, rating=rating, duration_ms=duration_ms)
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
    windows = scheduling.balance_windows(before, card_id=card.pk, now=now, desired_retention=retention, days=days,
                                         ratings=ratings)
    after = scheduling.review(before, card_id=card.pk, reps=state.reps, rating=rating, now=now,
                              desired_retention=retention, days=days, load=due_load(user, card, windows, days))
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
    state.save()
    log = ReviewLog.objects.create(
        user=user, card=card, review_id=review_id, rating=rating, reviewed_at=now, duration_ms=duration_ms,
        # null state_before marks a card's first review: a new card introduced that day
        state_before=before_full, state_after=_full_state(state), source=source,
    )
    if source == "study":  # a quiz's reviews are the quiz's to keep: undo on the study page leaves them
        StudyAction.objects.create(user=user, card=card, kind=StudyAction.Kind.REVIEW, at=now, review_log=log)
    return ReviewResult(created=True, log=log)


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
