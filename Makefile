# The one entry point for tools: make run, make test, make lint, make bench.
# Python 3.11 to 3.13 (pyproject's requires-python; Django 5.2 supports up to 3.13): the
# first of python3.13, python3.12, python3.11 and python3 on the PATH that is one of them.
SUPPORTED := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))
NEEDS := Warecache needs Python 3.11, 3.12 or 3.13
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3; do $$p -c '$(SUPPORTED)' 2>/dev/null && { command -v $$p; break; }; done)
endif
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench bench-pg lock clean oidc-provider

$(STAMP): requirements.lock
	@if [ ! -x $(PY) ]; then \
	  if [ -z "$(PYTHON)" ]; then \
	    echo "$(NEEDS), and none of python3.13, python3.12, python3.11 or python3 on the PATH is one (python3: $$(python3 --version 2>&1 | head -n 1)). Install one, or point make at it: make PYTHON=/path/to/python3.12"; \
	    exit 1; \
	  fi; \
	  $(PYTHON) -c '$(SUPPORTED)' 2>/dev/null || { echo "$(NEEDS); $(PYTHON) is $$($(PYTHON) --version 2>&1 | head -n 1)."; exit 1; }; \
	  echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version 2>&1))"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	@mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py ensure_admin --credentials-file var/first-admin.json
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) scripts/serve.py

# The real OpenID provider that the OIDC tests start (npm oidc-provider, run by the machine's
# Node), installed from its lock file on first use. Without npm, or when npm fails, `make test`
# goes on and those tests skip, saying why.
OIDC_PROVIDER := tests/oidc/provider
OIDC_STAMP := $(OIDC_PROVIDER)/node_modules/.installed

$(OIDC_STAMP): $(OIDC_PROVIDER)/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "npm is not installed: the OIDC tests against a real OpenID provider will skip (apt-get install nodejs npm, then make oidc-provider)"; \
	elif npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund; then \
	  touch $@; \
	else \
	  echo "npm ci failed: the OIDC tests against a real OpenID provider will skip (make oidc-provider retries)"; \
	fi

oidc-provider:
	npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund
	@touch $(OIDC_STAMP)

test: $(STAMP) $(OIDC_STAMP)
	$(PY) scripts/run_tests.py $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# DB=postgres (or make bench-pg): the same benchmarks on a throwaway PostgreSQL server.
DB ?= sqlite
bench: $(STAMP)
	$(PY) scripts/bench.py --db $(DB) $(ARGS)

bench-pg: $(STAMP)
	$(PY) scripts/bench.py --db postgres $(ARGS)

# Regenerate requirements.lock after changing the pins in pyproject.toml. --universal: one
# lock for every Python that requires-python allows, with markers where they differ.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile --universal --python-version 3.11 pyproject.toml --extra dev --no-header -o requirements.lock

clean:
	rm -rf $(VENV) var/test-*.sqlite3 var/junit-*.xml $(OIDC_PROVIDER)/node_modules
