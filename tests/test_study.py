"""Study: FSRS outcomes, the queue (order, limits, day boundaries), undo, siblings, leeches, idempotency."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import fsrs
import pytest
from django.core.exceptions import ValidationError

from studyapp.accounts.models import settings_for
from studyapp.cards.models import Card
from studyapp.study import scheduling, services
from studyapp.study.models import ReviewLog, ReviewState
from studyapp.study.selectors import study_queue
from tests.builders import make_cards

UTC = dt.UTC
NOON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def review(user, card, rating, now, **kwargs):
    return services.review_submit(user=user, card=card, rating=rating, now=now, review_id=uuid.uuid4(), **kwargs)


def expected_fsrs(card_id, ratings_and_times, retention=0.9):
    scheduler = fsrs.Scheduler(desired_retention=retention, enable_fuzzing=False)
    card = fsrs.Card(card_id=card_id, due=ratings_and_times[0][1])
    for rating, at in ratings_and_times:
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=at)
    return card


def study_date(moment, *, zone="UTC", day_start=4):
    """The study day of a moment, written out independently of the app's StudyDays."""
    local = moment.astimezone(ZoneInfo(zone))
    return (local - dt.timedelta(hours=day_start)).date() if local.hour < day_start else local.date()


def expected_fsrs_in_study_days(card_id, ratings_and_times, retention=0.9, *, zone="UTC", day_start=4):
    """fsrs itself, told that the time since the last review is the number of study days between them."""
    scheduler = fsrs.Scheduler(desired_retention=retention, enable_fuzzing=False)
    card = fsrs.Card(card_id=card_id, due=ratings_and_times[0][1])
    for rating, at in ratings_and_times:
        if card.last_review is not None:
            elapsed = (study_date(at, zone=zone, day_start=day_start)
                       - study_date(card.last_review, zone=zone, day_start=day_start)).days
            card.last_review = at - dt.timedelta(days=elapsed)
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=at)
    return card


# --- scheduling equals fsrs -----------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("rating", [1, 2, 3, 4])
def test_each_rating_gives_what_fsrs_computes(alice, rating):
    card = make_cards(1)[0]
    result = review(alice, card, rating, NOON)
    expected = expected_fsrs(card.pk, [(rating, NOON)])
    state = ReviewState.objects.get(user=alice, card=card)
    assert (state.state, state.step, state.last_review) == (int(expected.state), expected.step, expected.last_review)
    assert state.stability == pytest.approx(expected.stability, abs=0)
    assert state.difficulty == pytest.approx(expected.difficulty, abs=0)
    if rating == 4:
        # A review interval: fsrs's 8 days, fuzzed within Anki's range (6-10 study days), due from the
        # start of that study day (04:00 UTC here).
        assert (expected.due - NOON).days == 8
        assert state.due in [dt.datetime(2026, 3, 10 + n, 4, 0, tzinfo=UTC) for n in range(6, 11)]
    else:
        assert state.due == expected.due  # a learning step: minutes, exactly as fsrs gives them
    assert result.created is True and result.as_dict()["due"] == state.due.isoformat()


@pytest.mark.django_db
def test_learning_steps_then_review_then_lapse(alice):
    card = make_cards(1)[0]
    review(alice, card, 3, NOON)
    state = ReviewState.objects.get(user=alice, card=card)
    assert (state.state, state.step, state.due) == (1, 1, NOON + dt.timedelta(minutes=10))
    second = NOON + dt.timedelta(minutes=10)
    review(alice, card, 3, second)
    state.refresh_from_db()
    expected = expected_fsrs(card.pk, [(3, NOON), (3, second)])
    # fsrs's 2 days (too short to fuzz), due from the start of that study day
    assert (expected.due - second).days == 2
    assert (state.state, state.step, state.due) == (2, None, dt.datetime(2026, 3, 12, 4, 0, tzinfo=UTC))
    review(alice, card, 1, state.due)
    state.refresh_from_db()
    assert (state.state, state.step, state.lapses, state.reps) == (3, 0, 1, 3)
    assert state.due == dt.datetime(2026, 3, 12, 4, 10, tzinfo=UTC)


