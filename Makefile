# The two commands of the README: `make run` and `make test`. Everything they need is installed
# by this file (a virtualenv in .venv, pyproject's dependencies, Debian fonts/Chromium).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Test database: SQLite by default; set TEST_DATABASE_URL=postgresql://... for PostgreSQL.
PYTEST_ARGS ?= -n auto -q

.PHONY: run test install install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/pybabel -q compile -d credit/translations
	bash scripts/system-deps.sh run

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pybabel -q compile -d credit/translations
	bash scripts/system-deps.sh test

run: install
	$(BIN)/credit db upgrade
	$(BIN)/credit demo --if-empty
	$(BIN)/credit serve

test: install-test
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)
