# Fieldclock: `make run` (service on the embedded default) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint bench clean mutation

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Phone page http://127.0.0.1:$(PORT)/, console /console, API docs /api/docs (OpenAPI: /api/openapi.json); Ctrl-C stops all."
	@$(BIN)/python -m app.devserver --port $(PORT)

test: $(VENV)/.installed
	@test -x /usr/bin/chromium || echo "No Chromium at /usr/bin/chromium: the browser tests (tests/browser/) are skipped (apt-get install -y chromium runs them)."
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check app geofences payroll_exports overtime tests
	$(BIN)/mypy

# Mutation testing (docs/MUTATION.md): every mutant of each pure library against that library's
# tests, one library after another, at low priority. Slow (tens of minutes); not part of CI.
MUTATION_LIBS ?= overtime payroll_exports geofences
MUTATION_JOBS ?= 2
mutation: $(VENV)/.installed
	@for lib in $(MUTATION_LIBS); do \
		nice -n 10 $(BIN)/mutmut run --max-children $(MUTATION_JOBS) "$$lib.*" || exit 1; \
	done
	$(BIN)/python scripts/mutation_summary.py --survivors

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache mutants
