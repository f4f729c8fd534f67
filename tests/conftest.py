"""Shared fixtures: users alice, bob and charlie; the real fact base loaded once per test that asks."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = ROOT.parent / "shared" / "sources"
PASSWORD = "correct-horse-battery-staple-42"


def make_user(username):
    from studyapp.accounts.services import user_signup

    return user_signup(username=username, password=PASSWORD, email=f"{username}@example.org")


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def charlie(db):
    return make_user("charlie")


@pytest.fixture
def facts(db):
    """The real fixtures in fixtures/, loaded with load_facts (cards generated too)."""
    from studyapp.content import load_facts

    return load_facts(paths=sorted((ROOT / "fixtures").glob("*.json")))


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def alice_api(alice):
    from rest_framework.test import APIClient

    from studyapp.accounts.services import token_for

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(alice)}")
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production keeps Django's slow, safe hasher; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
