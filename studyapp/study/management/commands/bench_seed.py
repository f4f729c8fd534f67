"""Synthetic load-test data: `manage.py bench_seed --users 1000 --cards-per-user 1000`.

Creates users named bench-00001, bench-00002, ... (one password for all, BENCH_PASSWORD below), each with
study settings, an API token and a review state for --cards-per-user active cards: a realistic mix of
learning, review and relearning cards with stabilities, difficulties and due dates spread over the past and
the future (some due now, a few suspended), plus --logs-per-user review log rows over the last 30 days (a
few of them today). When there are fewer active cards than --cards-per-user, synthetic cards (key prefix
"bench:") are added. On PostgreSQL the states and logs go in with COPY; elsewhere with executemany in
batches. Prints the time of each step.

Idempotent: existing bench users are kept as they are and only missing ones are created; --reset deletes
every bench user, their states and logs and the bench cards first. --tokens-out writes "username<TAB>token"
for every bench user, one a line. Never touches other users.
"""

import datetime as dt
import json
import math
import os
import random
import time
import uuid
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from studyapp.accounts.models import StudySettings
from studyapp.cards.models import Card
from studyapp.study.models import FsrsState, ReviewLog, ReviewState

USER_PREFIX = "bench-"
CARD_PREFIX = "bench:"
BENCH_PASSWORD = "bench-password-not-secret"
STATE_COLUMNS = ("user_id", "card_id", "state", "step", "stability", "difficulty", "due", "last_review", "reps",
                 "lapses", "suspended", "leech", "buried_until", "version")
LOG_COLUMNS = ("user_id", "card_id", "review_id", "rating", "reviewed_at", "duration_ms", "state_before",
               "state_after", "source")
DECK_KINDS = (("person", "people", "person_who"), ("work", "works", "work_year"), ("event", "events", "event_when"))
BATCH = 20_000


