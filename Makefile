# The two commands of the README's quick start. Each sets up what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export LIENTHONG_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/lienthong.db

.PHONY: run test setup lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	mkdir -p instance
	$(BIN)/lienthong init-db
	$(BIN)/lienthong deploy workflows --user system
	$(BIN)/lienthong serve

test: $(STAMP)
	$(BIN)/ruff check engine web tests bench
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check engine web tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) instance *.egg-info