@pytest.mark.django_db
def test_desired_retention_changes_the_interval(alice):
    prefs = settings_for(alice)
    prefs.desired_retention = 0.8
    prefs.save()
    card = make_cards(1)[0]
    review(alice, card, 4, NOON)
    # fsrs gives 28 days at 0.8 (27.5 before rounding; 8 at 0.9), fuzzed within 24-31 study days
    assert (expected_fsrs(card.pk, [(4, NOON)], 0.8).due - NOON).days == 28
    due = ReviewState.objects.get(user=alice, card=card).due
    assert due in [dt.datetime(2026, 3, 10, 4, 0, tzinfo=UTC) + dt.timedelta(days=n) for n in range(24, 32)]
    assert due > dt.datetime(2026, 3, 20, 4, 0, tzinfo=UTC)  # at 0.9 it would be 6-10 days


def test_interval_previews_and_formatting():
    snapshot = scheduling.new_snapshot(NOON)
    intervals = scheduling.preview_intervals(snapshot, card_id=1, reps=0, now=NOON, desired_retention=0.9,
                                             days=scheduling.StudyDays("UTC", 4))
    # Easy: fsrs's 8 days, fuzzed within 6-10 (for card 1's first review, to 9)
    assert {r: scheduling.format_interval(d) for r, d in intervals.items()} == {1: "1m", 2: "6m", 3: "10m", 4: "9d"}
    assert [scheduling.format_interval(dt.timedelta(seconds=s)) for s in (5, 90, 7200, 86400 * 45, 86400 * 400)] == [
        "<1m", "2m", "2h", "1mo", "1.1y"]


def test_day_bounds_follow_timezone_and_day_start():
    # 02:30 in Paris on 10 March is before the 4 o'clock day start: still the 9 March study day.
    now = dt.datetime(2026, 3, 10, 1, 30, tzinfo=UTC)
    start, end = scheduling.day_bounds(now, timezone="Europe/Paris", day_starts_at=4)
    assert (start, end) == (dt.datetime(2026, 3, 9, 3, 0, tzinfo=UTC), dt.datetime(2026, 3, 10, 3, 0, tzinfo=UTC))
    start, end = scheduling.day_bounds(now, timezone="America/New_York", day_starts_at=0)
    assert (start, end) == (dt.datetime(2026, 3, 9, 4, 0, tzinfo=UTC), dt.datetime(2026, 3, 10, 4, 0, tzinfo=UTC))


# --- the queue -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_queue_order_learning_then_reviews_then_new(alice):
    learning, due_review, new = make_cards(3)
    review(alice, learning, 1, NOON - dt.timedelta(minutes=5))  # due again 1 minute later
    ReviewState.objects.create(user=alice, card=due_review, state=2, stability=5.0, difficulty=5.0, reps=3,
                               due=NOON - dt.timedelta(days=1), last_review=NOON - dt.timedelta(days=6))
    queue = study_queue(alice, NOON)
    assert queue.counts == {"new": 1, "learning": 1, "review": 1}
    assert queue.card == learning
    review(alice, learning, 4, NOON)
    assert study_queue(alice, NOON).card == due_review
    review(alice, due_review, 3, NOON)
    queue = study_queue(alice, NOON)
    assert (queue.card, queue.state, queue.counts) == (new, None, {"new": 1, "learning": 0, "review": 0})


