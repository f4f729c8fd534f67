"""User data rights: download my data (exact JSON), delete my account (every row of mine, nobody else's)."""

import datetime as dt
import json
import uuid

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from studyapp.accounts.models import settings_for
from studyapp.accounts.services import WrongPassword, token_for, user_delete
from studyapp.cards.models import Card
from studyapp.exports.userdata import user_data_export
from studyapp.quiz.models import Quiz, QuizAnswer, QuizQuestion
from studyapp.study.models import ReviewLog, ReviewState
from tests.builders import make_card
from tests.conftest import PASSWORD

T0 = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
RID = [uuid.UUID(int=n) for n in range(1, 10)]


@pytest.fixture
def cards(db):
    return [make_card("person:victor-serge:person_who", now=T0, prompt="Who was Victor Serge?",
                      answer="A revolutionary writer."),
            make_card("work:conquered-city:work_year", now=T0, prompt="When was Conquered City published?",
                      answer="1932")]


def give_history(user, cards, *, tag):
    """One state, one log and one quiz (two questions, one answered) for `user`; `tag` tells users apart."""
    first, second = cards
    ReviewState.objects.create(user=user, card=first, state=2, step=None, stability=3.5, difficulty=5.25,
                               due=T0 + dt.timedelta(days=3), last_review=T0, reps=1, lapses=0, version=1)
    ReviewLog.objects.create(user=user, card=first, review_id=RID[0] if tag == "a" else RID[1], rating=3,
                             reviewed_at=T0, duration_ms=4200, state_before=None,
                             state_after={"state": 2, "stability": 3.5}, source="study")
    quiz = Quiz.objects.create(user=user, deck="all", mode="all", kinds=["typed", "true_false"], size=2,
                               created_at=T0 + dt.timedelta(hours=1))
    q1 = QuizQuestion.objects.create(quiz=quiz, position=1, kind="typed", card=second, facts=["work:conquered-city"],
                                     prompt=f"When was Conquered City published? ({tag})", options=[],
                                     solution={"accepted": ["1932"]}, expected="1932")
    QuizQuestion.objects.create(quiz=quiz, position=2, kind="true_false", card=None, facts=[],
                                prompt="Serge died in Mexico City.", options=["True", "False"],
                                solution={"correct": "True"}, expected="True")
    QuizAnswer.objects.create(question=q1, given="1931", correct=False, feedback="It was 1932.",
                              answered_at=T0 + dt.timedelta(hours=1, minutes=2))
    return quiz


def test_export_content_is_exact(alice, bob, cards):
    alice.date_joined = T0 - dt.timedelta(days=10)
    alice.save()
    st = settings_for(alice)
    st.timezone, st.new_per_day, st.decks, st.topics = "Europe/Paris", 15, ["people", "works"], []
    st.save()
    quiz = give_history(alice, cards, tag="a")
    give_history(bob, cards, tag="b")

    data = user_data_export(user=alice)

    assert data == {
        "format": "studyapp-user-data",
        "version": 1,
        "user": {"username": "alice", "email": "alice@example.org", "date_joined": "2026-02-19T09:30:00+00:00",
                 "last_login": None},
        "settings": {"timezone": "Europe/Paris", "day_starts_at": 4, "desired_retention": 0.9, "new_per_day": 15,
                     "reviews_per_day": 200, "decks": ["people", "works"], "topics": [],
                     "quiz_counts_as_review": False, "fsrs_parameters": [], "collections": []},
        "review_states": [
            {"card": "person:victor-serge:person_who", "card_id": cards[0].pk, "state": "review", "step": None,
             "stability": 3.5, "difficulty": 5.25, "due": "2026-03-04T09:30:00+00:00",
             "last_review": "2026-03-01T09:30:00+00:00", "reps": 1, "lapses": 0, "suspended": False,
             "leech": False, "buried_until": None, "version": 1},
        ],
        "review_logs": [
            {"review_id": str(RID[0]), "card": "person:victor-serge:person_who", "card_id": cards[0].pk,
             "rating": 3, "reviewed_at": "2026-03-01T09:30:00+00:00", "duration_ms": 4200, "source": "study",
             "anki_revlog_id": None, "state_before": None, "state_after": {"state": 2, "stability": 3.5}},
        ],
        "quizzes": [
            {"id": quiz.pk, "deck": "all", "mode": "all", "kinds": ["typed", "true_false"], "size": 2,
             "created_at": "2026-03-01T10:30:00+00:00", "finished_at": None, "score": 0, "answered": 1,
             "total": 2,
             "questions": [
                 {"position": 1, "kind": "typed", "card": "work:conquered-city:work_year",
                  "prompt": "When was Conquered City published? (a)", "options": [], "expected": "1932",
                  "answer": {"given": "1931", "correct": False, "feedback": "It was 1932.",
                             "answered_at": "2026-03-01T10:32:00+00:00", "review_id": None}},
                 {"position": 2, "kind": "true_false", "card": None, "prompt": "Serge died in Mexico City.",
                  "options": ["True", "False"], "expected": "True", "answer": None},
             ]},
        ],
        "collections": [],
    }
    # The file is plain JSON: it round-trips unchanged.
    assert json.loads(json.dumps(data)) == data


