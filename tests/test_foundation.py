"""Settings helpers, health check, landing page and the deploy check."""

import os
import re
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from studyapp.env import env_bool, env_int, env_list, env_proxy_header

from .conftest import ROOT


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("YES", True), (" on ", True),
                                           ("0", False), ("false", False), ("no", False), ("", False)])
def test_env_bool_reads_common_words(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG") is expected


def test_env_bool_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("X_FLAG", raising=False)
    assert env_bool("X_FLAG", True) is True


def test_env_bool_rejects_other_words(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be one of"):
        env_bool("X_FLAG")


def test_env_int_parses_and_checks_minimum(monkeypatch):
    monkeypatch.setenv("X_NUM", " 42 ")
    assert env_int("X_NUM", 1, minimum=0) == 42
    monkeypatch.setenv("X_NUM", "-1")
    with pytest.raises(ImproperlyConfigured, match="X_NUM must be at least 0; got -1"):
        env_int("X_NUM", 1, minimum=0)
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUM must be a whole number; got 'ten'"):
        env_int("X_NUM", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


def test_env_proxy_header_parses_header_and_value(monkeypatch):
    monkeypatch.setenv("X_PROXY", "HTTP_X_FORWARDED_PROTO,https")
    assert env_proxy_header("X_PROXY") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("X_PROXY", "X-Forwarded-Proto")
    with pytest.raises(ImproperlyConfigured, match="X_PROXY must look like"):
        env_proxy_header("X_PROXY")


def _run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _run_manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off" in result.stderr


def test_settings_refuse_a_bad_boolean():
    result = _run_manage("check", DJANGO_DEBUG="perhaps")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_check_deploy_passes_with_production_settings():
    result = _run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k8#Vq2!zR7@pL4$wN9^xT1&mB6*cF3(hJ5)dS0_gY8+eU2-aQ7=iO4",
        DJANGO_ALLOWED_HOSTS="study.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_healthz_reports_ok_after_a_real_query(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_503_when_the_database_is_down(client, db, monkeypatch):
    class DownDatabase:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("studyapp.views.connection", DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_landing_page_says_what_the_app_is_and_links_to_sign_up(client, db):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())  # what a reader sees, however the template wraps it
    assert "studyapp is a study app for the people, dates and works in writings about Victor Serge" in text
    assert 'href="/accounts/signup/"' in html
    assert 'href="/accounts/login/"' in html


def test_api_schema_and_docs_are_public_and_offline(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


def test_env_rate_accepts_drf_rates_and_rejects_typos(monkeypatch):
    from studyapp.env import env_rate

    monkeypatch.setenv("RATE", "5/minute")
    assert env_rate("RATE", "1/day") == "5/minute"
    monkeypatch.setenv("RATE", "five/hour")
    with pytest.raises(ImproperlyConfigured, match="RATE must look like 20/hour"):
        env_rate("RATE", "1/day")
    monkeypatch.delenv("RATE")
    assert env_rate("RATE", "1/day") == "1/day"
