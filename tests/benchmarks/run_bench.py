"""`make bench`: load-test the study API under gunicorn, on PostgreSQL and then on SQLite.

For each database: migrate, load the facts, seed BENCH_USERS × BENCH_CARDS review states with
`manage.py bench_seed --reset`, start gunicorn (debug off, sync workers, 2 × cores + 1 of them, no access
log) on a free port, then drive, closed loop, BENCH_SECONDS each at every connection count:

- GET /healthz (the baseline: the full middleware stack and one SELECT 1),
- GET /api/study/next/ as random bench users (token auth),
- POST /api/reviews/ as random bench users, on a card `next` gave that user, with a fresh review_id each time.

The load driver is in this file: asyncio + aiohttp, one coroutine per connection, each timing its requests
with perf_counter from send to the last byte of the body. gunicorn's sync workers close the connection after
every response, so every request also pays a TCP connect, as a client without keep-alive would. An error is
any status other than 200/204 (next), 200/201 (reviews) or 200 (healthz), or a failed or timed-out request.
The load generator runs on the same machine as the server and takes CPU from it: its own CPU use is printed.

Environment: BENCH_SECONDS (30), BENCH_USERS (1000), BENCH_CARDS (1000), BENCH_CONNECTIONS ("8,32"),
BENCH_RUNS (3: each case is run that many times, interleaved, and the median of each figure is shown),
BENCH_DATABASES ("postgresql,sqlite"), BENCH_WORKERS (2 × cores + 1), BENCH_PG_URL
(postgres://postgres@127.0.0.1:5432/studyapp_bench; the database is created when missing), BENCH_WARMUP (2 s).
"""

import asyncio
import os
import random
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
USERS = int(os.environ.get("BENCH_USERS", "1000"))
CARDS = int(os.environ.get("BENCH_CARDS", "1000"))
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "8,32").split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
DATABASES = os.environ.get("BENCH_DATABASES", "postgresql,sqlite").split(",")
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/studyapp_bench")
WARMUP = float(os.environ.get("BENCH_WARMUP", "2"))
ENDPOINTS = ("healthz", "next", "reviews")
OK = {"healthz": {200}, "next": {200, 204}, "reviews": {200, 201}}


def say(text=""):
    print(text, flush=True)


# --- the load driver ---------------------------------------------------------------------------------

@dataclass
class Result:
    endpoint: str
    connections: int
    seconds: float = 0.0
    latencies: list = field(default_factory=list)  # seconds, successful requests only
    errors: dict = field(default_factory=dict)  # status code or exception name -> count
    sample_error: str = ""
    client_cpu: float = 0.0  # fraction of one core the load generator used

    @property
    def rps(self):
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, p):
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))] * 1000

    @property
    def n_errors(self):
        return sum(self.errors.values())


class Driver:
    def __init__(self, base, tokens):
        self.base = base
        self.tokens = tokens  # [token]
        self.cards = {}  # token -> [card ids `next` gave]

    def request_for(self, endpoint):
        if endpoint == "healthz":
            return "GET", "/healthz", {}, None
        token = random.choice(self.tokens)
        headers = {"Authorization": f"Token {token}"}
        if endpoint == "next":
            return "GET", "/api/study/next/", headers, None
        token = random.choice(list(self.cards))
        body = {"card": random.choice(self.cards[token]), "rating": random.choice((1, 2, 3, 3, 3, 4)),
                "review_id": str(uuid.uuid4()), "duration_ms": random.randint(1000, 20000)}
        return "POST", "/api/reviews/", {"Authorization": f"Token {token}"}, body

    async def collect_cards(self, session, connections=8):
        """Ask `next` once for every user (not timed): the cards the reviews case will answer."""
        queue = list(self.tokens)

        async def worker():
            while queue:
                token = queue.pop()
                async with session.get(self.base + "/api/study/next/",
                                       headers={"Authorization": f"Token {token}"}) as response:
                    if response.status == 200:
                        self.cards.setdefault(token, []).append((await response.json())["id"])
                    else:
                        await response.read()

        await asyncio.gather(*(worker() for _ in range(connections)))
        if not self.cards:
            raise SystemExit("bench: `next` gave no card to any user")

    async def run(self, session, endpoint, connections, seconds, *, record=True):
        result = Result(endpoint, connections)
        ok = OK[endpoint]
        stop_at = time.perf_counter() + seconds

        async def worker():
            while time.perf_counter() < stop_at:
                method, path, headers, body = self.request_for(endpoint)
                start = time.perf_counter()
                try:
                    async with session.request(method, self.base + path, headers=headers, json=body) as response:
                        payload = await response.read()
                        elapsed = time.perf_counter() - start
                        if response.status in ok:
                            result.latencies.append(elapsed)
                            continue
                        key = str(response.status)
                        if not result.sample_error:
                            result.sample_error = f"{response.status}: {payload[:300]!r}"
                except (TimeoutError, aiohttp.ClientError, OSError) as error:
                    key = type(error).__name__
                    result.sample_error = result.sample_error or f"{key}: {error}"
                result.errors[key] = result.errors.get(key, 0) + 1

        cpu_before = _cpu()
        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        result.seconds = time.perf_counter() - began
        result.client_cpu = (_cpu() - cpu_before) / result.seconds
        return result