def test_export_of_a_new_user_is_empty_but_complete(alice):
    data = user_data_export(user=alice)
    assert data["review_states"] == data["review_logs"] == data["quizzes"] == []
    assert data["settings"]["decks"] == ["people", "works", "events"]


def test_export_never_includes_another_users_data(alice, bob, cards):
    give_history(alice, cards, tag="a")
    give_history(bob, cards, tag="b")
    text = json.dumps(user_data_export(user=alice))
    assert "bob" not in text and str(RID[1]) not in text and "(b)" not in text
    empty = json.dumps(user_data_export(user=make_extra_user("charlie")))
    assert "alice" not in empty and str(RID[0]) not in empty and "(a)" not in empty


def make_extra_user(name):
    from tests.conftest import make_user

    return make_user(name)


def test_export_query_count_does_not_grow_with_history(alice, cards, django_assert_max_num_queries):
    def export_queries():
        user = User.objects.get(pk=alice.pk)
        with django_assert_max_num_queries(6) as captured:  # 5, and the collections the user owns or edits
            user_data_export(user=user)
        return len(captured.captured_queries)

    give_history(alice, cards, tag="a")
    few = export_queries()
    for _ in range(3):
        Quiz.objects.create(user=alice, deck="all", size=1, created_at=T0)
    assert export_queries() == few


# --- delete ---------------------------------------------------------------------------------------------------


def user_rows():
    """Every model with a foreign key or one-to-one to User: {label: {user_id: count}}."""
    found = {}
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and (field.many_to_one or field.one_to_one):
                if field.related_model is User:
                    counts = {}
                    for user_id in model.objects.values_list(field.attname, flat=True):
                        counts[user_id] = counts.get(user_id, 0) + 1
                    found[f"{model._meta.label}.{field.name}"] = counts
    return found


def table_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models() if not model._meta.proxy}


def sessions_of(user):
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


@pytest.fixture
def two_users_with_everything(alice, bob, cards):
    for user, tag in ((alice, "a"), (bob, "b")):
        give_history(user, cards, tag=tag)
        token_for(user)
        client = Client()
        client.force_login(user)  # a stored session
    return alice, bob


