# Werkplaats Duurzaam kit. `make run` and `make test` work on a fresh machine with Python >= 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PYTEST_ARGS ?=

.PHONY: run demo-release test test-fast lab bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	# jsonschema's optional IRI checker (rfc3987-syntax) builds parsers on import: ~2.4 s CPU on every
	# kernel start and command, measured here. The kit validates no IRIs, so leave it out.
	$(BIN)/pip uninstall --quiet --yes rfc3987-syntax || true
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip uninstall --quiet --yes rfc3987-syntax || true
	touch $@

## run: build the demo release (shows the cleaning report), then start the exhibition on it
run: $(STAMP)
	$(BIN)/werkplaats demo --out build/demo-registers
	WERKPLAATS_KEY_FILE=build/demo.key $(BIN)/werkplaats clean build/demo-registers --out build/demo-release
	$(BIN)/werkplaats expo --data build/demo-release

## test: every test (unit, property, notebooks, browser)
test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope $(PYTEST_ARGS)

## test-fast: the quick subset while you work
test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow and not browser" $(PYTEST_ARGS)

## lab: JupyterLab on the notebooks (charts work offline)
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## bench: the benchmarks (prints figures)
bench: $(TEST_STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf build test-output .pytest_cache
