"""The study API and pages: contracts, errors, ownership, and a fixed number of queries."""

import datetime as dt
import uuid

import pytest

from studyapp.study.models import ReviewLog, ReviewState
from tests.builders import make_cards


@pytest.fixture
def cards(db):
    return make_cards(3)


@pytest.mark.django_db
def test_next_then_review_then_repeat_then_conflict(alice_api, cards):
    response = alice_api.get("/api/study/next/")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["prompt"], body["kind"], body["deck"], body["is_new"], body["version"]) == (
        cards[0].pk, "Who was p0?", "person_who", "people", True, 0)
    # Easy: fsrs's 8 days, fuzzed within 6-10 study days by a seed from the card
    assert {**body["intervals"], "4": None} == {"1": "1m", "2": "6m", "3": "10m", "4": None}
    assert body["intervals"]["4"] in {"6d", "7d", "8d", "9d", "10d"}
    assert body["counts"] == {"new": 3, "learning": 0, "review": 0}

    payload = {"card": cards[0].pk, "rating": 3, "review_id": str(uuid.uuid4()), "duration_ms": 4200}
    first = alice_api.post("/api/reviews/", payload, format="json")
    assert first.status_code == 201
    assert (first.json()["card"], first.json()["state"], first.json()["step"], first.json()["reps"]) == (
        cards[0].pk, 1, 1, 1)
    assert set(first.json()) >= {"due", "state", "stability", "difficulty"}
    again = alice_api.post("/api/reviews/", payload, format="json")
    assert (again.status_code, again.json()) == (200, first.json())
    conflict = alice_api.post("/api/reviews/", {**payload, "rating": 1}, format="json")
    assert conflict.status_code == 409
    assert ReviewLog.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field"), [
    ({"rating": 5}, "rating"), ({"rating": "good"}, "rating"), ({"review_id": "x"}, "review_id"),
    ({"card": "abc"}, "card"), ({"duration_ms": -5}, "duration_ms"),
])
def test_bad_review_fields_are_400_naming_the_field(alice_api, cards, change, field):
    payload = {"card": cards[0].pk, "rating": 3, "review_id": str(uuid.uuid4()), **change}
    response = alice_api.post("/api/reviews/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")
    assert not ReviewLog.objects.exists()


@pytest.mark.django_db
def test_unknown_or_retired_card_is_404(alice_api, cards):
    cards[1].retired = True
    cards[1].save()
    for card_id in (999999, cards[1].pk):
        response = alice_api.post("/api/reviews/", {"card": card_id, "rating": 3, "review_id": str(uuid.uuid4())},
                                  format="json")
        assert response.status_code == 404


@pytest.mark.django_db
def test_stale_version_is_409(alice_api, cards):
    base = {"card": cards[0].pk, "rating": 3, "version": 0}
    assert alice_api.post("/api/reviews/", {**base, "review_id": str(uuid.uuid4())}, format="json").status_code == 201
    assert alice_api.post("/api/reviews/", {**base, "review_id": str(uuid.uuid4())}, format="json").status_code == 409


@pytest.mark.django_db
def test_another_users_state_is_404_and_undo_is_per_user(alice_api, bob, cards):
    from rest_framework.test import APIClient

    from studyapp.accounts.services import token_for

    alice_api.post("/api/reviews/", {"card": cards[0].pk, "rating": 3, "review_id": str(uuid.uuid4())}, format="json")
    assert alice_api.get(f"/api/study/cards/{cards[0].pk}/").status_code == 200
    bob_api = APIClient()
    bob_api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(bob)}")
    assert bob_api.get(f"/api/study/cards/{cards[0].pk}/").status_code == 404
    assert bob_api.post("/api/reviews/undo/").status_code == 404
    assert alice_api.post("/api/reviews/undo/").status_code == 200
    assert not ReviewState.objects.exists()


@pytest.mark.django_db
def test_next_is_204_when_nothing_is_due_and_deck_is_validated(alice_api, cards):
    assert alice_api.get("/api/study/next/?deck=works").status_code == 204
    response = alice_api.get("/api/study/next/?deck=novels")
    assert response.status_code == 400 and response.json()["detail"].startswith("deck: ")


@pytest.mark.django_db
def test_settings_get_and_patch(alice_api):
    assert alice_api.get("/api/settings/").json() == {
        "timezone": "UTC", "day_starts_at": 4, "desired_retention": 0.9, "new_per_day": 20, "reviews_per_day": 200,
        "decks": ["people", "works", "events"], "topics": [], "collections": [], "quiz_counts_as_review": False}
    response = alice_api.patch("/api/settings/", {"timezone": "Europe/Paris", "desired_retention": 0.85},
                               format="json")
    assert response.status_code == 200
    assert (response.json()["timezone"], response.json()["desired_retention"]) == ("Europe/Paris", 0.85)
    bad_values = [({"desired_retention": 0.99}, "desired_retention"), ({"timezone": "Mars/Olympus"}, "timezone"),
                  ({"decks": []}, "decks"), ({"decks": ["novels"]}, "decks"), ({"day_starts_at": 24}, "day_starts_at")]
    for bad, field in bad_values:
        response = alice_api.patch("/api/settings/", bad, format="json")
        assert response.status_code == 400 and response.json()["detail"].startswith(field), bad


@pytest.mark.django_db
def test_api_needs_authentication(api_client):
    for url in ("/api/study/next/", "/api/settings/"):
        assert api_client.get(url).status_code == 401
    assert api_client.post("/api/reviews/", {}, format="json").status_code == 401


