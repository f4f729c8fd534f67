# Two commands: `make run` (set up and serve on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/studyapp
LOCAL_ENV := DJANGO_DEBUG=1

.PHONY: install run serve test test-postgres e2e fuzz bench lint lock clean

# Re-installs only when the lock file changes, so a second `make install` takes a second.
$(STAMP): requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

# The task worker (the FSRS optimizer's background runs) starts beside the server and stops with it.
run: install
	$(LOCAL_ENV) $(BIN)/python manage.py migrate --noinput
	$(LOCAL_ENV) $(BIN)/python manage.py load_facts
	$(LOCAL_ENV) $(BIN)/python manage.py db_worker & trap "kill $$!" EXIT; \
		$(LOCAL_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production serving: gunicorn, debug off, static files by whitenoise, everything else from the environment
# (DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are required; see the README's configuration table).
WEB_CONCURRENCY ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_facts
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py db_worker & trap "kill $$!" EXIT; \
	$(BIN)/gunicorn studyapp.wsgi:application --bind $${BIND:-127.0.0.1:$(PORT)} --workers $(WEB_CONCURRENCY) \
		--worker-class gthread --threads $${GUNICORN_THREADS:-4} \
		--access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/pytest

# Browser tests (tests/e2e) in Debian's Chromium; Playwright's own browser download is not used.
e2e: install
	command -v chromium || (apt-get update && apt-get install -y chromium)
	$(BIN)/pytest tests/e2e -m e2e

# Schemathesis against a scratch server (gunicorn, temporary SQLite): every phase, fails on any finding.
fuzz: install
	$(BIN)/python tests/fuzz/run_fuzz.py

# Load benchmark: studyapp beside a bare Django app doing the minimum for the same jobs (tests/benchmarks/bare),
# same data, same gunicorn workers, driven by wrk (Debian's package), on PostgreSQL then SQLite.
# BENCH_SIZE=default: 100 users x 1,000 review states (about 6 minutes); full: 1,000 x 1,000 (1M states);
# growth: 10k, 100k and 1M states (PostgreSQL). BENCH_SECONDS, BENCH_RUNS, ... in tests/benchmarks/run_bench.py.
BENCH_SIZE ?= default
bench: install
	command -v wrk || (apt-get update && apt-get install -y wrk)
	BENCH_SIZE=$(BENCH_SIZE) $(BIN)/python tests/benchmarks/run_bench.py

test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

# Regenerate the pinned lock from pyproject.toml's ranges (run after changing dependencies).
lock:
	rm -rf /tmp/studyapp-lock && $(PYTHON) -m venv /tmp/studyapp-lock
	/tmp/studyapp-lock/bin/pip install --quiet --upgrade pip
	/tmp/studyapp-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/studyapp-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) staticfiles test_db.sqlite3*
