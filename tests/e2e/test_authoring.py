"""The authoring journey of issue 21 in a real (headless) Chromium: a new user creates an unlisted collection, pastes
a text, selects passages in the reader with the mouse (real DOM selections), makes a person and a dated event from
them with a card preview, studies the cards, downloads them as an .apkg (read back with the official anki package),
and a second user opens the unlisted link and studies the collection. Then the same without JavaScript: a pasted
quote still makes a fact."""

from pathlib import Path

import pytest

from tests.e2e.conftest import sign_up
from tests.e2e.test_pages import Checker

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "notes" / "screenshots"
TEXT = ("Anna Karlova was born in Prague in 1901. She wrote “The Glass River” in March 1931.\n\n"
        "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno. Later Karlova wrote plays.")
BORN = "Anna Karlova was born in Prague in 1901."
FOUNDED = "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno."

# The viewport points of the first and last characters of `passage` in the reader's text: where a mouse drag
# starts and ends to select exactly it.
POINTS_JS = """(passage) => {
  for (const para of document.querySelectorAll('#source-text .para')) {
    const node = para.firstChild, at = node.textContent.indexOf(passage);
    if (at < 0) continue;
    const rect = (start, end) => { const r = document.createRange(); r.setStart(node, start); r.setEnd(node, end);
                                   return r.getBoundingClientRect(); };
    const first = rect(at, at + 1), last = rect(at + passage.length - 1, at + passage.length);
    return [first.left + 1, first.top + first.height / 2, last.right - 1, last.top + last.height / 2];
  }
  return null;
}"""


@pytest.fixture(autouse=True)
def _give_back_the_sign_up_allowance(live_server):
    """Sign-ups are counted per address (20 an hour) in the database cache, which outlives each test's flush: this
    module's three are given back afterwards, so the rest of the browser suite keeps the allowance it had."""
    yield
    from django.core.cache import cache

    cache.clear()


def drag_select(page, passage, *, until=None):
    """Select from the first character of `passage` to the last one of `until` (default: the passage itself)
    by pressing the mouse button, moving and releasing it, as a reader does."""
    # A press inside the current selection would drag that text away instead of selecting: clear it first.
    page.evaluate("() => window.getSelection().removeAllRanges()")
    start = page.evaluate(POINTS_JS, passage)
    end = page.evaluate(POINTS_JS, until or passage)
    assert start and end, f"{passage!r} is not in the reader"
    page.mouse.move(start[0], start[1])
    page.mouse.down()
    page.mouse.move((start[0] + end[2]) / 2, (start[1] + end[3]) / 2, steps=4)
    page.mouse.move(end[2], end[3], steps=4)
    page.mouse.up()


