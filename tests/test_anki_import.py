"""Review history brought back from Anki (issue 20): real packages made by the official anki package.

Each test exports our .apkg, imports it into a fresh anki Collection, answers its cards at set times
(anki's own scheduler builds each answer; only the moment it is stamped with and the time taken are
set, which is what the revlog keeps), exports with scheduling, and imports the file here.
"""

import datetime as dt
import uuid
import zipfile

import pytest
from anki.collection import Collection, ExportAnkiPackageOptions, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.scheduler.v3 import CardAnswer

from studyapp.cards.models import Card
from studyapp.exports import anki_import
from studyapp.exports.anki_import import CorruptPackage, NoScheduling, NotAnAnkiPackage, PackageTooLarge
from studyapp.exports.selectors import export_file
from studyapp.exports.services import anki_reviews_from_package
from studyapp.study import replay, scheduling, services
from studyapp.study.models import ReviewLog, ReviewState
from tests.test_exports import load_small

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
T0 = int(dt.datetime(2025, 3, 2, 9, 0, tzinfo=dt.UTC).timestamp() * 1000)  # ms, as Anki stamps reviews
MIN, DAY = 60_000, 86_400_000
WHO, REVERSE = "person:victor-serge:person_who", "person:victor-serge:person_reverse"
CLOZE = "person:victor-serge:cloze"
EVENT = "event:1919-serge-arrives-in-russia:event_when"
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4  # Anki's buttons, as its revlog numbers them (ease)
BUTTONS = {AGAIN: CardAnswer.AGAIN, HARD: CardAnswer.HARD, GOOD: CardAnswer.GOOD, EASY: CardAnswer.EASY}
# (our card key, Anki ordinal, rating, answered at (ms), time taken (ms)): learning, graduation, a lapse, reverse
ANSWERS = [
    (WHO, 0, AGAIN, T0, 4_200), (WHO, 0, GOOD, T0 + MIN, 3_100), (WHO, 0, GOOD, T0 + 11 * MIN, 2_000),
    (WHO, 0, HARD, T0 + 3 * DAY, 5_500), (WHO, 0, AGAIN, T0 + 9 * DAY, 9_000),
    (WHO, 0, EASY, T0 + 9 * DAY + 600_000, 1_000),
    (REVERSE, 1, GOOD, T0 + 2 * MIN, 7_000), (REVERSE, 1, EASY, T0 + 2 * DAY, 2_500),
    (CLOZE, 0, GOOD, T0 + 5 * MIN, 6_000),
    (EVENT, 0, GOOD, T0 + 4 * DAY + 123, 60_000),
]


@pytest.fixture
def small(db, tmp_path):
    return load_small(tmp_path)


@pytest.fixture
def studied(small, tmp_path):
    """An anki collection holding our export, studied as ANSWERS says, plus a note of the user's own (also studied)."""
    folder = tmp_path / "anki"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    ours = tmp_path / "ours.apkg"
    ours.write_bytes(export_file(fmt="apkg", now=NOW).content)
    col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(ours), options=ImportAnkiPackageOptions(merge_notetypes=True, with_scheduling=False)))
    for key, ordinal, rating, at, took in ANSWERS:
        answer(col, card_of(col, key, ordinal), rating, at, took)
    foreign = col.new_note(col.models.by_name("Basic"))
    foreign["Front"], foreign["Back"] = "Capital of Belgium?", "Brussels"
    col.add_note(foreign, col.decks.id("Default"))
    answer(col, foreign.cards()[0].id, GOOD, T0 + 30 * MIN, 1_500)
    answer(col, foreign.cards()[0].id, GOOD, T0 + DAY, 1_500)
    yield col
    if col.db is not None:
        col.close()


def card_of(col, key, ordinal):
    forward = key.replace(":person_reverse", ":person_who")
    (note_id,) = [nid for nid in col.find_notes('"note:studyapp Basic" or "note:studyapp Cloze"')
                  if col.get_note(nid)["Key"] == forward]
    return next(card.id for card in col.get_note(note_id).cards() if card.ord == ordinal)


