# zhiban — two commands: `make run` serves the demo, `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV    := .venv
PY      := $(VENV)/bin/python
ZHIBAN  := $(VENV)/bin/zhiban
PORT    ?= 8000
PG_URL  ?=
STAMP   := $(VENV)/.installed

.PHONY: run install deps test lint typecheck migrations-check test-sqlite test-postgres test-browser bench messages clean

$(STAMP): pyproject.toml requirements.lock
	@set -e; \
	if [ ! -x $(PY) ]; then \
	  PYTHON=$$(scripts/find-python.sh); echo "Creating $(VENV) with $$PYTHON"; \
	  "$$PYTHON" -m venv $(VENV); \
	fi; \
	$(PY) -m pip install --quiet --upgrade pip; \
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'; \
	touch $(STAMP)

install: $(STAMP) ## venv + pinned dependencies only

var:
	@mkdir -p var

run: install var ## migrate the SQLite database under var/, load the demo once, serve web + worker
	$(ZHIBAN) migrate --noinput -v 0
	$(ZHIBAN) demo
	$(ZHIBAN) run --port $(PORT)

deps: ## the Debian packages the tests need (installed when root, else the command to run is printed)
	@scripts/test-deps.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy zhiban e2e tests bench conftest.py

migrations-check: install
	$(ZHIBAN) makemigrations --check --dry-run

test-sqlite: install deps
	DATABASE_URL=sqlite:///:memory: $(VENV)/bin/pytest -m "not browser and not postgres" -q

test-postgres: install deps ## on PG_URL when given, else on a throwaway cluster of its own
	PG_URL='$(PG_URL)' scripts/with-postgres.sh $(VENV)/bin/pytest -m "not browser" -q

test-browser: install deps
	DATABASE_URL=sqlite:///:memory: $(VENV)/bin/pytest -m browser -q

test: deps lint typecheck migrations-check test-sqlite test-postgres test-browser ## every check
	@echo "make test: all checks passed"

bench: install deps ## benchmarks; results committed under bench/results/ (PostgreSQL: PG_URL, else a throwaway cluster)
	PG_URL='$(PG_URL)' scripts/with-postgres.sh $(PY) -m bench

messages: install ## rebuild the zh_Hans catalogues after changing strings
	@for d in zhiban zhiban/*/; do if [ -d "$$d/locale" ]; then (cd $$d && $(CURDIR)/$(ZHIBAN) makemessages -l zh_Hans -v 0 && $(CURDIR)/$(ZHIBAN) compilemessages -v 0); fi; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
