# Thin wrappers: each target is a line or two. `.venv/.installed` is rebuilt when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CATALOGS := $(patsubst %.po,%.mo,$(wildcard survey/web/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test bench lint fmt translations messages clean plotly-bundle assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,serve]'
	touch $@

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(CATALOGS)

# The app and one background worker (symposium packs, reports laid out ahead); Ctrl-C stops both.
run: $(VENV)/.installed translations
	$(BIN)/survey db upgrade
	$(BIN)/survey assets
	$(BIN)/survey demo --if-empty
	$(BIN)/survey worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/survey run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed translations
	$(BIN)/python -m benchmarks

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis

# After changing interface text: refresh the template and the French catalog, then translate.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output -o survey/web/translations/messages.pot survey
	$(BIN)/pybabel update --no-fuzzy-matching -i survey/web/translations/messages.pot -d survey/web/translations

# The dashboards' plotly.js with only the trace types reports/charts.py makes (needs Node and
# the npm registry; the result is committed). Rebuild after upgrading plotly.
plotly-bundle:
	sh survey/web/plotly_bundle/build.sh

# The compressed copies of static assets and plotly.js, made once (part of deploying).
assets: $(VENV)/.installed
	$(BIN)/survey assets
