"""The FSRS optimizer (study/optimizer.py) learns: learners generated from known parameters are recovered.

Real fsrs-rs (fsrs_rs_python) throughout; its training is seeded, so the values are exact on a given build.
"""

import datetime as dt

import fsrs
import fsrs_rs_python
import pytest

from studyapp.study import optimizer, scheduling
from tests.learners import DEFAULT, FAST_FORGETTER, SLOW_FORGETTER, START, learner_reviews

DAYS = scheduling.StudyDays("UTC", 4)


def split_learner(truth, *, seed=3):
    """A learner's first 90 days as training items, and every item after them."""
    reviews = [optimizer.Review(r.card_id, r.at, r.rating)
               for r in learner_reviews(truth, days=180, new_per_day=10, seed=seed)]
    first = [r for r in reviews if r.at < START + dt.timedelta(days=90)]
    train = optimizer.training_items(first, DAYS)
    return train, optimizer.training_items(reviews, DAYS)[len(train):]


def good_intervals(parameters):
    """The intervals a new card gets when answered Good four times, each time on its due day."""
    snapshot, now, found = scheduling.new_snapshot(START), START, []
    for reps in range(4):
        outcome = scheduling.outcomes(snapshot, card_id=1, reps=reps, now=now, desired_retention=0.9, days=DAYS,
                                      parameters=parameters)[3]
        snapshot, now = outcome.snapshot, outcome.snapshot.due
        found.append(outcome.interval)
    return [interval.days if interval.days else f"{interval.seconds // 60}m" for interval in found]


@pytest.fixture(scope="module")
def fast():
    train, later = split_learner(FAST_FORGETTER)
    return train, later, optimizer.optimize(train, ())


def test_a_learner_who_forgets_twice_as_fast_is_fitted_and_predicted_better_later(fast):
    train, later, found = fast
    assert (len(train), len(later)) == (3852, 7250)
    assert found.better
    assert (round(found.before.log_loss, 4), round(found.after.log_loss, 4)) == (0.4458, 0.4354)
    # Scored on the months after the ones it was fitted on, it beats the defaults.
    assert round(optimizer.evaluate((), later).log_loss, 4) == 0.4510
    assert round(optimizer.evaluate(found.parameters, later).log_loss, 4) == 0.4383


def test_the_fast_forgetters_intervals_shorten(fast):
    assert good_intervals(()) == ["10m", 2, 11, 47]
    assert good_intervals(fast[2].parameters) == ["10m", 2, 6, 16]


def test_a_learner_who_remembers_twice_as_long_gets_longer_intervals():
    train, later = split_learner(SLOW_FORGETTER)
    found = optimizer.optimize(train, ())
    assert found.better
    assert optimizer.evaluate(found.parameters, later).log_loss < optimizer.evaluate((), later).log_loss
    assert good_intervals(found.parameters) == ["10m", 9, 37, 145]


def test_a_default_learners_fit_is_not_adopted():
    """The held-out gate: a fit of a learner the defaults already describe does not beat them, and would
    indeed have predicted the later months worse."""
    train, later = split_learner(DEFAULT)
    found = optimizer.optimize(train, ())
    assert not found.better
    assert (round(found.before.log_loss, 4), round(found.after.log_loss, 4)) == (0.3593, 0.3618)
    assert optimizer.evaluate(found.parameters, later).log_loss > optimizer.evaluate((), later).log_loss


def test_the_parameters_fitted_are_what_py_fsrs_schedules_with(fast):
    parameters = fast[2].parameters
    assert len(parameters) == len(fsrs_rs_python.DEFAULT_PARAMETERS) == 21
    assert fsrs.Scheduler(parameters=parameters).parameters == parameters
    assert all(round(value, 4) == value for value in parameters)


