"""Fitting FSRS to one user's reviews, scoring the fit, and what a retention would cost: pure, no database.

The engine is fsrs-rs (the Rust FSRS that Anki runs) through `fsrs_rs_python`; the parameters it fits are
FSRS-6's 21, the same vector py-fsrs's Scheduler(parameters=...) schedules with (`for_scheduler` turns its
32-bit floats into the 4-decimal values py-fsrs validates).

Training items are built as Anki builds them: a card's reviews in time order, elapsed time in the user's
study days; one item per review from a card's second on, holding the card's history up to it, kept only
when that review came on a later study day than the one before (same-day steps teach the long-term model
nothing, and fsrs-rs cannot score a prediction of certain recall).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import fsrs
import fsrs_rs_python as engine

from studyapp.study.scheduling import StudyDays

DEFAULT_PARAMETERS = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
LOWER = fsrs.scheduler.LOWER_BOUNDS_PARAMETERS
UPPER = fsrs.scheduler.UPPER_BOUNDS_PARAMETERS

# Below this many reviews a fit is not tried: on synthetic learners (tests/benchmarks/bench_optimizer.py
# --min-history, figures in notes/issue-20-optimizer.md) fits on fewer reviews scored worse than the
# defaults on the same learner's later reviews about as often as better.
MIN_REVIEWS = 1000
SPLITS = 5  # time-series folds, as fsrs-rs's evaluate_with_time_series_splits
RETENTIONS = tuple(round(0.70 + 0.03 * i, 2) for i in range(10))  # 0.70, 0.73, ... 0.97
SIMULATED_DAYS = 365


@dataclass(frozen=True)
class Review:
    """One answer from the review log."""

    card_id: int
    at: dt.datetime
    rating: int


@dataclass(frozen=True)
class Items:
    """Training items in time order (of the review each one predicts), with the card each belongs to."""

    items: list = field(default_factory=list)  # engine.FSRSItem
    card_ids: list[int] = field(default_factory=list)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, where: slice) -> "Items":
        return Items(self.items[where], self.card_ids[where])


@dataclass(frozen=True)
class Scores:
    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class Fit:
    """What one optimization found: the parameters fitted on every item, and both parameter sets scored on
    the same held-out folds (each fold scored by parameters fitted only on the items before it)."""

    parameters: tuple[float, ...]
    before: Scores
    after: Scores
    items: int

    @property
    def better(self) -> bool:
        """Adopt only a fit that predicts held-out reviews better (lower log loss) than the parameters in use."""
        return self.after.log_loss < self.before.log_loss


def training_items(reviews: Iterable[Review], days: StudyDays) -> Items:
    """The training items of a review log (any order; sorted here by time, then as given)."""
    by_card: dict[int, list[Review]] = {}
    for review in sorted(reviews, key=lambda r: r.at):
        by_card.setdefault(review.card_id, []).append(review)
    found = []
    for card_id, history in by_card.items():
        steps, previous = [], None
        for review in history:
            elapsed = 0 if previous is None else days.between(previous.at, review.at)
            steps.append(engine.FSRSReview(review.rating, elapsed))
            if previous is not None and elapsed > 0:
                found.append((review.at, card_id, engine.FSRSItem(list(steps))))
            previous = review
    found.sort(key=lambda row: row[0])
    return Items([item for _at, _card, item in found], [card for _at, card, _item in found])


def for_scheduler(parameters: Sequence[float]) -> tuple[float, ...]:
    """fsrs-rs's float32 parameters as py-fsrs takes them: 4 decimals (as Anki shows them), inside py-fsrs's
    bounds (a float32 0.8 is 0.800000011920929, which py-fsrs would refuse as above 0.8)."""
    if len(parameters) != len(DEFAULT_PARAMETERS):
        raise ValueError(f"expected {len(DEFAULT_PARAMETERS)} FSRS-6 parameters, got {len(parameters)}")
    return tuple(min(max(round(float(value), 4), low), high) for value, low, high in zip(parameters, LOWER, UPPER,
                                                                                         strict=True))


def fit(items: Items) -> tuple[float, ...]:
    """FSRS parameters fitted to the items by fsrs-rs (deterministic: it seeds its own training)."""
    model = engine.FSRS(list(DEFAULT_PARAMETERS))
    return for_scheduler(model.compute_parameters(items.items, card_ids=items.card_ids))


def evaluate(parameters: Sequence[float], items: Items) -> Scores:
    """How well `parameters` predict the items' recalls: log loss and RMSE over bins (fsrs-rs's `evaluate`)."""
    result = engine.FSRS(list(parameters or DEFAULT_PARAMETERS)).evaluate(items.items)
    return Scores(log_loss=float(result.log_loss), rmse_bins=float(result.rmse_bins))


def folds(size: int, splits: int = SPLITS) -> list[tuple[int, int]]:
    """Time-series folds as fsrs-rs cuts them: `splits + 1` equal segments; fold i trains on the segments
    before segment i + 1 and is scored on it (the last fold also takes the remainder). Returns (test start,
    test end) pairs; training is everything before the test start."""
    segment = size // (splits + 1)
    if segment == 0:
        return []
    return [((i + 1) * segment, size if i == splits - 1 else (i + 2) * segment) for i in range(splits)]


def held_out_scores(items: Items, current: Sequence[float]) -> tuple[Scores, Scores]:
    """The parameters in use and the optimizer scored on the same held-out folds: (before, after).

    Each fold is scored with fsrs-rs's `evaluate` for both, the optimizer's parameters being fitted on the
    items before the fold only; the folds' scores are pooled, weighted by their item counts (RMSE as the
    root of the weighted mean square).
    """
    pooled = {"before": [0.0, 0.0], "after": [0.0, 0.0]}
    total = 0
    for start, end in folds(len(items)):
        test = items[start:end]
        n = end - start
        for name, parameters in (("before", current), ("after", fit(items[:start]))):
            scores = evaluate(parameters, test)
            pooled[name][0] += scores.log_loss * n
            pooled[name][1] += scores.rmse_bins ** 2 * n
        total += n
    before, after = ((Scores(log_loss=sums[0] / total, rmse_bins=(sums[1] / total) ** 0.5))
                     for sums in (pooled["before"], pooled["after"]))
    return before, after


def optimize(items: Items, current: Sequence[float]) -> Fit:
    """Fit on every item, and score the fitting procedure against the current parameters on held-out folds."""
    before, after = held_out_scores(items, current)
    return Fit(parameters=fit(items), before=before, after=after, items=len(items))


# --- what a retention costs -------------------------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    """What the simulator needs of the user: how many cards there are to learn, and the daily limits."""

    deck_size: int
    new_per_day: int
    reviews_per_day: int


def _config(limits: Limits, days: int = SIMULATED_DAYS):
    config = engine.default_simulator_config()  # Anki's default costs and rating probabilities
    config.deck_size = max(limits.deck_size, 1)
    config.learn_span = days
    config.learn_limit = limits.new_per_day
    config.review_limit = limits.reviews_per_day
    config.new_cards_ignore_review_limit = False
    return config


def optimal_retention(parameters: Sequence[float], limits: Limits) -> float:
    """The desired retention that fsrs-rs finds gives the most knowledge per minute of study (Anki's CMRR),
    within the 0.70–0.97 the setting allows, to 2 decimals."""
    found = engine.optimal_retention(_config(limits), list(parameters or DEFAULT_PARAMETERS))
    return round(min(max(found, RETENTIONS[0]), RETENTIONS[-1]), 2)


@dataclass(frozen=True)
class Simulated:
    """A year at one desired retention: reviews per day (mean) and cards remembered at the end."""

    retention: float
    reviews_per_day: float
    remembered: int


def simulate(parameters: Sequence[float], limits: Limits, retentions: Sequence[float] = RETENTIONS,
             days: int = SIMULATED_DAYS, seed: int = 42) -> list[Simulated]:
    """fsrs-rs's simulator at each retention, starting from no cards studied, seeded so a page shows the same."""
    config, found = _config(limits, days), []
    for retention in retentions:
        result = engine.simulate(list(parameters or DEFAULT_PARAMETERS), retention, config, seed=seed)
        reviews = sum(result.review_cnt_per_day) + sum(result.learn_cnt_per_day)
        found.append(Simulated(retention=retention, reviews_per_day=round(reviews / days, 1),
                               remembered=round(result.memorized_cnt_per_day[-1])))
    return found
