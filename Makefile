# The README's commands. Every target sets up its own virtual environment in .venv.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck unit bench bench-serve clean browser screenshots

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "skillgap needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(RUN_STAMP)

# The demo has its own workspace file, so it never replaces a user's ./skillgap.db.
demo: $(RUN_STAMP)
	$(BIN)/skillgap --workspace demo.db demo --yes

test: lint typecheck unit

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

# The suite runs in one process per core, at most four (pytest-xdist); TEST_JOBS=0 runs it
# in this process (e.g. to use a debugger), TEST_JOBS=N in N processes.
TEST_JOBS ?= auto
unit: $(DEV_STAMP)
	$(BIN)/pytest -n $(TEST_JOBS) --maxprocesses 4

bench: $(DEV_STAMP)
	@mkdir -p .benchmarks
	$(BIN)/pytest benchmarks --benchmark-only -o testpaths=benchmarks \
		--benchmark-columns=median,iqr,rounds --benchmark-json=.benchmarks/latest.json
	$(BIN)/python -m benchmarks.ratios .benchmarks/latest.json

# `skillgap serve` on the 100,000-person organisation under wrk (docs/benchmarks.md).
bench-serve: $(DEV_STAMP)
	@command -v wrk >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends wrk; }
	$(BIN)/python -m benchmarks.serve_load --uncached

# Debian's Chromium for the browser tests (Playwright drives it through executable_path; no
# browser download). Without it, `make test` skips the browser tests and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium; }

# Screenshots of the main pages (docs/screenshots/), from a demo workspace served locally.
screenshots: $(DEV_STAMP) browser
	$(BIN)/python -m tests.browser.screenshots docs/screenshots

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .benchmarks demo.db
