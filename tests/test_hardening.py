"""Hardening: concurrent reviews, log-in lockouts, shared-cache throttles, security headers, atomic loads."""

import json
import re
import threading
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from rest_framework.test import APIClient

from studyapp.accounts.services import token_for
from studyapp.cards.models import Card
from studyapp.study import scheduling
from studyapp.study.models import ReviewLog, ReviewState
from tests.builders import make_cards
from tests.conftest import PASSWORD, ROOT

THREADS = 8
TRIALS = 3


def run_in_threads(user, payloads):
    """POST each payload to /api/reviews/ from its own thread and connection, all released at once."""
    token = token_for(user)
    barrier = threading.Barrier(len(payloads))
    results = [None] * len(payloads)

    def worker(index, payload):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            barrier.wait()
            response = client.post("/api/reviews/", payload, format="json")
            results[index] = (response.status_code, response.json())
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            results[index] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, p)) for i, p in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("trial", range(TRIALS))
def test_the_same_review_sent_by_eight_threads_is_counted_once(alice, trial):
    card = make_cards(1, prefix=f"t{trial}-")[0]
    payload = {"card": card.pk, "rating": 3, "review_id": str(uuid.uuid4()), "duration_ms": 1000}
    results = run_in_threads(alice, [payload] * THREADS)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (THREADS - 1) + [201], results
    bodies = {json.dumps(body, sort_keys=True) for _, body in results}
    assert len(bodies) == 1
    assert ReviewLog.objects.filter(user=alice).count() == 1
    assert ReviewState.objects.get(user=alice, card=card).reps == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("trial", range(TRIALS))
def test_eight_different_reviews_of_one_card_are_serialized_and_none_is_lost(alice, trial):
    card = make_cards(1, prefix=f"s{trial}-")[0]
    payloads = [{"card": card.pk, "rating": 1 + i % 4, "review_id": str(uuid.uuid4())} for i in range(THREADS)]
    results = run_in_threads(alice, payloads)
    assert sorted(status for status, _ in results) == [201] * THREADS, results
    logs = list(ReviewLog.objects.filter(user=alice).order_by("pk"))
    assert len(logs) == THREADS
    # Replaying the logs in the order they were written gives exactly the stored state.
    snapshot = scheduling.new_snapshot(logs[0].reviewed_at)
    for reps, log in enumerate(logs):
        assert (log.state_before is None) == (log is logs[0])
        if log.state_before is not None:
            assert scheduling.Snapshot.from_json(log.state_before) == snapshot
        snapshot = scheduling.review(snapshot, card_id=card.pk, reps=reps, rating=log.rating, now=log.reviewed_at,
                                     desired_retention=0.9, days=scheduling.StudyDays("UTC", 4))
    state = ReviewState.objects.get(user=alice, card=card)
    assert scheduling.Snapshot.of(state) == snapshot
    assert state.reps == THREADS


# --- log-in abuse -------------------------------------------------------------------------------------

def post_token(client, username, password):
    return client.post("/api/auth/token/", {"username": username, "password": password}, format="json")


@pytest.mark.django_db
def test_api_token_locks_out_after_five_failures_and_does_not_reveal_users(alice, api_client):
    unknown = post_token(api_client, "nobody", "wrong-password-1")
    wrong = post_token(api_client, "alice", "wrong-password-1")
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json()) == (400, {
        "detail": "Unable to log in with the username and password provided.",
        "errors": {"non_field_errors": ["Unable to log in with the username and password provided."]}})
    for _ in range(3):
        assert post_token(api_client, "alice", "wrong-password-2").status_code == 400
    fifth = post_token(api_client, "alice", "wrong-password-2")  # the 5th failure locks the pair out
    assert (fifth.status_code, fifth.json()["detail"]) == (429, "Too many failed log-ins for this username "
                                                                 "from your address; try again in 15 minutes.")
    assert post_token(api_client, "alice", PASSWORD).status_code == 429  # even the right password
    # Another address is not locked out of alice's account.
    other = APIClient(REMOTE_ADDR="10.0.0.9")
    assert post_token(other, "alice", PASSWORD).status_code == 200


@pytest.mark.django_db
def test_a_success_resets_the_failure_count(alice, api_client):
    for _ in range(4):
        post_token(api_client, "alice", "wrong-password")
    assert post_token(api_client, "alice", PASSWORD).status_code == 200
    for _ in range(4):
        post_token(api_client, "alice", "wrong-password")
    assert post_token(api_client, "alice", PASSWORD).status_code == 200


@pytest.mark.django_db
def test_html_login_shows_a_lockout_page(alice, client):
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "alice", "password": "nope-nope-nope"})
        assert response.status_code == 200
    assert client.post("/accounts/login/", {"username": "alice", "password": "nope"}).status_code == 429
    locked = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()


