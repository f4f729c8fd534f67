"""Every page a user can reach, at a desktop and a phone size (issue 19): the page is no wider than the screen,
logs no console error, and axe-core finds no serious or critical WCAG 2.2 A/AA violation. Then the error pages,
drag-to-order and its keyboard way (and without JavaScript), and the time zone taken from the browser at sign-up.

axe-core is the npm registry's file, kept in tests/e2e/vendor/ and injected through Playwright (evaluate runs
outside the page's Content-Security-Policy, which would refuse an injected script tag).
"""

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE, log_in, sign_up

pytestmark = pytest.mark.e2e

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}"""
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": PHONE}


class Checker:
    """Visits pages in one browser tab and collects every problem, so one run lists them all."""

    def __init__(self, page, shot, size):
        self.page, self.shot, self.size = page, shot, size
        self.problems, self.errors = [], []
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def visit(self, path, *, status=200, name=None):
        self.errors.clear()
        response = self.page.goto(path)
        self.page.wait_for_load_state("load")
        assert response.status == status, f"{path}: status {response.status}, expected {status}"
        self.check(name or path, expected_status=status)

    def check(self, name, *, expected_status=200):
        """The page now shown: width, console, axe; and a screenshot to look at."""
        page = self.page
        width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            self.problems.append(f"{name}: {width[0]} px wide on a {width[1]} px screen")
        # The browser reports an error page's own status as a console error; anything else is a real one.
        errors = [e for e in self.errors if not (expected_status >= 400 and f"status of {expected_status}" in e)]
        self.problems += [f"{name}: console error {e}" for e in errors]
        page.evaluate(AXE)
        self.problems += [f"{name}: {v}" for v in page.evaluate(AXE_RUN, WCAG)]
        self.shot(page, name)  # the test's name already says which size

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)


def _fact_keys():
    """A person, a work, an event and a source with plenty on their pages (Serge himself where he exists)."""
    from django.db.models import Count

    from studyapp.facts.models import Event, Person, Source, Work

    def most(model):
        return model.objects.annotate(n=Count("citations")).order_by("-n", "key").values_list("key", flat=True)[0]

    return {"person": most(Person), "work": most(Work), "event": most(Event), "source": most(Source)}


def _public_pages():
    keys = _fact_keys()
    return ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/cards/", "/cards/?deck=people",
            "/timeline/", "/timeline/?period=1917-1921", "/people/", f"/people/{keys['person']}/", "/works/",
            f"/works/{keys['work']}/", f"/events/{keys['event']}/", "/sources/", f"/sources/{keys['source']}/",
            "/periods/1917-1921/", "/search/", "/search/?q=Trotsky"]


@pytest.mark.parametrize("size", SIZES)
def test_every_public_page_fits_logs_no_error_and_passes_axe(new_page, shot, size):
    checker = Checker(new_page(viewport=SIZES[size]), shot, size)
    for path in _public_pages():
        checker.visit(path)
    checker.visit("/no-such-page/", status=404, name="404")
    checker.assert_clean()


def _start_quiz(page, kinds, size=3, deck="All"):
    page.goto("/quiz/")
    page.get_by_label("Deck").select_option(label=deck)
    page.get_by_label("Number of questions").fill(str(size))
    for kind in ("Multiple choice", "Typed answer", "True or false", "Put in order"):
        page.get_by_label(kind).set_checked(kind in kinds)
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("heading", name=re.compile(r"Question 1 of \d+")).wait_for()
    page.wait_for_load_state("load")  # the page's deferred scripts have run


def _answer_current(page):
    if page.locator("#answer").count():
        page.locator("#answer").fill("Victor Serge")
    elif page.locator("#question input[type=radio]").count():
        page.locator("#question input[type=radio]").first.check()
    page.get_by_role("button", name="Answer", exact=True).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("size", SIZES)
def test_every_signed_in_page_fits_logs_no_error_and_passes_axe(new_page, shot, size):
    page = new_page(viewport=SIZES[size])
    checker = Checker(page, shot, size)
    sign_up(page, f"pages{size}")
    checker.check("welcome")
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("3")  # one review, so stats and mastery have something to show
    page.keyboard.press("Space")
    checker.check("study-answer")
    for path in ["/study/", "/study/suspended/", "/quiz/", "/quiz/history/", "/stats/", "/export/", "/settings/",
                 "/settings/anki-reviews/", "/accounts/password/change/", "/accounts/delete/", "/timeline/", "/people/",
                 *_public_pages()[8:]]:
        checker.visit(path, name=f"signed-in{path}")

    # A quiz of every kind: each question page, the feedback above the next, and the results.
    _start_quiz(page, ["Multiple choice", "Typed answer", "True or false", "Put in order"], size=4)
    number = 1
    while not page.get_by_role("heading", name="Quiz results").count():
        checker.errors.clear()
        checker.check(f"quiz-question-{number}")
        _answer_current(page)
        number += 1
    checker.check("quiz-results")
    checker.visit("/quiz/history/", name="quiz-history")
    checker.assert_clean()


def _authoring_pages(username):
    """A collection of the user's (a source, a person, a work by them, an event) made through the services, and
    every authoring page of it (issue 21)."""
    from django.contrib.auth import get_user_model

    from studyapp.authoring.services import fact_author
    from studyapp.facts.services import collection_create, source_create

    user = get_user_model().objects.get(username=username)
    collection = collection_create(owner=user, title="Reading group", description="Our books.", visibility="unlisted")
    text = ("Anna Karlova was born in Prague in 1901. She wrote “The Glass River” in March 1931.\n\n"
            "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno.")
    source_create(collection=collection, by=user, title="Chapter one", text=text, author="J. Doe", year=1990)
    cite = [{"source": "chapter-one", "quote": "Anna Karlova was born in Prague in 1901."}]
    fact_author(collection=collection, by=user, kind="person", citations=cite,
                fields={"name": "Anna Karlova", "description": "Czech playwright.", "weight": "core"})
    fact_author(collection=collection, by=user, kind="work", fields={
        "title": "The Glass River", "kind": "novel", "author": ["anna-karlova"], "year": 1931, "weight": "core"},
        citations=[{"source": "chapter-one", "quote": "She wrote “The Glass River” in March 1931."}])
    fact_author(collection=collection, by=user, kind="event", fields={
        "when": "1936", "date": "1936-01-01", "precision": "year", "description": "A theatre is founded in Brno.",
        "people": [["anna-karlova"]], "weight": "core"},
        citations=[{"source": "chapter-one", "quote": text.split("\n\n")[1]}])
    base = "/collections/reading-group/"
    return ["/collections/", base, f"{base}sources/new/", f"{base}sources/chapter-one/", f"{base}new/person/",
            f"{base}new/work/", f"{base}new/event/", f"{base}person/anna-karlova/", f"{base}work/the-glass-river/",
            f"{base}event/1936-a-theatre-is-founded-in-brno/", f"{base}person/anna-karlova/remove/",
            f"{base}person/anna-karlova/history/", f"{base}sources/chapter-one/edit/", f"{base}delete/",
            # The collection's own explore, study and stats pages.
            *[f"{path}?collection=reading-group" for path in (
                "/timeline/", "/people/", "/people/anna-karlova/", "/works/", "/works/the-glass-river/",
                "/events/1936-a-theatre-is-founded-in-brno/", "/sources/", "/sources/chapter-one/", "/periods/1930s/",
                "/search/", "/study/", "/stats/", "/quiz/", "/export/")]]


@pytest.mark.parametrize("size", SIZES)
def test_every_authoring_page_fits_logs_no_error_and_passes_axe(new_page, shot, size):
    from tests.conftest import make_user

    page = new_page(viewport=SIZES[size])
    checker = Checker(page, shot, size)
    make_user(f"author{size}")  # not signed up in the browser: the suite's sign-up allowance is 20 an hour
    log_in(page, f"author{size}")
    for path in _authoring_pages(f"author{size}"):
        checker.visit(path, name=f"authoring{path}")
    # The form with its preview, and a refused save with its errors beside the fields.
    page.goto("/collections/reading-group/new/person/?source=chapter-one&quote=Pavel+Novak+founded")
    page.locator("#id_name").fill("Pavel Novak")
    page.locator("#id_description").fill("Co-founder of the Free Theatre of Brno.")
    page.get_by_role("button", name="Preview cards").click()
    page.locator("#preview").wait_for()
    checker.check("authoring-preview")
    page.locator("#id_cite-0-quote").fill("Not in the text.")
    page.get_by_role("button", name="Save").click()
    page.locator("#citation-errors").wait_for()
    checker.check("authoring-refused", expected_status=400)
    # A visitor reads an unlisted collection with its key.
    visitor = Checker(new_page(viewport=SIZES[size]), shot, f"{size}-visitor")
    for path in ["/collections/", "/collections/reading-group/", "/collections/reading-group/sources/chapter-one/",
                 "/collections/reading-group/person/anna-karlova/"]:
        visitor.visit(path, name=f"visitor{path}")
    checker.assert_clean()
    visitor.assert_clean()


# --- error pages -----------------------------------------------------------------------------------------------

@pytest.fixture
def failing_views(settings):
    """The site's URLs plus views that fail on purpose (tests/test_site_pages.py), debug off as in production."""
    settings.ROOT_URLCONF = "tests.test_site_pages"
    settings.DEBUG = False


