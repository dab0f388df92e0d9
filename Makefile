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
	@echo "API on http://127.0.0.1:$(PORT)/api/docs (OpenAPI: /api/openapi.json); Ctrl-C stops all."
	@bash -c 'trap "kill 0" EXIT INT TERM; \
		$(FLASK) worker & \
		$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - wsgi:app'

test: $(VENV)/.installed
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
