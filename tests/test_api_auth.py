"""POST /api/auth/signup/ and /api/auth/token/."""

from django.contrib.auth.models import User

from .conftest import PASSWORD


def test_it_signs_up_and_returns_a_token(api_client, db):
    response = api_client.post("/api/auth/signup/", {"username": "dora", "password": PASSWORD}, format="json")
    assert response.status_code == 201
    assert set(response.json()) == {"token"}
    assert len(response.json()["token"]) == 40
    assert User.objects.get(username="dora").check_password(PASSWORD)


def test_it_refuses_a_taken_username(api_client, alice):
    response = api_client.post("/api/auth/signup/", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"username": ["A user with that username already exists."]}
    assert response.json()["detail"] == "username: A user with that username already exists."


def test_it_refuses_a_weak_password(api_client, db):
    response = api_client.post("/api/auth/signup/", {"username": "dora", "password": "123"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert "This password is too short." in " ".join(response.json()["errors"]["password"])
    assert not User.objects.filter(username="dora").exists()


def test_it_gives_the_token_for_good_credentials(api_client, alice):
    first = api_client.post("/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json")
    second = api_client.post("/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json")
    assert first.status_code == 200
    assert first.json() == second.json()


def test_it_refuses_a_wrong_password(api_client, alice):
    response = api_client.post("/api/auth/token/", {"username": "alice", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Unable to log in with the username and password provided."


def test_it_gives_the_same_answer_for_an_unknown_user(api_client, db):
    response = api_client.post("/api/auth/token/", {"username": "nobody", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Unable to log in with the username and password provided."


def test_signup_names_a_missing_field(api_client, db):
    response = api_client.post("/api/auth/signup/", {"username": "dora"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["This field is required."]}