# --- throttles in a shared cache ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_signup_is_throttled_in_the_shared_database_cache(api_client, monkeypatch):
    from django.core.cache import caches
    from rest_framework.throttling import ScopedRateThrottle

    assert caches["default"].__class__.__name__ == "UpsertDatabaseCache"
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"signup": "3/hour", "token": "60/hour"})
    codes = [api_client.post("/api/auth/signup/", {"username": f"user{i}", "password": PASSWORD},
                             format="json").status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM studyapp_cache")
        assert any("throttle_signup" in row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_quiz_creation_is_throttled(alice_api, monkeypatch, tmp_path):
    from rest_framework.throttling import ScopedRateThrottle

    from studyapp.content import load_facts
    from tests import factbase

    load_facts(paths=[factbase.write(tmp_path / "f.json", factbase.records())])
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"quiz_create": "2/hour"})
    codes = [alice_api.post("/api/quizzes/", {"deck": "all", "size": 2}, format="json").status_code
             for _ in range(3)]
    assert codes == [201, 201, 429]
    assert alice_api.get("/api/quizzes/").status_code == 200  # listing is not throttled


def test_redis_is_the_cache_when_redis_url_is_set():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/15"}
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                          "print(settings.CACHES['default']['BACKEND'])"], env=env, capture_output=True, text=True,
                         cwd=ROOT)
    assert out.stdout.strip() == "django.core.cache.backends.redis.RedisCache", out.stderr


@pytest.mark.django_db
def test_password_guesses_are_counted_across_workers_through_redis(alice, alice_api, settings, monkeypatch):
    """With REDIS_URL set, each request here gets a new cache client, as each worker process has its own: the
    app's throttle still counts every guess, because the count lives in Redis, not in a worker."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    from django.core.cache import caches
    from rest_framework.throttling import ScopedRateThrottle

    prefix = f"test-{uuid.uuid4()}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": prefix}}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "2/hour"})
    codes, clients = [], []
    try:
        for i in range(3):
            codes.append(alice_api.delete("/api/me/", {"password": f"guess-{i}"}, format="json").status_code)
            clients.append(caches["default"])
            del caches["default"]  # the next request is another worker's, with a cache client of its own
        stored = [key.decode() for key in redis.Redis.from_url(url).scan_iter(f"{prefix}:*")]
    finally:
        for key in redis.Redis.from_url(url).scan_iter(f"{prefix}:*"):
            redis.Redis.from_url(url).delete(key)
    assert (codes, len({id(client) for client in clients})) == ([400, 400, 429], 3)
    assert stored == [f"{prefix}:1:throttle_token_{alice.pk}"]  # one count per user, in Redis


# --- headers, CSRF, no inline script ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_security_headers(client, alice):
    client.force_login(alice)
    for url in ("/", "/study/", "/cards/", "/api/docs/"):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert script_src == "'self'", url
        assert "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_and_every_post_form_has_csrf():
    for path in (ROOT / "templates").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script in {path}"
        assert not re.search(r"\son[a-z]+=\"", html), f"inline event handler in {path}"
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S | re.I):
            assert "{% csrf_token %}" in form, f"POST form without CSRF token in {path}"


def test_no_secret_in_the_repository():
    # Tests may hold throwaway keys for settings checks; the app, config and docs may not hold any key.
    tracked = [p for p in ROOT.rglob("*") if p.is_file() and not {".venv", ".git", "tests"} & set(p.parts)
               and p.suffix in {".py", ".toml", ".md", ".json", ".html", ".js", ".cfg", ".ini", ".txt", ""}]
    for path in tracked:
        text = path.read_text(encoding="utf-8", errors="ignore")
        assert not re.search(r"DJANGO_SECRET_KEY\s*=\s*['\"][^'\"]{20,}", text), path
        assert "-----BEGIN" not in text or path.name == "test_hardening.py", path


# --- atomic fact loads ----------------------------------------------------------------------------------------

def table_snapshot():
    from studyapp.facts.models import Citation, Event, Person, Source, Work

    return {model.__name__: sorted(map(tuple, model.objects.values_list()))
            for model in (Source, Person, Work, Event, Citation, Card, ReviewState, ReviewLog)}


@pytest.mark.django_db
def test_a_bad_record_late_in_a_file_leaves_the_database_exactly_as_it_was(facts, alice, tmp_path):
    from django.utils import timezone

    from studyapp.facts.loading import fixture_files
    from studyapp.study import services

    card = Card.objects.active().first()
    services.review_submit(user=alice, card=card, rating=3, now=timezone.now(), review_id=uuid.uuid4())
    before = table_snapshot()
    folder = tmp_path / "fixtures"
    folder.mkdir()
    for path in fixture_files(ROOT / "fixtures" / "serge"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "events.json":
            data[-1]["fields"]["quote"] = ""  # the very last record
        (folder / path.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="field 'quote': must be a non-empty str"):
        call_command("load_facts", *sorted(str(p) for p in folder.glob("*.json")))
    assert table_snapshot() == before


@pytest.mark.django_db
def test_account_deletion_password_guesses_are_throttled(alice_api, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "2/hour"})
    codes = [alice_api.delete("/api/me/", {"password": f"guess-{i}"}, format="json").status_code for i in range(3)]
    assert codes == [400, 400, 429]