def answer(col, card_id, rating, at_ms, took_ms):
    # What anki's Scheduler.answerCard does, with the answer stamped at a set time instead of the clock's.
    card = col.get_card(card_id)
    card.start_timer()
    states = col._backend.get_scheduling_states(card_id)
    built = col.sched.build_answer(card=card, states=states, rating=BUTTONS[rating])
    built.answered_at_millis, built.milliseconds_taken = at_ms, took_ms
    col.sched.answer_card(built)


def export_apkg(col, path, *, scheduling=True, legacy=False):
    col.export_anki_package(out_path=str(path), limit=None, options=ExportAnkiPackageOptions(
        with_scheduling=scheduling, with_deck_configs=scheduling, with_media=False, legacy=legacy))
    return path


def export_colpkg(col, path, *, legacy=False):
    col.export_collection_package(str(path), include_media=False, legacy=legacy)  # closes the collection
    return path


def anki2_only(legacy_apkg, path):
    """The package as Anki 2.0 and genanki write it: the collection in collection.anki2, no meta file."""
    with zipfile.ZipFile(legacy_apkg) as source, zipfile.ZipFile(path, "w") as target:
        target.writestr("collection.anki2", source.read("collection.anki21"))
        target.writestr("media", source.read("media"))
    return path


def expected_reviews():
    cards = dict(Card.objects.values_list("key", "id"))
    return sorted((cards[key], rating, dt.datetime.fromtimestamp(at / 1000, tz=dt.UTC), took, at)
                  for key, _ordinal, rating, at, took in ANSWERS)


def imported_reviews(user):
    return sorted(ReviewLog.objects.filter(user=user, source="anki").values_list(
        "card_id", "rating", "reviewed_at", "duration_ms", "anki_revlog_id"))


# --- every package format ------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    pytest.param(lambda col, tmp: export_colpkg(col, tmp / "c.colpkg"), id="colpkg-anki21b"),
    pytest.param(lambda col, tmp: export_colpkg(col, tmp / "c.colpkg", legacy=True), id="colpkg-legacy-anki21"),
    pytest.param(lambda col, tmp: export_apkg(col, tmp / "s.apkg"), id="apkg-anki21b"),
    pytest.param(lambda col, tmp: export_apkg(col, tmp / "s.apkg", legacy=True), id="apkg-legacy-anki21"),
    pytest.param(lambda col, tmp: anki2_only(export_apkg(col, tmp / "s.apkg", legacy=True), tmp / "old.apkg"),
                 id="apkg-anki2"),
])
def test_it_imports_every_review_with_its_rating_time_and_duration(studied, alice, tmp_path, make):
    path = make(studied, tmp_path)

    report = anki_reviews_from_package(user=alice, path=path)

    assert imported_reviews(alice) == expected_reviews()
    assert (report.imported, report.already_imported, report.cards) == (10, 0, 4)
    assert (report.notes, report.our_notes, report.unknown_notes, report.unknown_reviews) == (8, 7, 1, 2)
    assert (report.unmatched_cards, report.skipped_manual, report.skipped_previews) == (0, 0, 0)


def test_the_format_names_are_what_anki_wrote(studied, tmp_path):
    modern, legacy = export_apkg(studied, tmp_path / "m.apkg"), export_apkg(studied, tmp_path / "l.apkg", legacy=True)
    old = anki2_only(legacy, tmp_path / "o.apkg")

    assert "collection.anki21b" in zipfile.ZipFile(modern).namelist()
    assert "collection.anki21" in zipfile.ZipFile(legacy).namelist()
    assert zipfile.ZipFile(old).namelist() == ["collection.anki2", "media"]


def test_a_second_import_adds_nothing(studied, alice, tmp_path):
    path = export_apkg(studied, tmp_path / "s.apkg")
    anki_reviews_from_package(user=alice, path=path)
    states = list(ReviewState.objects.filter(user=alice).order_by("card_id").values())

    again = anki_reviews_from_package(user=alice, path=path)

    assert (again.imported, again.already_imported, again.cards) == (0, 10, 0)
    assert ReviewLog.objects.filter(user=alice).count() == 10
    assert list(ReviewState.objects.filter(user=alice).order_by("card_id").values()) == states


