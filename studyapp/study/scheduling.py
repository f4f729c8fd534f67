"""The FSRS adapter: pure functions between our ReviewState fields and the `fsrs` package.

Nothing here touches the database or reads the clock; every function takes `now` (and the user's day
boundary, StudyDays) explicitly, so the scheduling maths is testable against fsrs itself with exact values.

Time is counted as Anki counts it. FSRS's memory model is fed the number of *study days* between two
reviews (a study day starts at the user's day-start hour in their time zone), not 24-hour periods, and a
review interval is a number of study days: the card is due from the start of that study day. On top of
FSRS's interval come Anki's fuzz (seeded from the card and its review count, so the interval a button
shows is the one it applies) and a load balancer that picks, within the fuzz range, the day with the
fewest cards already due.
"""

import datetime as dt
import functools
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import fsrs
from fsrs.scheduler import FUZZ_RANGES

# fsrs's own (random) fuzzing stays off: fuzz is applied here, deterministically, in study days.
STATE_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review")
RATINGS = (1, 2, 3, 4)
MAXIMUM_INTERVAL = 36500  # days, fsrs's and Anki's default


def scheduler_for(desired_retention: float, parameters: Sequence[float] = ()) -> fsrs.Scheduler:
    """The fsrs scheduler for a retention and a user's parameters (empty: FSRS's defaults), built once per pair.

    fsrs.Scheduler validates its 21 parameters on construction; caching keeps that off the request path.
    review_card and get_card_retrievability never change the scheduler, so sharing one is safe.
    """
    return _scheduler(float(desired_retention), tuple(float(value) for value in parameters))


@functools.lru_cache(maxsize=256)
def _scheduler(desired_retention: float, parameters: tuple[float, ...]) -> fsrs.Scheduler:
    return fsrs.Scheduler(parameters=parameters or fsrs.scheduler.DEFAULT_PARAMETERS,
                          desired_retention=desired_retention, maximum_interval=MAXIMUM_INTERVAL,
                          enable_fuzzing=False)


