"""POST /api/collections/ and the roles: anyone signed up creates a collection and owns it; the owner adds editors;
only the owner and editors change it; private is 404 to everyone else, unlisted is read by anyone with the key."""

import pytest

from studyapp.facts.models import Collection


@pytest.fixture
def readings(alice_api):
    """alice's private collection "Autumn readings"."""
    response = alice_api.post("/api/collections/", {"title": "Autumn readings", "visibility": "private"},
                              format="json")
    assert response.status_code == 201
    return response.json()["key"]


@pytest.mark.django_db
def test_it_creates_a_collection_owned_by_its_creator(alice_api, alice):
    response = alice_api.post("/api/collections/", {"title": "Kropotkin's Memoirs", "description": "Chapters 1-4.",
                                                    "visibility": "unlisted"}, format="json")
    assert (response.status_code, response.json()) == (201, {
        "key": "kropotkins-memoirs", "title": "Kropotkin's Memoirs", "description": "Chapters 1-4.",
        "visibility": "unlisted", "owner": "alice", "editors": []})
    assert Collection.objects.get(key="kropotkins-memoirs").owner == alice


@pytest.mark.django_db
def test_a_second_collection_with_the_same_title_gets_its_own_key(alice_api, bob_api):
    body = {"title": "Victor Serge", "visibility": "public"}
    keys = [api.post("/api/collections/", body, format="json").json()["key"] for api in (alice_api, bob_api)]
    assert keys == ["victor-serge", "victor-serge-2"]
    weird = alice_api.post("/api/collections/", {"title": "«»", "visibility": "public"}, format="json").json()
    assert weird["key"] == "collection"


@pytest.mark.django_db
def test_bad_input_is_400_naming_the_field(alice_api):
    for body, field in (({"visibility": "public"}, "title"), ({"title": "X", "visibility": "secret"}, "visibility"),
                        ({"title": "X"}, "visibility"), ({"title": "x" * 201, "visibility": "public"}, "title")):
        response = alice_api.post("/api/collections/", body, format="json")
        assert response.status_code == 400 and list(response.json()["errors"]) == [field], body


@pytest.mark.django_db
def test_a_visitor_may_not_create_one(api_client):
    assert api_client.post("/api/collections/", {"title": "X", "visibility": "public"}, format="json"
                           ).status_code == 401


@pytest.mark.django_db
def test_a_private_collection_is_404_to_everyone_but_its_owner_and_editors(alice_api, bob_api, charlie_api,
                                                                         readings):
    assert alice_api.get(f"/api/collections/{readings}/").status_code == 200
    for api in (bob_api, charlie_api):
        assert api.get(f"/api/collections/{readings}/").status_code == 404
        assert api.patch(f"/api/collections/{readings}/", {"title": "Mine"}, format="json").status_code == 404
        assert api.post(f"/api/collections/{readings}/editors/", {"username": "bob"}, format="json"
                        ).status_code == 404
        assert api.get(f"/api/study/next/?collection={readings}").status_code == 404
    assert [c["key"] for c in bob_api.get("/api/collections/").json()] == ["serge"]
    response = alice_api.post(f"/api/collections/{readings}/editors/", {"username": "bob"}, format="json")
    assert (response.status_code, response.json()["editors"]) == (200, ["bob"])
    assert bob_api.get(f"/api/collections/{readings}/").json()["owner"] == "alice"
    assert [c["key"] for c in bob_api.get("/api/collections/").json()] == [readings, "serge"]
    assert bob_api.get(f"/api/study/next/?collection={readings}").status_code == 204  # empty, but his to study
    assert charlie_api.get(f"/api/collections/{readings}/").status_code == 404


@pytest.mark.django_db
def test_only_the_owner_and_editors_change_it_and_only_the_owner_its_visibility_and_editors(
        alice_api, bob_api, charlie_api, readings):
    alice_api.post(f"/api/collections/{readings}/editors/", {"username": "bob"}, format="json")
    response = bob_api.patch(f"/api/collections/{readings}/", {"title": "Autumn and winter"}, format="json")
    assert (response.status_code, response.json()["title"]) == (200, "Autumn and winter")
    response = bob_api.patch(f"/api/collections/{readings}/", {"visibility": "public"}, format="json")
    assert (response.status_code, response.json()["detail"]) == (
        403, "only the collection's owner changes its visibility")
    response = bob_api.post(f"/api/collections/{readings}/editors/", {"username": "charlie"}, format="json")
    assert response.status_code == 403
    response = alice_api.patch(f"/api/collections/{readings}/", {"visibility": "unlisted"}, format="json")
    assert (response.status_code, response.json()["visibility"]) == (200, "unlisted")
    # unlisted: charlie reads it and studies it with the key, cannot change it, and does not see it listed
    assert charlie_api.get(f"/api/collections/{readings}/").json()["title"] == "Autumn and winter"
    assert charlie_api.get(f"/api/study/next/?collection={readings}").status_code == 204
    response = charlie_api.patch(f"/api/collections/{readings}/", {"title": "Mine"}, format="json")
    assert (response.status_code, response.json()["detail"]) == (
        403, "only the collection's owner and editors change it")
    assert [c["key"] for c in charlie_api.get("/api/collections/").json()] == ["serge"]
    assert Collection.objects.get(key=readings).title == "Autumn and winter"


