"""`make bench`: studyapp against a bare Django app doing the minimum for the same jobs, under wrk.

For each database (PostgreSQL, then SQLite) and data size: recreate the benchmark databases, migrate and
load the facts for studyapp, seed both apps with the same users × review states (seed.py, shape.Dataset),
start both under gunicorn (same worker class and count, no access log, debug off), then drive each job
with wrk (bench.lua: a random user per request, API tokens for studyapp, fresh review ids), BENCH_CONNECTIONS
connections, BENCH_WARMUP seconds of warm-up then BENCH_SECONDS measured, the two apps alternating:

    hello   bare GET /hello (SELECT 1)            studyapp GET /healthz (SELECT 1 behind all middleware)
    next    bare GET /next?user= (one index scan)  studyapp GET /api/study/next/
    review  bare POST /review (lock, update, insert) studyapp POST /api/reviews/

and reports requests/s, p50 and p99 (wrk's), errors (socket errors and statuses other than 2xx/3xx), the
ratio studyapp/bare, the server's CPU per request (its gunicorn workers, and on PostgreSQL the database
backends serving it), the cores wrk used, and `other`: the rest of the machine's CPU use during the case.
The machine may be shared: a case during which the rest used more than BENCH_MAX_OTHER cores (0.3) is run
again, at most BENCH_RETRIES (2) more times, and the quietest try is kept.

BENCH_SIZE: default (100 users × 1,000 states = 100k, about 6 minutes for both databases), full (1,000 ×
1,000 = 1M), growth (BENCH_GROWTH_USERS "10,100,1000" × 1,000 = 10k, 100k, 1M states; next and review only,
sync workers only, one run, PostgreSQL unless BENCH_DATABASES says otherwise; next is measured before the
reviews change the data). Other settings: BENCH_USERS, BENCH_PER_USER, BENCH_SECONDS (10), BENCH_WARMUP (3),
BENCH_RUNS (1; the median of each figure is shown), BENCH_CONNECTIONS (8), BENCH_WORKERS (4),
BENCH_WORKER_CLASSES ("sync,gthread"; gthread with BENCH_THREADS 4 threads, as `make serve`),
BENCH_DATABASES ("postgresql,sqlite"), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/studyapp_bench;
the bare app uses <name>_bare; both are dropped and created again: the name must contain "bench"),
BENCH_WRK_THREADS (2), BENCH_JSON (write every result to this file).
"""

import json
import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
ENV = os.environ.get
SIZE = ENV("BENCH_SIZE", "default")
if SIZE not in ("default", "full", "growth"):
    raise SystemExit(f"bench: BENCH_SIZE must be default, full or growth, not {SIZE!r}")
PER_USER = int(ENV("BENCH_PER_USER", "1000"))
USERS = int(ENV("BENCH_USERS", "1000" if SIZE == "full" else "100"))
GROWTH_USERS = [int(n) for n in ENV("BENCH_GROWTH_USERS", "10,100,1000").split(",")]
SECONDS = float(ENV("BENCH_SECONDS", "10"))
WARMUP = float(ENV("BENCH_WARMUP", "3"))
RUNS = int(ENV("BENCH_RUNS", "1"))
MAX_OTHER = float(ENV("BENCH_MAX_OTHER", "0.3"))
RETRIES = int(ENV("BENCH_RETRIES", "2"))
CONNECTIONS = int(ENV("BENCH_CONNECTIONS", "8"))
WORKERS = int(ENV("BENCH_WORKERS", "4"))
THREADS = int(ENV("BENCH_THREADS", "4"))
WORKER_CLASSES = ENV("BENCH_WORKER_CLASSES", "sync" if SIZE == "growth" else "sync,gthread").split(",")
DATABASES = ENV("BENCH_DATABASES", "postgresql" if SIZE == "growth" else "postgresql,sqlite").split(",")
PG_URL = ENV("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/studyapp_bench")
WRK_THREADS = int(ENV("BENCH_WRK_THREADS", "2"))
JOBS = ("next", "review") if SIZE == "growth" else ("hello", "next", "review")
APPS = ("bare", "studyapp")
LABELS = {("bare", "hello"): "hello", ("bare", "next"): "next due", ("bare", "review"): "review",
          ("studyapp", "hello"): "`/healthz`", ("studyapp", "next"): "`GET /api/study/next/`",
          ("studyapp", "review"): "`POST /api/reviews/`"}