def test_delete_removes_every_row_of_the_user_and_only_theirs(two_users_with_everything):
    alice, bob = two_users_with_everything
    alice_pk = alice.pk
    before_rows, before_tables = user_rows(), table_counts()
    assert all(before_rows[label].get(alice_pk) for label in (
        "study.ReviewState.user", "study.ReviewLog.user", "quiz.Quiz.user", "accounts.StudySettings.user",
        "authtoken.Token.user"))
    assert len(sessions_of(alice)) == 1

    deleted = user_delete(user=alice, password=PASSWORD)

    assert not User.objects.filter(pk=alice_pk).exists()
    after_rows, after_tables = user_rows(), table_counts()
    for label, counts in after_rows.items():
        assert alice_pk not in counts, f"{label} still has alice's rows"
        assert counts.get(bob.pk) == before_rows[label].get(bob.pk), f"{label}: bob's rows changed"
    assert sessions_of(alice) == [] and len(sessions_of(bob)) == 1
    # Quiz questions and answers point at the user through the quiz: gone with it, bob's stay.
    assert not QuizQuestion.objects.filter(quiz__user_id=alice_pk).exists()
    assert QuizQuestion.objects.filter(quiz__user=bob).count() == 2
    assert QuizAnswer.objects.filter(question__quiz__user=bob).count() == 1
    # Exactly alice's rows went, table by table; shared cards and facts are untouched.
    expected_loss = {"auth.User": 1, "study.ReviewState": 1, "study.ReviewLog": 1, "quiz.Quiz": 1,
                     "quiz.QuizQuestion": 2, "quiz.QuizAnswer": 1, "accounts.StudySettings": 1,
                     "authtoken.Token": 1, "sessions.Session": 1}
    for label, count in before_tables.items():
        if label.startswith("axes."):
            continue  # log-in records: checked below
        assert after_tables[label] == count - expected_loss.get(label, 0), label
    assert deleted["auth.User"] == 1 and deleted["quiz.QuizQuestion"] == 2
    assert Card.objects.count() == 2
    # Bob is unaffected: he can still export everything.
    assert len(user_data_export(user=bob)["quizzes"][0]["questions"]) == 2


def test_delete_removes_log_in_records_for_the_username(two_users_with_everything):
    if not apps.is_installed("axes"):
        pytest.skip("django-axes not installed")
    alice, bob = two_users_with_everything
    AccessLog = apps.get_model("axes", "AccessLog")
    for user in (alice, bob):
        AccessLog.objects.create(username=user.username, ip_address="127.0.0.1", user_agent="test",
                                 http_accept="*/*", path_info="/accounts/login/")
    user_delete(user=alice, password=PASSWORD)
    assert not AccessLog.objects.filter(username="alice").exists()
    assert AccessLog.objects.filter(username="bob").exists()


@pytest.mark.parametrize("password", ["wrong password", "", PASSWORD.upper()])
def test_wrong_password_keeps_everything(two_users_with_everything, password):
    alice, _ = two_users_with_everything
    before_rows, before_tables = user_rows(), table_counts()
    with pytest.raises(WrongPassword):
        user_delete(user=alice, password=password)
    assert user_rows() == before_rows and table_counts() == before_tables
    assert User.objects.get(pk=alice.pk).check_password(PASSWORD)


# --- the pages --------------------------------------------------------------------------------------------------


def test_settings_page_links_to_download_and_delete(client, alice):
    client.force_login(alice)
    html = client.get("/settings/").content.decode()
    assert 'href="/accounts/data/"' in html and 'href="/accounts/delete/"' in html


