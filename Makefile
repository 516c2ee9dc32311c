# Every target installs what it needs: a virtualenv from pyproject.toml, npm packages from the lockfile.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# What goes into the virtualenv: the generator and its test tools (`INSTALL=.`: the generator alone).
INSTALL := '.[test]'
NODE_STAMP := node_modules/.installed-stamp

.PHONY: generate check diff test golden bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e $(INSTALL)
	touch $@

# The Prism mock server the client tests run against, at the version package-lock.json pins.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "error: npm not found: the client tests need Node.js and npm for the Prism mock server (see README.md)" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

generate: $(STAMP)  ## regenerate generated/ from spec/
	$(BIN)/python -m generator generate

# make reports a failed recipe as exit 2; `python -m generator check` itself exits 1 on drift, 2 on bad input.
check: $(STAMP)  ## fail with a diff if generated/ is not what spec/ produces
	$(BIN)/python -m generator check --no-cache

# `make diff OLD=old.yaml NEW=new.yaml`: what changes for the SDK's callers (see README.md).
CONFIG ?= spec/config.yaml
FORMAT ?= text
diff: $(STAMP)  ## the SDK change report between two specs (exit status 1 from the command when something breaks)
	@test -n "$(OLD)" -a -n "$(NEW)" || { echo "usage: make diff OLD=old.yaml NEW=new.yaml [FORMAT=text|markdown|json] [CONFIG=spec/config.yaml]" >&2; exit 2; }
	$(BIN)/python -m generator diff $(if $(CONFIG),--config $(CONFIG)) --format $(FORMAT) $(OLD) $(NEW)

test: $(STAMP) $(NODE_STAMP)  ## all tests, the drift check included
	$(BIN)/python -m pytest

golden: $(STAMP)  ## rewrite the golden trees under tests/golden/ after a deliberate change
	$(BIN)/python -m tests.golden

clean:
	rm -rf $(VENV) node_modules .mypy_cache .pytest_cache

# `make bench`: generation, parsing, import and per-call figures against the peers (its own virtualenv).
include tests/benchmarks/bench.mk
