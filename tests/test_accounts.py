"""HTML sign-up, log-in and log-out through the real forms, and the shared-cache backend."""

import pytest
from django.core.cache import caches

from studyapp.accounts.models import StudySettings
from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_signing_up_logs_you_in_with_default_settings(client):
    response = client.post("/accounts/signup/", {"username": "dora", "email": "", "password1": PASSWORD,
                                                 "password2": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/study/"
    assert response.context["user"].username == "dora"
    prefs = StudySettings.objects.get(user__username="dora")
    assert (prefs.timezone, prefs.day_starts_at, prefs.desired_retention, prefs.new_per_day, prefs.reviews_per_day) \
        == ("UTC", 4, 0.9, 20, 200)


@pytest.mark.django_db
def test_signup_form_errors_name_the_field(client, alice):
    response = client.post("/accounts/signup/", {"username": "alice", "password1": "short", "password2": "short"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "A user with that username already exists." in html
    assert "This password is too short." in html


@pytest.mark.django_db
def test_log_in_and_out(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/study/" and response.context["user"].is_authenticated
    client.post("/accounts/logout/")
    assert client.get("/study/").url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_database_cache_upserts_and_expires():
    cache = caches["default"]
    cache.set("k", {"n": 1}, 60)
    cache.set("k", {"n": 2}, 60)
    assert cache.get("k") == {"n": 2}
    cache.set("gone", 1, -1)
    assert cache.get("gone") is None
    cache.set("forever", [1], None)
    assert cache.get("forever") == [1]


@pytest.mark.django_db
def test_database_cache_culls_expired_rows_on_a_clock(monkeypatch):
    from django.db import connection

    from studyapp.cache import UpsertDatabaseCache

    cache = caches["default"]
    cache.set("old", 1, -1)
    monkeypatch.setattr(UpsertDatabaseCache, "_next_cull", 0.0)
    cache.set("new", 2, 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM studyapp_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert keys == [":1:new"]
    assert UpsertDatabaseCache._next_cull > 0


def test_settings_update_is_the_one_checked_write_of_settings(alice):
    from django.core.exceptions import ValidationError

    from studyapp.accounts.models import StudySettings, settings_for
    from studyapp.accounts.services import settings_update

    settings_update(user=alice, values={"new_per_day": 5, "decks": ["works"]})
    assert StudySettings.objects.filter(user=alice).values_list("new_per_day", "decks").get() == (5, ["works"])
    with pytest.raises(ValidationError) as error:
        settings_update(user=alice, values={"new_per_day": 7, "desired_retention": 2.0})
    assert list(error.value.message_dict) == ["desired_retention"]
    # nothing saved, and the user's cached settings read back unchanged
    assert (settings_for(alice).new_per_day, settings_for(alice).desired_retention) == (5, 0.9)
    assert StudySettings.objects.get(user=alice).new_per_day == 5
    with pytest.raises(ValidationError) as error:
        settings_update(user=alice, values={"user_id": 2})
    assert error.value.message_dict == {"user_id": ["not a setting"]}