@pytest.mark.parametrize("size", SIZES)
def test_error_pages_are_in_the_site_layout_with_a_way_home(new_page, shot, failing_views, size):
    checker = Checker(new_page(viewport=SIZES[size]), shot, size)
    for path, status, heading in [("/no-such-page/", 404, "Page not found"),
                                  ("/forbidden/", 403, "You cannot open this page"),
                                  ("/bad/", 400, "This request could not be understood"),
                                  ("/boom/", 500, "Something went wrong on our side")]:
        checker.visit(path, status=status, name=f"error-{status}")
        page = checker.page
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.get_by_role("navigation", name="Main").is_visible()
        assert page.get_by_role("link", name="Home page").get_attribute("href") == "/"
    checker.assert_clean()


# --- order questions ---------------------------------------------------------------------------------------------

def _order_quiz(page):
    """An order question on screen; returns its events in the right order and as stored (from the database)."""
    from studyapp.quiz.models import QuizQuestion

    _start_quiz(page, ["Put in order"], size=1, deck="Events")
    quiz_id = int(re.search(r"/quiz/(\d+)/", page.url).group(1))
    question = QuizQuestion.objects.get(quiz_id=quiz_id)
    return question.solution["order"], question.options


def _shown_order(page):
    return [t.strip() for t in page.locator("#order-list .order-text").all_inner_texts()]


