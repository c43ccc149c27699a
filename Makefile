# The two commands of README.md: `make run` and `make test`. Each installs what it needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# Tests run the production settings (DEBUG off); this key exists only for them.
TEST_ENV := DEBUG=0 SECRET_KEY=insecure-key-for-tests-only ALLOWED_HOSTS=testserver,127.0.0.1,localhost

.PHONY: install run test lint format migrations-check static db-start db-stop db-status bench browser-tools cluster-tools cluster

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(INSTALLED)

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_seed --if-empty
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

static: install
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0

test: install static lint browser-tools cluster-tools
	$(TEST_ENV) $(PY) -m pytest $(ARGS)

# Varnish (with varnish-modules' xkey) and Redis, which the topology tests (tests/cluster) and
# `make cluster` run. Installed when missing and we may (root with apt-get).
CLUSTER_PACKAGES := varnish varnish-modules redis-server
cluster-tools:
	@missing=$$(for package in $(CLUSTER_PACKAGES); do 	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || echo $$package; 	done); 	if [ -n "$$missing" ]; then 	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then 	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; 	  else echo "WARNING: missing and not installable here:" $$missing "- topology tests will be skipped" >&2; fi; 	fi

# Debian's chromium (Playwright's own browser downloads fail here), Java for the Nu HTML
# Checker, and axe-core from npm. Installed when missing and we may (root with apt-get).
browser-tools: node_modules/.installed
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "WARNING: chromium is missing and cannot be installed here: browser tests will be skipped" >&2; fi; }
	@command -v java >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "WARNING: java is missing and cannot be installed here: HTML validation will be skipped" >&2; fi; }

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm install --no-audit --no-fund --silent && touch $@; \
	else echo "WARNING: npm is missing: accessibility checks will be skipped" >&2; fi

# The performance benchmark (README.md, "Benchmarks"); sizes via BENCH_SONGS and friends.
bench: install static
	$(PY) bench/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

db-start: install
	$(PY) -m songfacts.embedded_postgres start

db-stop: install
	$(PY) -m songfacts.embedded_postgres stop

db-status: install
	$(PY) -m songfacts.embedded_postgres status
cluster: install static
	$(PY) -m deploy.cluster
