# The two README commands: `make demo` and `make test`. Both do all set-up on a fresh machine.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
MODEL := classifiers/models/default/model.json

.PHONY: demo test check lint typecheck unit system model bench clean i18n i18n-extract warm

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev,transformer]"
	$(MAKE) -s warm
	touch $(STAMP)

# Writes the start-up caches (tokenizers, lexicon tokenisation, sentence encoder tables; docs/classifiers.md) so
# that the first `pvwatch classify` after set-up already answers at once. Rebuilt on demand if stale.
warm:
	$(BIN)/pvwatch classify "J'ai pris du Levothyrox et depuis j'ai des palpitations" > /dev/null

venv: $(STAMP)

# System packages the tests need (Debian chromium for the browser tests, Elasticsearch via Maven).
system:
	bash scripts/setup-system.sh

# Rebuilds the committed default model and lexicons from ../shared/data (licence-compatible corpora only)
# and our own written data. Deterministic given the same sentence vectors (PVWATCH_EMBED_CACHE; docs/classifiers.md):
# the result should then equal what is committed.
model: $(STAMP)
	$(BIN)/python -m classifiers.build_model

# UI translations (Babel/gettext): `i18n-extract` refreshes the template and merges new strings into each .po
# (to translate; tests/test_ui_i18n.py fails on any left empty); `i18n` compiles the .mo files the UI loads.
LOCALE := moderation/web/locale
i18n-extract: $(STAMP)
	$(BIN)/pybabel extract -F moderation/web/babel.cfg -k N_ -k _ -k gettext -k ngettext:1,2 --no-location \
		--sort-output --omit-header -o $(LOCALE)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages --no-fuzzy-matching \
		--width 120

i18n: $(STAMP)
	$(BIN)/pybabel compile -d $(LOCALE) -D messages --statistics

demo: $(STAMP) i18n warm
	$(BIN)/pvwatch demo

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy pvwatch collectors classifiers moderation alerts scripts

check: lint typecheck

# The fast tests: no Elasticsearch, no browser, no whole-process kill loops or served subprocesses, no SMTP
# server (markers in pyproject.toml). `make test` runs everything, serially. `make unit` runs on 2 xdist workers
# (each pays its own model loads; tests use tmp paths, port 0 and atomic cache writes): docs/benchmarks.md ("Unit suite").
UNIT := not es and not browser and not slow and not smtp
unit: $(STAMP) i18n
	$(BIN)/pytest -q -n 2 -m "$(UNIT)"

test: $(STAMP) system check i18n
	$(BIN)/pytest -q

bench: $(STAMP)
	for b in scripts/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
