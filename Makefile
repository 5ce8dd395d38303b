# Every target sets itself up: a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: run each example on asyncio and on Twisted, and check both print the same
demo: $(STAMP)
	@for example in examples/basic.py; do \
		for framework in asyncio twisted; do \
			echo "== $$example on $$framework"; \
			$(BIN)/python $$example $$framework > $(VENV)/demo-$$framework.txt || exit 1; \
			cat $(VENV)/demo-$$framework.txt; \
		done; \
		diff $(VENV)/demo-asyncio.txt $(VENV)/demo-twisted.txt > /dev/null \
			&& echo "== $$example: same output on asyncio and Twisted" \
			|| { echo "== $$example: OUTPUT DIFFERS"; diff $(VENV)/demo-asyncio.txt $(VENV)/demo-twisted.txt; exit 1; }; \
	done

## test: the whole suite, warnings as errors, on both frameworks
test: $(STAMP)
	$(BIN)/python -m pytest -W error

clean:
	rm -rf $(VENV) build dist src/*.egg-info
