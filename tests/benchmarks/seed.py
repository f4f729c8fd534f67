"""Seed a benchmark database: `python tests/benchmarks/seed.py studyapp|bare --users N --per-user M --out FILE`.

studyapp (DATABASE_URL, migrated, facts loaded): bench-00001... users with default study settings and an
API token, synthetic "bench:" cards up to M active cards, M review states per user and --logs-per-user
review logs, all from shape.Dataset. Run it on an empty bench database: run_bench.py recreates one per size.
bare (BARE_DATABASE_URL): the bare app's tables (tests/benchmarks/bare/schema.py), created afresh, with
--cards cards and the same Dataset rows.

Both write the users file bench.lua reads (user id, token, card ids to review) and print one JSON line:
{"app", "users", "cards", "states", "logs", "seconds"}. Columns are matched by name, never by position;
a ReviewState / ReviewLog column the dataset does not know takes the model field's default.
"""

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT)]

from shape import Dataset, LogRow, StateRow, bulk_insert, write_users_file  # noqa: E402

USER_PREFIX = "bench-"
CARD_PREFIX = "bench:"
BENCH_PASSWORD = "bench-password-not-secret"
DECK_KINDS = (("person", "people", "person_who"), ("work", "works", "work_year"), ("event", "events", "event_when"))


def say(text):
    print(text, file=sys.stderr, flush=True)


def state_after(row: StateRow, at) -> dict:
    """The log's JSON copy of the state the review left (what review_submit stores)."""
    return {"state": row.state, "step": row.step, "stability": row.stability, "difficulty": row.difficulty,
            "due": row.due.isoformat(), "last_review": at.isoformat(), "reps": row.reps, "lapses": row.lapses,
            "suspended": row.suspended, "leech": row.leech, "version": row.reps, "buried_until": None}


# --- studyapp ----------------------------------------------------------------------------------------------

