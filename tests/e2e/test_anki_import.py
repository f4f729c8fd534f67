"""Bringing reviews back from Anki in the browser: our .apkg downloaded, studied in a real anki collection,
exported with scheduling and uploaded on the settings page; a bad file is named beside the field."""

import datetime as dt

import pytest
from anki.collection import Collection, ExportAnkiPackageOptions, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.scheduler.v3 import CardAnswer

from tests.e2e.conftest import sign_up
from tests.e2e.test_pages import Checker

pytestmark = pytest.mark.e2e
T0 = int(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC).timestamp() * 1000)


def studied_in_anki(downloaded, folder):
    """Our package imported into a fresh anki collection, two of its cards answered Good at set times, exported
    with scheduling."""
    col = Collection(str(folder / "collection.anki2"))
    col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(downloaded), options=ImportAnkiPackageOptions(merge_notetypes=True)))
    for offset, card_id in enumerate(sorted(col.find_cards(""))[:2]):
        card = col.get_card(card_id)
        card.start_timer()
        answer = col.sched.build_answer(card=card, states=col._backend.get_scheduling_states(card_id),
                                        rating=CardAnswer.GOOD)
        answer.answered_at_millis = T0 + offset * 60_000
        col.sched.answer_card(answer)
    out = folder / "studied.apkg"
    col.export_anki_package(out_path=str(out), limit=None, options=ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, with_media=False))
    col.close()
    return out


def test_reviews_made_in_anki_come_back_from_the_settings_page(new_page, shot, tmp_path):
    page = new_page()
    checker = Checker(page, shot, "desktop")
    sign_up(page, "ankiuser")
    page.goto("/export/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download .apkg").click()
    ours = tmp_path / "ours.apkg"
    download.value.save_as(ours)
    studied = studied_in_anki(ours, tmp_path)

    page.goto("/settings/")
    page.get_by_role("link", name="Bring back reviews from Anki").click()
    page.wait_for_load_state()
    checker.check("form")
    page.get_by_label("Anki package").set_input_files(str(studied))
    page.get_by_role("button", name="Import reviews").click()
    page.wait_for_load_state()

    assert page.get_by_role("status").inner_text().strip() == "Imported 2 reviews from Anki; 2 cards rescheduled."
    checker.check("imported")
    checker.assert_clean()


def test_a_file_that_is_not_a_package_is_named_beside_the_field(new_page, shot, tmp_path):
    page = new_page()
    checker = Checker(page, shot, "desktop")
    sign_up(page, "ankinot")
    text = tmp_path / "notes.apkg"
    text.write_text("Who was Victor Serge?")
    page.goto("/settings/anki-reviews/")

    page.get_by_label("Anki package").set_input_files(str(text))
    with page.expect_response("**/settings/anki-reviews/") as response:
        page.get_by_role("button", name="Import reviews").click()
    page.wait_for_load_state()

    field = page.get_by_label("Anki package")
    assert response.value.status == 400
    assert field.get_attribute("aria-invalid") == "true"
    assert "This is not an Anki package" in page.locator(".errorlist").inner_text()
    checker.check("error", expected_status=400)
    checker.assert_clean()
