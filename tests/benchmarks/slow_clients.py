"""Slow clients against gunicorn: do a few connections that trickle their headers stall everyone else?

    .venv/bin/python tests/benchmarks/slow_clients.py [--slow 3] [--workers 2]

Starts gunicorn on a scratch SQLite database with sync workers (gunicorn's default), with threaded workers
(`gthread`, what `make serve` uses), and with threaded workers behind nginx configured as deploy/nginx.conf
(when nginx is installed), opens --slow connections that send a partial request and then one header byte a
second, and meanwhile times ten ordinary requests to /healthz. Prints the median and worst time and how many
ordinary requests failed (40 s timeout) for each. Measured, not asserted: the figures go in the README.
"""

import argparse
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def trickle(port, stop):
    """A slowloris client: a request line, then a header byte a second, never the blank line."""
    try:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.is_set():
            sock.sendall(b"X")
            stop.wait(1.0)
        sock.close()
    except OSError:
        pass


def timed_get(url):
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=40) as response:
            response.read()
        return time.monotonic() - start, True
    except OSError:
        return time.monotonic() - start, False


NGINX = """daemon off; pid {dir}/nginx.pid; error_log {dir}/error.log; worker_processes 1;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy;
fastcgi_temp_path {dir}/fcgi; uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
{server} }}"""


def nginx_in_front(upstream_port, scratch):
    """nginx on a free port with deploy/nginx.conf's server block, proxying to gunicorn on upstream_port."""
    port = free_port()
    server = (ROOT / "deploy" / "nginx.conf").read_text().replace("127.0.0.1:8000", f"127.0.0.1:{upstream_port}")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};")
    conf = scratch / "nginx.conf"
    conf.write_text(NGINX.format(dir=scratch, server=server))
    process = subprocess.Popen([shutil.which("nginx"), "-c", str(conf), "-p", str(scratch)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, port


def measure(worker_args, slow, env, scratch=None):
    port = free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "studyapp.wsgi", "--bind", f"127.0.0.1:{port}", "--timeout",
                               "30", *worker_args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    proxy = None
    if scratch is not None:
        proxy, port = nginx_in_front(port, scratch)
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        for _ in range(100):
            if timed_get(url)[1]:
                break
            time.sleep(0.2)
        stop = threading.Event()
        clients = [threading.Thread(target=trickle, args=(port, stop), daemon=True) for _ in range(slow)]
        for client in clients:
            client.start()
        time.sleep(1.0)  # the slow clients hold their connections
        results = [timed_get(url) for _ in range(10)]
        stop.set()
        times = [t for t, _ in results]
        return statistics.median(times), max(times), sum(not ok for _, ok in results)
    finally:
        for process in (proxy, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slow", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="studyapp-slow-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}", "DJANGO_DEBUG": "0",
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(48), "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_LOG_LEVEL": "ERROR"}
    env.pop("REDIS_URL", None)
    try:
        subprocess.run([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True)
        print(f"{args.slow} slow clients, {args.workers} workers; 10 requests to /healthz meanwhile")
        print("| workers | median | worst | failed |")
        print("|---|---|---|---|")
        threaded = ["--workers", str(args.workers), "--worker-class", "gthread", "--threads", str(args.threads)]
        setups = [("sync", ["--workers", str(args.workers)], None), (f"gthread x{args.threads}", threaded, None)]
        if shutil.which("nginx"):
            setups.append((f"nginx + gthread x{args.threads}", threaded, scratch))
        for name, worker_args, proxy_dir in setups:
            median, worst, failed = measure(worker_args, args.slow, env, proxy_dir)
            print(f"| {name} | {median * 1000:.0f} ms | {worst * 1000:.0f} ms | {failed} |", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