@pytest.mark.django_db
def test_adding_an_unknown_editor_is_400(alice_api, readings):
    response = alice_api.post(f"/api/collections/{readings}/editors/", {"username": "nobody"}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"username": ["no such user"]}


@pytest.mark.django_db
def test_nobody_changes_the_built_in_serge_collection_over_the_api(alice_api):
    assert alice_api.get("/api/collections/serge/").json() == {
        "key": "serge", "title": "Victor Serge", "description": "", "visibility": "public", "owner": None,
        "editors": []}
    assert alice_api.patch("/api/collections/serge/", {"title": "Mine"}, format="json").status_code == 403
    assert alice_api.post("/api/collections/serge/editors/", {"username": "alice"}, format="json"
                          ).status_code == 403


def test_the_built_in_collection_has_no_owner_and_the_schema_says_owner_may_be_null(alice_api, api_client, db):
    # make fuzz found it: the schema said owner was always a string, and Serge's is null.
    assert alice_api.get("/api/collections/serge/").json()["owner"] is None
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    owner = schema["components"]["schemas"]["Collection"]["properties"]["owner"]
    assert (owner["type"], owner["nullable"], owner["readOnly"]) == ("string", True, True)


# --- lifecycle: editors removed, ownership handed over, collections deleted, owners leaving (issue 21) -------------

def _with_a_studied_card(alice, key):
    """A source, a person and its cards in collection `key`; returns a card."""
    from studyapp.authoring.services import fact_author
    from studyapp.cards.models import Card
    from studyapp.facts.services import source_create

    collection = Collection.objects.get(key=key)
    source_create(collection=collection, by=alice, title="Text", text="Anna Karlova was born in Prague in 1901.")
    fact_author(collection=collection, by=alice, kind="person",
                fields={"name": "Anna Karlova", "description": "Czech playwright."},
                citations=[{"source": "text", "quote": "Anna Karlova was born in Prague in 1901."}])
    return Card.objects.get(key=f"{key}/person:anna-karlova:person_who")


def _review(user, card):
    import datetime as dt
    import uuid

    from studyapp.study.services import review_submit

    review_submit(user=user, card=card, rating=3, now=dt.datetime(2026, 3, 10, tzinfo=dt.UTC),
                  review_id=uuid.uuid4())


def _rows():
    from studyapp.cards.models import Card
    from studyapp.facts.models import Person, Source
    from studyapp.study.models import ReviewState

    return (Collection.objects.count(), Collection.editors.through.objects.count(), Source.objects.count(),
            Person.objects.count(), Card.objects.count(), ReviewState.objects.count(), Person.history.count())


@pytest.mark.django_db
def test_the_owner_removes_an_editor_and_an_editor_may_leave(alice_api, bob_api, charlie_api, readings):
    for name in ("bob", "charlie"):
        alice_api.post(f"/api/collections/{readings}/editors/", {"username": name}, format="json")
    before = _rows()
    assert bob_api.delete(f"/api/collections/{readings}/editors/charlie/").status_code == 403
    assert alice_api.delete(f"/api/collections/{readings}/editors/nobody/").status_code == 404
    assert alice_api.delete(f"/api/collections/{readings}/editors/alice/").status_code == 404  # the owner is none
    assert alice_api.delete("/api/collections/nope/editors/bob/").status_code == 404
    assert _rows() == before
    assert alice_api.delete(f"/api/collections/{readings}/editors/charlie/").status_code == 204
    assert charlie_api.get(f"/api/collections/{readings}/").status_code == 404  # private: gone for charlie at once
    assert bob_api.delete(f"/api/collections/{readings}/editors/bob/").status_code == 204
    assert bob_api.get(f"/api/collections/{readings}/").status_code == 404
    assert alice_api.get(f"/api/collections/{readings}/").json()["editors"] == []


@pytest.mark.django_db
def test_the_owner_hands_the_collection_to_an_editor_and_stays_an_editor(alice_api, bob_api, charlie_api, readings):
    alice_api.post(f"/api/collections/{readings}/editors/", {"username": "bob"}, format="json")
    before = _rows()
    refused = [
        (bob_api, {"owner": "bob"}, 403),  # an editor may not take it
        (alice_api, {"owner": "charlie"}, 400),  # not an editor
        (alice_api, {"owner": "nobody"}, 400),
        (alice_api, {"owner": "bob", "visibility": "secret"}, 400),
        (charlie_api, {"owner": "charlie"}, 404),
    ]
    for api, body, code in refused:
        response = api.patch(f"/api/collections/{readings}/", body, format="json")
        assert response.status_code == code, body
    not_an_editor = alice_api.patch(f"/api/collections/{readings}/", {"owner": "charlie"}, format="json")
    assert not_an_editor.json()["detail"] == "owner: the new owner must be one of the collection's editors"
    assert _rows() == before and Collection.objects.get(key=readings).owner.username == "alice"
    response = alice_api.patch(f"/api/collections/{readings}/", {"owner": "bob", "title": "Bob's readings"},
                               format="json")
    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("title", "owner", "editors")} == {
        "title": "Bob's readings", "owner": "bob", "editors": ["alice"]}
    assert alice_api.patch(f"/api/collections/{readings}/", {"visibility": "public"}, format="json").status_code == 403