def test_a_later_export_brings_only_the_new_reviews(studied, alice, tmp_path):
    anki_reviews_from_package(user=alice, path=export_apkg(studied, tmp_path / "first.apkg"))
    answer(studied, card_of(studied, WHO, 0), GOOD, T0 + 30 * DAY, 2_222)

    report = anki_reviews_from_package(user=alice, path=export_apkg(studied, tmp_path / "second.apkg"))

    latest = ReviewLog.objects.filter(user=alice).latest("reviewed_at")
    assert (report.imported, report.already_imported, report.cards) == (1, 10, 1)
    assert (latest.rating, latest.duration_ms, latest.anki_revlog_id) == (3, 2_222, T0 + 30 * DAY)


def test_it_gives_each_review_an_id_derived_from_ankis(studied, alice, tmp_path):
    anki_reviews_from_package(user=alice, path=export_apkg(studied, tmp_path / "s.apkg"))

    log = ReviewLog.objects.get(user=alice, anki_revlog_id=T0)

    assert log.review_id == uuid.uuid5(services.ANKI_REVIEW_NAMESPACE, f"anki-revlog:{T0}")


def test_it_skips_and_counts_manual_entries(studied, alice, tmp_path):
    who = card_of(studied, WHO, 0)
    studied.sched.set_due_date([who], "5")  # a manual entry in the revlog: type 4, ease 0
    studied.sched.schedule_cards_as_new([card_of(studied, CLOZE, 0)])  # "forget": also a manual entry
    manual = studied.db.all("SELECT type, ease FROM revlog WHERE type >= 4")

    report = anki_reviews_from_package(user=alice, path=export_apkg(studied, tmp_path / "s.apkg"))

    assert manual == [[4, 0], [4, 0]]
    assert (report.imported, report.skipped_manual) == (10, 2)


def test_it_skips_and_counts_previews_in_a_filtered_deck_that_does_not_reschedule(studied, alice, tmp_path):
    cram = studied.sched.get_or_create_filtered_deck(deck_id=0)
    cram.name, cram.config.reschedule = "Cram", False
    cram.config.search_terms[0].search, cram.config.search_terms[0].limit = '"deck:Victor Serge::Events"', 10
    studied.sched.add_or_update_filtered_deck(cram)
    answer(studied, card_of(studied, EVENT, 0), HARD, T0 + 20 * DAY, 3_000)  # a preview: schedule untouched
    entry = studied.db.first("SELECT type, ease, factor FROM revlog WHERE id = ?", T0 + 20 * DAY)

    report = anki_reviews_from_package(user=alice, path=export_apkg(studied, tmp_path / "s.apkg"))

    assert entry == [3, 2, 0]
    assert (report.imported, report.skipped_previews, report.skipped_manual) == (10, 1, 0)
    assert imported_reviews(alice) == expected_reviews()


# --- the states recomputed ---------------------------------------------------------------------------

def submit(user, card, rating, at):
    return services.review_submit(user=user, card=card, rating=rating, now=at, review_id=uuid.uuid4())


def state_fields(user, card):
    row = ReviewState.objects.get(user=user, card=card)
    return scheduling.Snapshot.of(row), row.reps, row.lapses, row.leech, row.suspended


def test_each_card_ends_as_if_its_reviews_had_been_given_here(studied, alice, bob, tmp_path):
    anki_reviews_from_package(user=alice, path=export_apkg(studied, tmp_path / "s.apkg"))
    who = Card.objects.get(key=WHO)
    for _key, _ordinal, rating, at, _took in [a for a in ANSWERS if a[0] == WHO]:
        submit(bob, who, rating, dt.datetime.fromtimestamp(at / 1000, tz=dt.UTC))

    assert state_fields(alice, who) == state_fields(bob, who)
    assert state_fields(alice, who)[1:] == (6, 1, False, False)
    assert [log.state_after for log in ReviewLog.objects.filter(user=alice, card=who).order_by("reviewed_at")][-1] \
        == services._full_state(ReviewState.objects.get(user=alice, card=who))


