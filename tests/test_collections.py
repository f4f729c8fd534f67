"""Collections (issue 21): the Serge base is the built-in public collection `serge`; fact keys are unique within a
collection; a second collection's cards have their own keys, and loading one collection never touches another."""

import datetime as dt
import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from studyapp.cards.models import Card, collection_card_key
from studyapp.content import load_facts
from studyapp.facts.models import SERGE, Collection, Event, Person, Source, Visibility, Work
from tests import factbase

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def base_file(tmp_path):
    return factbase.write(tmp_path / "facts.json", factbase.records())


@pytest.mark.django_db
def test_the_migrations_make_the_public_serge_collection():
    serge = Collection.objects.get(key=SERGE)
    assert (serge.title, serge.visibility, serge.owner, list(serge.editors.all())) == (
        "Victor Serge", Visibility.PUBLIC, None, [])


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_puts_existing_rows_in_serge_and_keeps_card_keys():
    """Rows written before collections existed (migrations facts 0002, cards 0003) are the Serge collection's after
    migrating, and every card keeps its key (so its Anki GUID) and its primary key (so its review states)."""
    executor = MigrationExecutor(connection)
    before = [("facts", "0002_weights_notes_spans"), ("cards", "0003_weight_intro_rank")]
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        source = old.get_model("facts", "Source").objects.create(key="003.txt", title="A source", kind="article")
        person = old.get_model("facts", "Person").objects.create(key="victor-serge", name="Victor Serge",
                                                                 description="A writer.")
        work = old.get_model("facts", "Work").objects.create(key="memoirs", title="Memoirs", kind="memoir")
        event = old.get_model("facts", "Event").objects.create(key="1947-death", when="1947", date=dt.date(1947, 1, 1),
                                                               precision="year", description="Serge dies.")
        card = old.get_model("cards", "Card").objects.create(
            key="person:victor-serge:person_who", fact_type="person", fact_key="victor-serge",
            sibling_key="person:victor-serge", kind="person_who", deck="people", prompt="Who was Victor Serge?",
            answer="A writer.", created_at=NOW, updated_at=NOW)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
        serge = Collection.objects.get(key=SERGE)
        assert (serge.title, serge.visibility) == ("Victor Serge", "public")
        assert [(row.pk, row.collection_id) for row in (
            Source.objects.get(key="003.txt"), Person.objects.get(key="victor-serge"), Work.objects.get(key="memoirs"),
            Event.objects.get(key="1947-death"))] == [
            (source.pk, serge.pk), (person.pk, serge.pk), (work.pk, serge.pk), (event.pk, serge.pk)]
        assert list(Card.objects.values_list("pk", "key", "sibling_key", "collection_id")) == [
            (card.pk, "person:victor-serge:person_who", "person:victor-serge", serge.pk)]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)


@pytest.mark.django_db
def test_a_second_collection_gets_the_same_facts_under_its_own_card_keys(base_file):
    load_facts(paths=[base_file], now=NOW)
    serge_cards = dict(Card.objects.values_list("key", "sibling_key"))
    report = load_facts(paths=[base_file], collection="reading-group", now=NOW,
                        about={"title": "Reading group", "visibility": Visibility.PRIVATE})
    group = Collection.objects.get(key="reading-group")
    assert (group.title, group.visibility, group.owner) == ("Reading group", "private", None)
    assert report.created == {"sources": 4, "people": 1, "works": 1, "events": 3}
    assert report.cards["created"] == len(serge_cards) > 0
    assert dict(Card.objects.filter(collection=group).values_list("key", "sibling_key")) == {
        f"reading-group/{key}": f"reading-group/{sibling}" for key, sibling in serge_cards.items()}
    assert dict(Card.objects.filter(collection__key=SERGE).values_list("key", "sibling_key")) == serge_cards
    assert Person.objects.filter(key="victor-serge").count() == 2
    assert Work.objects.get(collection=group).author.collection == group


def test_only_the_serge_collection_keeps_unprefixed_card_keys():
    assert collection_card_key(SERGE, "person:victor-serge:person_who") == "person:victor-serge:person_who"
    assert collection_card_key("kropotkin", "person:serge:person_who") == "kropotkin/person:serge:person_who"


