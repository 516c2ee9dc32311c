# `make bench`: the benchmark of issue 5. Not part of the test suite.
# Included from the main Makefile; paths are relative to the repository root.
# Its tools live in their own virtualenv, reinstalled only when its requirements change.
PYTHON ?= python3
BENCH_DIR := tests/benchmarks
BENCH_VENV := .venv-bench
BENCH_PY := $(BENCH_VENV)/bin/python
BENCH_STAMP := $(BENCH_VENV)/.installed-stamp
BENCH_PACKAGE := generated/openai_chat

.PHONY: bench

$(BENCH_STAMP): $(BENCH_DIR)/requirements.txt pyproject.toml
	test -x $(BENCH_PY) || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install -q -r $(BENCH_DIR)/requirements.txt
	$(BENCH_PY) -m pip install -q -e .
	touch $@

# The committed generated/ tree is what is measured; regenerate only if it is missing.
$(BENCH_PACKAGE)/__init__.py: | $(BENCH_STAMP)
	$(BENCH_PY) -m generator generate

bench: $(BENCH_STAMP) $(BENCH_PACKAGE)/__init__.py
	$(BENCH_PY) $(BENCH_DIR)/bench.py $(BENCH_ARGS)

# `make bench-imports`: import and first-use times of the whole OpenAI spec's package against
# `import openai` (tests/benchmarks/imports.py), with the tests' virtualenv.
.PHONY: bench-imports
bench-imports: $(STAMP)
	$(BIN)/python $(BENCH_DIR)/imports.py $(BENCH_ARGS)
