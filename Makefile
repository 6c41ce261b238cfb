# Kumppani: `make run` starts the portal with demo data; `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
# pytest processes (pytest-xdist); each gets its own test database, Redis db and Meilisearch.
TEST_WORKERS ?= 2
# The venv is rebuilt when pyproject.toml changes.
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test install lint messages meilisearch browser worker beat stop clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# The embedded default: SQLite, eager Celery, console e-mail, Meilisearch on loopback.
run: export DEBUG ?= true
run: $(STAMP)
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py meilisearch start
	$(PY) manage.py search_setup
	$(PY) manage.py seed_demo --full
	@echo ""
	@echo "Kumppani is running at http://$(HOST):$(PORT)/  (Ctrl-C stops the web server;"
	@echo "'make stop' stops Meilisearch). Demo logins are listed above."
	$(PY) manage.py runserver $(HOST):$(PORT)

stop:
	-$(PY) manage.py meilisearch stop

meilisearch: $(STAMP)
	$(PY) manage.py meilisearch fetch

# Chromium for the browser tests comes from Debian (never a browser download of Playwright's).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; fi; }

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

test: $(STAMP) meilisearch browser lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Production-like processes (see Procfile); need REDIS_URL.
worker: $(STAMP)
	$(VENV)/bin/celery -A hub worker --loglevel=INFO
beat: $(STAMP)
	$(VENV)/bin/celery -A hub beat --loglevel=INFO

messages: $(STAMP)
	$(PY) manage.py makemessages -l fi -l de --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='staticfiles/*'
	$(PY) manage.py compilemessages --ignore='.venv/*'

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache
