# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The quick start runs with DEBUG on and SQLite unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}
# `make run PORT=8100` serves on another port; the links in e-mails follow it unless SITE_URL
# says otherwise.
PORT ?= 8000

.PHONY: run test coverage install migrate demo lint messages check clean screenshots bench worker bench-email

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# axe-core and vnu-jar, for the browser suite (accessibility, valid HTML); npm writes
# node_modules/.package-lock.json. --ignore-scripts: vnu-jar must not fetch a Java of its own.
node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null && npm ci --no-audit --no-fund --ignore-scripts || echo "npm not found: the accessibility and HTML tests will be skipped"

install: $(VENV)/.installed node_modules/.package-lock.json

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(RUN_ENV) $(BIN)/python manage.py load_demo

run: demo
	$(RUN_ENV) SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The background worker: sends the outbox's e-mails, with beat embedded for the scheduled jobs
# (reminders, follow-ups, the outbox sweep). Needs a broker: `CELERY_BROKER_URL=redis://
# 127.0.0.1:6379/1 make worker`, and the same variable for `make run`. Without one, `make run`
# sends every e-mail itself and needs no worker. WORKER_CONCURRENCY: processes sending at once.
WORKER_CONCURRENCY ?= 2
worker: migrate
	@test -n "$$CELERY_BROKER_URL" || { echo "make worker: set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/1); without it, make run sends e-mails itself" >&2; exit 2; }
	$(RUN_ENV) SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/celery -A cycle_portal worker --beat --schedule $(VENV)/celerybeat-schedule --concurrency $(WORKER_CONCURRENCY) --loglevel INFO

# The tests run in parallel, one process per core (pytest-xdist; each has its own test
# database). `make test PYTEST_WORKERS=0` runs them in one process; PYTEST_ARGS picks tests
# and options, e.g. `make test PYTEST_ARGS="tests/themes -x"`.
PYTEST_WORKERS ?= auto
test: install
	$(RUN_ENV) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(COVERAGE_ARGS) $(PYTEST_ARGS)

# `make test` measuring branch coverage; fails under the threshold of pyproject.toml (95 %).
coverage: COVERAGE_ARGS = --cov --cov-report=term-missing:skip-covered
coverage: test

lint: install
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Extract and compile the translations (needs GNU gettext; the compiled .mo files are committed).
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l fr -l en --no-obsolete --ignore=.venv --ignore=staticfiles
	$(BIN)/python scripts/fill_translations.py
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache node_modules

# The README's screenshots (docs/screenshots/), taken in Debian's headless Chromium on a fresh
# SQLite database with the demo: `make screenshots`.
screenshots: install
	$(BIN)/python scripts/screenshots.py

# The public pages under load next to a bare Django page, at three data sizes, appended to
# docs/performance.md (needs PostgreSQL, Redis and wrk; see that file):
# `make bench SIZES="demo 10k"`.
SIZES ?= demo 10k 100k
BENCH_SECONDS ?= 10
bench: install
	$(BIN)/python scripts/bench/run.py --sizes $(SIZES) --seconds $(BENCH_SECONDS)

# E-mails per second through the outbox with 1 and 2 worker processes (PostgreSQL, Redis and a
# local SMTP sink; a database of its own): results in docs/email.md. `make bench-email EMAILS=200`.
EMAILS ?= 1000
bench-email: install
	$(BIN)/python scripts/bench/mail_delivery.py --emails $(EMAILS)
