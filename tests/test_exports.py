"""Anki export: .apkg and CSV that the official anki package imports, and that update in place on re-import."""

import datetime as dt
import io
import zipfile
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from studyapp.cards.models import Card
from studyapp.content import load_facts
from studyapp.exports import anki
from studyapp.exports.csv_export import csv_text
from studyapp.exports.selectors import export_cards, export_file, export_for
from studyapp.study.models import ReviewState
from tests import factbase

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
SMALL_NOTES, SMALL_CARDS = 7, 8  # small_records(): 8 cards; the person reverse card rides on its forward note
# A quote that determines a blanked name: enough words around it, and a source whose title does not name Serge.
CLOZE_QUOTE = "Serge grows up in Belgium, becomes an Anarchist and moves to France."
CLOZE_TEXT = "{{c1::Serge}} grows up in Belgium, becomes an Anarchist and moves to France."


def small_records():
    """tests/factbase.py plus a verbatim quote from source 001 that makes Victor Serge's name a cloze (only core
    facts get name clozes, so Serge is core here)."""
    data = factbase.records()
    factbase.find(data, "facts.person", "victor-serge")["fields"]["weight"] = "core"
    data.append({"model": "facts.citation", "fields": {"source": [factbase.S001], "person": ["victor-serge"],
                                                       "quote": CLOZE_QUOTE}})
    return data


def load_small(tmp_path, data=None):
    return load_facts(paths=[factbase.write(tmp_path / "facts.json", data or small_records())])


@pytest.fixture
def small(db, tmp_path):
    return load_small(tmp_path)


@pytest.fixture
def collection(tmp_path):
    from anki.collection import Collection

    folder = tmp_path / "anki"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    yield col
    col.close()


def import_apkg(col, content, tmp_path, name="export.apkg"):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    path = tmp_path / name
    path.write_bytes(content)
    options = ImportAnkiPackageOptions(merge_notetypes=True, with_scheduling=False)  # update_notes: if newer
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options)).log


def import_csv(col, content, tmp_path, name="export.csv"):
    from anki.collection import ImportCsvRequest

    path = tmp_path / name
    path.write_bytes(content)
    metadata = col.get_csv_metadata(str(path), None)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def add_note_types(col):
    """What an earlier .apkg import leaves in a profile: our two note types, by name."""
    for model in anki.MODELS.values():
        notetype = col.models.new(model.name)
        notetype["type"] = model.model_type
        for field in model.fields:
            col.models.add_field(notetype, col.models.new_field(field["name"]))
        for template in model.templates:
            new = col.models.new_template(template["name"])
            new["qfmt"], new["afmt"] = template["qfmt"], template["afmt"]
            col.models.add_template(notetype, new)
        col.models.add(notetype)


def notes_by_key(col):
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    return {note["Key"]: note for note in notes}


def apkg(now=NOW, **kwargs):
    return export_file(fmt="apkg", now=now, **kwargs)


# --- pure note building -------------------------------------------------------------------------

def fake_card(key, kind="person_who", deck="people", prompt="Q?", answer="A", topics=(), citations=None,
              disputed=False):
    citations = citations if citations is not None else [{"source": "s.txt", "title": "A title", "quote": "a quote"}]
    return SimpleNamespace(key=key, kind=kind, deck=deck, prompt=prompt, answer=answer, topics=list(topics),
                           citations=citations, disputed=disputed,
                           collection=SimpleNamespace(key="serge", title="Victor Serge"))


def test_it_takes_the_guid_from_the_card_key_not_the_text():
    first = anki.note_specs([fake_card("person:x:person_who", prompt="Who was X?")])[0]
    reworded = anki.note_specs([fake_card("person:x:person_who", prompt="Who, really, was X?")])[0]

    assert first.guid == reworded.guid == anki.genanki.guid_for("studyapp", "person:x:person_who")


def test_it_html_escapes_every_field():
    card = fake_card("work:w:work_author", kind="work_author", deck="works", prompt="Who wrote <b>“A & B”</b>?",
                     answer="<script>x</script>", citations=[{"source": "s", "title": "T<i>", "quote": "q & <q>"}])

    note = anki.note_specs([card])[0]

    assert note.fields[:4] == ("Who wrote &lt;b&gt;“A &amp; B”&lt;/b&gt;?", "&lt;script&gt;x&lt;/script&gt;",
                               "<i>T&lt;i&gt;</i>: “q &amp; &lt;q&gt;”", "work:w:work_author")