class Command(BaseCommand):
    help = "Create synthetic bench-* users with review states, logs and tokens, in bulk, for load tests."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=1000)
        parser.add_argument("--cards-per-user", type=int, default=1000)
        parser.add_argument("--logs-per-user", type=int, default=100,
                            help="review log rows per user (default 100; at most one per card and reviewed card)")
        parser.add_argument("--tokens-out", type=Path, help="write 'username<TAB>token' lines here")
        parser.add_argument("--reset", action="store_true", help="delete all bench data first")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    def handle(self, *args, users, cards_per_user, logs_per_user, tokens_out, reset, seed, **options):
        if users < 0 or cards_per_user < 0 or logs_per_user < 0:
            raise CommandError("counts must not be negative")
        self.rng = random.Random(seed)
        self.started = time.perf_counter()
        self.now = timezone.now()
        self.say(f"bench_seed: {users} users × {cards_per_user} cards on {connection.vendor}")
        if reset:
            self.step("reset", self.reset)
        cards = self.step("cards", lambda: self.ensure_cards(cards_per_user))
        created, all_users = self.step("users, settings and tokens", lambda: self.ensure_users(users))
        if created:
            n_states = self.step("review states", lambda: self.write_states(created, cards, cards_per_user))
            n_logs = self.step("review logs", lambda: self.write_logs(created, logs_per_user))
            self.step("analyze", self.analyze)
        else:
            n_states = n_logs = 0
        if tokens_out:
            tokens = dict(Token.objects.filter(user__in=all_users).values_list("user__username", "key"))
            tokens_out.write_text("".join(f"{name}\t{tokens[name]}\n" for name in sorted(tokens)))
            self.say(f"  wrote {len(tokens)} tokens to {tokens_out}")
        total = time.perf_counter() - self.started
        self.say(f"bench_seed: {len(created)} new users, {n_states:,} review states, {n_logs:,} review logs in "
                 f"{total:.1f}s ({n_states / total if total else 0:,.0f} states/s overall); "
                 f"{len(all_users)} bench users in all")

    # --- helpers --------------------------------------------------------------------------------------

    def say(self, text):
        self.stdout.write(text)
        self.stdout.flush()

    def step(self, name, action):
        start = time.perf_counter()
        result = action()
        self.say(f"  {name}: {time.perf_counter() - start:.1f}s")
        return result

    def reset(self):
        bench_users = User.objects.filter(username__startswith=USER_PREFIX)
        bench_cards = Card.objects.filter(key__startswith=CARD_PREFIX)
        with transaction.atomic(), connection.cursor() as cursor:
            # Raw deletes for the big tables: the ORM's cascade would load a million rows first.
            for model in (ReviewLog, ReviewState):
                table = connection.ops.quote_name(model._meta.db_table)
                users_sql, users_params = bench_users.values("pk").query.sql_with_params()
                cards_sql, cards_params = bench_cards.values("pk").query.sql_with_params()
                cursor.execute(f"DELETE FROM {table} WHERE user_id IN ({users_sql}) OR card_id IN ({cards_sql})",
                               [*users_params, *cards_params])
            bench_users.delete()
            bench_cards.delete()

    def ensure_cards(self, count):
        """Active cards for the states: the real ones first, then synthetic bench cards up to `count`."""
        Card.objects.filter(key__startswith=CARD_PREFIX, retired=True).update(retired=False)  # load_facts retires
        have = Card.objects.active().count()
        existing = Card.objects.filter(key__startswith=CARD_PREFIX).count()
        missing = max(0, count - have)
        new = []
        for n in range(existing, existing + missing):
            fact_type, deck, kind = DECK_KINDS[n % 3]
            fact = f"bench-{n // 3:05d}"  # three cards per fact, so siblings exist as in the real deck
            new.append(Card(
                key=f"{CARD_PREFIX}{fact_type}:{fact}:{kind}", fact_type=fact_type, fact_key=fact,
                sibling_key=f"{fact_type}:{fact}", kind=kind, deck=deck, prompt=f"Synthetic card {n}: question?",
                answer=f"answer {n}", accepted=[f"answer {n}"], topics=[], created_at=self.now, updated_at=self.now,
                citations=[{"source": "bench", "title": "Synthetic benchmark source", "quote": f"Quote {n}."}],
            ))
        Card.objects.bulk_create(new, batch_size=1000)
        cards = list(Card.objects.active().order_by("id").values_list("id", flat=True))
        self.say(f"  {len(cards)} active cards ({len(new)} bench cards created)")
        return cards

    def ensure_users(self, count):
        names = [f"{USER_PREFIX}{i:05d}" for i in range(1, count + 1)]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        password = make_password(BENCH_PASSWORD)  # hashed once: the same hash for every bench user
        with transaction.atomic():
            User.objects.bulk_create([User(username=name, password=password, date_joined=self.now)
                                      for name in names if name not in existing], batch_size=1000)
            users = list(User.objects.filter(username__in=names).order_by("id"))
            created = [u for u in users if u.username not in existing]
            StudySettings.objects.bulk_create([StudySettings(user=u) for u in users], ignore_conflicts=True,
                                              batch_size=1000)
            with_token = set(Token.objects.filter(user__in=users).values_list("user_id", flat=True))
            Token.objects.bulk_create([Token(user=u, key=os.urandom(20).hex()) for u in users
                                       if u.pk not in with_token], batch_size=1000)
        self.say(f"  {len(created)} bench users created, {len(existing)} already there")
        return created, users

    def write_states(self, users, cards, per_user):
        self.reviewed = {}  # user id -> [(card id, last_review, state row)] for the logs
        per_user = min(per_user, len(cards))

        def rows():
            for user in users:
                mine = self.rng.sample(cards, per_user) if per_user < len(cards) else cards
                reviewed = self.reviewed[user.pk] = []
                for card_id in mine:
                    row = self.state_row(user.pk, card_id)
                    reviewed.append(row)
                    yield row

        return self.insert(ReviewState, STATE_COLUMNS, rows())

    def state_row(self, user_id, card_id):
        rng, now = self.rng, self.now
        roll = rng.random()
        if roll < 0.08:  # learning: short steps, due a little before or after now
            state, step, reps, lapses = FsrsState.LEARNING, rng.choice((0, 1)), rng.randint(1, 3), 0
            stability, difficulty = rng.uniform(0.2, 3.3), rng.uniform(2, 9)
            last = now - dt.timedelta(minutes=rng.uniform(1, 60 * 24))
            due = now + dt.timedelta(minutes=rng.uniform(-120, 30))
        elif roll < 0.12:  # relearning after a lapse
            state, step, reps, lapses = FsrsState.RELEARNING, 0, rng.randint(4, 30), rng.randint(1, 6)
            stability, difficulty = rng.uniform(0.5, 5), rng.uniform(4, 10)
            last = now - dt.timedelta(minutes=rng.uniform(1, 60 * 24))
            due = now + dt.timedelta(minutes=rng.uniform(-600, 10))
        else:  # review: intervals from a day to years; about one in ten overdue
            state, step, reps = FsrsState.REVIEW, None, rng.randint(2, 40)
            lapses = 0 if rng.random() < 0.7 else rng.randint(1, 5)
            stability = math.exp(rng.uniform(0, 6.5))  # 1 day .. ~2 years
            difficulty = min(10.0, max(1.0, rng.gauss(5.5, 2)))
            interval = dt.timedelta(days=stability)
            last = now - interval * rng.uniform(0.0, 1.1)
            due = last + interval
        suspended = rng.random() < 0.01
        leech = suspended and lapses >= 5
        return (user_id, card_id, int(state), step, stability, difficulty, due, last, reps, lapses, suspended, leech,
                None, reps)

    def write_logs(self, users, per_user):
        rng, now = self.rng, self.now
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)

        def rows():
            for user in users:
                states = self.reviewed.get(user.pk, [])
                for row in rng.sample(states, min(per_user, len(states))):
                    card_id, last = row[1], row[7]
                    # Mostly the card's last review; one in twenty today (siblings then wait a day).
                    at = last if rng.random() > 0.05 else day_start + (now - day_start) * rng.random()
                    rating = rng.choices((1, 2, 3, 4), weights=(10, 15, 65, 10))[0]
                    after = {"state": row[2], "step": row[3], "stability": row[4], "difficulty": row[5],
                             "due": row[6].isoformat(), "last_review": at.isoformat(), "reps": row[8],
                             "lapses": row[9], "suspended": row[10], "leech": row[11], "version": row[13],
                             "buried_until": None}
                    before = None if row[8] <= 1 else {**after, "reps": row[8] - 1, "version": row[13] - 1,
                                                       "stability": row[4] / 2}
                    yield (user.pk, card_id, uuid.uuid4(), rating, at, rng.randint(1500, 20000), before, after,
                           "study")

        return self.insert(ReviewLog, LOG_COLUMNS, rows(), json_columns=("state_before", "state_after"))

    def insert(self, model, columns, rows, json_columns=()):
        table = connection.ops.quote_name(model._meta.db_table)
        json_at = [columns.index(c) for c in json_columns]
        n = 0
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # psycopg 3: COPY ... FROM STDIN, row by row through the C dumpers; jsonb as JSON text.
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        if json_at:
                            row = list(row)
                            for i in json_at:
                                row[i] = None if row[i] is None else json.dumps(row[i])
                        copy.write_row(row)
                        n += 1
                return n
            by_column = {f.column: f for f in model._meta.concrete_fields}
            fields = [by_column[c] for c in columns]
            prep = [(i, f) for i, f in enumerate(fields)
                    if f.get_internal_type() in ("DateTimeField", "UUIDField", "JSONField")]
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
            batch = []
            for row in rows:
                row = list(row)
                for i, f in prep:
                    row[i] = None if row[i] is None else f.get_db_prep_value(row[i], connection)
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                n += len(batch)
        return n

    def analyze(self):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
