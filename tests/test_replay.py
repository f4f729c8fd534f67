"""study/replay.py: a card's history replayed gives exactly what review_submit gave, answer by answer."""

import datetime as dt
import uuid

from studyapp.accounts.models import settings_for
from studyapp.study import replay, scheduling, services
from studyapp.study.models import ReviewLog, ReviewState
from tests.test_study import make_cards

LA = "America/Los_Angeles"
START = dt.datetime(2025, 1, 6, 17, 30, tzinfo=dt.UTC)  # 09:30 in Los Angeles
# (minutes after START, rating): learning steps, graduation, reviews on and off time, lapses, relearning
SEQUENCE = [(0, 1), (1, 3), (11, 3), (60 * 20, 3), (60 * 24 * 3, 2), (60 * 24 * 9, 1), (60 * 24 * 9 + 10, 3),
            (60 * 24 * 12, 4), (60 * 24 * 40, 3), (60 * 24 * 41, 1), (60 * 24 * 41 + 5, 1), (60 * 24 * 41 + 20, 3),
            (60 * 24 * 90, 3)]


def set_prefs(user, *, zone=LA, day_start=4, retention=0.85):
    prefs = settings_for(user)
    prefs.timezone, prefs.day_starts_at, prefs.desired_retention = zone, day_start, retention
    prefs.save()


def submit_all(user, card, sequence):
    for minutes, rating in sequence:
        services.review_submit(user=user, card=card, rating=rating, now=START + dt.timedelta(minutes=minutes),
                               review_id=uuid.uuid4())
    return list(ReviewLog.objects.filter(user=user, card=card).order_by("reviewed_at", "pk"))


def replay_logs(card, logs, *, retention=0.85, zone=LA):
    return replay.replay([replay.Answer(log.rating, log.reviewed_at) for log in logs], card_id=card.pk,
                         desired_retention=retention, days=scheduling.StudyDays(zone, 4))


def without_row_fields(state):
    return {name: value for name, value in state.items() if name not in ("version", "buried_until")}


def test_it_reproduces_every_state_review_submit_gave(alice):
    set_prefs(alice)
    (card,) = make_cards(1)
    logs = submit_all(alice, card, SEQUENCE)

    steps = replay_logs(card, logs)

    assert [step.after.to_json(due=step.at) for step in steps] == [without_row_fields(log.state_after)
                                                                   for log in logs]
    assert [step.before.to_json(due=step.at) if step.before.reps else None for step in steps] == [
        without_row_fields(log.state_before) if log.state_before else None for log in logs]


def test_its_final_state_is_the_cards_row(alice):
    set_prefs(alice)
    (card,) = make_cards(1)
    submit_all(alice, card, SEQUENCE)
    row = ReviewState.objects.get(user=alice, card=card)

    final = replay.final_state(replay_logs(card, ReviewLog.objects.filter(user=alice).order_by("reviewed_at")))

    assert final == replay.CardState(snapshot=scheduling.Snapshot.of(row), reps=row.reps, lapses=row.lapses,
                                     leech=row.leech, suspended=row.suspended)
    assert (final.reps, final.lapses, final.snapshot.state) == (13, 2, scheduling.fsrs.State.Review)


def test_it_makes_a_leech_at_the_eighth_lapse_as_review_submit_does(alice):
    set_prefs(alice)
    (card,) = make_cards(1)
    # learn it, then each day: graduate (Good), forget it the next day (Again)
    sequence = [(0, 3), (10, 3)]
    for day in range(1, 9):
        sequence += [(60 * 24 * (2 * day), 1), (60 * 24 * (2 * day) + 10, 3)]
    logs = submit_all(alice, card, sequence)
    row = ReviewState.objects.get(user=alice, card=card)

    steps = replay_logs(card, logs)

    assert [step.leeched for step in steps].count(True) == 1
    assert (steps[-1].after.lapses, steps[-1].after.leech, steps[-1].after.suspended) == (8, True, True)
    assert (row.lapses, row.leech, row.suspended) == (8, True, True)
    assert steps[-1].after.to_json(due=steps[-1].at) == without_row_fields(logs[-1].state_after)


def test_a_load_given_moves_a_review_within_its_fuzz_range_as_scheduling_does():
    days = scheduling.StudyDays("UTC", 4)
    answers = [replay.Answer(3, START), replay.Answer(3, START + dt.timedelta(minutes=10)),
               replay.Answer(3, START + dt.timedelta(days=3)), replay.Answer(3, START + dt.timedelta(days=12))]
    free = replay.replay(answers, card_id=7, desired_retention=0.9, days=days)
    last = free[-1]
    windows = scheduling.balance_windows(last.before.snapshot, card_id=7, now=last.at, desired_retention=0.9,
                                         days=days, ratings=range(1, 4))
    chosen = days.date_of(last.after.snapshot.due)
    crowded = scheduling.Load(due={chosen: 100})

    loaded = replay.replay(answers, card_id=7, desired_retention=0.9, days=days,
                           load=lambda now, _w: crowded if now == last.at else scheduling.NO_LOAD)

    expected = scheduling.review(last.before.snapshot, card_id=7, reps=3, rating=3, now=last.at,
                                 desired_retention=0.9, days=days, load=crowded)
    assert windows and windows[-1][0] < windows[-1][1]
    assert loaded[-1].after.snapshot == expected != last.after.snapshot
    assert [step.after for step in loaded[:-1]] == [step.after for step in free[:-1]]