@pytest.mark.django_db
def test_new_limit_counts_cards_introduced_this_study_day_in_the_users_timezone(alice):
    prefs = settings_for(alice)
    prefs.new_per_day, prefs.timezone, prefs.day_starts_at = 2, "Asia/Tokyo", 4
    prefs.save()
    cards = make_cards(5)
    # 18:30 UTC is 03:30 in Tokyo: the study day that started yesterday at 04:00 local (19:00 UTC) is still on.
    late = dt.datetime(2026, 3, 10, 18, 30, tzinfo=UTC)
    review(alice, cards[0], 4, late - dt.timedelta(hours=23))  # 04:30 Tokyo, same study day
    assert study_queue(alice, late).counts["new"] == 1
    review(alice, cards[1], 4, late)
    assert study_queue(alice, late).counts["new"] == 0 and study_queue(alice, late).card is None
    # 31 minutes later it is 04:01 in Tokyo: a new study day, a fresh allowance.
    assert study_queue(alice, late + dt.timedelta(minutes=31)).counts["new"] == 2


@pytest.mark.django_db
def test_review_cap_applies(alice):
    prefs = settings_for(alice)
    prefs.reviews_per_day, prefs.new_per_day = 2, 0
    prefs.save()
    for card in make_cards(4):
        ReviewState.objects.create(user=alice, card=card, state=2, stability=5.0, difficulty=5.0, reps=2,
                                   due=NOON - dt.timedelta(hours=1), last_review=NOON - dt.timedelta(days=5))
    queue = study_queue(alice, NOON)
    assert queue.counts == {"new": 0, "learning": 0, "review": 2}
    review(alice, queue.card, 3, NOON)
    assert study_queue(alice, NOON).counts["review"] == 1


@pytest.mark.django_db
def test_suspended_buried_retired_and_other_decks_are_left_out(alice):
    a, b, c = make_cards(3)
    work = make_cards(1, deck="works", prefix="w")[0]
    services.card_suspend(user=alice, card=a, now=NOON)
    services.card_bury(user=alice, card=b, now=NOON)
    c.retired = True
    c.save()
    prefs = settings_for(alice)
    prefs.decks = ["people"]
    prefs.save()
    queue = study_queue(alice, NOON)
    assert (queue.card, queue.counts) == (None, {"new": 0, "learning": 0, "review": 0})
    assert study_queue(alice, NOON, deck="works").card == work
    # Buried until the next study day (04:00 UTC), then back.
    assert study_queue(alice, dt.datetime(2026, 3, 11, 4, 0, tzinfo=UTC)).card == b


@pytest.mark.django_db
def test_siblings_are_buried_until_the_next_study_day(alice, tmp_path):
    from studyapp.content import load_facts
    from tests import factbase

    load_facts(paths=[factbase.write(tmp_path / "f.json", factbase.records())])
    who = Card.objects.get(key="person:victor-serge:person_who")
    siblings = set(Card.objects.filter(sibling_key="person:victor-serge").exclude(pk=who.pk))
    assert siblings  # the cloze card at least
    review(alice, who, 4, NOON)  # Easy: not due again for days
    for _ in range(30):
        queue = study_queue(alice, NOON)
        if queue.card is None:
            break
        assert queue.card not in siblings
        review(alice, queue.card, 4, NOON)
    tomorrow = dt.datetime(2026, 3, 11, 4, 0, tzinfo=UTC)
    seen_tomorrow = set()
    for _ in range(30):
        queue = study_queue(alice, tomorrow)
        if queue.card is None:
            break
        seen_tomorrow.add(queue.card)
        review(alice, queue.card, 4, tomorrow)
    # The next study day one sibling comes back (and, reviewed, buries the rest for that day).
    assert len(seen_tomorrow & siblings) == 1


# --- undo, leeches, idempotency ---------------------------------------------------------------------

