"""The journeys of issue 10, each in a real (headless) Chromium against the live server."""

import re
import zipfile

import pytest

from tests.e2e.conftest import ARTIFACTS, PHONE, log_in, log_out, sign_up

pytestmark = pytest.mark.e2e

# Every form field (but hidden inputs) has a <label>, aria-label or aria-labelledby; returns the ones that do not.
UNLABELLED_JS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML)"""

# The visible controls in <main> a keyboard user must be able to reach. A group of radio buttons is one Tab stop
# (the arrow keys move within it), so its buttons share one id.
CONTROLS = "main a[href], main button, main input, main select, main textarea, main summary"
CONTROLS_JS = """() => {
  const ids = [], groups = {};
  document.querySelectorAll('""" + CONTROLS + """').forEach(el => {
    if (el.type === 'hidden' || el.disabled || !el.checkVisibility()) return;
    const group = el.type === 'radio' ? (el.form ? el.form.id || 'f' : '') + ':' + el.name : null;
    const id = group && group in groups ? groups[group] : String(ids.length);
    if (group) groups[group] = id;
    el.dataset.e2eId = id;
    if (!ids.includes(id)) ids.push(id);
  });
  return ids.map(Number);
}"""

FOCUSED_JS = "() => document.activeElement && document.activeElement.dataset.e2eId"


def counts(page):
    return page.locator("p.counts").inner_text()


def progress(page):
    return int(page.locator("div.progress").get_attribute("aria-valuenow"))


def assert_no_horizontal_scroll(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: scrollWidth {width[0]} > clientWidth {width[1]}"


def assert_every_field_labelled(page):
    assert page.evaluate(UNLABELLED_JS) == [], f"{page.url} has form fields without a label"


def assert_keyboard_reaches_every_control(page):
    """Tab from the top of the page until focus has been on every visible control in <main>."""
    wanted = set(page.evaluate(CONTROLS_JS))
    assert wanted, f"{page.url} has no controls"
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    reached = set()
    for _ in range(len(wanted) + 40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused is not None:
            reached.add(int(focused))
        if wanted <= reached:
            break
    missing = page.evaluate("ids => ids.map(i => document.querySelector(`[data-e2e-id='${i}']`).outerHTML)",
                            sorted(wanted - reached))
    assert not missing, f"{page.url}: Tab never reaches {missing}"


def take_quiz(page, size=5):
    """Set up a multiple-choice quiz and answer every question; returns the feedback texts seen."""
    page.goto("/quiz/")
    page.get_by_label("Number of questions").fill(str(size))
    for kind in ("Typed answer", "True or false", "Put in order"):
        page.get_by_label(kind).uncheck()
    page.get_by_label("Multiple choice").check()
    page.get_by_role("button", name="Start the quiz").click()
    feedback = []
    for number in range(1, size + 1):
        page.get_by_role("heading", name=f"Question {number} of {size}").wait_for()
        options = page.locator("#question input[type=radio]")
        assert options.count() >= 2
        options.nth(number % options.count()).check()
        page.get_by_role("button", name="Answer").click()
        last = page.locator("#last-answer")
        last.wait_for()
        feedback.append(last.inner_text())
        assert last.locator(".feedback").count() == 1
        assert re.search(r"\b(Right|Wrong)\.", last.inner_text())
        assert last.locator("blockquote.quote").count() >= 1, "feedback shows no citation"
    return feedback


def test_study_with_the_keyboard(page, shot):
    sign_up(page, "reader")
    page.goto("/study/")
    shot(page, "study")
    before, start = counts(page), progress(page)
    assert re.search(r"[1-9]\d* new", before), before

    answer = page.locator("#reveal .answer-text")
    assert not answer.is_visible()
    assert page.locator("summary#show-answer").inner_text().startswith("Show answer")
    page.keyboard.press("Space")
    assert page.locator("details#reveal").evaluate("d => d.open")
    assert answer.is_visible()
    assert page.locator("summary#show-answer").inner_text().startswith("Hide answer")  # says what it does now
    assert page.locator("#reveal blockquote.quote").count() >= 1, "the answer shows no citation"
    shot(page, "answer")

    seen = [(before, start)]
    for key in "3124":
        if not page.locator("details#reveal").count():
            break
        page.locator("#reveal summary#show-answer").wait_for()
        page.keyboard.press("Space")
        with page.expect_navigation():
            page.keyboard.press(key)
        seen.append((counts(page), progress(page) if page.locator("div.progress").count() else 100))
    assert seen[1][0] != before, "the counts did not change after a rating"
    assert seen[1][1] > start, "the progress bar did not move after a rating"
    assert page.locator(".messages li.error").count() == 0
    shot(page, "rated")

    with page.expect_navigation():
        page.keyboard.press("z")
    assert "Undid your answer" in page.get_by_role("status").inner_text()
    assert (counts(page), progress(page)) == seen[-2], "undo did not restore the counts and progress"

    current = page.locator("h1.prompt").inner_text()
    page.get_by_role("button", name="Suspend").click()
    page.wait_for_load_state()
    assert f"Suspended “{current}”" in page.get_by_role("status").inner_text()
    assert page.locator("h1.prompt").inner_text() != current
    shot(page, "suspended")

    page.goto("/stats/")
    assert "Suspended: 1" in page.locator("#by-state").inner_text()


def test_multiple_choice_quiz(page, shot):
    sign_up(page, "quizzer")
    page.goto("/quiz/")
    shot(page, "setup")
    feedback = take_quiz(page, size=5)
    assert len(feedback) == 5
    results = page.locator("ol.results > li")
    page.get_by_role("heading", name="Quiz results").wait_for()
    assert results.count() == 5
    assert results.locator("blockquote.quote").count() >= 5
    score = page.locator("p.score").inner_text()
    assert re.fullmatch(r"[0-5] of 5 right\.", score), score
    shot(page, "results")

    page.get_by_role("link", name="Past quizzes").click()
    page.get_by_role("heading", name="Past quizzes").wait_for()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert re.search(r"[0-5]/5\s+5/5", rows.first.inner_text())
    shot(page, "history")


def test_export_downloads_an_anki_package(page, shot, tmp_path):
    sign_up(page, "ankifan")
    page.goto("/export/")
    shot(page, "export")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download .apkg").click()
    download = info.value
    assert download.suggested_filename.endswith(".apkg")
    target = ARTIFACTS / "export.apkg"
    ARTIFACTS.mkdir(exist_ok=True)
    download.save_as(target)
    assert zipfile.is_zipfile(target)
    with zipfile.ZipFile(target) as apkg:
        names = apkg.namelist()
        assert {"collection.anki2", "collection.anki21"} & set(names), names
        assert apkg.testzip() is None


def test_log_out_log_in_and_users_are_separate(new_page, shot):
    first = new_page()
    sign_up(first, "first")
    first.goto("/study/")
    fresh_counts = counts(first)
    first.keyboard.press("Space")
    with first.expect_navigation():
        first.keyboard.press("3")
    studied_counts = counts(first)
    assert studied_counts != fresh_counts
    take_quiz(first, size=2)
    log_out(first)
    first.goto("/study/")
    assert "/accounts/login/" in first.url, "the study page is visible after logging out"

    first.goto("/accounts/login/")
    shot(first, "login")
    log_in(first, "first")
    first.goto("/study/")
    assert counts(first) == studied_counts
    first.goto("/quiz/history/")
    assert first.locator("table tbody tr").count() == 1
    first.goto("/stats/")
    assert re.search(r"(Learning|Review|Relearning): 1\b", first.locator("#by-state").inner_text())
    log_out(first)
    shot(first, "landing")

    second = new_page()
    second.goto("/accounts/signup/")
    shot(second, "signup")
    sign_up(second, "second")
    second.goto("/study/")
    assert counts(second) == fresh_counts, "the second user sees the first user's study progress"
    assert progress(second) == 0
    second.goto("/quiz/history/")
    assert "No quiz yet" in second.locator("main").inner_text()
    assert second.locator("table").count() == 0
    second.goto("/stats/")
    by_state = second.locator("#by-state").inner_text()
    assert re.search(r"Learning: 0.*Review: 0.*Relearning: 0.*Suspended: 0", by_state, re.S), by_state
    assert second.locator("#retention7").inner_text() == "no reviews yet"
    shot(second, "second-user-stats")


@pytest.mark.parametrize("path", ["/study/", "/study/#answer", "/quiz/", "/quiz/#question", "/stats/"])
def test_phone_layout_labels_and_keyboard(new_page, shot, path):
    page = new_page(viewport=PHONE)
    sign_up(page, "phone")
    if path == "/quiz/#question":
        page.goto("/quiz/")
        page.get_by_label("Number of questions").fill("3")
        page.get_by_role("button", name="Start the quiz").click()
        page.get_by_role("heading", name=re.compile(r"Question 1 of 3")).wait_for()
    elif path == "/stats/":
        page.goto("/study/")
        page.keyboard.press("Space")
        with page.expect_navigation():
            page.keyboard.press("3")
        page.goto("/stats/")
    else:
        page.goto(path.split("#")[0])
    if path == "/study/#answer":
        page.keyboard.press("Space")
        page.locator("#reveal .answer-text").wait_for()
    shot(page, "phone")
    assert_no_horizontal_scroll(page)
    assert_every_field_labelled(page)
    assert_keyboard_reaches_every_control(page)


def test_keyboard_alone_studies_and_takes_a_quiz(new_page):
    """No mouse: Tab to a control, Enter or Space to use it."""
    page = new_page(viewport=PHONE)
    sign_up(page, "keys")
    page.goto("/study/")
    before = counts(page)
    page.locator("summary#show-answer").focus()
    page.keyboard.press("Enter")
    assert page.locator("#reveal .answer-text").is_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('rating')"):
            break
    assert page.evaluate("() => document.activeElement.dataset.key") == "1"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.key") == "3"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert counts(page) != before

    page.goto("/quiz/")
    page.get_by_label("Deck").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Control+a")  # the size field
    page.keyboard.type("2")
    assert page.get_by_label("Number of questions").input_value() == "2"
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field submits the form
    for number in (1, 2):
        page.get_by_role("heading", name=f"Question {number} of 2").wait_for()
        # Tab from the top of <main> to the first answer control, answer it, then submit with Enter.
        page.locator("main h1").evaluate("h => { h.tabIndex = -1; h.focus(); }")
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.type]")
        assert focused[0] in ("INPUT", "BUTTON"), focused
        if focused == ["INPUT", "radio"]:
            page.keyboard.press("Space")
            with page.expect_navigation():
                page.keyboard.press("Enter")
        elif focused == ["INPUT", "text"]:
            page.keyboard.type("Victor Serge")
            with page.expect_navigation():
                page.keyboard.press("Enter")
        else:  # put in order: each event's Up and Down buttons (issue 19), the first one Down
            assert page.evaluate("() => document.activeElement.dataset.move") == "down"
            first = page.locator("#order-list .order-text").first.inner_text()
            page.keyboard.press("Enter")  # moves the first event down; the focus stays with it
            assert page.locator("#order-list .order-text").nth(1).inner_text() == first
            while page.evaluate("() => document.activeElement.textContent.trim()") != "Answer":
                page.keyboard.press("Tab")
            with page.expect_navigation():
                page.keyboard.press("Enter")  # on the Answer button
        page.locator("#last-answer").wait_for()
    page.get_by_role("heading", name="Quiz results").wait_for()
