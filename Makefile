# Set up and run the assistant. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test coverage run check lint bench eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)  ## chat with the assistant in the terminal (emulated Telegram, no token)
	$(BIN)/clustem-bot demo

test: $(STAMP)  ## lint, type-check and run every test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -q -n 2 --dist worksteal

coverage: $(STAMP)  ## every test, with the line coverage of bot, handlers and storage
	$(BIN)/pytest -q -n 2 --dist worksteal --cov=bot --cov=handlers --cov=storage --cov-report=term

run: $(STAMP)  ## run the real bot with BOT_TOKEN from .env
	$(BIN)/clustem-bot run

check: $(STAMP)  ## validate settings and content
	$(BIN)/clustem-bot check

eval: $(STAMP)  ## evaluate question answering on the development question set
	$(BIN)/python -m bot.domain.answering.evaluate

bench: $(STAMP)  ## run every benchmark and print their tables
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
