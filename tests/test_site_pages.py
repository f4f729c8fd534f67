"""The site as a person meets it (issue 19): error pages in the layout, sign-up in the browser's time zone, the
welcome and log-out messages, settings in the site's own period labels, the favicon, search by author."""

import re

import pytest
from django.test import RequestFactory
from django.urls import path

from studyapp.accounts.forms import PERIOD_TOPICS, StudySettingsForm
from studyapp.accounts.models import StudySettings
from studyapp.facts import timeline
from studyapp.facts.selectors import search
from studyapp.topics import TOPICS
from tests.conftest import PASSWORD


def _boom(request):
    raise RuntimeError("a bug")


def _forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def _bad(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("bad")


urlpatterns = [path("boom/", _boom), path("forbidden/", _forbidden), path("bad/", _bad),
               path("", __import__("django.urls", fromlist=["include"]).include("studyapp.urls"))]


@pytest.fixture
def production(settings):
    """Debug off, as in production, with this module's failing views added to the site's URLs."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    settings.SECURE_SSL_REDIRECT = False
    settings.ALLOWED_HOSTS = ["testserver"]


# --- error pages ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "status", "heading"), [
    ("/no-such-page/", 404, "Page not found"), ("/forbidden/", 403, "You cannot open this page"),
    ("/bad/", 400, "This request could not be understood"), ("/boom/", 500, "Something went wrong on our side"),
])
def test_error_pages_are_in_the_site_layout_with_a_way_back(client, db, production, url, status, heading):
    client.raise_request_exception = False
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == status
    assert f'<h1 id="error-title">{heading}</h1>' in html
    assert '<header class="site">' in html and 'href="/static/css/app.css"' in html
    assert '<a class="button" href="/">Home page</a>' in html


def test_the_404_page_offers_a_search(client, db, production):
    html = client.get("/people/nobody-at-all/").content.decode()
    assert 'action="/search/"' in html and 'name="q"' in html


def test_the_500_page_needs_neither_a_request_nor_the_database(db, production, django_assert_num_queries):
    from django.views.defaults import server_error

    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/boom/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "Log out" not in html


def test_an_expired_form_is_a_403_in_the_site_layout(db, production, alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/settings/", {"timezone": "UTC"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


# --- the layout ------------------------------------------------------------------------------------------------

def test_every_page_has_the_favicon_and_favicon_ico_points_to_it(client, db):
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get("/").content.decode()
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/favicon.svg")


def test_the_main_menu_marks_the_current_page(client, alice):
    client.force_login(alice)
    html = client.get("/settings/").content.decode()
    assert '<a href="/settings/" aria-current="page">Settings</a>' in html
    assert html.count('aria-current="page"') == 1


# --- sign-up, log-out -------------------------------------------------------------------------------------------

def _sign_up(client, **extra):
    return client.post("/accounts/signup/", {"username": "dora", "password1": PASSWORD, "password2": PASSWORD,
                                             **extra}, follow=True)


def test_a_new_account_starts_in_the_browsers_time_zone(client, db):
    _sign_up(client, timezone="Europe/Paris")
    assert StudySettings.objects.get(user__username="dora").timezone == "Europe/Paris"


@pytest.mark.parametrize("sent", ["", "Mars/Olympus_Mons", "x" * 500])
def test_without_a_known_browser_zone_a_new_account_starts_on_utc(client, db, sent):
    _sign_up(client, timezone=sent)
    assert StudySettings.objects.get(user__username="dora").timezone == "UTC"


def test_the_sign_up_page_has_the_hidden_zone_field_and_its_script(client, db):
    html = client.get("/accounts/signup/").content.decode()
    assert re.search(r'<input type="hidden" name="timezone"[^>]*data-browser-timezone', html)
    assert re.search(r'<script src="/static/accounts/timezone(\.[0-9a-f]{12})?\.js" defer></script>', html)


def test_sign_up_welcomes_and_says_what_to_do_next(client, db):
    response = _sign_up(client, timezone="Asia/Tokyo")
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/study/"
    assert "Welcome, dora!" in html and "Asia/Tokyo" in html and 'href="/settings/"' in html


def test_log_out_says_so_with_the_way_back_in(client, alice):
    client.force_login(alice)
    response = client.post("/accounts/logout/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "You have logged out." in html and 'href="/accounts/login/">Log in</a> again' in html


# --- settings ---------------------------------------------------------------------------------------------------

def test_settings_periods_are_the_sites_and_cover_every_card_topic_once():
    assert [label for _, label in StudySettingsForm.base_fields["periods"].choices] == [
        p.label for p in timeline.PERIODS]
    assert sorted(t for topics in PERIOD_TOPICS.values() for t in topics) == sorted(TOPICS)
    assert PERIOD_TOPICS["before-1917"] == ["before 1905", "1905-1916"]


def _settings_post(**changes):
    return {"timezone": "UTC", "day_starts_at": 4, "desired_retention": 0.9, "new_per_day": 20,
            "reviews_per_day": 200, "decks": ["people", "works", "events"], **changes}


def test_ticking_before_1917_saves_both_card_topics_and_shows_it_ticked(client, alice):
    client.force_login(alice)
    response = client.post("/settings/", _settings_post(periods=["before-1917", "1936-1947"]), follow=True)
    assert StudySettings.objects.get(user=alice).topics == ["before 1905", "1905-1916", "1936-1947"]
    html = response.content.decode()
    assert re.search(r'value="before-1917"[^>]*checked', html) and not re.search(r'value="1917-1921"[^>]*checked',
                                                                                  html)
    assert "before 1905" not in html and "1905-1916" not in html


def test_a_period_is_ticked_when_any_of_its_topics_is_saved(alice):
    StudySettings.objects.filter(user=alice).update(topics=["1905-1916"])
    assert StudySettingsForm(instance=StudySettings.objects.get(user=alice)).initial["periods"] == ["before-1917"]


def test_the_settings_page_has_no_empty_time_zone_sentence_and_labels_its_checkbox(client, alice):
    client.force_login(alice)
    html = client.get("/settings/").content.decode()
    assert re.search(r'<p class="helptext" id="tz-hint" hidden>', html)  # shown only by the script, with a zone
    assert re.search(r'<label class="check" for="id_quiz_counts_as_review"><input type="checkbox"', html)


# --- search -----------------------------------------------------------------------------------------------------

def test_searching_a_person_lists_the_works_they_wrote(facts):
    hits = search("Trotsky")
    works = {h.key for h in hits if h.kind == "work"}
    from studyapp.facts.models import Work

    his = set(Work.objects.filter(author__key="leon-trotsky").values_list("key", flat=True))
    assert his and his <= works
    named = [h for h in hits if h.matched]  # name and title matches first, then his works, then mentions
    assert {h.key for h in hits[len(named):len(named) + len(his)]} == his
