# Two commands matter: `make demo` runs claimflow on examples/documents/, `make test` runs every test.
# Both set up what they need (Debian packages, a virtualenv) on a fresh machine.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint examples clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	scripts/system-deps.sh
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

# A fresh data directory each time: a second run of the same invoices would (rightly) be flagged as duplicates.
# A failed document makes `claimflow run` exit 1 by contract; examples/documents/ has one on purpose, and only that
# one failing is the demo working (scripts/demo.sh).
demo: setup
	scripts/demo.sh $(BIN)

# The Postgres tests need a server on 127.0.0.1:5432 (trust auth for user postgres); this starts one.
# The tests run claimflow's command line some thousand times, each in a process forked from one that has imported
# the engine already (tests/integration/_forked.py), and start other processes too. Some machines set
# PYTHONDONTWRITEBYTECODE, and then each start compiles claimflow's modules again (some 0.8 s on a slow machine):
# bytecode is cached here, as pip caches it on install. The tests run on every core, four workers at most (each
# Postgres test holds a few of the server's 100 connections), each test file on one worker (its module fixtures
# start once); the slowest are listed at the end.
test: setup
	scripts/postgres-up.sh
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n auto --maxprocesses 4 --dist loadfile --durations=25

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

examples: setup
	$(BIN)/python scripts/make_examples.py

clean:
	rm -rf $(VENV) .claimflow .claimflow-demo .mypy_cache .pytest_cache .ruff_cache
