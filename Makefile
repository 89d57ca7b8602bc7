# Rawabit — two commands do everything on a fresh machine:
#   make build   creates .venv, installs the project, builds the graph of seeds/ into output/
#   make test    installs the test dependencies and runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
SHARED ?= ../shared

.PHONY: build test install install-test eval screenshot bench kb ner clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

build: install
	$(BIN)/kg build seeds/ --out output/

test: install-test
	$(BIN)/python -m pytest -q

eval: install
	$(BIN)/kg eval --gold $(SHARED)/gold/seeds.gold.yaml seeds/

screenshot: build
	$(BIN)/python -m kg.export.screenshot output/graph.html output/graph.png

bench: install-test
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py

kb: $(BIN)/python
	$(BIN)/python pipelines/build_kb.py --sources $(SHARED)/data/kb-sources

ner: install
	$(BIN)/python pipelines/train_ner.py --data $(SHARED)/data

clean:
	rm -rf $(VENV) output/graph.* output/report.json

.PHONY: fuzz
fuzz: install-test  ## nightly-style fuzzing: 20,000 examples per property (text layer and whole pipeline)
	HYPOTHESIS_PROFILE=nightly $(BIN)/python -m pytest -q tests/reliability/test_fuzz_text.py tests/reliability/test_fuzz_pipeline.py