# --- the study day ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StudyDays:
    """The user's day boundary: each study day starts at `day_starts_at` o'clock in `timezone`."""

    timezone: str
    day_starts_at: int

    def date_of(self, moment: dt.datetime) -> dt.date:
        """The study day a moment belongs to: before the day-start hour it counts for the previous day."""
        local = moment.astimezone(ZoneInfo(self.timezone))
        return local.date() - dt.timedelta(days=1) if local.hour < self.day_starts_at else local.date()

    def start_of(self, day: dt.date) -> dt.datetime:
        """When study day `day` starts, in UTC."""
        start = dt.datetime.combine(day, dt.time(self.day_starts_at), tzinfo=ZoneInfo(self.timezone))
        return start.astimezone(dt.UTC)

    def bounds(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """Start and end (UTC) of the study day `now` is in."""
        day = self.date_of(now)
        return self.start_of(day), self.start_of(day + dt.timedelta(days=1))

    def between(self, earlier: dt.datetime, later: dt.datetime) -> int:
        """Whole study days from one moment to another (0 within one study day), as Anki counts elapsed days."""
        return max(0, (self.date_of(later) - self.date_of(earlier)).days)


def day_bounds(now: dt.datetime, *, timezone: str, day_starts_at: int) -> tuple[dt.datetime, dt.datetime]:
    """Start and end (UTC) of the user's current study day, which begins at day_starts_at local time."""
    return StudyDays(timezone, day_starts_at).bounds(now)


# --- states -----------------------------------------------------------------------------------------

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


def _in_study_days(snapshot: Snapshot, card_id: int, now: dt.datetime, days: StudyDays) -> fsrs.Card:
    """The card as fsrs should see it at `now`: last reviewed a whole number of study days ago.

    fsrs counts elapsed time as whole 24-hour periods between last_review and now; giving it a last review
    exactly `between()` days before now makes that count the study days, as Anki does. Within one study
    day it sees 0 days (a same-day review), whatever the clock says.
    """
    card = to_fsrs(snapshot, card_id)
    if snapshot.last_review is not None:
        card.last_review = now - dt.timedelta(days=days.between(snapshot.last_review, now))
    return card


# --- fuzz and load balancing ------------------------------------------------------------------------

def fuzz_factor(card_id: int, reps: int) -> float:
    """A number in [0, 1) fixed by the card and how many times it was reviewed (Anki seeds with the same two)."""
    digest = hashlib.sha256(f"{card_id}:{reps}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _round(value: float) -> int:
    return math.floor(value + 0.5)  # half away from zero, as Anki (Rust) rounds; intervals are positive


def fuzz_range(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """Anki's fuzz range (first and last day) for an interval of `interval` days, kept within [minimum, maximum].

    No fuzz below 2.5 days; then ±(1 day + 15% of the part between 2.5 and 7 days + 10% of the part
    between 7 and 20 + 5% of the part beyond 20).
    """
    minimum = min(minimum, maximum)
    interval = min(max(interval, minimum), maximum)
    delta = 0.0 if interval < 2.5 else 1.0 + sum(
        r["factor"] * max(min(interval, r["end"]) - r["start"], 0.0) for r in FUZZ_RANGES)
    lower = min(max(_round(interval - delta), minimum), maximum)
    upper = min(max(_round(interval + delta), minimum), maximum)
    if upper == lower and 2 < upper < maximum:
        upper = lower + 1
    return lower, upper


@dataclass(frozen=True)
class Load:
    """What is already due on the days a card could be sent to (study day → review cards due, and the
    days on which one of the card's siblings is due)."""

    due: Mapping[dt.date, int] = field(default_factory=dict)
    sibling_days: frozenset = frozenset()


NO_LOAD = Load()


def balanced_day(lower: int, upper: int, *, fuzzed: int, today: dt.date, load: Load) -> int:
    """The interval in [lower, upper] to use: the load balancer's choice.

    Ranked by, in order: no sibling of the card due that day; the fewest review cards due that day;
    closest to the card's own fuzzed interval; the shorter interval. Deterministic: the same load and
    card give the same day, so the button shows what it will do.
    """
    if not load.due and not load.sibling_days:
        # Nothing to balance: the nearest day to the fuzzed one, without ranking every day of a range that
        # spans weeks for a long interval (what a replay of years of history would otherwise do per answer).
        return min(max(fuzzed, lower), upper)

    def rank(days):
        day = today + dt.timedelta(days=days)
        return day in load.sibling_days, load.due.get(day, 0), abs(days - fuzzed), days

    return min(range(lower, upper + 1), key=rank)


# --- one review ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What one rating does: the new state, the interval a button shows, and for a day interval the
    whole-day interval FSRS asked for and the fuzz range the day was chosen from."""

    snapshot: Snapshot
    interval: dt.timedelta
    fsrs_days: int | None = None
    fuzz: tuple[int, int] | None = None


def _raw_interval(scheduler: fsrs.Scheduler, stability: float) -> float:
    """FSRS's interval in days before rounding (fsrs rounds it; Anki fuzzes the unrounded value)."""
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    raw = stability / factor * (scheduler.desired_retention ** (1 / decay) - 1)
    return min(max(raw, 1.0), float(MAXIMUM_INTERVAL))


def _fsrs_outcomes(snapshot, *, card_id, now, desired_retention, days, ratings, parameters=()):
    """Rating → (fsrs card after the rating, its raw interval in days, or None for a (re)learning step)."""
    scheduler = scheduler_for(desired_retention, parameters)
    card = _in_study_days(snapshot, card_id, now, days)
    found = {}
    for rating in sorted(ratings):
        after, _log = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=now)
        found[rating] = after, (_raw_interval(scheduler, after.stability) if after.state == fsrs.State.Review
                                else None)
    return found


def _last_interval(snapshot: Snapshot, days: StudyDays) -> int | None:
    """The interval (study days) a card in review was last given, from its last review to its due day."""
    if snapshot.state != fsrs.State.Review or snapshot.last_review is None:
        return None
    return days.between(snapshot.last_review, snapshot.due)


def _minimum(raw: float, previous: int | None, last: int | None) -> int:
    # As Anki: Hard < Good < Easy by at least a day each, and a growing interval never fuzzed below
    # the last one.
    minimum = 1 if previous is None else previous + 1
    if last is not None and _round(raw) > last:
        minimum = max(minimum, last + 1)
    return minimum


def outcomes(snapshot: Snapshot, *, card_id: int, reps: int, now: dt.datetime, desired_retention: float,
             days: StudyDays, load: Load = NO_LOAD, ratings: Iterable[int] = RATINGS,
             parameters: Sequence[float] = ()) -> dict[int, Outcome]:
    """What each rating would do to the card at `now` (reps: its reviews so far, which seeds the fuzz;
    parameters: the user's FSRS parameters, empty for the defaults)."""
    now = now.astimezone(dt.UTC)
    today = days.date_of(now)
    factor = fuzz_factor(card_id, reps)
    last = _last_interval(snapshot, days)
    found, previous = {}, None
    intervals = _fsrs_outcomes(snapshot, card_id=card_id, now=now, desired_retention=desired_retention,
                               days=days, ratings=ratings, parameters=parameters)
    for rating, (after, raw) in intervals.items():
        if raw is None:  # a learning or relearning step: minutes, as fsrs gives them
            found[rating] = Outcome(from_fsrs(after), after.due - now)
            continue
        lower, upper = fuzz_range(raw, _minimum(raw, previous, last), MAXIMUM_INTERVAL)
        fuzzed = math.floor(lower + factor * (1 + upper - lower))  # Anki's fuzz: uniform over the range
        chosen = balanced_day(lower, upper, fuzzed=fuzzed, today=today, load=load)
        previous = chosen
        due = days.start_of(today + dt.timedelta(days=chosen))
        found[rating] = Outcome(replace(from_fsrs(after), due=due), dt.timedelta(days=chosen),
                                fsrs_days=(after.due - now).days, fuzz=(lower, upper))
    return found


def balance_windows(snapshot: Snapshot, *, card_id: int, now: dt.datetime, desired_retention: float,
                    days: StudyDays, ratings: Iterable[int] = RATINGS,
                    parameters: Sequence[float] = ()) -> list[tuple[dt.date, dt.date]]:
    """The study days (first, last) whose load `outcomes` may look at, so the caller reads only those.

    Empty when every day interval has a single possible day (nothing to balance). A rating's range can
    only move up with the one below it, so each window runs from its range with the lowest minimum to
    its range with the highest.
    """
    now = now.astimezone(dt.UTC)
    today = days.date_of(now)
    last = _last_interval(snapshot, days)
    windows, previous_high, spread = [], None, False
    intervals = _fsrs_outcomes(snapshot, card_id=card_id, now=now, desired_retention=desired_retention,
                               days=days, ratings=ratings, parameters=parameters)
    for _after, raw in intervals.values():
        if raw is None:
            continue
        low = fuzz_range(raw, _minimum(raw, None, last), MAXIMUM_INTERVAL)
        high = fuzz_range(raw, _minimum(raw, previous_high, last), MAXIMUM_INTERVAL)
        first, final = min(low[0], high[0]), max(low[1], high[1])
        spread = spread or final > first
        windows.append((today + dt.timedelta(days=first), today + dt.timedelta(days=final)))
        previous_high = final
    return windows if spread else []


def review(snapshot: Snapshot, *, card_id: int, reps: int, rating: int, now: dt.datetime,
           desired_retention: float, days: StudyDays, load: Load = NO_LOAD,
           parameters: Sequence[float] = ()) -> Snapshot:
    """The state after one review: FSRS on study days, then fuzz and the load balancer for a day interval."""
    return outcomes(snapshot, card_id=card_id, reps=reps, now=now, desired_retention=desired_retention,
                    days=days, load=load, ratings=range(1, rating + 1), parameters=parameters)[rating].snapshot


def is_lapse(before: Snapshot, after: Snapshot) -> bool:
    """Forgetting a card in review: it drops back to relearning."""
    return before.state == fsrs.State.Review and after.state == fsrs.State.Relearning


def preview_intervals(snapshot, *, card_id, reps, now, desired_retention, days,
                      load=NO_LOAD, parameters=()) -> dict[int, dt.timedelta]:
    """What each button would do, as Anki shows it: rating → the interval (whole study days for a review)."""
    return {rating: outcome.interval for rating, outcome in outcomes(
        snapshot, card_id=card_id, reps=reps, now=now, desired_retention=desired_retention, days=days,
        load=load, parameters=parameters).items()}


def retrievability(snapshot: Snapshot, *, now: dt.datetime, desired_retention: float = 0.9,
                   days: StudyDays | None = None, parameters: Sequence[float] = ()) -> float:
    """Probability the user recalls the card now (0 for a card never reviewed).

    With the user's StudyDays, elapsed time is counted in study days, as for scheduling; without, in
    24-hour periods (fsrs's own count).
    """
    card = to_fsrs(snapshot, 1)
    if days is not None and snapshot.last_review is not None:
        card = _in_study_days(snapshot, 1, now, days)
    return scheduler_for(desired_retention, parameters).get_card_retrievability(card, current_datetime=now)


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
