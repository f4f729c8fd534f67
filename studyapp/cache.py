"""The database cache, with one statement per write instead of five.

Django's DatabaseCache counts the whole table, opens a savepoint, selects, then updates or inserts
on every set(). Throttles write on every throttled request, so here a set() is one upsert
(INSERT ... ON CONFLICT, on both SQLite and PostgreSQL), and each process deletes expired rows at
most once every CULL_SECONDS instead of counting the table each time (on a clock, not at random,
so a request's query count stays predictable).
"""

import base64
import pickle
import time
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now

CULL_SECONDS = 600


class UpsertDatabaseCache(DatabaseCache):
    _next_cull = 0.0  # per process

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        value = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        table = quote(self._table)
        with connection.cursor() as cursor:
            if time.monotonic() >= UpsertDatabaseCache._next_cull:
                UpsertDatabaseCache._next_cull = time.monotonic() + CULL_SECONDS
                now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
                cursor.execute(f"DELETE FROM {table} WHERE {quote('expires')} < %s", [now])
            cursor.execute(
                f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, {quote('expires')}) "
                f"VALUES (%s, %s, %s) ON CONFLICT ({quote('cache_key')}) "
                f"DO UPDATE SET {quote('value')} = excluded.{quote('value')}, "
                f"{quote('expires')} = excluded.{quote('expires')}",
                [key, value, expires],
            )
