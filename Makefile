# consult — the two commands: `make run` (serve the demo on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
STAMP := $(VENV)/.installed
CATALOGUES := $(wildcard consult/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: run test install translations extract-messages update-messages requirements bench evaluate bench-themes clean

run: install translations
	$(FLASK) db upgrade
	$(FLASK) consult seed-demo
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite on SQLite; then, when CONSULT_TEST_POSTGRES names a PostgreSQL server (CI sets
# it), every test that touches the database again on PostgreSQL (browser and theme-engine tests
# run once).
test: install translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$CONSULT_TEST_POSTGRES" ]; then \
	  echo "== the database tests again, on PostgreSQL"; \
	  $(BIN)/python -m pytest -m "not slow" --ignore=tests/themes --ignore=tests/text $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then echo "CI=true needs CONSULT_TEST_POSTGRES (see .ci/run)"; exit 1; \
	else echo "(CONSULT_TEST_POSTGRES not set: the PostgreSQL pass is skipped)"; fi

install: $(STAMP)

$(STAMP): requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Compiled catalogues (.mo) are build products: made from the .po files, never committed.
translations: install $(COMPILED)

%.mo: %.po
	$(BIN)/pybabel compile -d consult/translations -D messages >/dev/null

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _plural:1,2 --ignore-dirs '.* __pycache__' --sort-by-file --no-location --omit-header -o consult/translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i consult/translations/messages.pot -d consult/translations --no-fuzzy-matching --ignore-obsolete

requirements: install
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in

bench: install
	$(BIN)/python -m benchmarks.themes

# Theme grouping vs human labels on ../shared/data, with baselines (BERTopic needs requirements-bench.txt).
evaluate: install
	$(BIN)/python -m consult.themes.evaluate $(EVALUATE_ARGS)

# Throughput and peak RSS of the theme engine at 1,000 / 10,000 / 100,000 texts, and the ratio to BERTopic.
bench-themes: install
	$(BIN)/python -m consult.themes.bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