@pytest.mark.django_db
def test_undo_restores_the_exact_previous_state_and_removes_the_log(alice):
    card = make_cards(1)[0]
    review(alice, card, 3, NOON)
    before = ReviewState.objects.values().get(user=alice, card=card)
    review(alice, card, 1, NOON + dt.timedelta(minutes=10))
    log = services.review_undo(user=alice)
    assert log.rating == 1
    after = ReviewState.objects.values().get(user=alice, card=card)
    assert {k: v for k, v in after.items() if k != "version"} == {k: v for k, v in before.items() if k != "version"}
    assert after["version"] > before["version"]
    assert ReviewLog.objects.filter(user=alice).count() == 1
    services.review_undo(user=alice)  # the first review of a new card: it is new again
    assert not ReviewState.objects.filter(user=alice).exists()
    with pytest.raises(services.NothingToUndo):
        services.review_undo(user=alice)


@pytest.mark.django_db
def test_eighth_lapse_suspends_and_tags_leech(alice):
    card = make_cards(1)[0]
    now = NOON
    review(alice, card, 4, now)  # straight to review
    for lapse in range(1, 9):
        state = ReviewState.objects.get(user=alice, card=card)
        now = state.due
        review(alice, card, 1, now)  # lapse
        state.refresh_from_db()
        assert state.lapses == lapse
        assert (state.leech, state.suspended) == (lapse == 8, lapse == 8)
        if lapse < 8:
            now = state.due
            review(alice, card, 4, now)  # relearned, back in review
    assert study_queue(alice, now).card is None


@pytest.mark.django_db
def test_same_review_id_is_idempotent_and_a_different_payload_conflicts(alice):
    card, other = make_cards(2)
    review_id = uuid.uuid4()
    first = services.review_submit(user=alice, card=card, rating=3, now=NOON, review_id=review_id)
    again = services.review_submit(user=alice, card=card, rating=3, now=NOON + dt.timedelta(seconds=5),
                                   review_id=review_id)
    assert (first.created, again.created) == (True, False)
    assert again.as_dict() == first.as_dict()
    assert ReviewLog.objects.count() == 1 and ReviewState.objects.get().reps == 1
    with pytest.raises(services.ReviewConflict):
        services.review_submit(user=alice, card=card, rating=1, now=NOON, review_id=review_id)
    with pytest.raises(services.ReviewConflict):
        services.review_submit(user=alice, card=other, rating=3, now=NOON, review_id=review_id)
    assert ReviewLog.objects.count() == 1


@pytest.mark.django_db
def test_stale_submission_is_rejected(alice):
    card = make_cards(1)[0]
    review(alice, card, 3, NOON, expected_version=0)
    with pytest.raises(services.StaleReview):
        review(alice, card, 3, NOON, expected_version=0)  # a second tab showing the same card
    assert ReviewLog.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("kwargs", "field"), [
    ({"rating": 0}, "rating"), ({"rating": 5}, "rating"), ({"rating": "3"}, "rating"), ({"rating": True}, "rating"),
    ({"review_id": "not-a-uuid"}, "review_id"), ({"duration_ms": -1}, "duration_ms"),
])
def test_bad_review_input_is_a_validation_error_and_writes_nothing(alice, kwargs, field):
    card = make_cards(1)[0]
    values = {"rating": 3, "review_id": uuid.uuid4(), "duration_ms": None, **kwargs}
    with pytest.raises(ValidationError) as error:
        services.review_submit(user=alice, card=card, now=NOON, **values)
    assert list(error.value.message_dict) == [field]
    assert not ReviewState.objects.exists() and not ReviewLog.objects.exists()


@pytest.mark.django_db
def test_users_do_not_share_state(alice, bob):
    card = make_cards(1)[0]
    review(alice, card, 3, NOON)
    assert study_queue(bob, NOON).counts["new"] == 1
    with pytest.raises(services.NothingToUndo):
        services.review_undo(user=bob)
    assert ReviewLog.objects.filter(user=alice).count() == 1


@pytest.mark.django_db
def test_a_card_just_answered_waits_its_learning_step_while_other_cards_remain(alice):
    first, second = make_cards(2)
    review(alice, first, 3, NOON)  # due again in 10 minutes
    assert study_queue(alice, NOON).card == second
    review(alice, second, 3, NOON)
    # Nothing else left: learn ahead (within 20 minutes) rather than make the user wait.
    queue = study_queue(alice, NOON + dt.timedelta(minutes=1))
    assert (queue.card, queue.counts) == (first, {"new": 0, "learning": 2, "review": 0})


