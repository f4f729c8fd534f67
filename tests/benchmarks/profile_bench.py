"""Where studyapp's time goes per request: py-spy on the gunicorn workers under wrk, then the queries.

    .venv/bin/pip install py-spy   # a profiling tool only: not in requirements.lock
    .venv/bin/python tests/benchmarks/profile_bench.py [--jobs hello,next,review] [--seconds 20] [--users 100]
                                                       [--database postgresql|sqlite] [--keep DIR]

1. Seeds the benchmark databases as `make bench` does (run_bench.prepare: BENCH_PER_USER states per user),
   starts studyapp under gunicorn (BENCH_WORKERS sync workers, default 4), and for each job runs wrk
   (8 connections) while `py-spy record --subprocesses --nonblocking` samples the workers. The meter gives the
   workers' CPU per request (and the database backends' beside it).
2. Each sample is charged to the deepest region on its stack (REGIONS below: middleware, authentication,
   the queue's SQL, interval previews, fsrs, serializers, ...), and within a region split into ORM (building
   and compiling queries, model instances), database driver (psycopg / sqlite3 and Django's backend
   wrappers) and other Python. Samples of a worker waiting (on PostgreSQL's answer, or on the client
   closing the connection: WAITS) are counted apart, as wall time per request; the others share out the
   measured CPU. A second table names the hottest lines of studyapp code, with their source.
3. In this process, against the same database: one request of each job through Django's test client with
   every query timed (send to last row), then EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL or EXPLAIN QUERY
   PLAN on SQLite of every SELECT it ran, inside a transaction that is rolled back; and the mean in-process
   time of 200 requests of each job, one at a time (no gunicorn, no concurrency).
With --keep DIR the raw py-spy stacks (collapsed format, one file per job) are kept there.
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

import run_bench  # noqa: E402

# (label, pattern on "function (file:line)"); the deepest match on a sample's stack wins.
REGIONS = [
    ("gunicorn: accept, parse, write", r"\(.*gunicorn/"),
    ("django: WSGI request/response", r"__call__ \(.*django/core/handlers/wsgi\.py"),
    ("django: request_started/finished signals", r"close_old_connections|send \(.*dispatch/dispatcher"),
    ("django: connection health check (conn_health_checks)", r"close_if_health_check_failed"),
    ("django: URL resolving", r"resolve \(.*django/urls/resolvers\.py"),
    ("middleware: security", r"django/middleware/security\.py"),
    ("middleware: studyapp InputLimits/NoStore", r"studyapp/middleware\.py"),
    ("middleware: whitenoise", r"whitenoise/middleware\.py"),
    ("middleware: sessions", r"contrib/sessions/middleware\.py"),
    ("middleware: common", r"django/middleware/common\.py"),
    ("middleware: csrf", r"django/middleware/csrf\.py"),
    ("middleware: auth (lazy user)", r"contrib/auth/middleware\.py"),
    ("middleware: messages", r"contrib/messages/"),
    ("middleware: clickjacking", r"django/middleware/clickjacking\.py"),
    ("middleware: csp", r"/csp/"),
    ("middleware: axes", r"/axes/"),
    ("view: healthz", r"healthz \(.*studyapp/views\.py"),
    ("drf: dispatch, request wrapping", r"dispatch \(.*rest_framework/views\.py|initialize_request"),
    ("drf: permissions, throttles, negotiation", r"check_permissions|check_throttles|perform_content_negotiation"),
    ("auth: token + user + settings query", r"perform_authentication|authenticate_credentials"),
    ("drf: response rendering", r"finalize_response|rendered_content|render \(.*rest_framework/renderers"),
    ("drf: request body parsing", r"_parse \(.*rest_framework/request|parse \(.*studyapp/api/parsers"),
    ("view: next (other)", r"NextView\.get \(|get \(.*studyapp/api/study\.py"),
    ("view: review (other)", r"ReviewView\.post \(|post \(.*studyapp/api/study\.py"),
    ("serializers: validate input", r"is_valid \(.*rest_framework/serializers"),
    ("view: active_card lookup", r"active_card \("),
    ("queue: study_queue (other: loads the chosen state + card)", r"study_queue \("),
    ("queue: counts SQL (_queue_numbers)", r"_queue_numbers \("),
    ("settings / study day", r"settings_for|study_days? \(|StudyDays"),
    ("payload: card_payload", r"card_payload \("),
    ("payload: interval_preview (other)", r"interval_preview \("),
    ("load balancing: due_load query", r"due_load \("),
    ("fsrs: balance windows", r"balance_windows \("),
    ("fsrs: outcomes (4 ratings)", r"outcomes \(.*studyapp/study/scheduling"),
    ("fsrs: review", r"review \(.*studyapp/study/scheduling\.py"),
    ("fsrs: Scheduler construction", r"scheduler_for|Scheduler\.__init__"),
    ("review_submit (lock, replay check, save, log, action)", r"review_submit \(|_review_once \("),
    ("review_submit: state to JSON", r"_full_state \("),
]
KIND = [("database driver", r"psycopg|sqlite3|django/db/backends/"), ("ORM", r"django/db/models/")]
# Samples of a worker waiting (py-spy --nonblocking samples sleeping threads too): on PostgreSQL's answer, and
# on the client closing the connection (gunicorn's sync worker drains the socket after each response).
WAITS = [("PostgreSQL", re.compile(r"Connection\.wait \(.*psycopg")),
         ("client close", re.compile(r"close_graceful \("))]
COMPILED = [(label, re.compile(pattern)) for label, pattern in REGIONS]
KIND_COMPILED = [(label, re.compile(pattern)) for label, pattern in KIND]
KINDS = ("ORM", "database driver", "other Python")


def classify(stack):
    """(region, kind, deepest studyapp frame) of one sample; kind is a WAITS label for a waiting sample."""
    region, kind, ours = "other (outside the regions)", "other Python", None
    for frame in stack:
        for label, pattern in COMPILED:
            if pattern.search(frame):
                region, kind = label, "other Python"  # a deeper region starts afresh
                break
        for label, pattern in KIND_COMPILED:
            if pattern.search(frame):
                kind = label
                break
        if "studyapp/" in frame:
            ours = frame
    for label, pattern in WAITS:
        if any(pattern.search(frame) for frame in stack):
            kind = label
    return region, kind, ours


def _source_line(frame):
    match = re.search(r"\((studyapp/[^:]+):(\d+)\)", frame)
    if not match:
        return ""
    try:
        return (HERE.parents[1] / match[1]).read_text().splitlines()[int(match[2]) - 1].strip()[:90]
    except (OSError, IndexError):
        return ""


def summarize(raw_file, cpu_ms, requests, rate, job):
    """Tables: CPU per region (split ORM / driver / other), wall time waiting, and the hottest studyapp lines."""
    cells = collections.Counter()
    lines_cpu, lines_wait = collections.Counter(), collections.Counter()
    waits = collections.Counter()
    for line in Path(raw_file).read_text().splitlines():
        stack_text, _, count = line.rpartition(" ")
        if not stack_text:
            continue
        stack = [frame for frame in stack_text.split(";") if not frame.startswith("process ")]
        region, kind, ours = classify(stack)
        count = int(count)
        cells[region, kind] += count
        if kind in KINDS:
            lines_cpu[ours] += count
        else:
            waits[region, kind] += count
            lines_wait[ours] += count
    cpu_samples = sum(n for (_, kind), n in cells.items() if kind in KINDS)
    if not cpu_samples:
        return f"{job}: no samples"
    per_sample_ms = cpu_ms / cpu_samples  # measured CPU shared out over the samples of running code
    wall_ms = 1000 / rate / max(1, requests)  # one sample is 1/rate s of one worker's time
    regions = collections.Counter()
    for (region, kind), n in cells.items():
        if kind in KINDS:
            regions[region] += n
    out = [f"\n{job}: worker CPU {cpu_ms:.2f} ms per request ({cpu_samples} samples of running code)",
           "| region | CPU share | CPU ms/req | ORM | driver | other Python | wait PostgreSQL ms | wait client ms |",
           "|---|---|---|---|---|---|---|---|"]
    for region, n in regions.most_common():
        parts = [cells[region, k] * per_sample_ms for k in KINDS]
        waited = [waits[region, label] * wall_ms for label, _ in WAITS]
        out.append(f"| {region} | {n / cpu_samples:.1%} | {n * per_sample_ms:.2f} | {parts[0]:.2f} | {parts[1]:.2f} | "
                   f"{parts[2]:.2f} | {waited[0]:.2f} | {waited[1]:.2f} |")
    totals = [sum(n for (_, k), n in cells.items() if k == kind) * per_sample_ms for kind in KINDS]
    waited = [sum(m for (_, w), m in waits.items() if w == label) * wall_ms for label, _ in WAITS]
    out.append(f"| **all** | 100% | {cpu_ms:.2f} | {totals[0]:.2f} | {totals[1]:.2f} | {totals[2]:.2f} | "
               f"{waited[0]:.2f} | {waited[1]:.2f} |")
    out += ["", f"{job}: hottest lines of studyapp code (deepest studyapp frame; CPU ms/req, waiting ms/req)",
            "| CPU ms | wait ms | frame | source |", "|---|---|---|---|"]
    for frame, n in lines_cpu.most_common(14):
        out.append(f"| {n * per_sample_ms:.2f} | {lines_wait.get(frame, 0) * wall_ms:.2f} | {frame} | "
                   f"`{_source_line(frame) if frame else ''}` |")
    return "\n".join(out)


def profile_under_load(server, users_file, job, seconds, keep, rate=200):
    raw = keep / f"{job}.txt"
    spy = shutil.which("py-spy", path=str(run_bench.BIN)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("profile: py-spy not found: .venv/bin/pip install py-spy")
    run_bench.run_wrk(server.base, "studyapp", job, users_file, 3)  # warm-up
    # --nonblocking: the workers are never paused; it also means waiting threads are sampled (see WAITS).
    recorder = subprocess.Popen([spy, "record", "--pid", str(server.pid), "--subprocesses", "--nonblocking",
                                 "--rate", str(rate), "--format", "raw", "--duration", str(seconds),
                                 "--output", str(raw)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server.meter.start()
    result = run_bench.run_wrk(server.base, "studyapp", job, users_file, seconds)
    server_cpu, db_cpu, _, _ = server.meter.stop()
    _, err = recorder.communicate(timeout=60)
    if recorder.returncode:
        raise SystemExit(f"profile: py-spy failed: {err.decode()[-2000:]}")
    ok = sum(n for status, n in result["statuses"].items() if status.startswith("2"))
    cpu_ms = 1000 * server_cpu / max(1, result["requests"])
    db_ms = 1000 * db_cpu / max(1, result["requests"])
    print(f"profile: {job}: {ok / (result['duration_us'] / 1e6):.0f} req/s under py-spy, "
          f"statuses {result['statuses']}, CPU per request: workers {cpu_ms:.2f} ms, database backends "
          f"{db_ms:.2f} ms", flush=True)
    return summarize(raw, cpu_ms, result["requests"], rate, job)


# --- in process: queries, plans, time alone -----------------------------------------------------------------

def in_process(env, users_file, jobs, requests=200):
    os.environ.update({**env, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")
    import random
    import uuid

    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client

    users = []
    for line in Path(users_file).read_text().splitlines():
        _, token, cards = line.split("\t")
        users.append((token, cards.split(",")))
    rng = random.Random(7)
    client = Client()

    def call(job):
        token, cards = rng.choice(users)
        auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
        if job == "hello":
            return client.get("/healthz")
        if job == "next":
            return client.get("/api/study/next/", **auth)
        body = {"card": int(rng.choice(cards)), "rating": rng.choice((1, 2, 3, 3, 3, 4)),
                "review_id": str(uuid.uuid4()), "duration_ms": 5000}
        return client.post("/api/reviews/", body, content_type="application/json", **auth)

    timings = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, sql, params))

    report = []
    for job in jobs:
        call(job)  # warm
        timings.clear()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = call(job)
            took = time.perf_counter() - started
        queries = list(timings)
        report.append(f"\n{job}: status {response.status_code}, {took * 1000:.2f} ms, {len(queries)} queries taking "
                      f"{sum(t for t, _, _ in queries) * 1000:.2f} ms from send to last row")
        for n, (seconds, sql, _) in enumerate(queries, 1):
            report.append(f"  {n}. {seconds * 1000:6.2f} ms  {' '.join(sql.split())[:200]}")
        explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        for n, (_, sql, params) in enumerate(queries, 1):
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(explain + sql, params)
                    plan = [" | ".join(str(c) for c in row) for row in cursor.fetchall()]
                    transaction.set_rollback(True)
            except Exception as error:  # a plan is a nicety: say why there is none
                plan = [f"(not explained: {type(error).__name__}: {str(error)[:200]})"]
            report.append(f"  plan of query {n}:\n" + "\n".join(f"      {line}" for line in plan))
        started = time.perf_counter()
        for _ in range(requests):
            call(job)
        took = (time.perf_counter() - started) / requests * 1000
        report.append(f"  {job}: {took:.2f} ms per request in process, one at a time ({requests} requests)")
    return "\n".join(report)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="hello,next,review")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", "100")))
    parser.add_argument("--database", default="postgresql", choices=("postgresql", "sqlite"))
    parser.add_argument("--keep", type=Path, help="keep raw stacks here")
    args = parser.parse_args()
    jobs = args.jobs.split(",")
    scratch = Path(tempfile.mkdtemp(prefix="studyapp-profile-"))
    keep = args.keep or scratch
    keep.mkdir(parents=True, exist_ok=True)
    try:
        envs, files, _, backends = run_bench.prepare(args.database, args.users, scratch)
        server = run_bench.Server("studyapp", "sync", envs["studyapp"], scratch / "gunicorn.log", backends["studyapp"])
        try:
            tables = [profile_under_load(server, files["studyapp"], job, args.seconds, keep) for job in jobs]
        finally:
            server.stop()
        print("\n".join(tables), flush=True)
        print(in_process(envs["studyapp"], files["studyapp"], jobs), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
