# Limber: `make run` serves the app, `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app stretch_app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test serve lint test-py test-js check-content upgrade clean messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# The interface's translations are compiled (.mo) from the committed .po files, never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@ --statistics

# After changing texts: extract them and add the new ones, untranslated, to every language.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k t -k tn:1,2 --no-location \
		--no-wrap --omit-header -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages \
		--no-fuzzy-matching --ignore-obsolete --no-wrap
	$(FLASK) routines translations

upgrade: $(VENV)/.installed $(MO_FILES)
	$(FLASK) db upgrade

# The development server and, beside it, the loop that sends due reminders every minute.
run: upgrade
	$(FLASK) reminders run & loop=$$!; trap 'kill $$loop 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: upgrade
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) stretch_app.wsgi:app

check-content: $(VENV)/.installed
	$(FLASK) routines check

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check stretch_app tests benchmarks tools

test-js:
	node --test tests/js/

# The Nu HTML Checker's jar for tests/test_html_validity.py, as package-lock.json pins it (its
# install script, which may fetch a Java runtime, is skipped: Java comes from the system).
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Both runs use both cores; each browser worker has its own Chromium and its own server.
test-py: $(VENV)/.installed-dev node_modules/.installed $(MO_FILES)
	$(BIN)/pytest -q -m 'not browser' -n 2
	$(BIN)/pytest -q -m browser -n 2

test: lint bandit test-js test-py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules

# Benchmarks (benchmarks/README.md): gunicorn + wrk on loopback, results table regenerated.
# Options go through BENCH_ARGS, e.g. make bench BENCH_ARGS="--rounds 3 --no-readme".
.PHONY: bench
bench: $(VENV)/.installed-dev $(MO_FILES)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# Reliability under real load (docs: benchmarks/reliability/__init__.py): gunicorn -w 4 on
# loopback, 8 client processes, killed workers, a held lock, an online backup. One scenario:
# make test-load LOAD_ARGS=kill_workers
.PHONY: test-load test-postgres
test-load: $(VENV)/.installed-dev $(MO_FILES)
	$(BIN)/python -m benchmarks.reliability $(LOAD_ARGS)

# The test suite (browser tests aside: they bring their own SQLite server) and the load
# scenarios against a throwaway PostgreSQL cluster on loopback, deleted afterwards.
test-postgres: $(VENV)/.installed-dev node_modules/.installed $(MO_FILES)
	$(BIN)/python -m benchmarks.reliability.pg_cluster \
		"$(BIN)/pytest -q -m 'not browser' -n 2" "$(BIN)/python -m benchmarks.reliability $(LOAD_ARGS)"

# Security lint: bandit over the package; a justified finding carries "# nosec BXXX # reason"
# on its line. Quiet when clean; the full report (warnings included) when it is not.
.PHONY: bandit test-fuzz
bandit: $(VENV)/.installed-dev
	@$(BIN)/bandit -q -r stretch_app -f txt -o /dev/null 2>/dev/null || $(BIN)/bandit -r stretch_app

# The deep fuzzing runs: at least 10,000 content files and 10,000
# import documents through hypothesis, and schemathesis with many more examples per
# operation. The everyday `make test` runs the same tests with a few hundred cases.
# Hypothesis prints how many examples each test ran.
FUZZ_EXAMPLES ?= 10000
API_FUZZ_EXAMPLES ?= 100
test-fuzz: $(VENV)/.installed-dev
	LIMBER_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) LIMBER_API_FUZZ_EXAMPLES=$(API_FUZZ_EXAMPLES) \
		$(BIN)/pytest -q -m fuzz -p no:cacheprovider --hypothesis-show-statistics \
		tests/test_security_input.py tests/test_openapi.py
