# Two commands for a newcomer: `make run` and `make test`. Everything else is plumbing.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/gofast run

# Everything on SQLite, then what touches the database (storage, use cases, the bot end to end,
# the scenarios, the workers) again on PostgreSQL: an embedded server from the dev extra.
POSTGRES_SUITES := tests/storage tests/services tests/bot tests/test_scenarios.py \
                   tests/test_workers.py

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest
	GOFAST_TEST_BACKEND=postgres $(BIN)/python -m pytest $(POSTGRES_SUITES)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy core

bench: $(STAMP)
	$(BIN)/python bench/core.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