@pytest.mark.django_db
def test_the_owner_deletes_a_collection_with_its_facts_cards_and_history(alice, alice_api, bob_api, readings):
    from studyapp.facts.models import Person

    card = _with_a_studied_card(alice, readings)
    _review(alice, card)
    alice_api.post(f"/api/collections/{readings}/editors/", {"username": "bob"}, format="json")
    before = _rows()
    assert bob_api.delete(f"/api/collections/{readings}/").status_code == 403  # an editor
    assert _rows() == before
    assert alice_api.delete(f"/api/collections/{readings}/").status_code == 204
    assert _rows() == (before[0] - 1, before[1] - 1, before[2] - 1, before[3] - 1, before[4] - 2, before[5] - 1, 0)
    assert not Person.history.exists()
    assert alice_api.get(f"/api/collections/{readings}/").status_code == 404


@pytest.mark.django_db
def test_a_shared_collection_other_learners_study_is_409_until_it_is_private(alice, bob, alice_api, bob_api,
                                                                             readings):
    card = _with_a_studied_card(alice, readings)
    alice_api.patch(f"/api/collections/{readings}/", {"visibility": "unlisted"}, format="json")
    _review(bob, card)
    before = _rows()
    assert bob_api.delete(f"/api/collections/{readings}/").status_code == 403
    refused = alice_api.delete(f"/api/collections/{readings}/")
    assert (refused.status_code, refused.json()) == (409, {
        "detail": "1 other learner has studied its cards: make it private first (they then lose it), then delete it"})
    assert _rows() == before
    alice_api.patch(f"/api/collections/{readings}/", {"visibility": "private"}, format="json")
    assert alice_api.delete(f"/api/collections/{readings}/").status_code == 204
    assert not Collection.objects.filter(key=readings).exists()


@pytest.mark.django_db
def test_nobody_deletes_the_built_in_serge_collection(alice_api):
    from studyapp.facts.models import SERGE

    assert alice_api.delete(f"/api/collections/{SERGE}/").status_code == 403
    assert Collection.objects.filter(key=SERGE).exists()


@pytest.mark.django_db
def test_a_leaving_owners_collections_go_to_the_earliest_editor_or_with_them_if_private(alice, bob, charlie,
                                                                                        alice_api):
    from studyapp.accounts.services import user_delete
    from studyapp.facts.models import Person
    from tests.conftest import PASSWORD

    keys = {}
    for title, visibility in (("Shared", "private"), ("Mine", "private"), ("Open", "public")):
        keys[title] = alice_api.post("/api/collections/", {"title": title, "visibility": visibility},
                                     format="json").json()["key"]
    for name in ("charlie", "bob"):  # charlie joined first
        alice_api.post(f"/api/collections/{keys['Shared']}/editors/", {"username": name}, format="json")
    _with_a_studied_card(alice, keys["Mine"])
    _with_a_studied_card(alice, keys["Open"])

    deleted = user_delete(user=alice, password=PASSWORD)

    shared = Collection.objects.get(key=keys["Shared"])
    assert (shared.owner, list(shared.editors.values_list("username", flat=True))) == (charlie, ["bob"])
    assert not Collection.objects.filter(key=keys["Mine"]).exists()
    assert not Person.objects.filter(collection__key=keys["Mine"]).exists()
    public = Collection.objects.get(key=keys["Open"])
    assert list(Person.history.values_list("collection_id", flat=True).distinct()) == [public.pk]
    assert public.owner is None and not public.can_edit(bob) and not public.can_edit(charlie)
    assert Person.objects.filter(collection=public).count() == 1
    assert deleted["facts.Collection"] == 1 and deleted["facts.Person"] == 1


@pytest.mark.django_db
def test_a_deleted_collections_key_still_in_a_users_choice_is_never_given_to_a_new_one(alice_api, bob_api, bob):
    key = alice_api.post("/api/collections/", {"title": "Short stories", "visibility": "unlisted"},
                         format="json").json()["key"]
    assert bob_api.patch("/api/settings/", {"collections": [key]}, format="json").status_code == 200
    assert alice_api.delete(f"/api/collections/{key}/").status_code == 204  # bob never studied it: no 409
    again = alice_api.post("/api/collections/", {"title": "Short stories", "visibility": "public"}, format="json")
    assert (key, again.json()["key"]) == ("short-stories", "short-stories-2")
    bob.study_settings.refresh_from_db()
    assert bob.study_settings.collections == ["short-stories"]  # his choice names no collection now


@pytest.mark.django_db
def test_a_source_titled_new_does_not_take_the_add_a_source_pages_address(alice_api, readings):
    response = alice_api.post(f"/api/collections/{readings}/sources/", {"title": "New", "text": "Some text."},
                              format="json")
    assert (response.status_code, response.json()["key"]) == (201, "new-2")
