# Two commands for a newcomer: `make run` and `make test`. Everything else is plumbing.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pytest-xdist workers: the suite mostly waits (the fake Bot API, bots in subprocesses,
# PostgreSQL), so twice the cores of a small machine keeps both busy
TEST_WORKERS ?= 4

.PHONY: run test lint typecheck bench clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pip speaks only when something fails: its full output is in $(VENV)/pip.log
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing into $(VENV) (log: $(VENV)/pip.log)…"
	@$(BIN)/python -m pip install --upgrade pip > $(VENV)/pip.log 2>&1 \
		&& $(BIN)/python -m pip install -e '.[dev]' >> $(VENV)/pip.log 2>&1 \
		|| { cat $(VENV)/pip.log; exit 1; }
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/gofast run

# Everything on SQLite, then what touches the database (storage, use cases, the bot end to end,
# the scenarios, the workers) again on PostgreSQL: an embedded server from the dev extra, one
# per test worker.
POSTGRES_SUITES := tests/storage tests/services tests/bot tests/test_scenarios.py \
                   tests/test_workers.py

test: lint typecheck browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS)
	GOFAST_TEST_BACKEND=postgres $(BIN)/python -m pytest -n $(TEST_WORKERS) $(POSTGRES_SUITES)

# The dashboard's tests drive a real browser: Debian's chromium (Playwright's own download is
# not reachable offline), and an emoji font so the screenshots show what Telegram shows.
APT_PACKAGES := chromium fonts-noto-color-emoji
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto color emoji" || { \
		echo "Installing $(APT_PACKAGES) (Debian packages, for the dashboard's browser tests)…"; \
		$(SUDO) apt-get update -qq > /dev/null \
		&& $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) > /dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/core.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