def test_it_puts_a_reverse_card_on_its_forward_cards_note():
    forward = fake_card("person:x:person_who", prompt="Who was X?", answer="A printer.")
    reverse = fake_card("person:x:person_reverse", kind="person_reverse", prompt="Who is this? A printer.",
                        answer="X")

    notes = anki.note_specs([reverse, forward])

    assert [(n.notetype, n.fields[0], n.fields[4], n.fields[5], n.card_keys) for n in notes] == [
        (anki.BASIC, "Who was X?", "Who is this? A printer.", "X", ("person:x:person_who", "person:x:person_reverse")),
    ]


def test_it_exports_a_reverse_card_alone_when_its_forward_card_is_not_exported():
    reverse = fake_card("event:e:event_reverse", kind="event_reverse", deck="events", prompt="What happened in 1933?")

    (note,) = anki.note_specs([reverse])

    assert (note.guid, note.fields[0], note.fields[4]) == (anki.guid_for_key(reverse.key), "What happened in 1933?", "")


def test_it_rebuilds_a_cloze_from_the_quote_at_the_blank():
    card = fake_card("event:e:cloze", kind="cloze", deck="events", answer="1923",
                     prompt="Fill in the blank (a year): “In [...], not 1923 & later” (Rev)",
                     citations=[{"source": "s", "title": "Rev", "quote": "In 1923, not 1923 & later"}])

    (note,) = anki.note_specs([card])

    assert (note.notetype, note.fields[:2]) == (anki.CLOZE, ("In {{c1::1923}}, not 1923 &amp; later", "a year"))


def test_it_keeps_braces_in_a_cloze_quote_as_text():
    card = fake_card("person:p:cloze", kind="cloze", answer="Serge",
                     prompt="Fill in the blank (a name): “{{x}} [...] wrote” (T)",
                     citations=[{"source": "s", "title": "T", "quote": "{{x}} Serge wrote"}])

    assert anki.note_specs([card])[0].fields[0] == "&#123;&#123;x&#125;&#125; {{c1::Serge}} wrote"


def test_it_falls_back_to_a_basic_note_when_the_quote_lacks_the_answer():
    card = fake_card("person:p:cloze", kind="cloze", answer="Serge", prompt="Fill in the blank (a name): “[...]” (T)",
                     citations=[{"source": "s", "title": "T", "quote": "someone else"}])

    (note,) = anki.note_specs([card])

    assert (note.notetype, note.fields[1]) == (anki.BASIC, "Serge")


def test_it_tags_deck_kind_topic_disputed_and_leech_without_spaces():
    card = fake_card("person:x:person_who", topics=["before 1905", "1917-1921"], disputed=True)

    (note,) = anki.note_specs([card], leech_keys={"person:x:person_who"})

    assert note.tags == ("studyapp", "studyapp::deck::people", "studyapp::disputed", "studyapp::kind::person_who",
                         "studyapp::leech", "studyapp::topic::1917-1921", "studyapp::topic::before_1905")
    assert all(" " not in t for t in note.tags)


def test_it_moves_the_package_timestamp_forward_on_every_export():
    first = anki.next_timestamp(2_000_000_000.5)
    second = anki.next_timestamp(2_000_000_000.7)
    later = anki.next_timestamp(2_000_000_100)

    assert (first, second, later) == (2_000_000_000, 2_000_000_001, 2_000_000_100)


def test_it_writes_fixed_model_and_deck_ids():
    assert (anki.BASIC_MODEL.model_id, anki.CLOZE_MODEL.model_id) == (1_734_209_101, 1_734_209_102)
    assert anki.ANKI_DECKS["people"] == (1_734_209_201, "Victor Serge::People")


# --- selection ----------------------------------------------------------------------------------

def test_it_exports_every_active_card_without_a_user(small):
    export = export_for()

    assert (export.note_count, export.card_count) == (SMALL_NOTES, SMALL_CARDS)


def test_it_leaves_retired_cards_out(small):
    Card.objects.filter(key="work:witness-to-the-german-revolution:work_reverse").update(retired=True)

    export = export_for()

    assert (export.note_count, export.card_count) == (SMALL_NOTES - 1, SMALL_CARDS - 1)


def test_it_exports_the_users_chosen_decks(small, alice):
    from studyapp.accounts.models import settings_for

    settings = settings_for(alice)
    settings.decks = ["works", "events"]
    settings.save()

    assert set(export_cards(user=alice).values_list("deck", flat=True)) == {"works", "events"}
    assert set(export_cards(user=alice, deck="people").values_list("deck", flat=True)) == {"people"}


