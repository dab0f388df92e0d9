# Fieldclock: `make run` (service on the embedded default) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "API on http://127.0.0.1:$(PORT)/api/docs (OpenAPI: /api/openapi.json); Ctrl-C stops all."
	@$(BIN)/python -m app.devserver --port $(PORT)

test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check app geofences payroll_exports overtime tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