TICK = os.sysconf("SC_CLK_TCK")


def say(text=""):
    print(text, flush=True)


# --- CPU accounting ---------------------------------------------------------------------------------------

def _proc_cpu(pid):
    """utime + stime of a process, in seconds (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid):
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def _machine_busy():
    """Busy CPU seconds of the whole machine so far (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK


class Meter:
    """CPU used by a server (master and workers) and its database backends between start() and stop()."""

    def __init__(self, server, backend_pids):
        self.server, self.backend_pids = server, backend_pids

    def _sample(self):
        workers = [self.server.pid, *_children(self.server.pid)]
        backends = self.backend_pids()
        return ({pid: _proc_cpu(pid) for pid in workers}, {pid: _proc_cpu(pid) for pid in backends},
                _machine_busy(), time.monotonic())

    def start(self):
        self.before = self._sample()

    def stop(self):
        after = self._sample()
        (w0, b0, m0, t0), (w1, b1, m1, t1) = self.before, after
        server = sum(cpu - w0.get(pid, 0.0) for pid, cpu in w1.items())
        database = sum(cpu - b0.get(pid, 0.0) for pid, cpu in b1.items())
        return server, database, m1 - m0, t1 - t0


# --- one case ----------------------------------------------------------------------------------------------

@dataclass
class Case:
    database: str
    size: str
    worker_class: str
    app: str
    job: str
    run: int
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    statuses: dict = field(default_factory=dict)
    server_cpu_ms: float = 0.0  # per request: gunicorn master + workers
    db_cpu_ms: float = 0.0  # per request: PostgreSQL backends serving this app (0 on SQLite)
    client_cpu: float = 0.0  # cores wrk used
    other_cpu: float = 0.0  # cores busy with anything else on the machine during the case (noise)
    tries: int = 1


def run_wrk(base, app, job, users_file, seconds):
    """wrk's BENCH_JSON result, plus "client_cpu_s": the CPU seconds wrk itself used."""
    command = ["wrk", "-t", str(min(WRK_THREADS, CONNECTIONS)), "-c", str(CONNECTIONS),
               "-d", f"{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(HERE / "bench.lua"), base,
               "--", app, job, str(users_file)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"bench: wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result = json.loads(line[len("BENCH_JSON "):])
            result["client_cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            return result
    raise SystemExit(f"bench: wrk printed no result:\n{done.stdout}")


def measure(case, server, users_file):
    """Run one case; while the rest of the machine used more than MAX_OTHER cores, try again (at most RETRIES
    more times) and keep the quietest try."""
    if WARMUP:
        run_wrk(server.base, case.app, case.job, users_file, WARMUP)
    best = None
    for attempt in range(1, RETRIES + 2):
        server.meter.start()
        result = run_wrk(server.base, case.app, case.job, users_file, SECONDS)
        server_cpu, db_cpu, busy, wall = server.meter.stop()
        client = result["client_cpu_s"]
        other = max(0.0, (busy - server_cpu - db_cpu - client) / wall)
        if best is None or other < best[0]:
            best = (other, result, server_cpu, db_cpu, client / wall)
        if other <= MAX_OTHER:
            break
        say(f"  ({case.app} {case.job}: the rest of the machine used {other:.2f} cores; "
            f"{'trying again' if attempt <= RETRIES else 'keeping the quietest try'})")
    case.other_cpu, result, server_cpu, db_cpu, case.client_cpu = best
    case.tries = attempt
    ok = sum(n for status, n in result["statuses"].items() if status.startswith(("2", "3")))
    case.requests = result["requests"]
    case.seconds = result["duration_us"] / 1e6
    case.rps = ok / case.seconds
    case.p50_ms, case.p90_ms, case.p99_ms = (result[p] / 1000 for p in ("p50", "p90", "p99"))
    case.errors = (result["connect"] + result["read"] + result["write"] + result["timeout"]
                   + result["requests"] - ok)
    case.statuses = result["statuses"]
    case.server_cpu_ms = 1000 * server_cpu / max(1, case.requests)
    case.db_cpu_ms = 1000 * db_cpu / max(1, case.requests)
    statuses = " ".join(f"{s}:{n}" for s, n in sorted(case.statuses.items()))
    say(f"  {case.worker_class:7} {case.app:8} {case.job:6} run {case.run}: {case.rps:7.0f} req/s  "
        f"p50 {case.p50_ms:6.1f}  p99 {case.p99_ms:6.1f} ms  errors {case.errors}  [{statuses}]  "
        f"CPU/req: server {case.server_cpu_ms:.2f} ms, db {case.db_cpu_ms:.2f} ms; wrk {case.client_cpu:.2f} cores, "
        f"other {case.other_cpu:.2f} cores")
    return case


# --- servers and databases ---------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, app, worker_class, env, log, backend_pids):
        self.app = app
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        module, cwd = ("studyapp.wsgi:application", ROOT) if app == "studyapp" else ("bare.wsgi:application", HERE)
        command = [str(BIN / "gunicorn"), module, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
                   "--worker-class", worker_class, "--backlog", "2048", "--timeout", "60", "--error-logfile", "-"]
        if worker_class == "gthread":
            command += ["--threads", str(THREADS)]
        self.log = log
        with open(log, "ab") as stderr:  # gunicorn's log and the apps' logged tracebacks
            self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                            start_new_session=True)
        self.pid = self.process.pid
        self.meter = Meter(self, backend_pids)
        self.wait_until_up("/healthz" if app == "studyapp" else "/hello")

    def wait_until_up(self, path, deadline=60.0):
        start = time.monotonic()
        while time.monotonic() - start < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: gunicorn ({self.app}) exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=1.0) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise SystemExit(f"bench: {self.app} did not answer on {self.base} within {deadline:.0f}s")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        tracebacks = self.log.read_text().count("Traceback") if self.log.exists() else 0
        if tracebacks:
            say(f"bench: {tracebacks} tracebacks in {self.app}'s server log, the last:\n{self.log.read_text()[-3000:]}")


def pg_admin():
    import psycopg

    parts = urlsplit(PG_URL)
    return psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True)