def test_it_exports_only_studied_cards_when_asked(small, alice, bob):
    studied = Card.objects.get(key="person:victor-serge:person_who")
    ReviewState.objects.create(user=alice, card=studied, due=NOW)
    ReviewState.objects.create(user=bob, card=Card.objects.get(key="person:victor-serge:cloze"), due=NOW)

    export = export_for(user=alice, studied_only=True)

    assert [n.card_keys for n in export.notes] == [("person:victor-serge:person_who",)]


def test_it_tags_the_users_leeches_only(small, alice, bob):
    card = Card.objects.get(key="person:victor-serge:cloze")
    ReviewState.objects.create(user=alice, card=card, due=NOW, leech=True, lapses=8)

    def leech_notes(user):
        return [n.card_keys for n in export_for(user=user).notes if "studyapp::leech" in n.tags]

    assert (leech_notes(alice), leech_notes(bob)) == ([("person:victor-serge:cloze",)], [])


# --- the .apkg in the official anki package -----------------------------------------------------

def test_it_imports_into_a_fresh_collection_with_the_same_counts(small, collection, tmp_path):
    file = apkg()

    log = import_apkg(collection, file.content, tmp_path)

    assert (len(log.new), collection.note_count(), collection.card_count()) == (SMALL_NOTES, SMALL_NOTES, SMALL_CARDS)
    assert (file.export.note_count, file.export.card_count) == (SMALL_NOTES, SMALL_CARDS)


def test_it_imports_fields_tags_and_decks(small, collection, tmp_path):
    import_apkg(collection, apkg().content, tmp_path)

    note = notes_by_key(collection)["person:victor-serge:person_who"]
    decks = {collection.decks.name(card.did) for card in note.cards()}

    assert note.note_type()["name"] == "studyapp Basic"
    assert dict(note.items()) == {
        "Front": "Who was Victor Serge?", "Back": "Revolutionary writer who survived Stalin's Terror.",
        "Source": "<i>Revolutionary Victor Serge Has a Message</i>: “Victor Serge, a rare survivor of Stalin's Terror”"
                  f"<br><i>Discussion of Memoirs of a Revolutionary</i>: “{CLOZE_QUOTE}”",
        "Key": "person:victor-serge:person_who",
        "Reverse Front": "Who is this? Revolutionary writer who survived Stalin's Terror.",
        "Reverse Back": "Victor Serge",
    }
    assert sorted(note.tags) == ["studyapp", "studyapp::deck::people", "studyapp::kind::person_reverse",
                                 "studyapp::kind::person_who", "studyapp::topic::1917-1921",
                                 "studyapp::topic::1922-1935", "studyapp::topic::1936-1947"]
    assert (decks, len(note.cards())) == ({"Victor Serge::People"}, 2)
    assert set(collection.decks.all_names()) >= {"Victor Serge::People", "Victor Serge::Works",
                                                 "Victor Serge::Events"}


def test_it_imports_cloze_notes_that_produce_cards(small, collection, tmp_path):
    import_apkg(collection, apkg().content, tmp_path)

    note = notes_by_key(collection)["person:victor-serge:cloze"]

    assert note.note_type()["name"] == "studyapp Cloze"
    assert note["Text"] == CLOZE_TEXT
    assert len(note.cards()) == 1
    assert "Victor Serge" not in note.cards()[0].question() and "[...]" in note.cards()[0].question()


def test_it_marks_disputed_notes(small, collection, tmp_path):
    import_apkg(collection, apkg().content, tmp_path)

    assert [collection.get_note(n)["Key"] for n in collection.find_notes("tag:studyapp::disputed")] == [
        "event:1919-serge-arrives-in-russia:event_when"]


def test_it_updates_a_changed_note_on_reimport_and_adds_none(small, collection, tmp_path):
    import_apkg(collection, apkg().content, tmp_path, "first.apkg")
    note = notes_by_key(collection)["person:victor-serge:person_who"]
    card = note.cards()[0]
    card.ivl, card.type, card.queue, card.due = 30, 2, 2, 100  # progress made in Anki
    collection.update_card(card)
    data = small_records()
    factbase.find(data, "facts.person", "victor-serge")["fields"]["description"] = "Writer & revolutionary."
    load_small(tmp_path, data)

    log = import_apkg(collection, apkg(now=NOW + dt.timedelta(days=30)).content, tmp_path, "second.apkg")

    note = notes_by_key(collection)["person:victor-serge:person_who"]
    assert (len(log.new), collection.note_count()) == (0, SMALL_NOTES)
    assert "Writer & revolutionary." in {entry.fields[1] for entry in log.updated}
    assert (note["Back"], note["Reverse Front"]) == ("Writer &amp; revolutionary.", "Who is this? Writer &amp; "
                                                                                   "revolutionary.")
    assert collection.get_card(card.id).ivl == 30
    assert collection.card_count() == SMALL_CARDS