@pytest.mark.django_db
def test_a_full_load_of_one_collection_never_touches_another(base_file, tmp_path):
    load_facts(paths=[base_file], now=NOW)
    load_facts(paths=[base_file], collection="reading-group", now=NOW)
    only_sources = [r for r in factbase.records() if r["model"] == "facts.source"]
    report = load_facts(paths=[factbase.write(tmp_path / "sources.json", only_sources)], collection="reading-group",
                        now=NOW)
    assert report.deleted == {"people": 1, "works": 1, "events": 3}
    assert report.cards["retired"] == Card.objects.filter(collection__key="reading-group").count()
    assert (Person.objects.filter(collection__key=SERGE).count(), Event.objects.filter(collection__key=SERGE).count(),
            Card.objects.filter(collection__key=SERGE, retired=True).count()) == (1, 3, 0)


@pytest.mark.django_db
def test_fact_keys_are_unique_within_a_collection():
    serge = Collection.objects.get(key=SERGE)
    other = Collection.objects.create(key="other", title="Other")
    Person.objects.create(collection=serge, key="kropotkin", name="Kropotkin", description="An anarchist.")
    Person.objects.create(collection=other, key="kropotkin", name="Kropotkin", description="An anarchist.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(collection=other, key="kropotkin", name="Peter Kropotkin", description="A prince.")
    assert Person.objects.filter(key="kropotkin").count() == 2


# --- fixtures/<collection>/: load_facts and export_facts ---------------------------------------------------------

@pytest.fixture
def fixtures_dir(tmp_path, monkeypatch):
    """A fixtures/ folder with two collections, serge and reading-group (the same small base in each), and an
    audit folder without fixture files, as the real one has."""
    from studyapp.facts.management.commands import load_facts as command

    root = tmp_path / "fixtures"
    for key in ("serge", "reading-group"):
        (root / key).mkdir(parents=True)
        factbase.write(root / key / "facts.json", factbase.records())
    (root / "reading-group" / "collection.json").write_text(
        '{"title": "Reading group", "description": "Our autumn texts.", "visibility": "unlisted"}', encoding="utf-8")
    (root / "audit").mkdir()
    (root / "audit" / "RULES.md").write_text("rules", encoding="utf-8")
    monkeypatch.setattr(command, "FIXTURES_DIR", root)
    return root


def fact_counts():
    return {key: tuple(model.objects.filter(collection__key=key).count() for model in (Source, Person, Event, Card))
            for key in Collection.objects.values_list("key", flat=True)}


@pytest.mark.django_db
def test_load_facts_loads_every_collection_folder_by_default(fixtures_dir):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_facts", stdout=out)
    cards = Card.objects.filter(collection__key=SERGE).count()
    assert fact_counts() == {"reading-group": (4, 1, 3, cards), SERGE: (4, 1, 3, cards)}
    group = Collection.objects.get(key="reading-group")
    assert (group.title, group.description, group.visibility) == ("Reading group", "Our autumn texts.", "unlisted")
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == [
        "Loaded 1 file(s) into reading-group", "Loaded 1 file(s) into serge"]


@pytest.mark.django_db
def test_load_facts_loads_one_collection_by_its_folder(fixtures_dir):
    from django.core.management import call_command

    call_command("load_facts", str(fixtures_dir / "reading-group"))
    assert list(Collection.objects.values_list("key", flat=True)) == ["reading-group", SERGE]
    assert fact_counts()[SERGE] == (0, 0, 0, 0) and fact_counts()["reading-group"][:3] == (4, 1, 3)


@pytest.mark.django_db
def test_a_file_in_a_collection_folder_loads_into_that_collection(fixtures_dir):
    from django.core.management import call_command

    call_command("load_facts", str(fixtures_dir / "reading-group" / "facts.json"))
    assert fact_counts()["reading-group"][:3] == (4, 1, 3) and fact_counts()[SERGE] == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_bad_collection_file_loads_nothing(fixtures_dir):
    from django.core.management import CommandError, call_command

    (fixtures_dir / "reading-group" / "collection.json").write_text('{"visibility": "secret"}', encoding="utf-8")
    with pytest.raises(CommandError, match="field 'visibility': bad visibility 'secret'"):
        call_command("load_facts")
    assert Source.objects.count() == 0 and not Collection.objects.filter(key="reading-group").exists()


@pytest.mark.django_db
def test_export_facts_writes_one_collection_or_all_in_the_same_shape(fixtures_dir, tmp_path, capsys):
    from django.core.management import call_command

    data = factbase.records()
    factbase.find(data, "facts.person", "victor-serge")["fields"]["name"] = "Victor Lvovich Kibalchich"
    factbase.write(fixtures_dir / "reading-group" / "facts.json", data)
    call_command("load_facts")
    capsys.readouterr()
    call_command("export_facts", collection="reading-group")
    group = json.loads(capsys.readouterr().out)
    call_command("export_facts")
    everything = json.loads(capsys.readouterr().out)
    assert list(group) == list(everything) == ["sources", "people", "works", "events", "ideas"]
    assert [p["name"] for p in group["people"]] == ["Victor Lvovich Kibalchich"]
    assert [p["name"] for p in everything["people"]] == ["Victor Lvovich Kibalchich", "Victor Serge"]
    assert [s["key"] for s in everything["sources"]] == [s["key"] for s in group["sources"]] * 2
    assert group["works"][0]["author"] == "Victor Lvovich Kibalchich"
    assert len(everything["events"]) == 2 * len(group["events"]) == 8


@pytest.mark.django_db
def test_export_facts_refuses_an_unknown_collection():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--collection: no collection 'nobody'"):
        call_command("export_facts", collection="nobody")


# --- who studies what: the user's collections, ?collection=KEY and the 404 rules -------------------------------

@pytest.fixture
def two_collections(tmp_path, bob):
    """The small base in serge and, with the same fact keys, in bob's private collection `group`."""
    path = factbase.write(tmp_path / "facts.json", factbase.records())
    load_facts(paths=[path], now=NOW)
    load_facts(paths=[path], collection="group", now=NOW, about={"title": "Bob's group"})
    group = Collection.objects.get(key="group")
    group.owner = bob
    group.visibility = Visibility.PRIVATE
    group.save()
    return group


def new_cards(user, **options):
    from studyapp.study.selectors import study_queue

    queue = study_queue(user, NOW, **options)
    return queue.counts["new"], queue.card.key if queue.card else None


@pytest.mark.django_db
def test_a_new_user_studies_every_public_collection_and_no_other(alice, bob, two_collections):
    per_collection = Card.objects.filter(collection=two_collections).count()
    count, first = new_cards(alice)
    assert count == per_collection and not first.startswith("group/")
    assert Card.objects.studied_by(alice).count() == per_collection
    assert set(Card.objects.studied_by(alice).values_list("collection__key", flat=True)) == {SERGE}
    two_collections.visibility = Visibility.PUBLIC
    two_collections.save()
    assert new_cards(alice)[0] == Card.objects.studied_by(alice).count() == 2 * per_collection


@pytest.mark.django_db
def test_a_private_collection_is_studied_by_its_owner_and_editors_only(alice, bob, charlie, two_collections):
    from studyapp.accounts.services import settings_update

    per_collection = Card.objects.filter(collection=two_collections).count()
    settings_update(user=bob, values={"collections": ["group"]})
    count, first = new_cards(bob)
    assert count == per_collection and first.startswith("group/")
    assert set(Card.objects.studied_by(bob).values_list("collection__key", flat=True)) == {"group"}
    # charlie chose it while an editor; once removed, its cards no longer reach him (SQL and ORM alike)
    two_collections.editors.add(charlie)
    settings_update(user=charlie, values={"collections": ["group", SERGE]})
    assert new_cards(charlie)[0] == Card.objects.studied_by(charlie).count() == 2 * per_collection
    two_collections.editors.remove(charlie)
    assert new_cards(charlie)[0] == Card.objects.studied_by(charlie).count() == per_collection


@pytest.mark.django_db
def test_choosing_a_collection_one_may_not_study_is_refused(alice, two_collections):
    from django.core.exceptions import ValidationError

    from studyapp.accounts.models import settings_for
    from studyapp.accounts.services import settings_update

    for keys, message in ((["group"], "no collection 'group'"), (["nobody"], "no collection 'nobody'"),
                          (["Bad Key"], "collections: each item is a collection key")):
        with pytest.raises(ValidationError) as error:
            settings_update(user=alice, values={"collections": keys})
        assert error.value.message_dict == {"collections": [message]}
    assert settings_for(alice).collections == []


@pytest.mark.django_db
def test_api_next_studies_one_collection_with_the_404_rules(alice_api, alice, bob, charlie, bob_api, charlie_api,
                                                             two_collections):
    assert alice_api.get("/api/study/next/?collection=group").status_code == 404
    assert alice_api.get("/api/study/next/?collection=nobody").status_code == 404
    response = alice_api.get("/api/study/next/?collection=Not%20a%20key")
    assert response.status_code == 400 and response.json()["detail"].startswith("collection: ")
    serge = alice_api.get(f"/api/study/next/?collection={SERGE}").json()
    assert serge["key"] == alice_api.get("/api/study/next/").json()["key"] and "/" not in serge["key"]
    bobs = bob_api.get("/api/study/next/?collection=group")
    assert bobs.status_code == 200 and bobs.json()["key"] == f"group/{serge['key']}"
    assert charlie_api.get("/api/study/next/?collection=group").status_code == 404
    two_collections.editors.add(charlie)
    assert charlie_api.get("/api/study/next/?collection=group").json()["key"] == f"group/{serge['key']}"
    two_collections.visibility = Visibility.UNLISTED
    two_collections.save()
    assert alice_api.get("/api/study/next/?collection=group").json()["key"] == f"group/{serge['key']}"
    assert alice_api.get("/api/study/next/").json()["key"] == serge["key"]  # unlisted: not studied by default


@pytest.mark.django_db
def test_api_settings_choose_collections(alice_api, two_collections):
    response = alice_api.patch("/api/settings/", {"collections": ["group"]}, format="json")
    assert (response.status_code, response.json()) == (400, {"detail": "collections: no collection 'group'",
                                                             "errors": {"collections": ["no collection 'group'"]}})
    two_collections.visibility = Visibility.UNLISTED
    two_collections.save()
    response = alice_api.patch("/api/settings/", {"collections": ["group"]}, format="json")
    assert (response.status_code, response.json()["collections"]) == (200, ["group"])
    assert alice_api.get("/api/study/next/").json()["key"].startswith("group/")


# --- Anki: one deck per collection and kind, Serge's notes keep their GUIDs ------------------------------------

def test_anki_decks_are_named_by_collection_and_serge_keeps_its_ids():
    from types import SimpleNamespace

    from studyapp.exports.anki import ANKI_DECKS, anki_deck

    serge = SimpleNamespace(key=SERGE, title="Victor Serge")
    group = SimpleNamespace(key="group", title="Bob's group")
    assert [anki_deck(serge, deck) for deck in ("people", "works", "events")] == list(ANKI_DECKS.values())
    people, works = anki_deck(group, "people"), anki_deck(group, "works")
    assert (people[1], works[1]) == ("Bob's group::People", "Bob's group::Works")
    assert people == anki_deck(group, "people") and people[0] != works[0]
    assert anki_deck(SimpleNamespace(key="odd", title="A::B"), "events")[1] == "A:B::Events"


@pytest.mark.django_db
def test_an_anki_reexport_with_a_second_collection_keeps_serge_notes_and_progress(alice, two_collections, tmp_path):
    from anki.collection import Collection as AnkiCollection

    from studyapp.accounts.services import settings_update
    from studyapp.exports.anki import guid_for_key
    from studyapp.exports.selectors import export_file
    from tests.test_exports import import_apkg, notes_by_key

    folder = tmp_path / "anki"
    folder.mkdir()
    col = AnkiCollection(str(folder / "collection.anki2"))
    try:
        first = export_file(user=alice, fmt="apkg", now=NOW)
        import_apkg(col, first.content, tmp_path, "first.apkg")
        serge_notes = {key: note.id for key, note in notes_by_key(col).items()}
        assert serge_notes and all("/" not in key for key in serge_notes)
        card = notes_by_key(col)["person:victor-serge:person_who"].cards()[0]
        card.ivl, card.type, card.queue, card.due = 30, 2, 2, 100  # progress made in Anki
        col.update_card(card)

        two_collections.visibility = Visibility.UNLISTED
        two_collections.save()
        settings_update(user=alice, values={"collections": [SERGE, "group"]})
        second = export_file(user=alice, fmt="apkg", now=NOW + dt.timedelta(days=1))
        log = import_apkg(col, second.content, tmp_path, "second.apkg")

        notes = notes_by_key(col)
        assert len(log.new) == len(serge_notes) == second.export.note_count - first.export.note_count
        assert {key: notes[key].id for key in serge_notes} == serge_notes
        assert sorted(key for key in notes if key not in serge_notes) == sorted(f"group/{key}" for key in serge_notes)
        assert notes["person:victor-serge:person_who"].guid == guid_for_key("person:victor-serge:person_who")
        assert col.get_card(card.id).ivl == 30
        assert {col.decks.name(c.did) for c in notes["group/person:victor-serge:person_who"].cards()} == {
            "Bob's group::People"}
        assert {col.decks.name(c.did) for c in notes["person:victor-serge:person_who"].cards()} == {
            "Victor Serge::People"}
    finally:
        col.close()


# --- quizzes and the pages of the base --------------------------------------------------------------------------

@pytest.mark.django_db
def test_quizzes_ask_only_the_users_collections_with_their_own_facts(alice, bob, tmp_path, two_collections):
    from studyapp.accounts.services import settings_update
    from studyapp.quiz.services import quiz_create

    data = factbase.records()
    factbase.find(data, "facts.person", "victor-serge")["fields"]["name"] = "Victor Kibalchich"
    load_facts(paths=[factbase.write(tmp_path / "group.json", data)], collection="group", now=NOW)
    alices = quiz_create(user=alice, deck="all", size=50, kinds=["typed"], now=NOW, seed=1)
    assert {q.card.collection.key for q in alices.questions.all()} == {SERGE}
    settings_update(user=bob, values={"collections": ["group"]})
    bobs = quiz_create(user=bob, deck="people", size=50, kinds=["typed"], now=NOW, seed=1)
    questions = list(bobs.questions.select_related("card"))
    assert {q.card.collection.key for q in questions} == {"group"}
    assert [q.card.key for q in questions if q.card.kind == "person_reverse"] == [
        "group/person:victor-serge:person_reverse"]
    assert "Victor Kibalchich" in Card.objects.get(key="group/person:victor-serge:person_reverse").accepted


@pytest.mark.django_db
def test_the_pages_of_the_base_show_the_serge_collection_when_another_shares_its_keys(client, tmp_path,
                                                                                    two_collections):
    data = factbase.records()
    factbase.find(data, "facts.person", "victor-serge")["fields"]["name"] = "Victor Kibalchich"
    load_facts(paths=[factbase.write(tmp_path / "group.json", data)], collection="group", now=NOW)
    for url in ("/people/victor-serge/", "/people/", "/works/witness-to-the-german-revolution/", "/timeline/",
                "/events/exile-to-orenburg/", f"/sources/{factbase.S004}/", "/search/?q=victor"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Kibalchich" not in response.content.decode(), url


@pytest.mark.django_db
def test_card_report_checks_each_collection_on_its_own_facts(tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = tmp_path / "base.json"
    path.write_text(json.dumps([
        {"model": "facts.source", "fields": {"key": "s.txt", "title": "S", "kind": "article"}},
        {"model": "facts.event", "fields": {"key": "arrest", "when": "1928", "date": "1928-01-01",
                                           "precision": "year", "description": "His 1928 arrest.", "weight": "core"}},
        {"model": "facts.citation", "fields": {"source": ["s.txt"], "event": ["arrest"], "quote": "was arrested"}},
    ]))
    load_facts(paths=[path])
    load_facts(paths=[path], collection="group")
    out = StringIO()
    with pytest.raises(CommandError, match="4 card-rule violation"):
        call_command("card_report", stdout=out)
    lines = [line.strip() for line in out.getvalue().splitlines()]
    assert lines[lines.index("violations: 4") - 8:] == [
        "2 cards", "kinds: event_when 2", "decks: events 2", "weights: core 2", "people:", "works:",
        "events: core 2", "ideas:", "violations: 4",
        "group/event:arrest: leak: the description states a year: 'His 1928 arrest.'",
        "group/event:arrest:event_when: leak: the prompt states an accepted answer: 1928, the year(s) 1928",
        "event:arrest: leak: the description states a year: 'His 1928 arrest.'",
        "event:arrest:event_when: leak: the prompt states an accepted answer: 1928, the year(s) 1928"]
    out = StringIO()
    with pytest.raises(CommandError, match="2 card-rule violation"):
        call_command("card_report", "--json", "--collection", "group", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["cards"], [v["card"] for v in report["violations"]]) == (
        Card.objects.filter(collection__key="group").count(), ["group/event:arrest", "group/event:arrest:event_when"])


@pytest.mark.django_db
def test_the_study_page_studies_one_collection_with_the_404_rules(client, alice, bob, two_collections):
    serge_first = Card.objects.filter(collection__key=SERGE).order_by("intro_rank", "id").first()
    client.force_login(alice)
    assert client.get("/study/?collection=group").status_code == 404
    assert client.get("/study/?collection=nobody").status_code == 404
    page = client.get(f"/study/?collection={SERGE}")
    assert page.status_code == 200 and page.context["queue"].card == serge_first
    assert "Studying only the collection <strong>Victor Serge</strong>" in page.content.decode()
    client.logout()
    client.force_login(bob)
    page = client.get("/study/?collection=group")
    card = page.context["queue"].card
    assert card.key == f"group/{serge_first.key}"
    assert '<input type="hidden" name="collection" value="group">' in page.content.decode()
    response = client.post("/study/bury/", {"card": card.pk, "collection": "group"})
    assert response.status_code == 302 and response["Location"] == "/study/?collection=group"


@pytest.mark.django_db
def test_the_settings_page_chooses_among_the_collections_a_user_may_see(client, alice, bob, two_collections):
    from studyapp.accounts.models import StudySettings
    from studyapp.accounts.services import settings_update
    from tests.test_site_pages import _settings_post

    client.force_login(alice)
    assert client.get("/settings/").context["form"].fields["collections"].choices == [(SERGE, "Victor Serge")]
    response = client.post("/settings/", _settings_post(collections=["group"]))
    assert response.status_code == 200 and response.context["form"].errors["collections"] == [
        "Select a valid choice. group is not one of the available choices."]
    client.post("/settings/", _settings_post(collections=[SERGE]))
    assert StudySettings.objects.get(user=alice).collections == [SERGE]
    two_collections.visibility = Visibility.UNLISTED
    two_collections.save()
    settings_update(user=StudySettings.objects.get(user=alice).user, values={"collections": [SERGE, "group"]})
    page = client.get("/settings/")
    assert page.context["form"].fields["collections"].choices == [("group", "Bob's group"), (SERGE, "Victor Serge")]
    assert 'value="group" id="id_collections_0" checked' in page.content.decode()
    client.force_login(bob)
    assert client.get("/settings/").context["form"].fields["collections"].choices == [
        ("group", "Bob's group"), (SERGE, "Victor Serge")]


@pytest.mark.django_db
def test_api_quiz_on_one_collection_with_the_404_rules(alice_api, bob_api, two_collections):
    from studyapp.quiz.models import Quiz

    body = {"deck": "all", "size": 50, "kinds": ["typed"], "collection": "group"}
    assert alice_api.post("/api/quizzes/", body, format="json").status_code == 404
    assert alice_api.post("/api/quizzes/", {**body, "collection": "nobody"}, format="json").status_code == 404
    response = alice_api.post("/api/quizzes/", {**body, "collection": "Bad Key"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["collection"]
    response = bob_api.post("/api/quizzes/", body, format="json")
    assert response.status_code == 201
    quiz = Quiz.objects.get(pk=response.json()["id"])
    assert {q.card.collection.key for q in quiz.questions.select_related("card__collection")} == {"group"}


@pytest.mark.django_db
def test_the_admin_lists_collections_and_filters_facts_by_collection(client, two_collections):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    page = client.get("/admin/facts/collection/")
    assert page.status_code == 200 and "Bob&#x27;s group" in page.content.decode()
    page = client.get(f"/admin/facts/person/?collection__id__exact={two_collections.pk}")
    assert page.status_code == 200 and page.context["cl"].result_count == 1


@pytest.mark.django_db
def test_an_export_of_one_collection_with_the_404_rules(alice_api, bob, bob_api, two_collections, tmp_path):
    from django.core.management import CommandError, call_command


    assert alice_api.get("/api/export/anki/?collection=group").status_code == 404
    assert alice_api.get("/api/export/anki/?collection=nobody").status_code == 404
    response = bob_api.get("/api/export/anki/?collection=group")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="group-all-')
    serge = alice_api.get(f"/api/export/anki/?collection={SERGE}")
    assert serge["Content-Disposition"].startswith('attachment; filename="victor-serge-all-')
    with pytest.raises(CommandError, match="--collection: no collection 'group' for alice"):
        call_command("export_anki", "--out", str(tmp_path / "a.csv"), "--user", "alice", "--collection", "group")
    call_command("export_anki", "--out", str(tmp_path / "b.csv"), "--user", "bob", "--collection", "group")
    rows = [row.split("\t") for row in (tmp_path / "b.csv").read_text(encoding="utf-8").splitlines()
            if not row.startswith("#")]
    assert len(rows) == 6 and all(row[2].startswith("Bob's group::") and row[7].startswith("group/") for row in rows)