@pytest.mark.django_db
def test_study_page_and_next_make_a_fixed_number_of_queries(client, alice, alice_api, django_assert_num_queries):
    """Five queries for the page and four for the API's next card, with 3 cards or with 300 and 50 in review."""
    from tests.test_study import NOON, review

    client.force_login(alice)
    small = make_cards(3)
    review(alice, small[0], 1, NOON - dt.timedelta(days=1))
    for grown in (False, True):
        if grown:
            for card in make_cards(300, prefix="q", start=100)[:50]:
                review(alice, card, 3, NOON - dt.timedelta(days=2))
        with django_assert_num_queries(5, info=f"/study/, grown: {grown}"):
            assert client.get("/study/").status_code == 200
        with django_assert_num_queries(4, info=f"/api/study/next/, grown: {grown}"):
            assert alice_api.get("/api/study/next/").status_code == 200


@pytest.mark.django_db
def test_study_page_without_javascript(client, alice, cards):
    client.force_login(alice)
    page = client.get("/study/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Who was p0?" in html and "answer 0" in html  # inside <details>: shown by the browser, no JS needed
    assert 'name="rating" value="3"' in html and "10m" in html
    review_id = str(uuid.uuid4())
    response = client.post("/study/review/", {"card": cards[0].pk, "rating": 3, "review_id": review_id,
                                              "version": 0})
    assert response.status_code == 302 and response.url == "/study/"
    assert ReviewLog.objects.get().rating == 3
    # A double click sends the same form twice: still one review.
    client.post("/study/review/", {"card": cards[0].pk, "rating": 3, "review_id": review_id, "version": 0})
    assert ReviewLog.objects.count() == 1
    bad = client.post("/study/review/", {"card": cards[1].pk, "rating": 9, "review_id": str(uuid.uuid4())},
                      follow=True)
    assert "choose Again, Hard, Good or Easy" in bad.content.decode()
    client.post("/study/undo/")
    assert not ReviewLog.objects.exists()


@pytest.mark.django_db
def test_end_of_day_screen_says_when_the_next_card_is_due(client, alice, cards):
    from django.utils import timezone

    from tests.test_study import review

    client.force_login(alice)
    for card in cards:
        review(alice, card, 4, timezone.now())
    html = client.get("/study/").content.decode()
    assert "All done for today" in html and "The next card is due" in html


@pytest.mark.django_db
def test_stats_and_settings_pages(client, alice, cards):
    from tests.test_study import review

    client.force_login(alice)
    from django.utils import timezone

    review(alice, cards[0], 3, timezone.now())
    stats = client.get("/stats/")
    html = stats.content.decode()
    assert stats.status_code == 200
    # three charts, each drawn twice (a wide and a phone drawing; CSS shows one)
    assert html.count('role="img"') == 6 and "1 review in the last 30 days" in html
    response = client.post("/settings/", {"timezone": "Europe/Paris", "day_starts_at": 5, "desired_retention": 0.8,
                                          "new_per_day": 10, "reviews_per_day": 100, "decks": ["people", "works"]})
    assert response.status_code == 302
    from studyapp.accounts.models import StudySettings

    prefs = StudySettings.objects.get(user=alice)
    assert (prefs.timezone, prefs.day_starts_at, prefs.desired_retention, prefs.decks) == (
        "Europe/Paris", 5, 0.8, ["people", "works"])
    bad = client.post("/settings/", {"timezone": "Europe/Paris", "day_starts_at": 5, "desired_retention": 0.5,
                                     "new_per_day": 10, "reviews_per_day": 100, "decks": ["people"]})
    assert bad.status_code == 200 and "Ensure this value is greater than or equal to 0.7" in bad.content.decode()


@pytest.mark.django_db
def test_suspended_cards_are_listed_and_can_be_brought_back(client, alice, bob, cards):
    from django.utils import timezone

    from studyapp.study import services

    services.card_suspend(user=alice, card=cards[0], now=timezone.now())
    services.card_suspend(user=bob, card=cards[1], now=timezone.now())
    client.force_login(alice)
    html = client.get("/study/suspended/").content.decode()
    assert "Who was p0?" in html and "Who was p1?" not in html  # only alice's own
    assert "see and bring back" in client.get("/stats/").content.decode()
    response = client.post("/study/unsuspend/", {"card": cards[0].pk})
    assert response.status_code == 302 and response.url == "/study/suspended/"
    assert ReviewState.objects.get(user=alice, card=cards[0]).suspended is False
    assert ReviewState.objects.get(user=bob, card=cards[1]).suspended is True
    assert "No suspended card." in client.get("/study/suspended/").content.decode()


def test_stats_and_the_suspended_page_count_the_same_cards(client, alice, cards):
    # One definition (ReviewState.objects.suspended()): a retired card's suspension is kept but counted nowhere.
    from django.utils import timezone

    from studyapp.study import services
    from studyapp.study.stats import user_stats

    for card in cards[:3]:
        services.card_suspend(user=alice, card=card, now=timezone.now())
    cards[2].retired = True
    cards[2].save()
    listed = ReviewState.objects.suspended().filter(user=alice).count()
    assert listed == user_stats(alice, timezone.now())["by_state"]["suspended"] == 2
    client.force_login(alice)
    html = client.get("/study/suspended/").content.decode()
    assert html.count('action="/study/unsuspend/"') == 2
