# Two commands do everything: `make run` (the web UI) and `make test` (the test suite).
# Each sets itself up first, idempotently: a virtual environment in .venv, the CPU build of
# PyTorch, and the package with its test extras.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TORCH_VERSION ?= 2.13.0

.PHONY: run test lint bench setup clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# The CPU build of torch first: a bare `torch` requirement would pull a multi-GB CUDA build.
	$(PY) -m pip install -q "torch==$(TORCH_VERSION)" \
	  || $(PY) -m pip install -q torch --index-url https://download.pytorch.org/whl/cpu \
	  || echo "note: no CPU torch wheel found; pip will resolve torch from the project requirements"
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(PY) app.py

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check workbench tests benchmarks app.py models

bench: $(STAMP)
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
