"""The FSRS optimizer measured: time on 1k, 10k and 100k reviews, and how much history a fit needs.

    .venv/bin/python tests/benchmarks/bench_optimizer.py               # times (figures for the README)
    .venv/bin/python tests/benchmarks/bench_optimizer.py --min-history # evidence for optimizer.MIN_REVIEWS

Times: synthetic learners' reviews are written as ReviewLog rows of one user (SQLite test database), then
study.services.fsrs_optimize runs as the button's task runs it: reading the log, building items, the fit, the
held-out scores, the optimal retention and the retention simulation; each phase is timed.

Minimum history: learners with known parameters; the optimizer is given their first N reviews, and the
parameters it fits are scored against the defaults on everything the same learner answered afterwards.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

from tests.learners import DEFAULT, FAST_FORGETTER, SLOW_FORGETTER, learner_reviews, store_reviews  # noqa: E402

LEARNERS = {"fast forgetter": FAST_FORGETTER, "slow forgetter": SLOW_FORGETTER, "default learner": DEFAULT}


def min_history(sizes=(250, 500, 1000, 2000, 4000), seeds=(1, 2, 3, 4, 5)):
    from studyapp.study import optimizer
    from studyapp.study.scheduling import StudyDays

    days = StudyDays("UTC", 4)
    print(f"{'learner':16} {'reviews':>7} {'items':>6} {'adopted':>8} {'better later':>12} {'worse later':>11} "
          f"{'log loss later (defaults → adopted)':>36}")
    for name, truth in LEARNERS.items():
        for size in sizes:
            adopted = better = worse = 0
            deltas = []
            for seed in seeds:
                reviews = [optimizer.Review(r.card_id, r.at, r.rating)
                           for r in learner_reviews(truth, days=200, new_per_day=10, seed=seed)]
                everything = optimizer.training_items(reviews, days)
                train = optimizer.training_items(reviews[:size], days)
                later = everything[len(train):]
                found = optimizer.optimize(train, ())
                adopted += found.better
                before = optimizer.evaluate((), later).log_loss
                after = optimizer.evaluate(found.parameters if found.better else (), later).log_loss
                better += after < before
                worse += after > before
                deltas.append((before, after))
            mean_before = statistics.mean(d[0] for d in deltas)
            mean_after = statistics.mean(d[1] for d in deltas)
            n = len(seeds)
            print(f"{name:16} {size:7} {len(train):6} {adopted:>5}/{n} {better:>9}/{n} {worse:>9}/{n} "
                  f"{mean_before:15.4f} → {mean_after:.4f}")


def timings(sizes=(1_000, 10_000, 100_000)):
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        _timings(sizes)
    finally:
        teardown_databases(old, verbosity=0)


def _timings(sizes):
    import datetime as dt

    from django.contrib.auth import get_user_model

    from studyapp.study import services

    print(f"{'reviews':>8} {'items':>7} {'read':>6} {'fit+scores':>10} {'retention':>9} {'simulate':>8} "
          f"{'total':>6}  (seconds)")
    for size in sizes:
        user = get_user_model().objects.create(username=f"bench{size}")
        new_per_day = max(size // 5000, 5) * 4
        reviews = learner_reviews(FAST_FORGETTER, days=400, new_per_day=new_per_day, seed=7)[:size]
        store_reviews(user, reviews, prefix=f"bench{size}-")
        now = reviews[-1].at + dt.timedelta(days=1)
        started = time.perf_counter()
        run = services.fsrs_optimize(user=user, now=now)
        total = time.perf_counter() - started
        timing = run.timings
        print(f"{size:8} {run.items:7} {timing['read']:6.2f} {timing.get('fit', 0):10.2f} {timing['retention']:9.2f} "
              f"{timing['simulate']:8.2f} {total:6.2f}   deck {services.fsrs_limits(user).deck_size} cards, "
              f"adopted={run.adopted}, log loss {run.log_loss_before:.4f} → {run.log_loss_after:.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--min-history", action="store_true")
    args = parser.parse_args()
    if args.min_history:
        min_history()
    else:
        timings()
