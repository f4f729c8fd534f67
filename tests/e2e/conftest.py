"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Run with `make e2e`; the normal `make test` leaves them out (pyproject's addopts has `-m "not e2e"`).
"""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the fixtures make are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
PASSWORD = "correct-horse-battery-staple-42"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser(playwright):
    """Debian's Chromium, headless (Playwright's own browser download does not work here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make e2e`, which installs it with apt-get")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def fact_base(live_server):
    """The real fact base, loaded into the live server's (transactional, flushed after each test) database."""
    from studyapp.content import load_facts
    from studyapp.facts.loading import fixture_files

    return load_facts(paths=fixture_files(ROOT / "fixtures" / "serge"))


@pytest.fixture
def base_url(live_server, fact_base):
    return live_server.url


@pytest.fixture
def new_page(browser, base_url):
    """Opens a fresh browser context (its own cookies) at a given viewport; all are closed after the test."""
    contexts = []

    def open_page(viewport=None, **options):
        """options: more of Playwright's context options (timezone_id, java_script_enabled, ...)."""
        context = browser.new_context(base_url=base_url, viewport=viewport or {"width": 1280, "height": 900},
                                      accept_downloads=True, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def shot(request):
    """shot(page, name): a full-page screenshot under tests/e2e/artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        slug = re.sub(r"[^a-z0-9]+", "-", f"{request.node.name}-{name}".lower()).strip("-")
        path = ARTIFACTS / f"{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_up(page, username, password=PASSWORD):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Log out").is_visible(), page.content()


def log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Log out").is_visible(), page.content()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Log in").first.is_visible()