def _posted_order(page, options):
    """The events in the order the form would post them: its hidden inputs, each an index into the options."""
    return [options[int(value)] for value in page.locator("#order-list input[name=order]").evaluate_all(
        "inputs => inputs.map(input => input.value)")]


def _result(page):
    page.get_by_role("heading", name="Quiz results").wait_for()
    return page.locator("#last-answer .verdict").inner_text()


def test_an_order_question_is_answered_by_dragging(new_page, shot):
    page = new_page()
    checker = Checker(page, shot, "desktop")
    sign_up(page, "dragger")
    right, options = _order_quiz(page)
    checker.check("before")
    for place, event in enumerate(right):
        if _shown_order(page)[place] == event:
            continue
        source = page.locator("#order-list .order-item", has_text=event).locator(".order-text")
        target = page.locator("#order-list .order-item").nth(place)
        source.drag_to(target, target_position={"x": 40, "y": 4})
    assert _shown_order(page) == right, "dragging did not put the events in order"
    assert _posted_order(page, options) == right
    assert page.locator("#order-list .order-item").first.locator("[data-move=up]").is_disabled()
    shot(page, "dragged")
    page.get_by_role("button", name="Answer", exact=True).click()
    assert _result(page) == "Right."
    checker.check("result")
    checker.assert_clean()


def test_an_order_question_is_answered_with_the_keyboard(new_page, shot):
    page = new_page(viewport=PHONE)
    checker = Checker(page, shot, "phone")
    sign_up(page, "mover")
    right, options = _order_quiz(page)
    checker.check("before")
    for place, event in enumerate(right):
        item = page.locator("#order-list .order-item", has_text=event)
        moves = _shown_order(page).index(event) - place
        if moves <= 0:
            continue
        item.get_by_role("button", name="Move up").focus()
        for _ in range(moves):
            page.keyboard.press("Enter")
        # The focus stays on the button pressed, and the move is announced.
        assert page.evaluate("() => document.activeElement.closest('.order-item').textContent").count(event) == 1
        status = page.locator("#order-status").inner_text()
        assert status.endswith(f"is now {place + 1} of 4.") and event[:20] in status
    assert _shown_order(page) == _posted_order(page, options) == right
    shot(page, "ordered")
    page.get_by_role("button", name="Answer", exact=True).focus()
    page.keyboard.press("Enter")
    assert _result(page) == "Right."
    checker.check("result")
    checker.assert_clean()


def test_an_order_question_works_without_javascript(new_page, shot):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    sign_up(page, "nojs")
    right, options = _order_quiz(page)
    for place, event in enumerate(right):
        while _shown_order(page).index(event) > place:
            with page.expect_navigation():
                page.locator("#order-list .order-item", has_text=event).get_by_role("button", name="Move up").click()
    assert _shown_order(page) == _posted_order(page, options) == right
    shot(page, "ordered")
    page.get_by_role("button", name="Answer", exact=True).click()
    assert _result(page) == "Right."


# --- the time zone at sign-up ------------------------------------------------------------------------------------

def test_a_new_account_takes_the_browsers_time_zone(new_page, shot):
    page = new_page(timezone_id="America/New_York")
    sign_up(page, "newyorker")
    assert "America/New_York" in page.get_by_role("status").inner_text()  # the welcome says which zone
    shot(page, "welcome")
    page.goto("/settings/")
    assert page.get_by_label("Time zone").input_value() == "America/New_York"
    assert page.locator("#tz-hint").is_hidden()  # the saved zone is the browser's: nothing to offer

    page.get_by_label("Time zone").select_option("UTC")
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state()
    hint = page.locator("#tz-hint")
    assert hint.is_visible() and "Your browser is in America/New York." in hint.inner_text()
    shot(page, "offer")
    page.get_by_role("button", name="Use this time zone").click()
    assert page.get_by_label("Time zone").input_value() == "America/New_York" and hint.is_hidden()


def test_without_javascript_a_new_account_starts_on_utc(new_page):
    page = new_page(timezone_id="Asia/Tokyo", java_script_enabled=False)
    sign_up(page, "plain")
    page.goto("/settings/")
    assert page.get_by_label("Time zone").input_value() == "UTC"