def pg_url(suffix=""):
    parts = urlsplit(PG_URL)
    return parts._replace(path=parts.path + suffix).geturl()


def recreate_pg(url):
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"bench: refusing to drop database {name!r}: a benchmark database's name contains 'bench'")
    with pg_admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def pg_backends(url):
    name = urlsplit(url).path.lstrip("/")

    def pids():
        with pg_admin() as conn:
            return [row[0] for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name])]
    return pids


def prepare(vendor, users, scratch):
    """Fresh databases for both apps, seeded alike; returns (studyapp env, bare env, users files, seed info)."""
    tag = f"{vendor}-{users}"
    if vendor == "postgresql":
        study_url, bare_url = pg_url(), pg_url("_bare")
        recreate_pg(study_url)
        recreate_pg(bare_url)
    else:
        for name in ("studyapp", "bare"):
            for path in scratch.glob(f"{name}.sqlite3*"):
                path.unlink()
        study_url, bare_url = f"sqlite:///{scratch / 'studyapp.sqlite3'}", f"sqlite:///{scratch / 'bare.sqlite3'}"
    study_env = {
        **os.environ, "DATABASE_URL": study_url, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": ENV("DJANGO_LOG_LEVEL", "ERROR"), "PYTHONUNBUFFERED": "1",
    }
    study_env.pop("REDIS_URL", None)  # throttles and cache in the database, as a default install has them
    bare_env = {**os.environ, "BARE_DATABASE_URL": bare_url, "PYTHONUNBUFFERED": "1"}
    python = str(BIN / "python")
    started = time.perf_counter()
    for command in (["migrate", "--noinput", "-v", "0"], ["load_facts"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=study_env, check=True, stdout=subprocess.DEVNULL)
    say(f"bench: {vendor}: studyapp migrated and facts loaded in {time.perf_counter() - started:.1f}s")
    files = {"studyapp": scratch / f"users-{tag}-studyapp.tsv", "bare": scratch / f"users-{tag}-bare.tsv"}
    info = {}
    for app, env, extra in (("studyapp", study_env, []), ("bare", bare_env, None)):
        if extra is None:
            extra = ["--cards", str(info["studyapp"]["cards"])]
        out = subprocess.run([python, str(HERE / "seed.py"), app, "--users", str(users), "--per-user", str(PER_USER),
                              "--out", str(files[app]), *extra], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True)
        info[app] = json.loads(out.stdout.strip().splitlines()[-1])
        say(f"bench: {vendor}: seeded {app}: {info[app]['users']} users, {info[app]['cards']} cards, "
            f"{info[app]['states']:,} states, {info[app]['logs']:,} logs in {info[app]['seconds']}s")
    backends = {"studyapp": pg_backends(study_url) if vendor == "postgresql" else list,
                "bare": pg_backends(bare_url) if vendor == "postgresql" else list}
    return {"studyapp": study_env, "bare": bare_env}, files, info, backends


def bench(vendor, users, scratch):
    envs, files, info, backends = prepare(vendor, users, scratch)
    size = f"{users:,} × {PER_USER:,}"
    cases = []
    for worker_class in WORKER_CLASSES:
        servers = {app: Server(app, worker_class, envs[app], scratch / f"gunicorn-{vendor}-{app}-{worker_class}.log",
                               backends[app]) for app in APPS}
        say(f"bench: {vendor}, {size} states, {WORKERS} {worker_class} workers"
            f"{f' × {THREADS} threads' if worker_class == 'gthread' else ''}, {CONNECTIONS} connections, "
            f"{WARMUP:g}+{SECONDS:g} s per case")
        try:
            for run in range(1, RUNS + 1):
                for job in JOBS:
                    # Alternate which app goes first, so neither always runs on the warmer machine.
                    order = APPS if run % 2 else APPS[::-1]
                    for app in order:
                        cases.append(measure(Case(vendor, size, worker_class, app, job, run), servers[app], files[app]))
        finally:
            for server in servers.values():
                server.stop()
    return cases, info


# --- tables ------------------------------------------------------------------------------------------------

def _median(cases, attr):
    return statistics.median(getattr(c, attr) for c in cases)


def side_by_side(cases, vendor, worker_class):
    lines = ["| job | bare req/s | studyapp req/s | ratio | bare p50 / p99 ms | studyapp p50 / p99 ms | errors "
             "(bare, studyapp) | studyapp CPU ms/req (server + db) | bare CPU ms/req | wrk cores (bare, studyapp) "
             "| other load (cores) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for job in JOBS:
        pick = {app: [c for c in cases
                      if (c.database, c.worker_class, c.app, c.job) == (vendor, worker_class, app, job)]
                for app in APPS}
        if not all(pick.values()):
            continue
        b, s = pick["bare"], pick["studyapp"]
        ratio = _median(s, "rps") / _median(b, "rps") if _median(b, "rps") else 0
        lines.append(
            f"| {LABELS['bare', job]} vs {LABELS['studyapp', job]} | {_median(b, 'rps'):,.0f} "
            f"| {_median(s, 'rps'):,.0f} "
            f"| {ratio:.2f} | {_median(b, 'p50_ms'):.1f} / {_median(b, 'p99_ms'):.1f} "
            f"| {_median(s, 'p50_ms'):.1f} / {_median(s, 'p99_ms'):.1f} | {sum(c.errors for c in b)}, "
            f"{sum(c.errors for c in s)} | {_median(s, 'server_cpu_ms'):.2f} + {_median(s, 'db_cpu_ms'):.2f} "
            f"| {_median(b, 'server_cpu_ms'):.2f} + {_median(b, 'db_cpu_ms'):.2f} "
            f"| {_median(b, 'client_cpu'):.2f}, {_median(s, 'client_cpu'):.2f} "
            f"| {_median(b + s, 'other_cpu'):.2f} |")
    return "\n".join(lines)


def growth_table(cases, vendor):
    sizes = sorted({c.size for c in cases if c.database == vendor}, key=lambda s: int(s.split(" ")[0].replace(",", "")))
    head = ("| review states | " + " | ".join(f"{app} {job} p50 ms (req/s)" for job in JOBS for app in APPS)
            + " | studyapp CPU ms/req next, review (server + db) | other load (cores, max) |")
    lines = [head, "|---|" + "---|" * (len(JOBS) * len(APPS) + 2)]
    first = {}
    for size in sizes:
        users, per_user = (int(part.replace(",", "")) for part in size.split(" × "))
        cells = []
        for job in JOBS:
            for app in APPS:
                pick = [c for c in cases if (c.database, c.size, c.app, c.job) == (vendor, size, app, job)]
                p50 = _median(pick, "p50_ms")
                first.setdefault((job, app), p50)
                cells.append(f"{p50:.1f} ({_median(pick, 'rps'):,.0f}) ×{p50 / first[job, app]:.2f}")
        mine = [c for c in cases if (c.database, c.size) == (vendor, size)]
        cpu = ", ".join(f"{_median(pick, 'server_cpu_ms'):.2f} + {_median(pick, 'db_cpu_ms'):.2f}"
                        for job in JOBS for pick in [[c for c in mine if (c.app, c.job) == ("studyapp", job)]])
        lines.append(f"| {users * per_user:,} ({size}) | " + " | ".join(cells)
                     + f" | {cpu} | {max(c.other_cpu for c in mine):.2f} |")
    return "\n".join(lines)


def _revision():
    """The commit measured, and whether the work tree differs from it (the figures are of the work tree)."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (" with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def main():
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk not found (the Makefile installs it: apt-get install -y wrk)")
    load = os.getloadavg()
    say(f"bench: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; wrk runs on the "
        f"same machine; size {SIZE}; studyapp at {_revision()}")
    scratch = Path(tempfile.mkdtemp(prefix="studyapp-bench-"))
    cases, seeds, tables = [], {}, []
    try:
        for vendor in DATABASES:
            shown = len(tables)
            for users in (GROWTH_USERS if SIZE == "growth" else [USERS]):
                found, info = bench(vendor, users, scratch)
                cases += found
                seeds[f"{vendor} {users}"] = info
            if SIZE == "growth":
                tables.append(f"{vendor}, growth, {WORKERS} sync workers, {CONNECTIONS} connections "
                              f"(×: p50 against the smallest size)\n\n" + growth_table(cases, vendor))
            else:
                for worker_class in WORKER_CLASSES:
                    threads = f" × {THREADS} threads" if worker_class == "gthread" else ""
                    tables.append(f"{vendor}, {USERS:,} users × {PER_USER:,} states, {WORKERS} {worker_class} "
                                  f"workers{threads}, {CONNECTIONS} connections, median of {RUNS} run(s) of "
                                  f"{SECONDS:g} s\n\n" + side_by_side(cases, vendor, worker_class))
            say("\n" + "\n\n".join(tables[shown:]))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if ENV("BENCH_JSON"):
            Path(ENV("BENCH_JSON")).write_text(json.dumps({"seeds": seeds, "cases": [asdict(c) for c in cases]},
                                                          indent=1))
    say("\n" + "\n\n".join(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
