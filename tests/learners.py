"""Synthetic learners: review histories generated from known FSRS parameters (no database).

A learner studies `new_per_day` new cards a day with the app's scheduler (py-fsrs with the default
parameters, as every user starts) and answers each review by the *true* memory model: a card is
recalled with the probability that the learner's own parameters give for it at that moment. So the
history carries the learner's parameters, and an optimizer that learns should recover them.

Everything is seeded: the same arguments give the same reviews.
"""

import datetime as dt
import heapq
import random
from dataclasses import dataclass

import fsrs

DEFAULT = tuple(fsrs.Scheduler().parameters)


def _scaled(factor_stability: float, growth_shift: float) -> tuple[float, ...]:
    w = list(DEFAULT)
    w[0:4] = [round(s * factor_stability, 4) for s in w[0:4]]  # first stabilities
    w[8] = round(w[8] + growth_shift, 4)  # how much stability grows on a success: e^{w8} scales it
    return tuple(w)


# Forgets twice as fast as the default learner: half the initial stability, half the growth.
FAST_FORGETTER = _scaled(0.5, -0.6931)
# Remembers twice as long.
SLOW_FORGETTER = _scaled(2.0, 0.6931)

START = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)  # 10:00 UTC, well inside a study day starting at 4


@dataclass(frozen=True)
class Review:
    card_id: int
    at: dt.datetime
    rating: int


def _recalled_rating(rng):
    roll = rng.random()
    return 2 if roll < 0.15 else 4 if roll > 0.85 else 3


def _first_rating(rng):
    roll = rng.random()
    return 1 if roll < 0.25 else 2 if roll < 0.35 else 3 if roll < 0.85 else 4


def learner_reviews(true_parameters, *, days: int, new_per_day: int = 20, seed: int = 1,
                    start: dt.datetime = START, first_card: int = 1) -> list[Review]:
    """The reviews of a learner with `true_parameters` over `days` days, in time order.

    Scheduled by py-fsrs with the default parameters (no fuzz); learning steps within the day.
    """
    rng = random.Random(seed)
    app = fsrs.Scheduler(enable_fuzzing=False)
    truth = fsrs.Scheduler(parameters=true_parameters, enable_fuzzing=False)
    cards: dict[int, tuple[fsrs.Card, fsrs.Card]] = {}  # id -> (as the app schedules it, true memory)
    queue: list[tuple[dt.datetime, int]] = []  # (due, card id)
    reviews = []
    next_id = first_card
    for day in range(days):
        morning = start + dt.timedelta(days=day)
        for _ in range(new_per_day):
            cards[next_id] = (fsrs.Card(card_id=next_id, due=morning), fsrs.Card(card_id=next_id, due=morning))
            heapq.heappush(queue, (morning, next_id))
            next_id += 1
        clock = morning
        end = morning + dt.timedelta(hours=12)
        while queue and queue[0][0] < end:
            when, card_id = heapq.heappop(queue)
            clock = max(clock, when) + dt.timedelta(seconds=10)
            scheduled, memory = cards[card_id]
            if scheduled.last_review is not None:
                # Counted in study days, as the app counts them (all reviews fall between 10:00 and 22:00 UTC).
                elapsed = (clock.date() - scheduled.last_review.date()).days
                scheduled.last_review = memory.last_review = clock - dt.timedelta(days=elapsed)
                recall = truth.get_card_retrievability(memory, current_datetime=clock)
                rating = _recalled_rating(rng) if rng.random() < recall else 1
            else:
                rating = _first_rating(rng)
            scheduled, _ = app.review_card(scheduled, fsrs.Rating(rating), review_datetime=clock)
            memory, _ = truth.review_card(memory, fsrs.Rating(rating), review_datetime=clock)
            cards[card_id] = (scheduled, memory)
            heapq.heappush(queue, (scheduled.due, card_id))
            reviews.append(Review(card_id, clock, rating))
    return reviews


def store_reviews(user, reviews: list[Review], *, prefix: str = "learner") -> dict[int, int]:
    """Write a learner's reviews as the user's ReviewLog rows, on cards made for them (deck "people");
    returns {learner's card id: Card pk}. The optimizer reads only the log, so no ReviewState is made."""
    import uuid

    from studyapp.cards.models import Card
    from studyapp.facts.models import serge_collection_id
    from studyapp.study.models import ReviewLog
    from tests.builders import card

    ids = sorted({review.card_id for review in reviews})
    collection_id = serge_collection_id()
    cards = Card.objects.bulk_create(card(f"person:{prefix}{i}:person_who", now=START, collection_id=collection_id)
                                     for i in ids)
    pk = {i: made.pk for i, made in zip(ids, cards, strict=True)}
    ReviewLog.objects.bulk_create(
        (ReviewLog(user=user, card_id=pk[r.card_id], review_id=uuid.UUID(int=n + 1), rating=r.rating,
                   reviewed_at=r.at, state_after={}) for n, r in enumerate(reviews)), batch_size=2000)
    return pk
