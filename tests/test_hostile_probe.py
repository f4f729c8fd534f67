"""Issue 15: the holes a hostile probe of the production setup found, each reproduced, on both databases.

Account findings (tokens after a password change, HTML throttles, password pages) are in
test_accounts_hardening.py.
"""

import importlib
import json
import threading
import uuid

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from studyapp.accounts.models import StudySettings
from studyapp.accounts.services import token_for
from studyapp.study import services
from studyapp.study.models import ReviewLog, ReviewState
from studyapp.topics import TOPICS
from tests.builders import make_cards
from tests.conftest import PASSWORD

# --- 2. settings lists are bounded ---------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "message"), [
    ({"decks": ["people"] * 5000}, "decks: Ensure this field has no more than 3 elements."),
    ({"topics": ["1917-1921"] * 2000}, "topics: Ensure this field has no more than 6 elements."),
    ({"decks": ["people", "people"]}, "decks: decks: each of people, works, events at most once"),
    ({"topics": ["1917-1921", "1917-1921"]}, "topics: topics: each of before 1905, 1905-1916, 1917-1921, "
                                             "1922-1935, 1936-1947, after 1947 at most once"),
    ({"topics": ["1917"]}, 'topics.0: "1917" is not a valid choice.'),
    ({"decks": []}, "decks: Ensure this field has at least 1 elements."),
])
def test_settings_lists_hold_known_values_once(alice_api, alice, body, message):
    response = alice_api.patch("/api/settings/", body, format="json")
    assert (response.status_code, response.json()["detail"]) == (400, message)
    saved = StudySettings.objects.get(user=alice)
    assert (saved.decks, saved.topics) == (["people", "works", "events"], [])  # nothing was saved
    assert alice_api.get("/api/study/next/").status_code in (200, 204)


def test_settings_lists_that_are_fine_are_saved(alice_api, alice):
    response = alice_api.patch("/api/settings/", {"decks": ["works", "people"], "topics": list(TOPICS[:2])},
                               format="json")
    assert response.status_code == 200
    assert (response.json()["decks"], response.json()["topics"]) == (["works", "people"], ["before 1905", "1905-1916"])


def test_the_settings_page_refuses_a_repeated_deck(alice, client):
    client.force_login(alice)
    response = client.post("/settings/", {"timezone": "UTC", "day_starts_at": 4, "desired_retention": 0.9,
                                          "new_per_day": 20, "reviews_per_day": 200,
                                          "decks": ["people", "people"]})
    assert response.status_code == 200  # the form again, with its error
    assert "each of people, works, events at most once" in response.content.decode()
    assert StudySettings.objects.get(user=alice).decks == ["people", "works", "events"]


def test_the_migration_repairs_lists_saved_before_the_bound(alice):
    StudySettings.objects.filter(user=alice).update(decks=["people"] * 500 + ["nope"], topics=["1917-1921"] * 300)
    StudySettings.objects.create(user=_user("dora"), decks=[], topics=["x"])
    migration = importlib.import_module("studyapp.accounts.migrations.0003_bounded_settings_lists")
    from django.apps import apps

    migration.repair_lists(apps, None)
    assert list(StudySettings.objects.order_by("user__username").values_list("decks", "topics")) == [
        (["people"], ["1917-1921"]), (["people", "works", "events"], [])]


def _user(name):
    from django.contrib.auth.models import User

    return User.objects.create_user(name, password=PASSWORD)


def test_an_api_body_above_the_limit_is_refused_unread(alice_api, settings):
    body = json.dumps({"decks": ["people"], "pad": "x" * settings.API_MAX_BODY_BYTES})
    response = alice_api.generic("PATCH", "/api/settings/", body, content_type="application/json")
    assert (response.status_code, response.json()) == (
        413, {"detail": "Request body too large: at most 65536 bytes."})


# --- 3. undo reverses exactly the last review applied ------------------------------------------------------

REVIEWERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_reviews_of_one_card_undo_in_the_order_applied(alice):
    card = make_cards(1, prefix="undo-")[0]
    token = token_for(alice)
    barrier = threading.Barrier(REVIEWERS)
    results = [None] * REVIEWERS

    def worker(index):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            barrier.wait()
            payload = {"card": card.pk, "rating": 1 + index % 4, "review_id": str(uuid.uuid4())}
            results[index] = api.post("/api/reviews/", payload, format="json").status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(REVIEWERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [201] * REVIEWERS

    # Applied order is id order (each review took the card's row lock); the stamps follow it.
    logs = list(ReviewLog.objects.filter(user=alice).order_by("pk"))
    assert [log.reviewed_at for log in logs] == sorted(log.reviewed_at for log in logs)
    assert [log.state_after["reps"] for log in logs] == list(range(1, REVIEWERS + 1))
    assert ReviewState.objects.get(user=alice, card=card).last_review == logs[-1].reviewed_at

    for expected in reversed(logs):
        undone = services.review_undo(user=alice)
        assert undone.review_id == expected.review_id
        state = ReviewState.objects.filter(user=alice, card=card).first()
        if expected.state_before is None:
            assert state is None
        else:
            restored = services._full_state(state)
            assert {k: v for k, v in restored.items() if k != "version"} == {
                k: v for k, v in expected.state_before.items() if k != "version"}


def test_a_review_read_before_a_later_one_committed_is_stamped_after_it(alice):
    card = make_cards(1, prefix="late-")[0]
    later = timezone.now()
    earlier = later - timezone.timedelta(seconds=2)
    services.review_submit(user=alice, card=card, rating=3, now=later, review_id=uuid.uuid4())
    result = services.review_submit(user=alice, card=card, rating=1, now=earlier, review_id=uuid.uuid4())
    assert result.log.reviewed_at == later
    assert ReviewState.objects.get(user=alice, card=card).last_review == later
    assert services.review_undo(user=alice).review_id == result.log.review_id


# --- 4. throttles never trust X-Forwarded-For --------------------------------------------------------------

def test_a_forwarded_for_header_does_not_reset_the_signup_throttle(db, api_client, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"signup": "2/hour"})
    codes = [api_client.post("/api/auth/signup/", {"username": f"xff{i}", "password": PASSWORD}, format="json",
                             HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(4)]
    assert codes == [201, 201, 429, 429]


# --- 5. odd input is a 400, never a 500 --------------------------------------------------------------------

def test_json_nested_a_thousand_deep_is_a_400_even_unauthenticated(db, api_client):
    body = "[" * 1000 + "]" * 1000
    response = api_client.generic("POST", "/api/auth/token/", body, content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"detail": "JSON parse error - nested too deeply."})


def test_a_nul_character_in_json_is_a_400(alice_api):
    response = alice_api.patch("/api/settings/", {"timezone": "UTC\x00"}, format="json")
    assert (response.status_code, response.json()) == (
        400, {"detail": "JSON parse error - a string contains a NUL character (\\u0000)."})


@pytest.mark.parametrize("path", ["/search/?q=ab%00cd", "/people/?q=%00", "/study/?scope=person:%00"])
def test_a_nul_character_in_a_query_string_is_a_400(alice, client, path):
    client.force_login(alice)
    response = client.get(path)
    assert (response.status_code, response.content.decode()) == (
        400, "The address contains a NUL character (%00), which no field accepts.")


def test_a_card_id_beyond_64_bits_is_not_found_in_a_url_and_refused_in_a_body(alice_api):
    huge = 2**64
    assert alice_api.post(f"/api/cards/{huge}/suspend/").status_code == 404
    assert alice_api.get(f"/api/study/cards/{huge}/").status_code == 404
    response = alice_api.post("/api/reviews/", {"card": huge, "rating": 3, "review_id": str(uuid.uuid4())},
                              format="json")
    assert (response.status_code, response.json()["detail"]) == (
        400, "card: Ensure this value is less than or equal to 9223372036854775807.")


def test_a_card_id_beyond_64_bits_posted_by_a_page_is_not_found(alice, client):
    client.force_login(alice)
    response = client.post("/study/review/", {"card": str(2**64), "rating": "3", "review_id": str(uuid.uuid4())})
    assert response.status_code == 404


def test_an_overflow_anywhere_else_is_a_400_not_a_500(rf):
    from studyapp.middleware import InputLimitsMiddleware

    middleware = InputLimitsMiddleware(lambda request: None)
    response = middleware.process_exception(rf.get("/api/study/next/"), OverflowError("Python int too large"))
    assert (response.status_code, json.loads(response.content)) == (
        400, {"detail": "A number in the request is too large (ids are at most 2**63 - 1)."})


# --- 8. nothing a signed-in user sees is stored by a cache --------------------------------------------------

@pytest.mark.parametrize("path", ["/study/", "/settings/", "/people/"])
def test_signed_in_pages_are_not_stored(alice, client, path):
    client.force_login(alice)
    response = client.get(path)
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) >= {"no-store", "private"}


def test_api_responses_are_not_stored(alice_api):
    response = alice_api.get("/api/settings/")
    assert set(response["Cache-Control"].split(", ")) >= {"no-store", "private"}


def test_the_landing_page_for_a_visitor_may_be_cached(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")



def test_the_login_lockout_ignores_a_forged_forwarded_for(alice, client):
    for i in range(5):
        client.post("/accounts/login/", {"username": "alice", "password": "nope-nope"},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    locked = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD},
                         HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert locked.status_code == 429


def test_behind_one_proxy_the_lockout_counts_the_address_the_proxy_saw(alice, client, settings):
    # What DJANGO_PROXY_COUNT=1 sets (settings signals reload DRF's copy).
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice", "password": "nope-nope"},
                    HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="10.0.0.1")
    locked = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD},
                         HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    # Another client behind the same balancer is not locked out of alice's account.
    other = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD},
                        HTTP_X_FORWARDED_FOR="203.0.113.6", REMOTE_ADDR="10.0.0.1")
    assert other.status_code == 302
