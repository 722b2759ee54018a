# The two commands of the README: `make demo` and `make test`. Both bootstrap .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint pytest bench bench-publish clean

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

pytest: $(STAMP)
	scripts/test-deps
	$(BIN)/python -m pytest

clean:
	-test -d demo && $(BIN)/pgprod --project demo down
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache

bench: $(STAMP)
	$(BIN)/python bench/schema_diff.py

# write stalls of naive DDL against pgprod's plan on a 5M-row table (~15 min)
bench-publish: $(STAMP)
	$(BIN)/python bench/publish_stall.py