def test_reviews_here_and_in_anki_are_merged_in_time_order(studied, alice, bob, tmp_path):
    """alice reviewed WHO here before and after the Anki reviews; bob gives the same answers here in time order."""
    who = Card.objects.get(key=WHO)
    here = [(3, dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)), (1, dt.datetime(2025, 3, 20, 8, 0, tzinfo=dt.UTC))]
    for rating, at in here:
        submit(alice, who, rating, at)
    before_import = ReviewLog.objects.get(user=alice, reviewed_at=here[0][1]).state_after

    anki_reviews_from_package(user=alice, path=export_apkg(studied, tmp_path / "s.apkg"))

    anki_answers = [(a[2], dt.datetime.fromtimestamp(a[3] / 1000, tz=dt.UTC)) for a in ANSWERS if a[0] == WHO]
    merged = sorted(here + anki_answers, key=lambda answer: answer[1])
    for rating, at in merged:
        submit(bob, who, rating, at)
    logs = ReviewLog.objects.filter(user=alice, card=who).order_by("reviewed_at")
    assert [(log.rating, log.reviewed_at, log.source) for log in logs] == [
        (rating, at, "study" if (rating, at) in here else "anki") for rating, at in merged]
    assert state_fields(alice, who) == state_fields(bob, who)
    assert state_fields(alice, who)[1:3] == (8, 2)
    # the review before the first Anki one keeps what review_submit gave it; the later one is recomputed
    assert logs[0].state_after == before_import
    bob_logs = ReviewLog.objects.filter(user=bob, card=who).order_by("reviewed_at")
    strip = lambda state: {k: v for k, v in state.items() if k not in ("version", "buried_until")}  # noqa: E731
    assert [strip(log.state_after) for log in logs] == [strip(log.state_after) for log in bob_logs]


def test_undo_after_an_import_restores_the_recomputed_state_before(studied, alice, tmp_path):
    who = Card.objects.get(key=WHO)
    submit(alice, who, 3, dt.datetime(2025, 4, 1, 8, 0, tzinfo=dt.UTC))  # after every Anki review
    anki_reviews_from_package(user=alice, path=export_apkg(studied, tmp_path / "s.apkg"))

    services.study_undo(user=alice)

    last_anki = ReviewLog.objects.filter(user=alice, card=who).latest("reviewed_at")
    assert last_anki.source == "anki"
    assert state_fields(alice, who)[:3] == (scheduling.Snapshot.from_json(last_anki.state_after), 6, 1)


def test_a_leech_lapse_brought_back_suspends_the_card(small, alice, tmp_path):
    who = Card.objects.get(key=WHO)
    reviews = [services.ImportedReview(card_id=who.pk, rating=3, reviewed_at=NOW, duration_ms=None, anki_revlog_id=1),
               services.ImportedReview(card_id=who.pk, rating=3, reviewed_at=NOW + dt.timedelta(minutes=10),
                                       duration_ms=None, anki_revlog_id=2)]
    for day in range(1, 9):
        at = NOW + dt.timedelta(days=2 * day)
        reviews += [services.ImportedReview(card_id=who.pk, rating=1, reviewed_at=at, duration_ms=None,
                                            anki_revlog_id=10 * day),
                    services.ImportedReview(card_id=who.pk, rating=3, reviewed_at=at + dt.timedelta(minutes=10),
                                            duration_ms=None, anki_revlog_id=10 * day + 1)]

    result = services.anki_reviews_import(user=alice, reviews=reviews)

    assert (result.imported, result.cards) == (18, 1)
    assert state_fields(alice, who)[1:] == (18, 8, True, True)


