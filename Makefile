# mubiao — every set-up step is a file target, so `make run` and `make test` work on a fresh clone
# and do nothing twice.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ECHARTS := mubiao/web/static/vendor/echarts.min.js
# The bulletin's PDF embeds these (subset) so it reads the same on a machine without Chinese fonts.
FONTS := mubiao/exports/fonts
CJK_FONTS := $(FONTS)/NotoSerifSC_400Regular.ttf $(FONTS)/NotoSerifSC_700Bold.ttf
HOST ?= 127.0.0.1:8000

.PHONY: run test setup migrate example bench lint typecheck check messages screenshots clean

# Debugging is on for `make run` only (settings default to off); with it runserver also serves the static files.
run: migrate example
	@echo "mubiao: http://$(HOST)/  (Ctrl-C 退出)"
	MUBIAO_DEBUG=1 $(BIN)/mubiao runserver $(HOST)

test: setup
	$(BIN)/pytest

setup: $(INSTALLED) $(ECHARTS) $(CJK_FONTS) var

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ECHARTS): node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.min.js $@

$(FONTS)/NotoSerifSC_%.ttf: node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp node_modules/@expo-google-fonts/noto-serif-sc/$*/NotoSerifSC_$*.ttf $@

var:
	mkdir -p var

migrate: setup
	$(BIN)/mubiao migrate --noinput -v 0

example: migrate
	$(BIN)/mubiao example
	$(BIN)/mubiao demo-accounts

bench: setup
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.progress
	$(BIN)/python -m benchmarks.import_xlsx
	$(BIN)/python -m benchmarks.export_xlsx
	$(BIN)/python -m benchmarks.decompose

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy mubiao

check: lint typecheck test

messages: setup
	cd mubiao && ../$(BIN)/mubiao makemessages -l en --no-obsolete && ../$(BIN)/mubiao compilemessages

screenshots: migrate example
	$(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV) node_modules var $(ECHARTS) $(FONTS) .pytest_cache .mypy_cache .ruff_cache
