"""The FSRS adapter: pure functions between our ReviewState fields and the `fsrs` package.

Nothing here touches the database or reads the clock; every function takes `now` explicitly, so the
scheduling maths is testable against fsrs itself with exact values.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import fsrs

# Fuzzing spreads intervals randomly; we keep it off so a review gives the same due date on every
# server and in tests, and so the interval shown on a button is exactly what that button will do.
ENABLE_FUZZING = False
STATE_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review")


def scheduler_for(desired_retention: float) -> fsrs.Scheduler:
    return fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=ENABLE_FUZZING)


@dataclass(frozen=True)
class Snapshot:
    """The FSRS part of a ReviewState, as plain values (also what ReviewLog stores as JSON)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: dt.datetime
    last_review: dt.datetime | None

    def to_json(self):
        return {
            "state": self.state, "step": self.step, "stability": self.stability, "difficulty": self.difficulty,
            "due": self.due.isoformat(), "last_review": self.last_review.isoformat() if self.last_review else None,
        }

    @classmethod
    def from_json(cls, data):
        last = data.get("last_review")
        return cls(state=data["state"], step=data["step"], stability=data["stability"],
                   difficulty=data["difficulty"], due=dt.datetime.fromisoformat(data["due"]),
                   last_review=dt.datetime.fromisoformat(last) if last else None)

    @classmethod
    def of(cls, review_state):
        return cls(**{name: getattr(review_state, name) for name in STATE_FIELDS})


def new_snapshot(now: dt.datetime) -> Snapshot:
    """A card the user has never reviewed: FSRS's own starting point, due now."""
    return Snapshot(state=int(fsrs.State.Learning), step=0, stability=None, difficulty=None, due=now,
                    last_review=None)


def to_fsrs(snapshot: Snapshot, card_id: int) -> fsrs.Card:
    # card_id given explicitly: without it fsrs derives one from the clock and sleeps 1 ms.
    return fsrs.Card(card_id=card_id, state=fsrs.State(snapshot.state), step=snapshot.step,
                     stability=snapshot.stability, difficulty=snapshot.difficulty, due=snapshot.due,
                     last_review=snapshot.last_review)


def from_fsrs(card: fsrs.Card) -> Snapshot:
    return Snapshot(state=int(card.state), step=card.step, stability=card.stability, difficulty=card.difficulty,
                    due=card.due, last_review=card.last_review)


def review(snapshot: Snapshot, *, card_id: int, rating: int, now: dt.datetime, desired_retention: float) -> Snapshot:
    """The state after one review, exactly as fsrs computes it."""
    card, _log = scheduler_for(desired_retention).review_card(
        to_fsrs(snapshot, card_id), fsrs.Rating(rating), review_datetime=now.astimezone(dt.UTC)
    )
    return from_fsrs(card)


def is_lapse(before: Snapshot, after: Snapshot) -> bool:
    """Forgetting a card in review: it drops back to relearning."""
    return before.state == fsrs.State.Review and after.state == fsrs.State.Relearning


def preview_intervals(snapshot, *, card_id, now, desired_retention) -> dict[int, dt.timedelta]:
    """What each button would do, as Anki shows it: rating → time until the card is next due."""
    return {rating: review(snapshot, card_id=card_id, rating=rating, now=now,
                           desired_retention=desired_retention).due - now
            for rating in (1, 2, 3, 4)}


def retrievability(snapshot: Snapshot, *, now: dt.datetime, desired_retention: float = 0.9) -> float:
    """Probability the user recalls the card now (0 for a card never reviewed)."""
    return scheduler_for(desired_retention).get_card_retrievability(to_fsrs(snapshot, 1), current_datetime=now)


def format_interval(delta: dt.timedelta) -> str:
    """Short human interval for the buttons: '<1m', '10m', '3h', '4d', '2mo', '1.5y'."""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{round(days / 30.4)}mo"
    return f"{days / 365:.1f}y".replace(".0y", "y")


# --- the study day ----------------------------------------------------------------------------------

def day_bounds(now: dt.datetime, *, timezone: str, day_starts_at: int) -> tuple[dt.datetime, dt.datetime]:
    """Start and end (UTC) of the user's current study day, which begins at day_starts_at local time."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    start_date = local.date() if local.hour >= day_starts_at else local.date() - dt.timedelta(days=1)
    start = dt.datetime.combine(start_date, dt.time(day_starts_at), tzinfo=zone)
    end = dt.datetime.combine(start_date + dt.timedelta(days=1), dt.time(day_starts_at), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)
