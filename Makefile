# The two commands of the README: `make demo` and `make test`. Both bootstrap .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint pytest test-server test-lifecycle console-screenshots bench bench-publish bench-startup bench-preview bench-console bench-audit clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pgprod demo demo

test: $(STAMP) lint pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# One worker per core (at most 4): each worker starts its own session clusters, and
# most of a test's time is a server's, so two cores run the suite in half the time.
PYTEST_WORKERS := -n auto --maxprocesses 4 --dist worksteal

pytest: $(STAMP)
	scripts/test-deps
	$(BIN)/python -m pytest $(PYTEST_WORKERS)

# The two-server tests (scenario corpus, plans) on one more PostgreSQL as well, e.g.
# pgserver's 16: make test-server BINARIES=/path/to/postgresql/bin
test-server: $(STAMP)
	@test -n "$(BINARIES)" || { echo "usage: make test-server BINARIES=/path/to/bin" >&2; exit 2; }
	scripts/test-deps
	PGPROD_TEST_SERVER='$(BINARIES)' $(BIN)/python -m pytest $(PYTEST_WORKERS) -k extra tests/test_scenarios.py tests/plan

# The publish lifecycle's state machine (tests/test_lifecycle_property.py) with a long
# run: 200 examples of up to 20 rules each (see docs/lifecycle-property.md for timings)
test-lifecycle: $(STAMP)
	PGPROD_LIFECYCLE_EXAMPLES=200 PGPROD_LIFECYCLE_STEPS=20 PGPROD_LIFECYCLE_SIGNALS=1 \
		$(BIN)/python -m pytest -q -s tests/test_lifecycle_property.py

# the console's browser tests, keeping their screenshots for docs/console.md
console-screenshots: $(STAMP)
	scripts/test-deps
	PGPROD_SCREENSHOTS=docs/console $(BIN)/python -m pytest -q tests/test_console_browser.py \
		tests/test_console_records.py tests/test_console_publish.py tests/test_console_audit.py

clean:
	-test -d demo && $(BIN)/pgprod --project demo down
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache

bench: $(STAMP)
	$(BIN)/python bench/schema_diff.py

# write stalls of naive DDL against pgprod's plan on a 5M-row table (~15 min)
bench-publish: $(STAMP)
	$(BIN)/python bench/publish_stall.py

# how long `pgprod --help`, `--version` and `status` take to start, against psql and python
bench-startup: $(STAMP)
	$(BIN)/python bench/startup.py

bench-preview: $(STAMP)
	$(BIN)/python bench/preview.py

# the console's pages on a million rows (p50/p95 over 200 requests) and its CSV export
# against COPY ... TO STDOUT
bench-console: $(STAMP)
	$(BIN)/python bench/console.py

# the audit trail's cost to the writes it records, and to those it does not (docs/benchmarks.md)
bench-audit: $(STAMP)
	$(BIN)/python bench/audit.py
