# The two commands of the README: `make run` and `make test`. Everything they need is installed
# by this file (a virtualenv in .venv, pyproject's dependencies, Debian fonts/Chromium).
PYTHON ?= python3
# `make run PORT=5001` when 5000 is taken.
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
# Test database: SQLite by default; set TEST_DATABASE_URL=postgresql://... for PostgreSQL.
PYTEST_ARGS ?= -n auto -q

.PHONY: run test install install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e '.[run]'
	$(BIN)/pybabel -q compile -d credit/translations
	bash scripts/system-deps.sh run

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pybabel -q compile -d credit/translations
	bash scripts/system-deps.sh test

# The web application and the scheduler (Procfile), so scheduled work shows; Ctrl+C stops both.
run: install
	$(BIN)/credit db upgrade
	$(BIN)/credit demo --if-empty
	PATH="$(CURDIR)/$(BIN):$$PATH" PYTHONUNBUFFERED=1 $(BIN)/honcho start --port $(PORT)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)