def test_it_leaves_notes_alone_when_an_older_package_is_imported(small, collection, tmp_path):
    import_apkg(collection, apkg(now=NOW + dt.timedelta(days=400)).content, tmp_path, "newer.apkg")
    data = small_records()
    factbase.find(data, "facts.person", "victor-serge")["fields"]["description"] = "Changed."
    load_small(tmp_path, data)
    # next_timestamp never goes back within a process, so build this older package directly.
    stale = anki.apkg_bytes(export_for().notes, timestamp=NOW.timestamp() - 86400)

    log = import_apkg(collection, stale, tmp_path, "older.apkg")

    assert (len(log.new), len(log.updated)) == (0, 0)


# --- CSV ----------------------------------------------------------------------------------------

def test_it_writes_csv_in_anki_text_format(small):
    text = export_file(fmt="csv", now=NOW).content.decode()
    lines = text.splitlines()

    assert lines[:7] == ["#separator:tab", "#html:true", "#guid column:1", "#notetype column:2", "#deck column:3",
                         "#tags column:4",
                         "#columns:guid\tnotetype\tdeck\ttags\tFront\tBack\tSource\tKey\tReverse Front\tReverse Back"]
    assert len(lines) == 7 + SMALL_NOTES
    assert all(len(line.split("\t")) == 10 for line in lines[7:])


def test_it_imports_the_csv_with_the_same_counts(small, collection, tmp_path):
    add_note_types(collection)

    log = import_csv(collection, export_file(fmt="csv", now=NOW).content, tmp_path)

    assert (len(log.new), collection.note_count(), collection.card_count()) == (SMALL_NOTES, SMALL_NOTES, SMALL_CARDS)
    note = notes_by_key(collection)["person:victor-serge:cloze"]
    assert (note.note_type()["name"], note["Text"], len(note.cards())) == (
        "studyapp Cloze", CLOZE_TEXT, 1)
    assert {collection.decks.name(c.did) for c in note.cards()} == {"Victor Serge::People"}
    assert "studyapp::deck::people" in note.tags


def test_it_updates_apkg_notes_from_a_later_csv_without_duplicates(small, collection, tmp_path):
    import_apkg(collection, apkg().content, tmp_path)
    data = small_records()
    factbase.find(data, "facts.person", "victor-serge")["fields"]["description"] = "Writer, <revolutionary>."
    load_small(tmp_path, data)

    log = import_csv(collection, export_file(fmt="csv", now=NOW).content, tmp_path)

    assert (len(log.new), collection.note_count(), collection.card_count()) == (0, SMALL_NOTES, SMALL_CARDS)
    assert notes_by_key(collection)["person:victor-serge:person_who"]["Back"] == "Writer, &lt;revolutionary&gt;."


def test_it_quotes_csv_fields_that_hold_tabs_or_quotes():
    card = fake_card("person:x:person_who", prompt='Who was "X"\tY?')

    row = csv_text(anki.note_specs([card])).splitlines()[-1]

    assert '"Who was ""X""\tY?"' in row


# --- command --------------------------------------------------------------------------------------

def test_the_command_writes_an_apkg(small, tmp_path):
    out = io.StringIO()

    call_command("export_anki", "--out", str(tmp_path / "serge.apkg"), stdout=out)

    assert out.getvalue().strip() == f"Wrote {SMALL_NOTES} notes ({SMALL_CARDS} cards) to {tmp_path / 'serge.apkg'}"
    assert "collection.anki2" in zipfile.ZipFile(tmp_path / "serge.apkg").namelist()


def test_the_command_exports_one_deck_for_a_user(small, alice, tmp_path, collection):
    call_command("export_anki", "--out", str(tmp_path / "w.apkg"), "--user", "alice", "--deck", "works",
                 stdout=io.StringIO())

    import_apkg(collection, (tmp_path / "w.apkg").read_bytes(), tmp_path)

    assert {k.split(":")[0] for k in notes_by_key(collection)} == {"work"}
    assert collection.card_count() == 2  # who wrote it, and which book it is


