"""`manage.py backup --out FILE`: a consistent SQLite copy taken while the app (a writer) keeps its connection."""

import sqlite3
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from studyapp.accounts.models import StudySettings
from tests.conftest import make_user

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the online backup copies SQLite databases")


def rows(path, table):
    with sqlite3.connect(path) as db:
        return sorted(db.execute(f'SELECT * FROM "{table}"').fetchall())


def all_counts(path):
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        db.close()


@pytest.fixture
def users(transactional_db):
    """Committed rows (a transactional test), so another connection, the backup's, can see them."""
    return [make_user(name) for name in ("alice", "bob", "charlie")]


@sqlite_only
def test_backup_while_a_writer_holds_an_open_write_transaction(users, tmp_path):
    source = connection.settings_dict["NAME"]
    assert connection.cursor().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    writer = sqlite3.connect(source, timeout=1, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # holds the write lock through the whole backup
        writer.execute("UPDATE auth_user SET first_name = 'uncommitted' WHERE username = 'alice'")
        writer.execute("DELETE FROM accounts_studysettings WHERE user_id = ?", (users[2].pk,))
        out = tmp_path / "copy.sqlite3"

        call_command("backup", "--out", str(out))

        # The copy is what was committed: the writer's open transaction is not in it.
        copy = sqlite3.connect(out)
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        names = [r[0] for r in copy.execute("SELECT username FROM auth_user ORDER BY username")]
        assert names == ["alice", "bob", "charlie"]
        assert copy.execute("SELECT first_name FROM auth_user WHERE username = 'alice'").fetchone()[0] == ""
        assert copy.execute("SELECT COUNT(*) FROM accounts_studysettings").fetchone()[0] == 3
        copy.close()
        writer.execute("COMMIT")
    finally:
        writer.close()
    # The writer went on unharmed; the copy keeps the state from before its commit.
    assert StudySettings.objects.count() == 2
    assert len(rows(out, "accounts_studysettings")) == 3


@sqlite_only
def test_copy_opens_and_has_the_same_rows(users, tmp_path):
    source = connection.settings_dict["NAME"]
    out = tmp_path / "nested" / "backup.sqlite3"
    call_command("backup", "--out", str(out))
    assert all_counts(out) == all_counts(source)
    for table in ("auth_user", "accounts_studysettings", "authtoken_token", "django_migrations"):
        assert rows(out, table) == rows(source, table)
    assert not list(out.parent.glob("*.partial"))


@sqlite_only
def test_backup_during_a_stream_of_commits_is_a_consistent_snapshot(users, tmp_path):
    """A writer commits pairs of rows (a user and their settings) throughout: every copy holds whole pairs."""
    source = connection.settings_dict["NAME"]
    stop = threading.Event()
    written = []

    def write():
        db = sqlite3.connect(source, timeout=20, isolation_level=None)
        try:
            n = 0
            while not stop.is_set():
                n += 1
                db.execute("BEGIN IMMEDIATE")
                cursor = db.execute(
                    "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, "
                    "is_staff, is_active, date_joined) VALUES ('!', 0, ?, '', '', '', 0, 1, '2026-01-01')",
                    (f"stream{n}",))
                db.execute(
                    "INSERT INTO accounts_studysettings (user_id, timezone, day_starts_at, desired_retention, "
                    "new_per_day, reviews_per_day, decks, topics, quiz_counts_as_review) "
                    "VALUES (?, 'UTC', 4, 0.9, 20, 200, '[\"people\"]', '[]', 0)", (cursor.lastrowid,))
                db.execute("COMMIT")
                written.append(n)
        finally:
            db.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        copies = []
        for i in range(5):
            out = tmp_path / f"copy{i}.sqlite3"
            call_command("backup", "--out", str(out))
            copies.append(out)
    finally:
        stop.set()
        thread.join()
    assert written, "the writer never committed"
    for out in copies:
        counts = all_counts(out)
        assert counts["auth_user"] == counts["accounts_studysettings"] >= 3
        with sqlite3.connect(out) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []


@sqlite_only
def test_refuses_to_overwrite_the_database_itself(db):
    with pytest.raises(CommandError, match="the database itself"):
        call_command("backup", "--out", connection.settings_dict["NAME"])


def test_postgresql_is_told_to_use_pg_dump(db, monkeypatch, tmp_path):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    with pytest.raises(CommandError, match="pg_dump -Fc") as error:
        call_command("backup", "--out", str(tmp_path / "x.sqlite3"))
    assert "pg_restore" in str(error.value)
    assert not (tmp_path / "x.sqlite3").exists()


def test_out_is_required(db):
    with pytest.raises(CommandError, match="--out"):
        call_command("backup")