def test_float32_values_are_brought_inside_py_fsrs_bounds():
    # fsrs-rs works in float32: its 0.8 is 0.800000011920929, which py-fsrs refuses (upper bound of w19, w20).
    raw = list(fsrs_rs_python.DEFAULT_PARAMETERS)
    raw[19], raw[20] = 0.800000011920929, 0.800000011920929
    converted = optimizer.for_scheduler(raw)
    assert converted[:4] == (0.212, 1.2931, 2.3065, 8.2956)
    assert converted[19:] == (0.8, 0.8)
    fsrs.Scheduler(parameters=converted)  # accepted
    with pytest.raises(ValueError, match="expected 21"):
        optimizer.for_scheduler(raw[:19])


def test_fsrs_rs_defaults_are_py_fsrs_defaults():
    assert optimizer.for_scheduler(fsrs_rs_python.DEFAULT_PARAMETERS) == tuple(fsrs.Scheduler().parameters)


def test_training_items_count_study_days_and_skip_same_day_reviews():
    at = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    reviews = [
        optimizer.Review(7, at, 1),
        optimizer.Review(7, at + dt.timedelta(minutes=10), 3),  # same study day: in the history, not an item
        optimizer.Review(7, at + dt.timedelta(hours=16), 3),  # 02:00 next morning: before 4, still that study day
        optimizer.Review(7, at + dt.timedelta(days=2), 3),
        optimizer.Review(8, at + dt.timedelta(hours=1), 3),  # one review only: nothing to predict
        optimizer.Review(7, at + dt.timedelta(days=1, hours=1), 2),  # given out of order: sorted by time
    ]
    items = optimizer.training_items(reviews, scheduling.StudyDays("UTC", 4))
    assert items.card_ids == [7, 7]
    assert [repr(item.reviews) for item in items.items] == [
        "[FSRSReview { rating: 1, delta_t: 0 }, FSRSReview { rating: 3, delta_t: 0 }, "
        "FSRSReview { rating: 3, delta_t: 0 }, FSRSReview { rating: 2, delta_t: 1 }]",
        "[FSRSReview { rating: 1, delta_t: 0 }, FSRSReview { rating: 3, delta_t: 0 }, "
        "FSRSReview { rating: 3, delta_t: 0 }, FSRSReview { rating: 2, delta_t: 1 }, "
        "FSRSReview { rating: 3, delta_t: 1 }]",
    ]


def test_folds_cut_time_series_splits_as_fsrs_rs_does():
    assert optimizer.folds(13) == [(2, 4), (4, 6), (6, 8), (8, 10), (10, 13)]
    assert optimizer.folds(5) == []


def test_scores_before_and_after_are_taken_on_the_same_held_out_items(fast):
    train = fast[0]
    before, after = optimizer.held_out_scores(train, ())
    # The defaults scored fold by fold, pooled by size, are the defaults scored on each held-out fold.
    expected = sum(optimizer.evaluate((), train[start:end]).log_loss * (end - start)
                   for start, end in optimizer.folds(len(train))) / (len(train) - len(train) // 6)
    assert before.log_loss == pytest.approx(expected, rel=1e-12)
    assert (before.log_loss, after.log_loss) == (fast[2].before.log_loss, fast[2].after.log_loss)
    # fsrs-rs sums RMSE bins from a hash map, in float32: the same evaluation can differ in the 8th decimal.
    assert (before.rmse_bins, after.rmse_bins) == pytest.approx((fast[2].before.rmse_bins, fast[2].after.rmse_bins),
                                                                abs=1e-6)


def test_the_simulator_costs_more_reviews_for_a_higher_retention():
    limits = optimizer.Limits(deck_size=500, new_per_day=10, reviews_per_day=200)
    points = optimizer.simulate((), limits, retentions=(0.7, 0.8, 0.9, 0.97))
    assert [point.retention for point in points] == [0.7, 0.8, 0.9, 0.97]
    per_day = [point.reviews_per_day for point in points]
    assert per_day == sorted(per_day) and per_day[0] < per_day[-1]
    assert optimizer.simulate((), limits, retentions=(0.9,)) == [points[2]]  # seeded: the same every time


def test_the_optimal_retention_is_within_the_settings_range():
    suggested = optimizer.optimal_retention((), optimizer.Limits(deck_size=300, new_per_day=10, reviews_per_day=100))
    assert 0.70 <= suggested <= 0.97
    assert suggested == round(suggested, 2)
