"""`python manage.py backup --out FILE`: a consistent copy of the SQLite database, safe while the app runs."""

import os
import sqlite3
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

PG_HINT = (
    "On PostgreSQL use pg_dump instead: pg_dump -Fc \"$DATABASE_URL\" -f studyapp.dump "
    "(restore with pg_restore --clean --if-exists -d \"$DATABASE_URL\" studyapp.dump)."
)


def sqlite_backup(source: str | Path, out: str | Path) -> dict[str, int]:
    """Copy the SQLite database `source` to `out` with SQLite's online backup API.

    The copy is taken in one step inside a read transaction, so it is a consistent snapshot of what was
    committed when it started: writers may go on (WAL mode) and what they have not committed is not copied.
    The copy is written beside `out` and renamed into place once it passed an integrity check, and it is a
    single self-contained file (rollback journal, not WAL). Returns the row count of every table in the copy.
    """
    source, out = Path(source), Path(out)
    if not source.exists():
        raise CommandError(f"no SQLite database at {source}")
    if out.exists() and out.resolve() == source.resolve():
        raise CommandError("--out is the database itself; give another file")
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    os.close(handle)
    try:
        src = sqlite3.connect(source, timeout=30)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)  # pages=-1: all pages in one step, one consistent snapshot
                dst.execute("PRAGMA journal_mode=DELETE")
                check = dst.execute("PRAGMA integrity_check").fetchone()[0]
                if check != "ok":
                    raise CommandError(f"the copy failed SQLite's integrity check: {check}")
                tables = [row[0] for row in dst.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
                counts = {t: dst.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, out)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return counts


class Command(BaseCommand):
    help = ("Copy the SQLite database to FILE while the app keeps running (SQLite's online backup API). "
            "On PostgreSQL use pg_dump -Fc / pg_restore.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Where to write the copy, e.g. backups/db-2025-01-31.sqlite3")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Which database alias (default: default).")

    def handle(self, *args, out, database, **options):
        connection = connections[database]
        if connection.vendor != "sqlite":
            raise CommandError(f"backup copies SQLite databases; this one is {connection.vendor}. {PG_HINT}")
        name = connection.settings_dict["NAME"]
        if not name or str(name) == ":memory:" or "mode=memory" in str(name):
            raise CommandError("the database is in memory; there is no file to back up")
        counts = sqlite_backup(name, out)
        size = Path(out).stat().st_size
        self.stdout.write(f"Backed up {name} to {out}: {len(counts)} tables, {sum(counts.values())} rows, "
                          f"{size} bytes; integrity check ok.")