def test_a_new_user_builds_a_collection_studies_it_exports_it_and_shares_it(new_page, shot, tmp_path):
    from anki.collection import Collection as AnkiCollection
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    from studyapp.cards.models import Card
    from studyapp.study.models import ReviewLog

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page()
    checker = Checker(page, shot, "desktop")
    sign_up(page, "teacher")

    # A collection, unlisted.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Collections").click()
    page.get_by_label("Title").fill("Czech theatre")
    page.get_by_label("Description").fill("Playwrights of the First Republic.")
    page.get_by_label("Visibility").select_option("unlisted")
    page.get_by_role("button", name="Create the collection").click()
    page.wait_for_url("**/collections/czech-theatre/")
    share_url = page.get_by_label("The link to share").input_value()
    assert share_url.endswith("/collections/czech-theatre/")

    # A pasted text.
    page.get_by_role("link", name="Add a source").click()
    page.get_by_label("Title").fill("A history of the Brno stage")
    page.get_by_label("Author").fill("J. Doe")
    page.get_by_label("Or paste the text").fill(TEXT)
    page.get_by_role("button", name="Add the source").click()
    page.wait_for_url("**/collections/czech-theatre/sources/a-history-of-the-brno-stage/")
    page.wait_for_load_state("load")
    assert [p.strip() for p in page.locator("#source-text .para").all_inner_texts()] == TEXT.split("\n\n")

    # A selection across the two paragraphs is refused with a message; one inside a paragraph is the quote.
    quote = page.get_by_label("Passage", exact=True)
    drag_select(page, "Glass River", until="In 1936")
    message = page.locator("#passage-message")
    message.filter(has_text="within one paragraph").wait_for()
    assert quote.input_value() == ""
    drag_select(page, BORN)
    page.wait_for_function("text => document.getElementById('passage-quote').value === text", arg=BORN)
    assert page.evaluate("() => window.getSelection().toString()") == BORN
    assert message.inner_text() == "Selected: 8 words. Choose what it becomes."
    checker.check("reader-selection")
    page.screenshot(path=str(SCREENSHOTS / "reader.png"), full_page=True)

    # A person citing it: preview, then save.
    page.get_by_role("button", name="New person citing this").click()
    page.wait_for_url("**/collections/czech-theatre/new/person/?*")
    assert page.locator("#id_cite-0-quote").input_value() == BORN
    page.locator("#id_name").fill("Anna Karlova")
    page.locator("#id_description").fill("Czech playwright who founded the Free Theatre of Brno.")
    page.locator("#id_weight").select_option("core")
    page.get_by_role("button", name="Preview cards").click()
    preview = page.locator("#preview")
    preview.wait_for()
    assert preview.get_by_role("heading", level=2).inner_text() == "The cards it would make (2)"
    assert "Who was Anna Karlova?" in preview.inner_text()
    assert preview.get_by_text("It breaks no card rule.").is_visible()
    checker.check("person-preview")
    page.screenshot(path=str(SCREENSHOTS / "fact-form-preview.png"), full_page=True)
    assert Card.objects.filter(collection__key="czech-theatre").count() == 0  # a preview keeps nothing
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/collections/czech-theatre/person/anna-karlova/")
    assert page.locator("#fact-cards > li").count() == 2
    assert page.locator("#citations blockquote").inner_text() == f"“{BORN}”"

    # A dated event from a second selection, with the person ticked.
    page.get_by_role("link", name="A history of the Brno stage").first.click()
    page.wait_for_load_state("load")
    paragraph = TEXT.split("\n\n")[1]
    page.locator("#source-text .para").nth(1).click(click_count=3)  # a whole paragraph, as a reader selects it
    page.wait_for_function("text => document.getElementById('passage-quote').value === text", arg=paragraph)
    drag_select(page, FOUNDED)
    page.wait_for_function("text => document.getElementById('passage-quote').value === text", arg=FOUNDED)
    page.get_by_role("button", name="New event citing this").click()
    page.wait_for_url("**/new/event/?*")
    page.locator("#id_when").fill("1936")
    page.locator("#id_date").fill("1936-01-01")
    page.locator("#id_precision").select_option("year")
    page.locator("#id_description").fill("The Free Theatre of Brno is founded.")
    page.get_by_label("Anna Karlova").check()
    page.locator("#id_weight").select_option("core")
    page.get_by_role("button", name="Preview cards").click()
    page.locator("#preview").wait_for()
    assert "Prompt: In what year did this happen? The Free Theatre of Brno is founded." in \
        page.locator("#preview").inner_text()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/collections/czech-theatre/event/**")
    assert page.locator("#fact-cards > li").count() == 1
    checker.check("event-page")
    live = Card.objects.filter(collection__key="czech-theatre", retired=False).count()

    # Study the collection: one card answered.
    page.goto("/collections/czech-theatre/")
    page.locator("#study-link").click()
    page.wait_for_url("**/study/?collection=czech-theatre")
    assert "Czech theatre" in page.locator("#study-collection").inner_text()
    page.get_by_text("Show answer").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Good").click()
    assert ReviewLog.objects.filter(user__username="teacher", card__collection__key="czech-theatre").count() == 1

    # Export to Anki: a real .apkg with the collection's decks.
    page.goto("/collections/czech-theatre/")
    with page.expect_download() as download:
        page.locator("#export-link").click()
    package = tmp_path / "czech.apkg"
    download.value.save_as(package)
    assert download.value.suggested_filename.startswith("czech-theatre")
    anki = AnkiCollection(str(tmp_path / "collection.anki2"))
    anki.import_anki_package(ImportAnkiPackageRequest(package_path=str(package),
                                                      options=ImportAnkiPackageOptions(merge_notetypes=True)))
    decks = sorted(d.name for d in anki.decks.all_names_and_ids())
    assert "Czech theatre::People" in decks and "Czech theatre::Events" in decks
    assert anki.card_count() == live
    fronts = " ".join(anki.get_note(n).fields[0] for n in anki.find_notes(""))
    assert "Anna Karlova" in fronts
    anki.close()

    # A second user opens the unlisted link and studies it.
    other = new_page()
    sign_up(other, "student")
    other.goto(share_url)
    assert other.get_by_role("heading", level=1).inner_text() == "Czech theatre"
    assert other.get_by_role("link", name="Add a source").count() == 0
    other.locator("#study-link").click()
    other.wait_for_url("**/study/?collection=czech-theatre")
    other.get_by_text("Show answer").click()
    with other.expect_navigation():
        other.get_by_role("button", name="Good").click()
    assert ReviewLog.objects.filter(user__username="student", card__collection__key="czech-theatre").count() == 1
    checker.assert_clean()