def _cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def drive(base, tokens):
    """Every case RUNS times, interleaved; returns {(endpoint, connections): [Result, ...]}."""
    driver = Driver(base, tokens)
    timeout = aiohttp.ClientTimeout(total=30)
    results = {}
    # force_close: gunicorn's sync workers close every connection anyway; say so up front.
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await driver.collect_cards(session)
        say(f"bench: {len(driver.cards)} users got a card from `next` for the reviews case")
        for run in range(1, RUNS + 1):
            for connections in CONNECTIONS:
                for endpoint in ENDPOINTS:
                    if WARMUP:
                        await driver.run(session, endpoint, connections, WARMUP)
                    result = await driver.run(session, endpoint, connections, SECONDS)
                    results.setdefault((endpoint, connections), []).append(result)
                    errors = f", errors {result.errors} e.g. {result.sample_error}" if result.errors else ""
                    say(f"  run {run}/{RUNS} {endpoint:8} c={connections:<3} {result.rps:7.0f} req/s  "
                        f"p50 {result.pct(50):6.1f} ms  p95 {result.pct(95):6.1f} ms  p99 {result.pct(99):6.1f} ms"
                        f"  client CPU {result.client_cpu:.0%}{errors}")
    return results


def table(label, results):
    med = statistics.median
    lines = [f"{label}: median of {RUNS} run(s) of {SECONDS:.0f} s per case",
             "| endpoint | conns | req/s | p50 ms | p95 ms | p99 ms | errors | vs /healthz | client CPU |",
             "|---|---|---|---|---|---|---|---|---|"]
    for connections in CONNECTIONS:
        base_rps = med(r.rps for r in results[("healthz", connections)])
        for endpoint in ENDPOINTS:
            runs = results[(endpoint, connections)]
            rps = med(r.rps for r in runs)
            lines.append(
                f"| {endpoint} | {connections} | {rps:.0f} | {med(r.pct(50) for r in runs):.1f} | "
                f"{med(r.pct(95) for r in runs):.1f} | {med(r.pct(99) for r in runs):.1f} | "
                f"{sum(r.n_errors for r in runs)} | {rps / base_rps if base_rps else 0:.2f} | "
                f"{med(r.client_cpu for r in runs):.0%} |")
    return "\n".join(lines)


# --- the server ----------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base, server, deadline=60.0):
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench: gunicorn exited early with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1.0) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise SystemExit(f"bench: the server did not answer on {base} within {deadline:.0f}s")


def ensure_pg_database(url):
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            say(f"bench: created database {name}")


def bench_database(vendor, scratch):
    if vendor == "postgresql":
        ensure_pg_database(PG_URL)
        database_url = PG_URL
    else:
        database_url = f"sqlite:///{scratch / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": os.environ.get("DJANGO_LOG_LEVEL", "ERROR"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)  # throttles and cache in the benchmark database, as a default install has them
    manage = [str(BIN / "python"), "manage.py"]
    tokens_file = scratch / f"tokens-{vendor}.tsv"
    say(f"\n=== {vendor}: {database_url} ===")
    for command in (["migrate", "--noinput", "-v", "0"], ["createcachetable"], ["load_facts"],
                    ["bench_seed", "--users", str(USERS), "--cards-per-user", str(CARDS), "--reset",
                     "--tokens-out", str(tokens_file)]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True)
    tokens = [line.split("\t")[1] for line in tokens_file.read_text().splitlines()]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    error_log = scratch / f"gunicorn-{vendor}.log"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "studyapp.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--backlog", "2048", "--timeout", "60", "--error-logfile", str(error_log)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base, server)
        say(f"bench: gunicorn with {WORKERS} sync workers on {base}; {len(tokens)} users; "
            f"{SECONDS:.0f} s per case; connections {CONNECTIONS}; {RUNS} run(s)")
        results = asyncio.run(drive(base, tokens))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    tracebacks = error_log.read_text().count("Traceback") if error_log.exists() else 0
    if tracebacks:
        say(f"bench: {tracebacks} tracebacks in the server log, e.g.:\n{error_log.read_text()[-3000:]}")
    return results


def main():
    cores = os.cpu_count()
    say(f"bench: {cores} cores; the load generator (this process) runs on the same machine and competes with "
        f"gunicorn for CPU")
    scratch = Path(tempfile.mkdtemp(prefix="studyapp-bench-"))
    tables = []
    try:
        for vendor in DATABASES:
            results = bench_database(vendor, scratch)
            tables.append(table(f"{vendor}, {USERS} users × {CARDS} cards, {WORKERS} gunicorn workers", results))
            say("\n" + tables[-1])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    say("\n" + "\n\n".join(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
