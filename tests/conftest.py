"""Shared fixtures: users alice, bob and charlie; the real fact base, loaded once per run for the tests that ask."""

import copy
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


def fact_base_models():
    """The tables load_facts writes: the facts (with their many-to-many tables) and the cards made from them. The
    collections (the built-in `serge` one, made by the migrations) come first."""
    from django.apps import apps

    return [model for label in ("facts", "cards")
            for model in apps.get_app_config(label).get_models(include_auto_created=True)]


@pytest.fixture(scope="session")
def real_fact_base(django_db_setup, django_db_blocker):
    """The real fixtures loaded once per run with load_facts, in a transaction rolled back at once: the load
    report and every row it wrote, table by table."""
    from django.db import transaction

    from studyapp.content import load_facts
    from studyapp.facts.loading import fixture_files

    with django_db_blocker.unblock(), transaction.atomic():
        report = load_facts(paths=fixture_files(ROOT / "fixtures" / "serge"))
        rows = [(model, list(model.objects.order_by("pk").values())) for model in fact_base_models()]
        transaction.set_rollback(True)
    return report, rows


def restore_fact_base(rows):
    """Write the rows of a load back as they were (same primary keys); sequences move past them (PostgreSQL)."""
    from django.core.management.color import no_style
    from django.db import connection

    from studyapp.facts.models import Collection
    from studyapp.quiz.selectors import forget_fact_pool

    for model, values in rows:
        # The migrations' `serge` collection is in every test database, unless a transactional test emptied it.
        model.objects.bulk_create([model(**row) for row in copy.deepcopy(values)],
                                  ignore_conflicts=model is Collection)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in rows]):
            cursor.execute(statement)
    forget_fact_pool()


@pytest.fixture
def facts(db, real_fact_base):
    """The real fixtures in fixtures/, as load_facts writes them (cards generated too). They are loaded once per
    run and their rows copied into each test's database, which is the same and much faster than loading again
    (tests/test_fact_base_fixture.py checks that it is the same)."""
    report, rows = real_fact_base
    restore_fact_base(rows)
    return copy.deepcopy(report)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def token_client(user):
    """An API client signed in with the user's token."""
    from rest_framework.test import APIClient

    from studyapp.accounts.services import token_for

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.fixture
def alice_api(alice):
    return token_client(alice)


@pytest.fixture
def bob_api(bob):
    return token_client(bob)


@pytest.fixture
def charlie_api(charlie):
    return token_client(charlie)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production keeps Django's slow, safe hasher; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
