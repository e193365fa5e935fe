# OpenMASH developer and CI entry points.
#
#   make demo     run the demo (synthetic partnership) on http://127.0.0.1:8000
#   make test     everything CI runs: lint, migrations check, tests on SQLite and PostgreSQL, browser tests
#   make lint     ruff, import-linter (roles are compared only in openmash/access) and bandit (medium+ severity)
#   make security bandit, pip-audit and a CycloneDX SBOM in var/sbom.cdx.json (SECURITY-TESTS.md SC-1)
#   make test-extended  the extended security tier: IN-1 at 100 examples per operation and role, FT-1 crash test
#   make bench    front-door benchmark
#   make lock     re-pin requirements/lock.txt (hashes) after changing the dependencies in pyproject.toml
#   make clean    remove build outputs and caches (make distclean also removes .venv and node_modules)
#
# Variables you may override: PYTHON (interpreter used to create .venv, >= 3.11), PG_DATABASE_URL.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
VENV_BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.openmash-installed
ASSETS_DIR := openmash/web/assets_build
ASSETS_STAMP := $(ASSETS_DIR)/govuk/govuk-frontend.min.css
PG_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/openmash

# apt-get needs root: use sudo when we are not root and sudo exists (CI runs as root).
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: help lock venv assets chromium demo test lint bandit security migrations-check test-sqlite test-postgres test-browser test-demo-seed test-extended bench clean distclean

help:
	@sed -n 's/^#   make /  make /p' $(firstword $(MAKEFILE_LIST))

# --- Python virtualenv --------------------------------------------------------------------------------------------

venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml requirements/lock.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: '$(PYTHON)' not found; OpenMASH needs Python >= 3.11 (set PYTHON=...)" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
		echo "error: OpenMASH needs Python >= 3.11 but '$(PYTHON)' is $$($(PYTHON) -c 'import platform; print(platform.python_version())'); set PYTHON=python3.11 (or newer)" >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)
	@# every dependency pinned with its hashes (SECURITY-TESTS SC-1): a changed or substituted file is refused
	$(VENV_BIN)/python -m pip install --quiet --require-hashes -r requirements/lock.txt
	$(VENV_BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Re-pin after changing pyproject.toml's dependencies (pip-tools in a throwaway virtualenv; needs the network).
lock:
	rm -rf var/piptools && $(PYTHON) -m venv var/piptools && var/piptools/bin/python -m pip install --quiet pip-tools
	var/piptools/bin/pip-compile --quiet --generate-hashes --extra dev --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements/lock.txt pyproject.toml
	rm -rf var/piptools

# --- Front-end assets (GOV.UK Frontend, htmx) ---------------------------------------------------------------------

assets: $(ASSETS_STAMP)

# Rebuilt when the lock file, package.json or the build script change, or when the output is missing.
$(ASSETS_STAMP): package.json $(wildcard package-lock.json) scripts/build_assets.py | $(VENV_STAMP)
	@command -v npm >/dev/null 2>&1 || { echo "error: npm not found; install Node.js (>= 18) to build the front-end assets" >&2; exit 1; }
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	$(VENV_BIN)/python scripts/build_assets.py
	touch $@

# --- System packages for the tests: Debian's chromium for Playwright (`playwright install` is not used) and the Noto
# fonts the printed chronology falls back to for scripts DejaVu Sans lacks (openmash/web/pdf_fonts.py) -------------

SYSTEM_PACKAGES := chromium fonts-noto-core fonts-noto-cjk

chromium:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then \
		echo "chromium: $$(command -v chromium); fonts: fonts-noto-core fonts-noto-cjk"; \
	else \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

# --- Running ------------------------------------------------------------------------------------------------------

demo: venv assets
	$(VENV_BIN)/openmash demo

bench: venv
	$(VENV_BIN)/openmash bench frontdoor

# --- Checks -------------------------------------------------------------------------------------------------------

# Sub-steps run in this order; each one fails the make. Prerequisites are built first.
test: venv assets chromium
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory migrations-check
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory test-demo-seed

lint: venv
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/lint-imports
	$(MAKE) --no-print-directory bandit

# SC-1: medium and high severity findings fail; a false positive carries `# nosec BNNN  # reason` on its line.
bandit: venv
	$(VENV_BIN)/bandit -r openmash linkage config -ll -q -x '*/tests/*,*/tests' 2>/dev/null

security: venv bandit
	$(VENV_BIN)/python scripts/supply_chain.py audit
	$(VENV_BIN)/python scripts/supply_chain.py sbom

migrations-check: venv
	env -u DATABASE_URL OPENMASH_SECRET_KEY=x OPENMASH_DEBUG=true $(VENV_BIN)/openmash makemigrations --check --dry-run

test-sqlite: venv assets
	env -u DATABASE_URL $(VENV_BIN)/pytest -m "not browser" -n 2

test-postgres: venv assets
	DATABASE_URL='$(PG_DATABASE_URL)' $(VENV_BIN)/pytest -m "not browser" -n 2

test-browser: venv assets chromium
	env -u DATABASE_URL $(VENV_BIN)/pytest -m browser

# The extended security tier (SECURITY-TESTS.md tier N): more examples, the crash test on a throw-away cluster.
test-extended: venv assets
	OPENMASH_TEST_EXTENDED=1 OPENMASH_TEST_FAULT=1 env -u DATABASE_URL $(VENV_BIN)/pytest -p no:xdist \
		tests/test_api_fuzz_roles.py tests/test_fault_crash.py

# The whole demo partnership, seeded through the real services into a throwaway SQLite file: `make demo` must work.
test-demo-seed: venv
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	env DATABASE_URL="sqlite:///$$tmp/demo.sqlite3" OPENMASH_SECRET_KEY=demo-seed-check OPENMASH_DEBUG=true \
		$(VENV_BIN)/openmash demo --seed-only >/dev/null && echo "demo seed: ok"

# --- Housekeeping -------------------------------------------------------------------------------------------------

clean:
	rm -rf $(ASSETS_DIR) $(ASSETS_DIR).tmp $(ASSETS_DIR).old .pytest_cache .ruff_cache test-results playwright-report
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
