"""The benchmark's data, shared by both apps: the same users, review states and logs, row for row.

`Dataset` yields named rows (never tuples read by position): the studyapp seeder maps their
fields onto ReviewState / ReviewLog columns by name, the bare app's seeder onto its own tables, so both
databases hold the same shape of data for the same seed. Cards are numbered 0..cards-1 here; each seeder
maps a number to its own card id.

`bulk_insert()` writes rows with COPY on PostgreSQL (psycopg 3) and executemany in batches elsewhere.
"""

import datetime as dt
import json
import math
import random
from collections.abc import Iterable, Iterator
from typing import NamedTuple

LEARNING, REVIEW, RELEARNING = 1, 2, 3  # fsrs.State values, as studyapp stores them
REVIEW_CARDS_PER_USER = 20  # cards per user the load script may review (never suspended ones)
BATCH = 20_000


class StateRow(NamedTuple):
    user: int  # 0-based user number
    card: int  # 0-based card number
    state: int
    step: int | None
    stability: float
    difficulty: float
    due: dt.datetime
    last_review: dt.datetime
    reps: int
    lapses: int
    suspended: bool
    leech: bool


class LogRow(NamedTuple):
    user: int
    card: int
    rating: int
    reviewed_at: dt.datetime
    duration_ms: int
    state: StateRow  # the card's state after this review (its current state)


class Dataset:
    """`users` × `per_user` review states over `cards` cards, generated user by user.

    Iterating `states()` also fills `logs` (`logs_per_user` per user, each the last review of one of the
    user's cards; one in twenty stamped earlier today instead, so today's counts and sibling rules have
    something to work on) and `review_cards` (user number -> card numbers the load script reviews: a fixed
    sample of REVIEW_CARDS_PER_USER, none suspended). The same arguments give the same rows.
    """

    def __init__(self, *, users: int, per_user: int, cards: int, logs_per_user: int, now: dt.datetime,
                 seed: int = 1):
        self.users, self.per_user, self.cards = users, min(per_user, cards), cards
        self.logs_per_user, self.now, self.seed = logs_per_user, now, seed
        self.logs: list[LogRow] = []
        self.review_cards: dict[int, list[int]] = {}

    def states(self) -> Iterator[StateRow]:
        rng = random.Random(self.seed)
        side = random.Random(self.seed + 1)  # logs and samples: the states do not depend on them
        everything = range(self.cards)
        day_start = self.now.replace(hour=0, minute=0, second=0, microsecond=0)
        for user in range(self.users):
            mine = rng.sample(everything, self.per_user) if self.per_user < self.cards else everything
            rows = [_state(rng, user, card, self.now) for card in mine]
            yield from rows
            for row in side.sample(rows, min(self.logs_per_user, len(rows))):
                today = side.random() < 0.05
                at = day_start + (self.now - day_start) * side.random() if today else row.last_review
                self.logs.append(LogRow(user=user, card=row.card, reviewed_at=at, state=row,
                                        rating=side.choices((1, 2, 3, 4), weights=(10, 15, 65, 10))[0],
                                        duration_ms=side.randint(1500, 20000)))
            usable = [row.card for row in rows if not row.suspended]
            self.review_cards[user] = side.sample(usable, min(REVIEW_CARDS_PER_USER, len(usable)))


def _state(rng, user, card, now):
    """A realistic mix: ~8 % learning, ~4 % relearning, the rest review (about one in ten overdue),
    learning cards due around now, 1 % suspended."""
    roll = rng.random()
    if roll < 0.08:  # learning: short steps, due a little before or after now
        state, step, reps, lapses = LEARNING, rng.choice((0, 1)), rng.randint(1, 3), 0
        stability, difficulty = rng.uniform(0.2, 3.3), rng.uniform(2, 9)
        last = now - dt.timedelta(minutes=rng.uniform(1, 60 * 24))
        due = now + dt.timedelta(minutes=rng.uniform(-120, 30))
    elif roll < 0.12:  # relearning after a lapse
        state, step, reps, lapses = RELEARNING, 0, rng.randint(4, 30), rng.randint(1, 6)
        stability, difficulty = rng.uniform(0.5, 5), rng.uniform(4, 10)
        last = now - dt.timedelta(minutes=rng.uniform(1, 60 * 24))
        due = now + dt.timedelta(minutes=rng.uniform(-600, 10))
    else:  # review: intervals from a day to years; about one in ten overdue
        state, step, reps = REVIEW, None, rng.randint(2, 40)
        lapses = 0 if rng.random() < 0.7 else rng.randint(1, 5)
        stability = math.exp(rng.uniform(0, 6.5))  # 1 day .. ~2 years
        difficulty = min(10.0, max(1.0, rng.gauss(5.5, 2)))
        interval = dt.timedelta(days=stability)
        last = now - interval * rng.uniform(0.0, 1.1)
        due = last + interval
    suspended = rng.random() < 0.01
    return StateRow(user=user, card=card, state=state, step=step, stability=stability, difficulty=difficulty,
                    due=due, last_review=last, reps=reps, lapses=lapses, suspended=suspended,
                    leech=suspended and lapses >= 5)


def write_users_file(path, users: Iterable[tuple[int, str, list[int]]]):
    """One line per user for bench.lua: user id, token ('-' for none), the card ids it may review."""
    with open(path, "w") as out:
        for user_id, token, cards in users:
            out.write(f"{user_id}\t{token or '-'}\t{','.join(map(str, cards))}\n")


def bulk_insert(connection, table: str, columns: list[str], rows: Iterable[dict], *, json_columns=(),
                adapt=None) -> int:
    """Insert dict rows (keyed by column) into `table`; COPY on PostgreSQL. Returns the row count.

    `adapt(column, value)` turns a value into what the driver takes (used on SQLite for datetimes and UUIDs).
    """
    quoted = connection.ops.quote_name(table)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quoted} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_json(row[c]) if c in json_columns else row[c] for c in columns])
                    n += 1
            return n
        sql = f"INSERT INTO {quoted} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch = []
        for row in rows:
            batch.append([_json(row[c]) if c in json_columns else adapt(c, row[c]) if adapt else row[c]
                          for c in columns])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
    return n


def _json(value):
    return None if value is None else json.dumps(value)
