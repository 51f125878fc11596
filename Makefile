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

.PHONY: help venv demo test lint jstest services browser label-studio up worker lock lock-web lock-worker bench clean

help:
	@echo "make demo   - set everything up (SQLite, in-process tasks) and serve on http://$(HOST):$(PORT)/"
	@echo "              make demo CORPUS=../shared/corpus imports the shared articles instead"
	@echo "make test   - run the whole test suite on PostgreSQL + Redis + a real Celery worker + Chromium"
	@echo "make lint   - ruff check, ruff format --check, node --check and prettier --check on the JavaScript"
	@echo "make jstest - node --test tests/js/ (the workspace's pure JavaScript modules)"
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

# A real Label Studio (pinned, in its own venv under var/: it pins another Django) for the interop
# tests; `make test` starts it on 127.0.0.1:$(LS_PORT), runs pytest against it and stops it.
LS_PORT ?= 8089
label-studio:
	@bash .ci/label_studio.sh install

test: venv lint jstest services browser label-studio
	LS_PORT=$(LS_PORT) bash .ci/label_studio.sh run -- env DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m pytest $(PYTEST_ARGS)

# The checks with a config in the repo (ruff.toml): ruff's lint rules and its formatter (check only), and a
# syntax check of every JavaScript file under */static/ that git knows of (tracked or not ignored), the
# vendored *.min.js aside; ES modules (a line starting with import/export) are parsed as modules, since
# Node 20's plain `node --check` lets a syntax error in a module .js file pass. Then prettier (pinned in
# package.json, installed by `npm ci` from package-lock.json into node_modules/; config .prettierrc.json,
# print width 120 as ruff's) checks the formatting of those files and of tests/js/*.mjs. Every step runs,
# so one report shows everything that fails.
JS_FILES = git ls-files --cached --others --exclude-standard -- '*/static/*.js' ':(exclude)*.min.js'
FORMATTED_JS = $(JS_FILES) 'tests/js/*.mjs'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

lint: venv node_modules/.package-lock.json
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	for f in $$($(JS_FILES)); do \
	  if grep -qE '^(import|export) ' "$$f"; then node --input-type=module --check < "$$f" || { echo "  in $$f" >&2; status=1; }; \
	  else node --check "$$f" || status=1; fi; \
	done; \
	echo "node --check: $$($(JS_FILES) | wc -l) JavaScript files"; \
	npx --no-install prettier --check $$($(FORMATTED_JS)) || status=1; \
	exit $$status

# Unit tests of the pure browser modules (offsets, the undo history, suggestions): Node's own runner,
# no npm packages.
jstest:
	node --test tests/js/

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

# Rebuild the locks in throw-away venvs: the full lock (the test role, used by demo and test) from
# requirements/test.in, then each role's lock from its .in with the full lock as constraints, so every
# lock pins the same versions. Each role's venv size is printed (README "Dependencies by role").
LOCK_VENV := /tmp/standpoint-lock
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet -r requirements/test.in
	{ echo "# The full lock: requirements/test.in (every role) frozen in a fresh venv by make lock. Python 3.12+."; \
	  $(LOCK_VENV)/bin/pip freeze --exclude-editable | sed '/^pip==/d'; } > requirements.txt
	@du -sh $(LOCK_VENV) | sed 's/^/venv size (test, full): /'
	$(MAKE) --no-print-directory lock-web lock-worker

lock-web lock-worker: lock-%:
	rm -rf $(LOCK_VENV)-$* && $(PYTHON) -m venv $(LOCK_VENV)-$*
	$(LOCK_VENV)-$*/bin/pip install --quiet -r requirements/$*.in -c requirements.txt
	{ echo "# The $* role's lock: requirements/$*.in with requirements.txt as constraints (make lock)."; \
	  $(LOCK_VENV)-$*/bin/pip freeze --exclude-editable | sed '/^pip==/d'; } > requirements/$*.txt
	@du -sh $(LOCK_VENV)-$* | sed 's/^/venv size ($*): /'

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache
