# Two commands do everything: `make run` (the web UI) and `make test` (the test suite).
# Each sets itself up first, idempotently: a virtual environment in .venv, the CPU build of
# PyTorch, and the package with its test extras.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TORCH_VERSION ?= 2.13.0

.PHONY: run demo test test-fast lint bench setup clean

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

# The whole loop offline: a tiny random model (its translations are gibberish, by design) and
# a database of its own, so nothing of a real set-up is touched.
demo: $(STAMP)
	test -f models/tiny/config.json || $(PY) models/make_tiny_model.py models/tiny
	WORKBENCH_MODEL=models/tiny WORKBENCH_DB=data/demo/workbench.db WORKBENCH_OUTPUT_DIR=data/demo/exports \
	  $(PY) app.py

test: $(STAMP)
	$(PY) -m pytest

# The inner loop: everything but the tests marked slow (model loads, full alignments, the browser).
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check workbench tests benchmarks app.py models
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
