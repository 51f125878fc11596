# Standpoint: `make demo` sets up and serves the app; `make test` sets up and runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := help

# Django 6 needs Python >= 3.12: take python3.12 (or 3.13) from PATH or pyenv.
PYTHON ?= $(shell for p in python3.12 python3.13 /root/.pyenv/versions/3.12*/bin/python3.12 /root/.pyenv/versions/3.13*/bin/python3.13; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
CORPUS ?= corpora/sample_corpus
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/standpoint
REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: help venv demo test services browser up worker lock bench clean

help:
	@echo "make demo   - set everything up (SQLite, in-process tasks) and serve on http://$(HOST):$(PORT)/"
	@echo "              make demo CORPUS=../shared/corpus imports the shared articles instead"
	@echo "make test   - run the whole test suite on PostgreSQL + Redis + a real Celery worker + Chromium"
	@echo "make up     - web + Celery worker on PostgreSQL and Redis (honcho, Procfile)"
	@echo "make bench  - run every benchmark in benchmarks/"

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12+ is needed (Django 6): install python3.12 and retry." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location"; test $${PIPESTATUS[0]} -eq 0
	$(PY) -m pip install --quiet -r requirements.txt 2>&1 | grep -v "^WARNING: Location"; test $${PIPESTATUS[0]} -eq 0
	@touch $@

venv: $(VENV)/.installed

demo: export DEBUG := 1
demo: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_setup --corpus "$(CORPUS)"
	@echo ""
	@echo "Standpoint is serving on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

services:
	@bash .ci/services.sh

browser:
	@bash .ci/browser.sh

test: venv services browser
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m pytest $(PYTEST_ARGS)

var/secret_key:
	@mkdir -p var && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# `make up` and `make worker` run like a deployment: DEBUG off, a key kept in var/, PostgreSQL + Redis.
up worker: export SECRET_KEY_FILE ?= $(CURDIR)/var/secret_key
up worker: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
up: venv services var/secret_key
	@[ -n "$$DATABASE_URL" ] || createdb -h 127.0.0.1 -U postgres standpoint 2>/dev/null || true
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) manage.py migrate --noinput
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) manage.py collectstatic --noinput --verbosity 0
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(REDIS_URL)} \
		$(VENV)/bin/honcho start -f Procfile

worker: venv var/secret_key
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(REDIS_URL)} \
		$(VENV)/bin/celery -A config worker -Q default,prelabel,exports -l info --concurrency $${CONCURRENCY:-2}

bench: venv services
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Rebuild the pinned lock from requirements.in in a throw-away venv.
lock:
	rm -rf /tmp/standpoint-lock && $(PYTHON) -m venv /tmp/standpoint-lock
	/tmp/standpoint-lock/bin/pip install --quiet -r requirements.in
	/tmp/standpoint-lock/bin/pip freeze --exclude-editable | sed '/^pip==/d' > requirements.txt

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache
