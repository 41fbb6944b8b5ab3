# Peregrine — `make run` serves the app, `make test` runs every check. Nothing else is needed
# on a fresh machine: Python 3.11, apt and npm (for Node 22 and Bun from the npm registry).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
JS_TOOLS := $(CURDIR)/.tools/node_modules/.bin
PORT ?= $(or $(PEREGRINE_PORT),3000)

# Reflex finds Node 22 and Bun in .tools/ instead of downloading its own.
export PATH := $(JS_TOOLS):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false

.PHONY: run dev test lint typecheck unit browser bench llm-check demo migrate install install-test extension clean

# Builds the frontend once, then serves it with the backend and starts the server again if it dies
# (scripts/serve.py); Ctrl-C stops it.
run: install migrate  ## Serve the app on http://localhost:$(PORT) (127.0.0.1 only, production build)
	$(BIN)/python -m scripts.serve --port $(PORT)

dev: install migrate  ## Hot-reloading development server (listens on every interface: use on a trusted network)
	$(BIN)/reflex run --env dev

demo: install  ## Load a sample pipeline into an empty database
	$(BIN)/python -m peregrine demo

migrate: install
	$(BIN)/python -m peregrine migrate

test: install-test lint typecheck  ## Lint, type-check and run the whole suite
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the layer rules (.importlinter)

typecheck: install-test
	$(BIN)/mypy

bench: install-test /usr/bin/wrk  ## One JSON line per measured figure
	$(BIN)/python -m scripts.bench

extension: | $(BIN)/python  ## The browser extension as dist/peregrine-extension.zip (same files, same bytes)
	$(BIN)/python -m scripts.build_extension

# Not part of `make test`: builds .llm-check-venv (llama-cpp-python compiles for 10-25 min the first
# time), serves SmolLM2-135M on 127.0.0.1 with a 4,096-token window and runs every LLM feature 5 times.
llm-check: install-test  ## Every LLM feature against a real small model; one JSON line per feature
	$(BIN)/python -m scripts.llm_check

install: $(VENV)/.installed $(JS_TOOLS)/bun /usr/bin/tesseract

install-test: install $(VENV)/.installed-dev /usr/bin/chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(JS_TOOLS)/bun:
	npm install --no-audit --no-fund --prefix .tools node@22.23.3 bun@1.4.5

# Tesseract reads survey screenshots when no vision model is configured (DejaVu: the font the
# tests render their screenshots with).
/usr/bin/tesseract:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tesseract-ocr fonts-dejavu-core

# Debian's Chromium for the browser tests (never a browser downloaded by a test tool).
/usr/bin/chromium:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

# wrk drives the API benchmark: a load generator in C leaves the server the CPU a Python one would take.
/usr/bin/wrk:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk

clean:
	rm -rf .web dist $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