@pytest.mark.django_db
def test_a_leech_brought_back_is_a_leech_again_every_4_lapses_and_the_page_says_so_each_time(client, alice):
    card = make_cards(1)[0]
    ReviewState.objects.create(user=alice, card=card, state=2, stability=1.0, difficulty=9.0, reps=20, lapses=7,
                               due=NOON, last_review=NOON - dt.timedelta(days=1))
    client.force_login(alice)

    def answer(rating):
        version = ReviewState.objects.get(user=alice, card=card).version
        page = client.post("/study/review/", {"card": card.pk, "rating": rating, "review_id": str(uuid.uuid4()),
                                              "version": version}, follow=True)
        return page.content.decode()

    warnings, suspended_at = [], []
    for lapse in range(8, 21):
        page = answer(1)  # forgotten: a lapse
        if "suspended as a leech" in page:
            warnings.append(lapse)
            assert f"“Who was p0?” was forgotten {lapse} times, so it is suspended as a leech" in page
        state = ReviewState.objects.get(user=alice, card=card)
        assert state.lapses == lapse
        if state.suspended:
            suspended_at.append(lapse)
            client.post("/study/unsuspend/", {"card": card.pk})  # reread, then bring it back
        answer(4)  # relearned: back in review
    assert suspended_at == warnings == [8, 12, 16, 20]


def due_reviews(user, cards, *, since):
    for card in cards:
        ReviewState.objects.create(user=user, card=card, state=2, stability=5.0, difficulty=5.0, reps=2,
                                   due=since, last_review=since - dt.timedelta(days=5))


@pytest.mark.django_db
def test_the_review_limit_also_caps_new_cards(alice):
    prefs = settings_for(alice)
    prefs.reviews_per_day, prefs.new_per_day = 4, 20
    prefs.save()
    reviews, new = make_cards(2, prefix="r"), make_cards(5)
    due_reviews(alice, reviews, since=NOON - dt.timedelta(hours=1))
    queue = study_queue(alice, NOON)
    assert queue.counts == {"new": 2, "learning": 0, "review": 2}  # 4 - 2 reviews leaves room for 2 new
    review(alice, reviews[0], 3, NOON)
    review(alice, new[0], 4, NOON)  # a new card introduced counts towards the review limit, as in Anki
    queue = study_queue(alice, NOON)
    assert queue.counts == {"new": 1, "learning": 0, "review": 1}
    review(alice, queue.card, 3, NOON)
    review(alice, study_queue(alice, NOON).card, 4, NOON)
    queue = study_queue(alice, NOON)
    assert (queue.card, queue.counts, queue.new_waiting) == (None, {"new": 0, "learning": 0, "review": 0}, "review")


@pytest.mark.django_db
def test_when_the_limit_hides_due_reviews_the_page_says_so_not_that_the_next_card_is_due_weeks_ago(client, alice):
    from django.utils import timezone

    prefs = settings_for(alice)
    prefs.reviews_per_day = 2
    prefs.save()
    now = timezone.now()
    cards = make_cards(4)
    due_reviews(alice, cards, since=now - dt.timedelta(days=22))
    for card in cards[:2]:
        review(alice, card, 3, now)
    queue = study_queue(alice, now)
    assert (queue.card, queue.reviews_waiting) == (None, 2)
    assert queue.next_due >= queue.day_end  # the two just reviewed; the two held back are not "next due"
    client.force_login(alice)
    html = client.get("/study/").content.decode()
    assert "You have reached today's limit of 2 reviews" in html
    assert "<strong>2 more cards due for review</strong> wait for your next study day" in html
    assert "The next card is due" not in html
