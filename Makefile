# Limber: `make run` serves the app, `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app stretch_app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test serve lint test-py test-js check-content upgrade clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

upgrade: $(VENV)/.installed
	$(FLASK) db upgrade

run: upgrade
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: upgrade
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) stretch_app.wsgi:app

check-content: $(VENV)/.installed
	$(FLASK) routines check

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check stretch_app tests benchmarks

test-js:
	node --test tests/js/

test-py: $(VENV)/.installed-dev
	$(BIN)/pytest -q

test: lint test-js test-py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