def seed_studyapp(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from studyapp.accounts.models import StudySettings
    from studyapp.cards.generation import card_key
    from studyapp.cards.models import Card
    from studyapp.facts.models import serge_collection_id
    from studyapp.study.models import ReviewLog, ReviewState
    from tests.builders import card

    now = timezone.now()
    started = time.perf_counter()

    # Cards: the real ones first, then synthetic ones (three per fact, so siblings exist as in the real deck).
    Card.objects.filter(key__startswith=CARD_PREFIX, retired=True).update(retired=False)  # load_facts retires
    missing = max(0, args.per_user - Card.objects.active().count())
    first = Card.objects.filter(key__startswith=CARD_PREFIX).count()
    new, serge = [], serge_collection_id()
    for n in range(first, first + missing):
        fact_type, deck, kind = DECK_KINDS[n % 3]
        fact = f"bench-{n // 3:05d}"
        key = card_key(fact_type, fact, kind)
        new.append(card(key, key=f"{CARD_PREFIX}{key}", collection_id=serge, deck=deck,
                        prompt=f"Synthetic card {n}: question?", answer=f"answer {n}", accepted=[f"answer {n}"],
                        topics=[], intro_rank=100_000 + n, now=now,
                        citations=[{"source": "bench", "title": "Synthetic benchmark source", "quote": f"Quote {n}."}]))
    Card.objects.bulk_create(new, batch_size=1000)
    card_ids = list(Card.objects.active().order_by("id").values_list("id", flat=True))

    names = [f"{USER_PREFIX}{i:05d}" for i in range(1, args.users + 1)]
    if User.objects.filter(username__in=names).exists():
        raise SystemExit("seed: bench users exist already; seed an empty database (run_bench.py recreates it)")
    password = make_password(BENCH_PASSWORD)  # hashed once: the same hash for every bench user
    with transaction.atomic():
        User.objects.bulk_create([User(username=name, password=password, date_joined=now) for name in names],
                                 batch_size=1000)
        user_ids = dict(User.objects.filter(username__in=names).values_list("username", "id"))
        user_of = [user_ids[name] for name in names]  # user number -> id
        StudySettings.objects.bulk_create([StudySettings(user_id=pk) for pk in user_of], batch_size=1000)
        Token.objects.bulk_create([Token(user_id=pk, key=os.urandom(20).hex()) for pk in user_of], batch_size=1000)
    say(f"  {len(card_ids)} active cards ({len(new)} synthetic), {len(names)} users: "
        f"{time.perf_counter() - started:.1f}s")

    data = Dataset(users=args.users, per_user=args.per_user, cards=len(card_ids), logs_per_user=args.logs_per_user,
                   now=now, seed=args.seed)
    state_fields = {"state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses",
                    "suspended", "leech"}

    def state_rows():
        for row in data.states():
            yield {"user_id": user_of[row.user], "card_id": card_ids[row.card], "version": row.reps,
                   "buried_until": None, **{name: getattr(row, name) for name in state_fields}}

    def log_rows():
        for log in data.logs:
            log: LogRow
            after = state_after(log.state, log.reviewed_at)
            before = None if log.state.reps <= 1 else {**after, "reps": log.state.reps - 1,
                                                       "version": log.state.reps - 1,
                                                       "stability": log.state.stability / 2}
            yield {"user_id": user_of[log.user], "card_id": card_ids[log.card], "review_id": uuid.uuid4(),
                   "rating": log.rating, "reviewed_at": log.reviewed_at, "duration_ms": log.duration_ms,
                   "state_before": before, "state_after": after, "source": "study"}

    step = time.perf_counter()
    with transaction.atomic():
        n_states = _insert_model(connection, ReviewState, state_rows())
    say(f"  {n_states:,} review states: {time.perf_counter() - step:.1f}s")
    step = time.perf_counter()
    with transaction.atomic():
        n_logs = _insert_model(connection, ReviewLog, log_rows(), json_columns=("state_before", "state_after"))
    say(f"  {n_logs:,} review logs: {time.perf_counter() - step:.1f}s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    tokens = dict(Token.objects.filter(user_id__in=user_of).values_list("user_id", "key"))
    write_users_file(args.out, ((pk, tokens[pk], [card_ids[c] for c in data.review_cards[n]])
                                for n, pk in enumerate(user_of)))
    return {"app": "studyapp", "users": args.users, "cards": len(card_ids), "states": n_states, "logs": n_logs,
            "seconds": round(time.perf_counter() - started, 1)}


def _insert_model(connection, model, rows, json_columns=()):
    """Bulk insert dict rows into a model's table; columns the rows lack take the field's default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    by_column = {f.column: f for f in fields}
    defaults = {f.column: f.get_default() for f in fields}

    def complete(row_iter):
        for row in row_iter:
            unknown = row.keys() - by_column.keys()
            if unknown:
                raise SystemExit(f"seed: {model.__name__} has no column(s) {sorted(unknown)}")
            yield {**defaults, **row}

    def adapt(column, value):
        field = by_column[column]
        if value is not None and field.get_internal_type() in ("DateTimeField", "UUIDField"):
            return field.get_db_prep_value(value, connection)
        return value

    return bulk_insert(connection, model._meta.db_table, columns, complete(rows), json_columns=json_columns,
                       adapt=adapt)


# --- bare --------------------------------------------------------------------------------------------------

def seed_bare(args):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bare.settings"
    import django

    django.setup()
    from bare.schema import create_tables
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    started = time.perf_counter()
    create_tables(connection)
    postgres = connection.vendor == "postgresql"

    def adapt(column, value):
        if value is None or postgres:
            return value
        if column in ("due", "last_review", "reviewed_at"):
            return connection.ops.adapt_datetimefield_value(value)
        return value.hex if isinstance(value, uuid.UUID) else value

    data = Dataset(users=args.users, per_user=args.per_user, cards=args.cards, logs_per_user=args.logs_per_user,
                   now=now, seed=args.seed)
    card_cols = ["id", "deck", "prompt", "answer"]
    state_cols = ["user_id", "card_id", "state", "step", "stability", "difficulty", "due", "last_review", "reps",
                  "lapses", "suspended", "version"]
    log_cols = ["user_id", "card_id", "review_id", "rating", "reviewed_at", "duration_ms", "state", "due",
                "stability", "difficulty"]
    with transaction.atomic():
        bulk_insert(connection, "bare_card", card_cols, adapt=adapt, rows=(
            {"id": n + 1, "deck": DECK_KINDS[n % 3][1], "prompt": f"Synthetic card {n}: question?",
             "answer": f"answer {n}"} for n in range(args.cards)))
        n_states = bulk_insert(connection, "bare_state", state_cols, adapt=adapt, rows=(
            {**row._asdict(), "user_id": row.user + 1, "card_id": row.card + 1, "version": row.reps}
            for row in data.states()))
        n_logs = bulk_insert(connection, "bare_log", log_cols, adapt=adapt, rows=(
            {"user_id": log.user + 1, "card_id": log.card + 1, "review_id": uuid.uuid4(), "rating": log.rating,
             "reviewed_at": log.reviewed_at, "duration_ms": log.duration_ms, "state": log.state.state,
             "due": log.state.due, "stability": log.state.stability, "difficulty": log.state.difficulty}
            for log in data.logs))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    write_users_file(args.out, ((n + 1, None, [c + 1 for c in data.review_cards[n]]) for n in range(args.users)))
    return {"app": "bare", "users": args.users, "cards": args.cards, "states": n_states, "logs": n_logs,
            "seconds": round(time.perf_counter() - started, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", choices=("studyapp", "bare"))
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--per-user", type=int, required=True, help="review states per user")
    parser.add_argument("--cards", type=int, help="bare: how many cards (studyapp's active card count)")
    parser.add_argument("--logs-per-user", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="the users file for bench.lua")
    args = parser.parse_args()
    if args.app == "bare" and not args.cards:
        parser.error("bare needs --cards")
    summary = seed_studyapp(args) if args.app == "studyapp" else seed_bare(args)
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
