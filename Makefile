# Every target sets itself up: a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
# another Python gets a venv of its own (the sid chroot's: VENV=.venv-py3.14, see test-py3.14)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: help demo test quick suite lint docs docs-check bench test-dependents test-autobahn \
	test-matrix test-py3.14 test-py3.15 soak venv clean

## help: list the targets with what each does (from the `## target:` comments of this file)
help:
	@awk '/^## [a-z0-9.,-]+( [a-z0-9.,-]+)*:/ { print substr($$0, 4); more = 1; next } \
		/^## / && more { print "    " substr($$0, 4); next } { more = 0 }' $(MAKEFILE_LIST)

## venv: create .venv and install the project with its development extras (every target does)
venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: run each example on asyncio and on Twisted, and check both print the same
demo: $(STAMP)
	@for example in examples/basic.py examples/futures.py examples/errors.py examples/async_def.py \
			examples/logging_bunny.py examples/log_interop_stdlib.py examples/log_interop_twisted.py \
			examples/multiloop.py examples/loop_mixin.py examples/twisted_on_asyncio.py \
			examples/application.py examples/threads.py; do \
		for framework in asyncio twisted; do \
			echo "== $$example on $$framework"; \
			$(BIN)/python $$example $$framework > $(VENV)/demo-$$framework.txt || exit 1; \
			cat $(VENV)/demo-$$framework.txt; \
		done; \
		diff $(VENV)/demo-asyncio.txt $(VENV)/demo-twisted.txt > /dev/null \
			&& echo "== $$example: same output on asyncio and Twisted" \
			|| { echo "== $$example: OUTPUT DIFFERS"; diff $(VENV)/demo-asyncio.txt $(VENV)/demo-twisted.txt; exit 1; }; \
	done

## lint: the generated names are current, ruff (lint and format check), mypy --strict (src/,
## tools/, bench/)
lint: $(STAMP)
	$(BIN)/python tools/generate_names.py --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict src/ tools/ bench/

## docs: build the Sphinx documentation, warnings as errors
docs: $(STAMP)
	$(BIN)/sphinx-build -q -W --keep-going -b html docs docs/_build/html

## docs-check: open each built page in headless Chromium at 1280px and fail when a code
## block or table is cut off or runs off the page (not part of `make test`: it needs
## Chromium, which it apt-gets where it can; see tools/docs_check.py)
docs-check: docs
	$(BIN)/python tools/docs_check.py --install docs/_build/html

## test: lint, docs, then the whole suite, warnings as errors, on both frameworks
test: $(STAMP) lint docs
	$(BIN)/python -m pytest -W error

## quick: the suite on asyncio and Twisted only, no lint or docs, stop at the first failure
## (the edit loop; PYTEST_ARGS are added to pytest's, e.g. PYTEST_ARGS=tests/contract)
quick: $(STAMP)
	$(BIN)/python -m pytest -W error -x -q --txaio-backends asyncio,twisted $(PYTEST_ARGS)

## suite: the whole suite alone, warnings as errors (PYTEST_ARGS are added to pytest's)
suite: $(STAMP)
	$(BIN)/python -m pytest -W error $(PYTEST_ARGS)

## test-py3.14, test-py3.15: the suite on Debian's Python 3.14 or 3.15, in a Debian sid
## chroot that tools/sid-chroot.sh builds (first run: a few minutes) or reuses, as root;
## this checkout is bind-mounted into it and gets a venv per Python (.venv-py3.14, ...)
test-py3.14 test-py3.15: test-py%:
	bash tools/sid-chroot.sh make --no-print-directory PYTHON=python$* VENV=.venv-py$* \
		suite PYTEST_ARGS="$(PYTEST_ARGS)"

## test-matrix: the suite on Python 3.10-3.13 (nox, pyenv's interpreters) and on 3.14 and
## 3.15 (the sid chroot, as test-py3.14), every backend, warnings as errors, the larger
## hypothesis profile (noxfile.py, docs/backends.rst)
test-matrix: $(STAMP)
	$(BIN)/nox

## soak: 1,000,000 futures, batched timers, plain timers and loggers per backend under
## tracemalloc, 8 x 1,250 call_from_thread calls and 10,000 run_in_thread jobs per backend,
## and the parity property with the larger profile (a scaled-down run is in `make test`)
soak: $(STAMP)
	TXAIO_SOAK_N=1000000 TXAIO_HYPOTHESIS_PROFILE=txaio-matrix \
		$(BIN)/python -m pytest -W error -q tests/soak tests/property

## bench: txaio against the native API on each backend, one table (not part of `make test`;
## docs/benchmarks.rst explains it). BENCH_ARGS="--quick" only checks that it runs.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## test-dependents: the test suites of txaio's big users, run on this txaio: Autobahn|Python's
## Twisted and asyncio suites, Crossbar.io's trial and pytest suites and a real `crossbar start`
## whose log lines are checked (own venvs .venv-autobahn, .venv-crossbar; tools/test-dependents.sh)
test-dependents:
	bash tools/test-dependents.sh .

## test-autobahn: the former name of test-dependents; runs the same
test-autobahn: test-dependents

## clean: remove the venvs, nox's, build output and the built docs
clean:
	rm -rf $(VENV) .venv-* .nox build dist src/*.egg-info docs/_build
