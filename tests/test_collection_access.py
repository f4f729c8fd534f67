"""A card reached by its id, or through a user's own rows, follows its collection's rules (issue 21, from the
hostile probe): a card of a private collection not yours, or of one made private since you studied it, is 404 like
a missing card on every endpoint and page that takes a card id, and never shown in the card browser, the suspended
list or a quiz."""

import datetime as dt
import uuid

import pytest
from django.test import Client

from studyapp.authoring.services import fact_author
from studyapp.cards.models import Card
from studyapp.facts.models import Visibility
from studyapp.facts.services import collection_create, collection_update, source_create
from studyapp.quiz.models import Quiz
from studyapp.study.models import ReviewState
from studyapp.study.services import card_suspend

TEXT = "Anna Karlova was born in Prague in 1901."


@pytest.fixture
def secret(alice):
    """alice's unlisted collection `secret` with one person (two cards)."""
    collection = collection_create(owner=alice, title="Secret", visibility=Visibility.UNLISTED)
    source_create(collection=collection, by=alice, title="A novel", text=TEXT)
    fact_author(collection=collection, by=alice, kind="person",
                fields={"name": "Anna Karlova", "description": "Czech playwright.", "weight": "core"},
                citations=[{"source": "a-novel", "quote": TEXT}])
    return collection


def card_of(collection):
    return Card.objects.get(key=f"{collection.key}/person:anna-karlova:person_who")


def make_private(collection, alice):
    collection_update(collection=collection, by=alice, values={"visibility": Visibility.PRIVATE})


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_card_browser_lists_only_collections_listed_for_the_viewer(alice, bob, secret):
    for client, shown in ((Client(), False), (client_for(bob), False), (client_for(alice), True)):
        page = client.get("/cards/?q=Karlova")
        assert page.status_code == 200
        assert ("Who was Anna Karlova?" in page.content.decode()) is shown
    make_private(secret, alice)
    assert "Who was Anna Karlova?" in client_for(alice).get("/cards/?q=Karlova").content.decode()


@pytest.mark.django_db
def test_every_card_id_endpoint_is_404_for_a_private_collection_not_yours(alice, bob, bob_api, secret):
    make_private(secret, alice)
    card = card_of(secret)
    review = {"card": card.pk, "rating": 3, "review_id": str(uuid.uuid4())}
    assert bob_api.post("/api/reviews/", review, format="json").status_code == 404
    for action in ("suspend", "unsuspend", "bury"):
        assert bob_api.post(f"/api/cards/{card.pk}/{action}/").status_code == 404
    browser = client_for(bob)
    for action in ("bury", "suspend", "unsuspend"):
        assert browser.post(f"/study/{action}/", {"card": card.pk}).status_code == 404
    assert ReviewState.objects.filter(user=bob).count() == 0


@pytest.mark.django_db
def test_a_card_studied_before_its_collection_went_private_is_out_of_reach_after(alice, bob, bob_api, secret):
    card = card_of(secret)
    review = {"card": card.pk, "rating": 3, "review_id": str(uuid.uuid4())}
    assert bob_api.post("/api/reviews/", review, format="json").status_code == 201
    card_suspend(user=bob, card=card, now=dt.datetime(2026, 3, 10, tzinfo=dt.UTC))
    assert "Who was Anna Karlova?" in client_for(bob).get("/study/suspended/").content.decode()
    assert bob_api.get(f"/api/study/cards/{card.pk}/").status_code == 200

    make_private(secret, alice)

    assert "Anna Karlova" not in client_for(bob).get("/study/suspended/").content.decode()
    assert bob_api.get(f"/api/study/cards/{card.pk}/").status_code == 404
    again = {"card": card.pk, "rating": 3, "review_id": str(uuid.uuid4())}
    assert bob_api.post("/api/reviews/", again, format="json").status_code == 404
    assert ReviewState.objects.filter(user=bob, card=card).count() == 1  # his row is kept, out of reach


@pytest.mark.django_db
def test_a_quiz_on_a_collection_made_private_since_is_404(alice, bob, bob_api, secret):
    response = bob_api.post("/api/quizzes/", {"deck": "people", "size": 2, "kinds": ["typed"],
                                              "collection": "secret"}, format="json")
    assert response.status_code == 201, response.json()
    quiz = response.json()["id"]
    assert bob_api.get(f"/api/quizzes/{quiz}/").status_code == 200
    make_private(secret, alice)
    assert bob_api.get(f"/api/quizzes/{quiz}/").status_code == 404
    assert client_for(bob).get(f"/quiz/{quiz}/").status_code == 404
    assert Quiz.objects.filter(pk=quiz).exists()  # kept; out of reach while the collection is