def test_without_javascript_a_pasted_quote_still_makes_a_fact(new_page):
    page = new_page(java_script_enabled=False)
    sign_up(page, "nojs")
    page.goto("/collections/")
    page.get_by_label("Title").fill("Notes")
    page.get_by_role("button", name="Create the collection").click()
    page.get_by_role("link", name="Add a source").click()
    page.get_by_label("Title").fill("Chapter one")
    page.get_by_label("Or paste the text").fill(TEXT)
    page.get_by_role("button", name="Add the source").click()
    page.get_by_label("Passage", exact=True).fill(BORN)
    page.get_by_role("button", name="New person citing this").click()
    assert page.locator("#id_cite-0-quote").input_value() == BORN
    page.locator("#id_name").fill("Anna Karlova")
    page.locator("#id_description").fill("Czech playwright.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/collections/notes/person/anna-karlova/")
    assert page.locator("#fact-cards > li").count() == 2


# --- usability test 21 -----------------------------------------------------------------------------------------

LONG = "\n\n".join([
    "Hollowmere is a quarry village under Black Crag. Its slate works opened in 1838, when Edmund Farrow cut the "
    "first gallery into the hill.",
    "Agnes Pellow taught at the chapel school from 1861. Thomas Rudd led the rockmen in the strike of 1889 to 1891.",
    "In March 1894 the new incline opened. Mary Farrow and John Pellow married in 1872 and Walter Rudd was born in "
    "1874. Samuel Trewin came in 1880, and Ellen Trewin in 1881. Peter Hale left for Wales in 1886.",
])


def _reader_collection(username):
    from django.contrib.auth import get_user_model

    from studyapp.facts.models import Visibility
    from studyapp.facts.services import collection_create, source_create
    from tests.conftest import make_user

    user = make_user(username)
    collection = collection_create(owner=user, title="Hollowmere", description="", visibility=Visibility.PRIVATE)
    source_create(collection=collection, by=user, title="Notes on Hollowmere", text=LONG)
    return get_user_model().objects.get(pk=user.pk)


def test_the_reader_scrolls_as_one_page_so_the_suggestions_are_reached_by_scrolling(new_page, shot):
    """Finding 4: at 1280×800 the side column is no scroll box of its own; the last suggestion is reached by
    scrolling the page. Finding 6: "New event citing this" from a selection opens the form with its date."""
    from tests.e2e.test_pages import log_in

    _reader_collection("reader21")
    page = new_page(viewport={"width": 1280, "height": 800})
    log_in(page, "reader21")
    page.goto("/collections/hollowmere/sources/notes-on-hollowmere/")
    page.wait_for_load_state("load")
    side = page.evaluate("""() => { const s = document.querySelector('.reader-side');
      return [getComputedStyle(s).overflowY, s.scrollHeight - s.clientHeight]; }""")
    assert side == ["visible", 0]
    last = page.locator(".suggestion").last
    assert page.locator(".suggestion").count() > 8
    last.scroll_into_view_if_needed()
    assert last.is_visible()
    assert page.evaluate("() => window.scrollY") > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reader-1280x800-scrolled.png"))
    page.evaluate("() => window.scrollTo(0, 0)")
    drag_select(page, "Its slate works opened in 1838, when Edmund Farrow cut the first gallery into the hill.")
    page.wait_for_function("() => document.getElementById('passage-quote').value.startsWith('Its slate')")
    page.get_by_role("button", name="New event citing this").click()
    page.wait_for_url("**/new/event/?*")
    assert [page.locator(f"#id_{name}").input_value() for name in ("when", "date", "precision", "end")] == [
        "1838", "1838-01-01", "year", ""]


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}])
def test_after_preview_the_page_lands_on_the_preview_with_focus_on_its_heading(new_page, viewport):
    """Findings 8 and 12: the preview is in view and its heading has the focus (keyboard, screen readers)."""
    from tests.e2e.test_pages import log_in

    name = f"preview{viewport['width']}"
    _reader_collection(name)
    page = new_page(viewport=viewport)
    log_in(page, name)
    page.goto("/collections/hollowmere/new/person/?source=notes-on-hollowmere&quote="
              "Agnes+Pellow+taught+at+the+chapel+school+from+1861.")
    page.locator("#id_name").fill("Agnes Pellow")
    page.locator("#id_description").fill("The schoolmistress of the chapel school.")
    page.get_by_role("button", name="Preview cards").click()
    page.wait_for_url("**#preview")
    page.locator("#preview").wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'preview-title'")
    top = page.evaluate("() => document.getElementById('preview').getBoundingClientRect().top")
    assert 0 <= top < viewport["height"] / 2
    if viewport["width"] < 500:
        assert page.evaluate("() => window.scrollY") > 500