def test_a_manual_suspension_is_kept(small, alice):
    who = Card.objects.get(key=WHO)
    services.card_suspend(user=alice, card=who, now=NOW)

    services.anki_reviews_import(user=alice, reviews=[services.ImportedReview(
        card_id=who.pk, rating=3, reviewed_at=NOW + dt.timedelta(hours=1), duration_ms=100, anki_revlog_id=5)])

    assert state_fields(alice, who)[1:] == (1, 0, False, True)


def test_a_bad_rating_is_refused_and_nothing_is_written(small, alice):
    from django.core.exceptions import ValidationError

    who = Card.objects.get(key=WHO)
    good = services.ImportedReview(card_id=who.pk, rating=3, reviewed_at=NOW, duration_ms=None, anki_revlog_id=1)
    bad = services.ImportedReview(card_id=who.pk, rating=5, reviewed_at=NOW, duration_ms=None, anki_revlog_id=2)

    with pytest.raises(ValidationError, match="rating"):
        services.anki_reviews_import(user=alice, reviews=[good, bad])

    assert ReviewLog.objects.count() == ReviewState.objects.count() == 0


def test_another_users_import_leaves_this_user_alone(studied, alice, bob, tmp_path):
    path = export_apkg(studied, tmp_path / "s.apkg")
    who = Card.objects.get(key=WHO)
    submit(alice, who, 3, dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC))
    alice_before = (list(ReviewLog.objects.filter(user=alice).values()),
                    list(ReviewState.objects.filter(user=alice).values()))

    bob_report = anki_reviews_from_package(user=bob, path=path)

    assert (list(ReviewLog.objects.filter(user=alice).values()),
            list(ReviewState.objects.filter(user=alice).values())) == alice_before
    assert bob_report.imported == 10
    assert anki_reviews_from_package(user=alice, path=path).imported == 10
    assert imported_reviews(alice) == imported_reviews(bob) == expected_reviews()


def test_a_retired_reverse_card_is_counted_unmatched(studied, alice, tmp_path):
    path = export_apkg(studied, tmp_path / "s.apkg")
    Card.objects.filter(key=REVERSE).delete()

    report = anki_reviews_from_package(user=alice, path=path)

    assert (report.imported, report.unmatched_cards, report.our_notes) == (8, 1, 7)


# --- bad files -------------------------------------------------------------------------------------------

def test_a_package_exported_without_scheduling_is_refused(studied, alice, tmp_path):
    path = export_apkg(studied, tmp_path / "plain.apkg", scheduling=False)

    with pytest.raises(NoScheduling, match="exported without scheduling information"):
        anki_reviews_from_package(user=alice, path=path)
    assert ReviewLog.objects.count() == 0


def test_our_own_export_has_no_scheduling(small, alice, tmp_path):
    path = tmp_path / "ours.apkg"
    path.write_bytes(export_file(fmt="apkg", now=NOW).content)

    with pytest.raises(NoScheduling):
        anki_reviews_from_package(user=alice, path=path)


def test_a_file_that_is_not_a_zip_is_not_an_anki_package(small, alice, tmp_path):
    path = tmp_path / "notes.apkg"
    path.write_text("Who was Victor Serge?\tA revolutionary writer\n")

    with pytest.raises(NotAnAnkiPackage, match="This is not an Anki package"):
        anki_reviews_from_package(user=alice, path=path)


def test_a_zip_without_a_collection_is_not_an_anki_package(small, alice, tmp_path):
    path = tmp_path / "photos.apkg"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")

    with pytest.raises(NotAnAnkiPackage, match="holds no Anki collection"):
        anki_reviews_from_package(user=alice, path=path)


