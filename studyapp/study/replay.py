"""Replaying a card's review history: pure, no database, no clock.

`replay` applies a card's answers in order exactly as review_submit applies one answer to a ReviewState
(study days, seeded fuzz, the load balancer, lapses and the leech rule), so a card's state can be
recomputed from its merged history (reviews brought back from Anki) or rescheduled under new parameters.
The load each answer is balanced against is the caller's to give: review_submit reads it from the
database at the time; a replay of the past cannot know it, so by default there is none.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from studyapp.study import scheduling
from studyapp.study.models import is_leech_lapse

# (moment of the review, the balance windows of scheduling.balance_windows) -> what is already due then
LoadFor = Callable[[dt.datetime, list[tuple[dt.date, dt.date]]], scheduling.Load]


def no_load(_now, _windows) -> scheduling.Load:
    return scheduling.NO_LOAD


@dataclass(frozen=True)
class CardState:
    """What a review changes in a ReviewState: the FSRS snapshot (None: never reviewed), counts and leech flags."""

    snapshot: scheduling.Snapshot | None = None
    reps: int = 0
    lapses: int = 0
    leech: bool = False
    suspended: bool = False

    def to_json(self, *, due: dt.datetime) -> dict:
        """The fields ReviewLog.state_before / state_after keep (less version and buried_until, which are the
        caller's); `due` stands in for a card never reviewed."""
        snapshot = self.snapshot or scheduling.new_snapshot(due)
        return {**snapshot.to_json(), "reps": self.reps, "lapses": self.lapses, "suspended": self.suspended,
                "leech": self.leech}

    @classmethod
    def from_json(cls, data: dict) -> "CardState":
        """The state a ReviewLog keeps (state_before / state_after), as review_submit wrote it."""
        return cls(snapshot=scheduling.Snapshot.from_json(data), reps=data["reps"], lapses=data["lapses"],
                   leech=data["leech"], suspended=data["suspended"])


NEW = CardState()


@dataclass(frozen=True)
class Answer:
    rating: int  # 1..4
    at: dt.datetime


@dataclass(frozen=True)
class Step:
    """One answer applied: when it took effect (never before the card's last review), the state before
    and after."""

    answer: Answer
    at: dt.datetime
    before: CardState
    after: CardState

    @property
    def leeched(self) -> bool:
        """This answer's lapse made the card a leech (the 8th, 12th, ... lapse)."""
        return self.after.lapses > self.before.lapses and is_leech_lapse(self.after.lapses)


def apply(state: CardState, answer: Answer, *, card_id: int, desired_retention: float,
          days: scheduling.StudyDays, load: LoadFor = no_load, parameters: Sequence[float] = ()) -> Step:
    """One answer, as review_submit applies it to the card's row."""
    now = answer.at.astimezone(dt.UTC)
    if state.snapshot is not None and state.snapshot.last_review is not None and state.snapshot.last_review > now:
        now = state.snapshot.last_review  # as review_submit: a card's reviews never go back in time
    before = state.snapshot if state.reps else scheduling.new_snapshot(now)
    ratings = range(1, answer.rating + 1)
    windows = [] if load is no_load else scheduling.balance_windows(  # the windows only serve to find the load
        before, card_id=card_id, now=now, desired_retention=desired_retention, days=days, ratings=ratings,
        parameters=parameters)
    after = scheduling.review(before, card_id=card_id, reps=state.reps, rating=answer.rating, now=now,
                              desired_retention=desired_retention, days=days, load=load(now, windows),
                              parameters=parameters)
    new = replace(state, snapshot=after, reps=state.reps + 1)
    if scheduling.is_lapse(before, after):
        new = replace(new, lapses=new.lapses + 1)
        if is_leech_lapse(new.lapses):
            new = replace(new, leech=True, suspended=True)
    return Step(answer=answer, at=now, before=state, after=new)


def replay(answers: Iterable[Answer], *, card_id: int, desired_retention: float, days: scheduling.StudyDays,
           start: CardState = NEW, load: LoadFor = no_load, parameters: Sequence[float] = ()) -> list[Step]:
    """Every answer applied in the order given (the caller sorts by time), from `start` (default: a card
    never reviewed); the last step's `after` is the card's state."""
    steps, state = [], start
    for answer in answers:
        step = apply(state, answer, card_id=card_id, desired_retention=desired_retention, days=days, load=load,
                     parameters=parameters)
        steps.append(step)
        state = step.after
    return steps


def final_state(steps: Sequence[Step], start: CardState = NEW) -> CardState:
    return steps[-1].after if steps else start
