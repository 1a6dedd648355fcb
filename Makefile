# The one entry point for tools: make run, make test, make lint, make bench.
# Python 3.11: python3.11 if it is on the PATH, else python3 (checked below).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench bench-pg lock clean

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { echo "Python 3.11 is required (found: $(PYTHON))"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	@mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py ensure_admin
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) scripts/serve.py

test: $(STAMP)
	$(PY) scripts/run_tests.py $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# DB=postgres (or make bench-pg): the same benchmarks on a throwaway PostgreSQL server.
DB ?= sqlite
bench: $(STAMP)
	$(PY) scripts/bench.py --db $(DB) $(ARGS)

bench-pg: $(STAMP)
	$(PY) scripts/bench.py --db postgres $(ARGS)

# Regenerate requirements.lock after changing the pins in pyproject.toml.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile --python-version 3.11 pyproject.toml --extra dev --no-header -o requirements.lock

clean:
	rm -rf $(VENV) var/test-*.sqlite3 var/junit-*.xml
