# kanazawa-siting: the commands a newcomer types. Everything runs inside .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install install-dev run test lint bench data access catalogs clean

$(BIN)/activate:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/siting serve --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install-dev
	$(BIN)/python -m benchmarks

data: install
	$(BIN)/siting build-data --raw $(SHARED)/data/raw --facts $(SHARED)/data/facts --out data
	$(BIN)/siting check-grants --facts $(SHARED)/data/facts/grants.yaml
	$(BIN)/siting build-access --data data
	$(BIN)/siting build-planning --raw $(SHARED)/data/raw --out data

catalogs: install-dev
	$(BIN)/python -m webapp.catalogs

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