def test_the_command_writes_csv_for_a_csv_file(small, tmp_path):
    call_command("export_anki", "--out", str(tmp_path / "serge.csv"), stdout=io.StringIO())

    assert (tmp_path / "serge.csv").read_text().startswith("#separator:tab\n")


def test_the_command_rejects_an_unknown_user(small, tmp_path):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("export_anki", "--out", str(tmp_path / "x.apkg"), "--user", "nobody")


def test_the_command_needs_a_user_for_studied_only(small, tmp_path):
    with pytest.raises(CommandError, match="--studied-only needs --user"):
        call_command("export_anki", "--out", str(tmp_path / "x.apkg"), "--studied-only")


# --- /export/ page --------------------------------------------------------------------------------

def test_the_page_needs_login(client, db):
    response = client.get("/export/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/export/")


def test_the_page_offers_decks_with_counts(small, client, alice):
    client.force_login(alice)

    response = client.get("/export/")

    assert response.status_code == 200
    assert b"Download .apkg" in response.content and b"Download CSV" in response.content
    assert "People <span class=\"muted\">· 3 cards</span>" in response.content.decode()


def test_the_page_downloads_an_apkg(small, client, alice, collection, tmp_path):
    client.force_login(alice)

    response = client.get("/export/anki/", {"deck": "events"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/apkg"
    assert response["Content-Disposition"].startswith('attachment; filename="victor-serge-events-')
    import_apkg(collection, response.content, tmp_path)
    assert (collection.note_count(), collection.card_count()) == (3, 3)  # year precision: no event_reverse


def test_the_page_downloads_csv(small, client, alice):
    client.force_login(alice)

    response = client.get("/export/csv/", {"deck": "all", "studied": "on"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["X-Export-Notes"] == "0"


def test_the_page_rejects_an_unknown_deck(small, client, alice):
    client.force_login(alice)

    response = client.get("/export/anki/", {"deck": "nope"})

    assert response.status_code == 400
    assert b"deck: Select a valid choice" in response.content


def test_the_download_needs_login(client, db):
    assert client.get("/export/anki/").status_code == 302


# --- API --------------------------------------------------------------------------------------------

def test_the_api_sends_an_apkg(small, alice_api, collection, tmp_path):
    response = alice_api.get("/api/export/anki/", {"deck": "people"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/apkg"
    import_apkg(collection, response.content, tmp_path)
    assert (collection.note_count(), collection.card_count()) == (2, 3)


def test_the_api_sends_an_apkg_when_asked_for_by_accept(small, alice_api):
    response = alice_api.get("/api/export/anki/", HTTP_ACCEPT="application/apkg")

    assert (response.status_code, response["X-Export-Cards"]) == (200, str(SMALL_CARDS))


def test_the_api_sends_csv(small, alice_api):
    response = alice_api.get("/api/export/csv/")

    assert response.status_code == 200
    assert response.content.startswith(b"#separator:tab\n")


def test_the_api_names_a_bad_deck(small, alice_api):
    response = alice_api.get("/api/export/anki/", {"deck": "nope"})

    assert response.status_code == 400
    assert response.json()["detail"] == 'deck: "nope" is not a valid choice.'


def test_the_api_needs_authentication(api_client, db):
    assert api_client.get("/api/export/anki/").status_code == 401


def test_the_api_exports_only_the_callers_studied_cards(small, alice_api, bob):
    ReviewState.objects.create(user=bob, card=Card.objects.get(key="person:victor-serge:cloze"), due=NOW)

    response = alice_api.get("/api/export/anki/", {"studied": "true"})

    assert (response.status_code, response["X-Export-Cards"]) == (200, "0")


def test_the_schema_documents_the_export(db, api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")

    paths = response.json()["paths"]
    assert {"deck", "studied"} <= {p["name"] for p in paths["/api/export/anki/"]["get"]["parameters"]}
    assert "application/apkg" in paths["/api/export/anki/"]["get"]["responses"]["200"]["content"]


# --- the real fact base -------------------------------------------------------------------------------

def test_the_real_base_round_trips_through_anki(facts, collection, tmp_path):
    if not Card.objects.active().exists():
        pytest.skip("fixtures/ is empty")
    file = apkg(now=timezone.now())

    import_apkg(collection, file.content, tmp_path)

    assert (collection.note_count(), collection.card_count()) == (file.export.note_count, file.export.card_count)
    assert file.export.card_count == Card.objects.active().count()
    assert len(collection.find_notes('note:"studyapp Cloze"')) == Card.objects.active().filter(kind="cloze").count()