def test_a_damaged_collection_is_corrupt(studied, alice, tmp_path):
    good = export_apkg(studied, tmp_path / "s.apkg")
    path = tmp_path / "damaged.apkg"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, content[: len(content) // 2] if name == "collection.anki21b" else content)

    with pytest.raises(CorruptPackage, match="could not be read"):
        anki_reviews_from_package(user=alice, path=path)


def test_a_truncated_file_is_corrupt_or_not_a_package(studied, alice, tmp_path):
    content = export_apkg(studied, tmp_path / "s.apkg").read_bytes()
    path = tmp_path / "truncated.apkg"
    path.write_bytes(content[: len(content) - 200])

    with pytest.raises((CorruptPackage, NotAnAnkiPackage)):
        anki_reviews_from_package(user=alice, path=path)


def test_a_file_over_the_cap_is_refused_before_it_is_opened(studied, alice, tmp_path, settings):
    path = export_apkg(studied, tmp_path / "s.apkg")
    settings.ANKI_IMPORT_MAX_BYTES = path.stat().st_size - 1

    with pytest.raises(PackageTooLarge, match="too large"):
        anki_reviews_from_package(user=alice, path=path)


def test_the_cap_is_100_mb():
    from django.conf import settings

    assert settings.ANKI_IMPORT_MAX_BYTES == 100 * 1024 * 1024
    assert anki_import.too_large_message() == ("The file is too large: an Anki package of at most 100 MB is "
                                               "accepted.")


def test_replay_is_what_the_service_uses(small, alice):
    """The import's states are study/replay.py's: one card, two answers, checked against replay directly."""
    who = Card.objects.get(key=WHO)
    answers = [replay.Answer(3, NOW), replay.Answer(4, NOW + dt.timedelta(days=1))]

    services.anki_reviews_import(user=alice, reviews=[
        services.ImportedReview(card_id=who.pk, rating=a.rating, reviewed_at=a.at, duration_ms=None, anki_revlog_id=i)
        for i, a in enumerate(answers)])

    expected = replay.final_state(replay.replay(answers, card_id=who.pk, desired_retention=0.9,
                                                days=scheduling.StudyDays("UTC", 4)))
    assert state_fields(alice, who)[:3] == (expected.snapshot, 2, 0)


# --- the command, the settings page and the API ---------------------------------------------------------

def run_command(*args):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("import_anki_reviews", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_ends_with_the_counts_as_json(studied, alice, tmp_path):
    import json

    path = export_colpkg(studied, tmp_path / "c.colpkg")

    first = run_command("--user", "alice", str(path), "--json")
    second = run_command("--user", "alice", str(path), "--json")

    assert first[0] == ("Imported 10 reviews from Anki for alice (0 already here; 4 cards rescheduled). 1 of 8 notes "
                        "are not ours and were left out (2 reviews); 0 manual or rescheduling entries and 0 previews "
                        "in filtered decks skipped.")
    assert json.loads(first[-1]) == {"imported": 10, "already_imported": 0, "cards": 4, "notes": 8, "our_notes": 7,
                                     "unknown_notes": 1, "unknown_reviews": 2, "unmatched_cards": 0,
                                     "skipped_manual": 0, "skipped_previews": 0}
    assert (json.loads(second[-1])["imported"], json.loads(second[-1])["already_imported"]) == (0, 10)


def test_the_command_fails_clearly_on_a_bad_file(small, alice, tmp_path):
    from django.core.management import CommandError

    path = tmp_path / "notes.txt"
    path.write_text("not a package")

    with pytest.raises(CommandError, match=r"notes.txt: This is not an Anki package"):
        run_command("--user", "alice", str(path))
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run_command("--user", "nobody", str(path))
    with pytest.raises(CommandError, match="missing.colpkg: no such file"):
        run_command("--user", "alice", str(tmp_path / "missing.colpkg"))


def test_the_command_exits_non_zero_on_a_bad_file(tmp_path):
    """The real process, on a scratch database: exit status 1 and the reason on stderr."""
    import subprocess
    import sys

    path = tmp_path / "notes.apkg"
    path.write_text("not a package")
    env = {"DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'scratch.db'}"}

    def manage(*args):
        return subprocess.run([sys.executable, "manage.py", *args], capture_output=True, text=True, env=env)

    manage("migrate", "--noinput")
    manage("shell", "-c", "from django.contrib.auth.models import User; User.objects.create_user('alice')")
    done = manage("import_anki_reviews", "--user", "alice", str(path))

    assert done.returncode == 1
    assert done.stderr.strip() == (f"CommandError: {path}: This is not an Anki package: export a .colpkg (File › "
                                   "Export, “Anki Collection Package”) or an .apkg with scheduling information from "
                                   "Anki.")


def upload(path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/octet-stream")


def test_the_settings_page_imports_and_says_what_it_did(studied, alice, client, tmp_path):
    path = export_apkg(studied, tmp_path / "s.apkg")
    client.force_login(alice)

    response = client.post("/settings/anki-reviews/", {"package": upload(path)}, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Imported 10 reviews from Anki; 4 cards rescheduled. 1 of the package's 8 notes are not ours and were left "
        "out with their 2 reviews."]
    assert imported_reviews(alice) == expected_reviews()


def test_the_settings_page_shows_a_bad_file_beside_the_field(small, alice, client, tmp_path):
    path = tmp_path / "notes.apkg"
    path.write_text("not a package")
    client.force_login(alice)

    response = client.post("/settings/anki-reviews/", {"package": upload(path)})

    assert response.status_code == 400
    assert response.context["form"].errors == {"package": [
        "This is not an Anki package: export a .colpkg (File › Export, “Anki Collection Package”) or an .apkg "
        "with scheduling information from Anki."]}
    assert b'aria-invalid="true"' in response.content


def test_the_settings_page_is_linked_from_settings_and_needs_a_login(alice, client):
    assert client.get("/settings/anki-reviews/").status_code == 302
    client.force_login(alice)

    assert b'href="/settings/anki-reviews/"' in client.get("/settings/").content
    page = client.get("/settings/anki-reviews/")
    assert page.status_code == 200
    assert b'accept=".colpkg,.apkg"' in page.content and b'enctype="multipart/form-data"' in page.content


def test_the_api_imports_once(studied, alice, alice_api, tmp_path):
    path = export_colpkg(studied, tmp_path / "c.colpkg")

    first = alice_api.post("/api/import/anki-reviews/", {"package": upload(path)}, format="multipart")
    second = alice_api.post("/api/import/anki-reviews/", {"package": upload(path)}, format="multipart")

    assert first.status_code == second.status_code == 200
    assert first.json() == {"imported": 10, "already_imported": 0, "cards": 4, "notes": 8, "our_notes": 7,
                            "unknown_notes": 1, "unknown_reviews": 2, "unmatched_cards": 0, "skipped_manual": 0,
                            "skipped_previews": 0}
    assert (second.json()["imported"], second.json()["already_imported"]) == (0, 10)


def test_the_api_says_what_is_wrong_with_a_file(studied, alice, alice_api, tmp_path):
    plain = export_apkg(studied, tmp_path / "plain.apkg", scheduling=False)
    text = tmp_path / "notes.apkg"
    text.write_text("not a package")

    no_scheduling = alice_api.post("/api/import/anki-reviews/", {"package": upload(plain)}, format="multipart")
    not_anki = alice_api.post("/api/import/anki-reviews/", {"package": upload(text)}, format="multipart")
    missing = alice_api.post("/api/import/anki-reviews/", {}, format="multipart")

    assert (no_scheduling.status_code, no_scheduling.json()["code"]) == (400, "no_scheduling")
    assert no_scheduling.json()["detail"] == f"package: {anki_import.NO_SCHEDULING}"
    assert (not_anki.status_code, not_anki.json()["code"]) == (400, "not_anki")
    assert (missing.status_code, missing.json()["detail"]) == (400, "package: No file was submitted.")


def test_the_api_refuses_a_body_over_the_cap_with_413(small, alice_api, settings, tmp_path):
    settings.ANKI_IMPORT_MAX_BYTES = 1000
    path = tmp_path / "big.apkg"
    path.write_bytes(b"x" * 2000)

    over_file = alice_api.post("/api/import/anki-reviews/", {"package": upload(path)}, format="multipart")
    over_body = alice_api.generic("POST", "/api/import/anki-reviews/", b"", CONTENT_TYPE="multipart/form-data",
                                  CONTENT_LENGTH=str(200 * 1024 * 1024))

    assert (over_file.status_code, over_file.json()["code"]) == (413, "too_large")
    assert over_body.status_code == 413


def test_the_api_is_throttled(small, alice_api, monkeypatch, tmp_path):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"anki_import": "2/hour"})
    path = tmp_path / "notes.apkg"
    path.write_text("not a package")

    codes = [alice_api.post("/api/import/anki-reviews/", {"package": upload(path)}, format="multipart").status_code
             for _ in range(3)]

    assert codes == [400, 400, 429]


def test_the_api_needs_authentication(api_client, tmp_path):
    assert api_client.post("/api/import/anki-reviews/", {}, format="multipart").status_code == 401


def test_the_api_endpoint_is_in_the_schema(alice_api):
    schema = alice_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    operation = schema["paths"]["/api/import/anki-reviews/"]["post"]
    assert operation["operationId"] == "import_anki_reviews"
    assert set(operation["responses"]) == {"200", "400", "401", "413", "429"}
    assert "multipart/form-data" in operation["requestBody"]["content"]


def test_the_replay_uses_the_users_own_fsrs_parameters(studied, alice, bob, tmp_path):
    from studyapp.accounts.models import settings_for
    from tests.learners import FAST_FORGETTER

    for user in (alice, bob):
        prefs = settings_for(user)
        prefs.fsrs_parameters = list(FAST_FORGETTER)
        prefs.save()
    who = Card.objects.get(key=WHO)

    anki_reviews_from_package(user=alice, path=export_apkg(studied, tmp_path / "s.apkg"))
    for _key, _ordinal, rating, at, _took in [a for a in ANSWERS if a[0] == WHO]:
        submit(bob, who, rating, dt.datetime.fromtimestamp(at / 1000, tz=dt.UTC))

    default = replay.final_state(replay.replay(
        [replay.Answer(a[2], dt.datetime.fromtimestamp(a[3] / 1000, tz=dt.UTC)) for a in ANSWERS if a[0] == WHO],
        card_id=who.pk, desired_retention=0.9, days=scheduling.StudyDays("UTC", 4)))
    assert state_fields(alice, who) == state_fields(bob, who)
    assert state_fields(alice, who)[0].stability < default.snapshot.stability


@pytest.mark.django_db(transaction=True)
def test_the_same_reviews_imported_by_four_threads_at_once_are_recorded_once(alice):
    import threading

    from django.db import connections

    from tests.test_study import make_cards

    cards = make_cards(3, prefix="c-")
    reviews = [services.ImportedReview(card_id=card.pk, rating=1 + i % 4, reviewed_at=NOW + dt.timedelta(days=i),
                                       duration_ms=1000, anki_revlog_id=1000 + 10 * card.pk + i)
               for card in cards for i in range(5)]
    barrier, results = threading.Barrier(4), []

    def worker():
        try:
            barrier.wait()
            results.append(services.anki_reviews_import(user=alice, reviews=reviews).imported)
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results, key=str) == [0, 0, 0, 15]
    assert ReviewLog.objects.filter(user=alice).count() == 15
    assert sorted(ReviewState.objects.filter(user=alice).values_list("reps", flat=True)) == [5, 5, 5]


def test_a_package_matches_no_card_of_a_collection_the_user_may_not_reach(studied, alice, tmp_path):
    from studyapp.facts.models import Collection, Visibility

    path = export_apkg(studied, tmp_path / "s.apkg")
    Collection.objects.filter(key="serge").update(visibility=Visibility.PRIVATE)  # alice neither owns nor edits it

    report = anki_reviews_from_package(user=alice, path=path)

    # Nothing written onto its cards, and the counts do not tell which of its facts exist.
    assert (report.imported, report.cards, report.our_notes, report.unknown_notes) == (0, 0, 0, 8)
    assert imported_reviews(alice) == []