def test_download_page_gives_a_json_attachment_of_my_data(client, alice, bob, cards):
    give_history(alice, cards, tag="a")
    give_history(bob, cards, tag="b")
    client.force_login(alice)
    response = client.get("/accounts/data/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content) == user_data_export(user=alice)


def test_pages_need_a_login(client, db):
    for url in ("/accounts/data/", "/accounts/delete/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_delete_page_with_the_password_deletes_and_logs_out(two_users_with_everything):
    alice, bob = two_users_with_everything
    client = Client()
    client.force_login(alice)
    assert client.get("/accounts/delete/").status_code == 200
    response = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not User.objects.filter(username="alice").exists()
    assert client.get("/settings/").status_code == 302  # logged out
    assert User.objects.filter(username="bob").exists() and ReviewLog.objects.filter(user=bob).count() == 1


def test_delete_page_with_a_wrong_password_or_no_confirmation_keeps_everything(two_users_with_everything):
    alice, _ = two_users_with_everything
    client = Client()
    client.force_login(alice)
    before = table_counts()
    response = client.post("/accounts/delete/", {"password": "nope", "confirm": "on"})
    assert response.status_code == 400 and b"not right" in response.content
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 400
    assert table_counts() == before


def test_delete_page_checks_csrf(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 403
    assert User.objects.filter(pk=alice.pk).exists()


# --- the API ----------------------------------------------------------------------------------------------------


def test_api_export_is_the_same_data(alice_api, alice, bob, cards):
    give_history(alice, cards, tag="a")
    give_history(bob, cards, tag="b")
    response = alice_api.get("/api/me/data/")
    assert response.status_code == 200
    assert response.json() == user_data_export(user=alice)
    assert "(b)" not in response.content.decode()


def test_api_needs_authentication(api_client, db):
    assert api_client.get("/api/me/data/").status_code in (401, 403)
    assert api_client.delete("/api/me/", {"password": PASSWORD}, format="json").status_code in (401, 403)


def test_api_delete_with_the_password(two_users_with_everything):
    alice, bob = two_users_with_everything
    key = Token.objects.get(user=alice).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.delete("/api/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204
    assert not User.objects.filter(username="alice").exists()
    assert not ReviewLog.objects.filter(review_id=RID[0]).exists() and ReviewLog.objects.filter(user=bob).exists()
    assert client.get("/api/me/data/").status_code == 401  # the token is gone too


@pytest.mark.parametrize("body", [{"password": "wrong"}, {}, {"password": ""}])
def test_api_delete_with_a_wrong_or_missing_password_is_a_400_and_keeps_everything(
        two_users_with_everything, body):
    alice, _ = two_users_with_everything
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(alice)}")
    before = table_counts()
    response = client.delete("/api/me/", body, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["detail"]
    assert table_counts() == before


def test_schema_documents_the_endpoints(api_client, db):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert set(paths["/api/me/"]) == {"delete"} and set(paths["/api/me/data/"]) == {"get"}
    body = paths["/api/me/"]["delete"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema["components"]["schemas"][body.rsplit("/", 1)[1]]["required"] == ["password"]


def test_export_lists_the_collections_the_user_owns_and_edits_with_their_facts(alice, bob, charlie, tmp_path):
    from studyapp.content import load_facts
    from studyapp.facts.models import Collection, Source
    from tests import factbase

    path = factbase.write(tmp_path / "facts.json", factbase.records())
    for key, owner, visibility in (("mine", alice, "private"), ("group", bob, "unlisted"),
                                   ("others", charlie, "public")):
        load_facts(paths=[path], collection=key, about={"title": key.title(), "visibility": visibility})
        Collection.objects.filter(key=key).update(owner=owner)
    Collection.objects.get(key="group").editors.add(alice, charlie)
    Source.objects.filter(collection__key="mine", key=factbase.S004).update(text="Serge died in 1947.")
    settings_for(alice).collections = ["mine"]
    settings_for(alice).save()

    data = user_data_export(user=User.objects.get(pk=alice.pk))

    assert data["settings"]["collections"] == ["mine"]
    assert [(c["key"], c["title"], c["visibility"], c["role"], c["editors"]) for c in data["collections"]] == [
        ("group", "Group", "unlisted", "editor", ["alice", "charlie"]),
        ("mine", "Mine", "private", "owner", [])]
    mine = data["collections"][1]
    assert [(s["key"], s["title"], s["facts"], s["text"]) for s in mine["sources"]] == [
        (factbase.S001, "Discussion of Memoirs of a Revolutionary", 1, ""),
        (factbase.S002, "Victor Serge biography", 1, ""),
        (factbase.S003, "Victor Serge’s World and Ours", 1, ""),
        (factbase.S004, "Revolutionary Victor Serge Has a Message", 3, "Serge died in 1947.")]
    assert list(mine["facts"]) == ["sources", "people", "works", "events", "ideas"]
    assert mine["facts"]["people"] == [{
        "name": "Victor Serge", "aliases": ["Serge"],
        "description": "Revolutionary writer who survived Stalin's Terror.",
        "citations": [{"source": factbase.S004, "quote": "Victor Serge, a rare survivor of Stalin's Terror"}]}]
    assert len(mine["facts"]["events"]) == 4  # three events, one disputed: one entry per sourced version
    assert json.loads(json.dumps(data)) == data
    assert [c["key"] for c in user_data_export(user=bob)["collections"]] == ["group"]
    assert user_data_export(user=make_extra_user("dora"))["collections"] == []
