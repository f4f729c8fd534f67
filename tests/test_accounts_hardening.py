"""Issue 15, the account findings: tokens rotate with the password, the HTML password paths are throttled like the
API, the password pages use the site's layout, and a password may not contain the username."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase-1919"
LAYOUT = '<a class="skip" href="#main">Skip to content</a>'  # only templates/base.html has it
THROTTLED = "Too many attempts"
PASSWORD_LIMIT = "at most 60 password attempts on one account or from one address per hour"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_earlier_counts(db):
    """Throttle counters start at zero: a transactional test earlier in the run may have left some in the cache
    table, which flushing the database does not empty (this clearing is rolled back with the test)."""
    caches["default"].clear()


def api_token(username="alice", password=PASSWORD):
    response = APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def api_status(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/settings/").status_code


def logged_in(user, **defaults):
    client = Client(**defaults)
    client.force_login(user)
    return client


def is_logged_in(client):
    return client.get("/settings/").status_code == 200


def reset_link(email_message):
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", email_message.body).group(1)


# --- 1. the API token goes with the password -------------------------------------------------------------------


def test_changing_the_password_on_the_html_page_rotates_the_api_token(alice):
    old_token = api_token()
    here, elsewhere = logged_in(alice), logged_in(alice)
    response = here.post("/accounts/password/change/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                         "new_password2": NEW_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/change/done/")
    assert api_status(old_token) == 401
    new_token = api_token(password=NEW_PASSWORD)
    assert new_token != old_token and api_status(new_token) == 200
    assert is_logged_in(here) and not is_logged_in(elsewhere)


def test_resetting_the_password_by_mail_rotates_the_api_token(alice):
    old_token = api_token()
    elsewhere = logged_in(alice)
    client = Client()
    assert client.post("/accounts/password/reset/", {"email": "alice@example.org"}).status_code == 302
    assert len(mail.outbox) == 1
    form = client.get(reset_link(mail.outbox[0]))
    assert form.status_code == 302 and form["Location"].endswith("/set-password/")
    response = client.post(form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/accounts/reset/done/")
    assert api_status(old_token) == 401
    new_token = api_token(password=NEW_PASSWORD)
    assert new_token != old_token and api_status(new_token) == 200
    assert not is_logged_in(elsewhere)


def test_a_password_set_anywhere_else_also_rotates_the_token(alice):
    """The admin, `manage.py changepassword` and any future path all end in set_password() and save()."""
    old_token = api_token()
    alice.set_password(NEW_PASSWORD)
    alice.save()
    assert api_status(old_token) == 401
    assert not Token.objects.filter(user=alice).exists()


def test_logging_in_or_saving_other_fields_keeps_the_token(alice):
    token = api_token()
    assert Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    alice.email = "alice@example.net"
    alice.save()
    assert api_token() == token and api_status(token) == 200


def test_deleting_the_account_on_the_html_page_revokes_the_token(alice):
    token = api_token()
    response = logged_in(alice).post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert api_status(token) == 401
    assert Token.objects.count() == 0


# --- 6. the HTML password paths are throttled like the API -----------------------------------------------------


def html_signup(index, **extra):
    return Client().post("/accounts/signup/", {"username": f"reader{index}", "email": "", "password1": PASSWORD,
                                               "password2": PASSWORD}, **extra)


def assert_throttled_page(response, limit):
    html = " ".join(response.content.decode().split())
    assert response.status_code == 429
    assert LAYOUT in html and f"<h1>{THROTTLED}</h1>" in html and limit in html
    assert 0 < int(response["Retry-After"]) <= 3600


def test_html_signup_allows_20_an_hour_per_address_like_the_api(db):
    codes = [html_signup(i).status_code for i in range(21)]
    assert codes == [302] * 20 + [429]
    assert User.objects.count() == 20
    assert_throttled_page(html_signup(99), "at most 20 sign-ups from one address per hour")
    assert Client().get("/accounts/signup/").status_code == 200  # only attempts count, not the form
    assert Client(REMOTE_ADDR="10.0.0.2").post("/accounts/signup/", {}).status_code == 200  # another address
    with connection.cursor() as cursor:  # counted in the shared database cache
        cursor.execute("SELECT cache_key FROM studyapp_cache")
        assert ":1:throttle_signup_127.0.0.1" in [row[0] for row in cursor.fetchall()]


def test_html_and_api_signups_share_one_count(db):
    for i in range(10):
        assert html_signup(i).status_code == 302
        response = APIClient().post("/api/auth/signup/", {"username": f"api{i}", "password": PASSWORD},
                                    format="json")
        assert response.status_code == 201
    assert html_signup(10).status_code == 429
    assert APIClient().post("/api/auth/signup/", {"username": "api10", "password": PASSWORD},
                            format="json").status_code == 429


def test_a_forged_x_forwarded_for_does_not_escape_the_limit_without_a_proxy(db):
    for i in range(20):
        assert html_signup(i).status_code == 302
    assert html_signup(20, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429


def test_behind_one_proxy_the_client_is_the_address_the_proxy_added(db, settings):
    # What DJANGO_PROXY_COUNT=1 sets: the log-in lockout's proxy count and the throttles' (DRF's NUM_PROXIES).
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    via_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for i in range(20):
        assert html_signup(i, HTTP_X_FORWARDED_FOR="203.0.113.5", **via_proxy).status_code == 302
    # Whatever the client puts in front of the address the proxy appended is not believed.
    assert html_signup(20, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5", **via_proxy).status_code == 429
    assert html_signup(21, HTTP_X_FORWARDED_FOR="203.0.113.6", **via_proxy).status_code == 302


def change_password(client, old_password):
    return client.post("/accounts/password/change/", {"old_password": old_password, "new_password1": NEW_PASSWORD,
                                                      "new_password2": NEW_PASSWORD})


def delete_account(client, password):
    return client.post("/accounts/delete/", {"password": password, "confirm": "on"})


def test_wrong_passwords_on_the_change_page_stop_after_60_an_hour(alice):
    client = logged_in(alice)
    codes = [change_password(client, f"guess-{i}").status_code for i in range(60)]
    assert codes == [200] * 60
    assert_throttled_page(change_password(client, PASSWORD), PASSWORD_LIMIT)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_wrong_passwords_on_the_delete_page_stop_after_60_an_hour(alice):
    client = logged_in(alice)
    codes = [delete_account(client, f"guess-{i}").status_code for i in range(60)]
    assert codes == [400] * 60
    assert_throttled_page(delete_account(client, PASSWORD), PASSWORD_LIMIT)
    assert User.objects.filter(pk=alice.pk).exists()


def test_password_guesses_are_counted_per_user_across_addresses(alice, bob):
    for i in range(30):
        assert change_password(logged_in(alice, REMOTE_ADDR="10.0.0.1"), f"guess-{i}").status_code == 200
        assert delete_account(logged_in(alice, REMOTE_ADDR="10.0.0.2"), f"guess-{i}").status_code == 400
    assert change_password(logged_in(alice, REMOTE_ADDR="10.0.0.3"), PASSWORD).status_code == 429
    assert change_password(logged_in(bob, REMOTE_ADDR="10.0.0.3"), "guess").status_code == 200


def test_password_guesses_are_counted_per_address_across_users(alice, bob, charlie):
    for i in range(30):
        assert change_password(logged_in(alice), f"guess-{i}").status_code == 200
        assert delete_account(logged_in(bob), f"guess-{i}").status_code == 400
    assert change_password(logged_in(charlie), PASSWORD).status_code == 429
    assert change_password(logged_in(charlie, REMOTE_ADDR="10.0.0.9"), PASSWORD).status_code == 302


def test_api_and_html_password_guesses_share_one_count_per_user(alice, alice_api):
    for i in range(60):
        assert alice_api.delete("/api/me/", {"password": f"guess-{i}"}, format="json").status_code == 400
    assert delete_account(logged_in(alice, REMOTE_ADDR="10.0.0.4"), PASSWORD).status_code == 429


def request_reset(email, address="127.0.0.1"):
    return Client(REMOTE_ADDR=address).post("/accounts/password/reset/", {"email": email})


def test_password_reset_mails_stop_after_20_an_hour_per_address(alice):
    codes = [request_reset(f"nobody{i}@example.org").status_code for i in range(20)]
    assert codes == [302] * 20
    assert_throttled_page(request_reset("alice@example.org"),
                          "at most 20 password-reset e-mails to one mailbox or from one address per hour")
    assert len(mail.outbox) == 0
    assert request_reset("alice@example.org", address="10.0.0.5").status_code == 302
    assert len(mail.outbox) == 1


def test_password_reset_mails_stop_after_20_an_hour_per_mailbox(alice):
    codes = [request_reset("alice@example.org", address=f"10.0.1.{i}").status_code for i in range(20)]
    assert codes == [302] * 20
    assert request_reset("ALICE@example.org", address="10.0.2.1").status_code == 429
    assert len(mail.outbox) == 20


# --- 8b. the password pages use the site's layout --------------------------------------------------------------


def assert_site_page(response, heading):
    names = [template.name for template in response.templates]
    html = response.content.decode()
    assert response.status_code == 200
    assert "base.html" in names and not any(name.startswith("admin/") for name in names), names
    assert LAYOUT in html and f"<h1>{heading}</h1>" in html


def test_password_change_pages_use_the_site_layout(alice):
    client = logged_in(alice)
    assert_site_page(client.get("/accounts/password/change/"), "Change your password")
    assert_site_page(client.get("/accounts/password/change/done/"), "Password changed")


def test_password_reset_pages_use_the_site_layout(alice):
    client = Client()
    assert_site_page(client.get("/accounts/password/reset/"), "Reset your password")
    assert_site_page(client.post("/accounts/password/reset/", {"email": "alice@example.org"}, follow=True),
                     "Check your e-mail")
    assert_site_page(client.get(reset_link(mail.outbox[0]), follow=True), "Choose a new password")
    assert_site_page(client.get("/accounts/reset/MQ/bad-token/"), "This link no longer works")
    assert_site_page(client.get("/accounts/reset/done/"), "Password reset")


def test_the_reset_mail_links_to_this_site_and_names_the_account(alice):
    request_reset("alice@example.org")
    assert mail.outbox[0].subject == "Reset your studyapp password"
    body = mail.outbox[0].body
    assert "alice" in body and "/accounts/reset/" in body and "admin" not in body.lower()


# --- 8c. a password may not contain the username ---------------------------------------------------------------


CONTAINS = "The password contains the username."
SIMILAR = "The password is too similar to the username."


@pytest.mark.parametrize(("username", "password", "message"), [
    ("pol4", "pol4pol4", CONTAINS),
    ("pol4", "my-POL4-account-2024", CONTAINS),
    ("serge1890", "serge-189", SIMILAR),
])
def test_html_signup_refuses_a_password_like_the_username(db, username, password, message):
    response = Client().post("/accounts/signup/", {"username": username, "email": "", "password1": password,
                                                   "password2": password})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(("username", "password", "message"), [
    ("pol4", "pol4pol4", CONTAINS),
    ("pol4", "my-POL4-account-2024", CONTAINS),
    ("serge1890", "serge-189", SIMILAR),
])
def test_api_signup_refuses_a_password_like_the_username(api_client, db, username, password, message):
    response = api_client.post("/api/auth/signup/", {"username": username, "password": password}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": [message]}
    assert not User.objects.exists()


def test_a_password_unlike_the_username_is_accepted(api_client, db):
    response = api_client.post("/api/auth/signup/", {"username": "pol4", "password": PASSWORD}, format="json")
    assert response.status_code == 201


def test_a_new_password_may_not_contain_the_username_either(alice):
    response = logged_in(alice).post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": "Alice-in-1917", "new_password2": "Alice-in-1917"})
    assert response.status_code == 200 and CONTAINS in response.content.decode()
