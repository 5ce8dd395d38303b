"""A pytest plugin that runs a test once per test backend: on asyncio and on Twisted.

It is loaded automatically when txaio is installed, and does nothing until a
test asks for the ``txaio_framework`` fixture. Such a test runs once on each
*test backend*, a framework (asyncio or Twisted) with the virtual-clock loop
txaio is pointed at: by default once on asyncio and once on Twisted (when
installed), each time with that framework selected, a virtual clock
installed as txaio's loop, and a check that no error was reported behind
the test's back::

    def test_timeout_fires(txaio_framework):
        calls = []
        txaio.call_later(5, calls.append, "late")
        txaio_framework.advance(5)
        assert calls == ["late"]
        assert txaio_framework.now() == 5.0

Restrict a test to some frameworks (or backends) with
``@pytest.mark.txaio_frameworks("asyncio")``; run every test of a module once
per backend with ``pytestmark = pytest.mark.usefixtures("txaio_framework")``.
``--txaio-backends`` (or the ``txaio_backends`` ini value) chooses more
backends, such as uvloop or Twisted's asyncio reactor (docs/backends.rst); a
name that is not a backend, or a backend whose packages are missing, stops the
run at start-up with one ``UsageError``.

The names follow one rule: a *framework* is asyncio or Twisted (what
``use_framework`` selects, ``Framework.name``); a *backend* is one of
``TEST_BACKENDS`` (``asyncio``, ``asyncio-uvloop``, ``twisted``,
``twisted-asyncioreactor``), each on one framework. The fixture and the marker
keep the framework in their names, as users know them.

``-p no:txaio`` switches the plugin off; with plugin autoloading disabled
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD``), ``-p txaio`` switches it on. The guide
(docs/guide/testing.rst) has a complete example.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from txaio._testing.backends import REFERENCE_TEST_BACKEND, TEST_BACKENDS, default_test_backends
from txaio.testutil import replace_loop, use_framework

__all__ = ["Framework", "available_frameworks", "txaio_framework"]


def available_frameworks() -> list[str]:
    """The frameworks installed here: asyncio always, Twisted when importable.

    Each is named by its default test backend (whose name is the framework's).
    """
    return [TEST_BACKENDS[name].framework for name in default_test_backends()]


class Framework:
    """The framework a test runs under (on one backend), with the backend's virtual clock.

    ``advance(seconds)`` moves the clock and runs what became due (and, on
    asyncio, what is ready), ``now()`` reads it (seconds, a float, 0.0 at
    the start of the test, on every backend), ``wait_for_threads()`` waits
    for the work given to ``txaio.run_in_thread`` and delivers its results,
    ``result(future)`` returns a done future's value or raises its error, and
    ``reported_errors()`` hands
    over the errors the framework reported (asyncio's exception handler,
    Twisted's log) so the test can assert on them. Errors left unclaimed fail
    the test.
    """

    def __init__(self, name: str, api: Any, clock: Any) -> None:
        self.name = name
        self.api = api
        self.clock = clock
        self._reported: list[BaseException] = []

    def __repr__(self) -> str:
        return f"<txaio test framework {self.name}>"

    def advance(self, seconds: float = 0.0) -> None:
        """Move the virtual clock by ``seconds`` and run everything that is due."""
        self.clock.advance(seconds)

    def stall(self, seconds: float) -> None:
        """Move the virtual clock by ``seconds`` and run nothing, as if the code running now
        took that long: from inside a callback, it makes the loop busy, so what is due
        meanwhile comes late (a periodic call then skips ticks)."""
        self.clock.stall(seconds)

    def now(self) -> float:
        """The virtual time in seconds: what txaio's loop reads (``loop.time()``, ``seconds()``)."""
        return float(self.clock.seconds())

    def flush(self) -> None:
        """Run callbacks that are ready now (asyncio runs done-callbacks on a loop turn)."""
        self.clock.advance(0)

    def wait_for_threads(self, timeout: float = 30.0) -> None:
        """Wait for the thread work the test started, and deliver its results to the loop.

        Code under test that calls ``txaio.run_in_thread`` (or ``deferToThread``,
        ``run_in_executor(None, ...)``) runs a real worker thread; its result
        comes back through the loop. This blocks -- no sleep, no polling, the
        virtual clock does not move -- until every job given so far is done,
        and runs on the loop, as they arrive, the calls the threads hand to
        it: results, ``call_from_thread`` and ``blocking_call_from_thread``.
        Jobs run one at a time, in the order given, so results arrive in a
        fixed order. ``timeout`` (real seconds) is only a guard against a job
        that never ends: ``TimeoutError``.
        """
        self.clock._txaio_thread_work.wait(self.flush, timeout)

    def result(self, future: Any) -> Any:
        """The value of a done future, or raise its error; ``LookupError`` if not done.

        Taking the error this way claims it: it will not be reported as unhandled.
        """
        self.flush()
        outcome: list[tuple[bool, Any]] = []

        def succeeded(value: Any) -> Any:
            outcome.append((True, value))
            return value

        def failed(fail: Any) -> None:
            outcome.append((False, fail))

        self.api.add_callbacks(future, succeeded, failed)
        self.flush()
        if not outcome:
            raise LookupError(f"{future!r} is not done")
        succeeded_, value = outcome[0]
        if succeeded_:
            return value
        raise value.value

    def reported_errors(self) -> list[BaseException]:
        """The errors reported so far (after a garbage collection), and forget them."""
        self.flush()
        gc.collect()
        self.flush()
        taken, self._reported = self._reported, []
        return taken

    def _record(self, exc: BaseException) -> None:
        self._reported.append(exc)


@pytest.fixture
def txaio_framework(request: pytest.FixtureRequest) -> Iterator[Framework]:
    """Run the test on one backend (parametrized): its framework selected, its virtual clock.

    The value is a :class:`Framework`: ``advance(seconds)`` moves the clock,
    ``now()`` reads it (seconds, a float, the same way on every backend),
    ``result(future)`` and ``reported_errors()`` take outcomes and errors.
    """
    backend = TEST_BACKENDS[getattr(request, "param", REFERENCE_TEST_BACKEND)]
    with use_framework(backend.framework) as api:
        framework = Framework(backend.framework, api, backend.make_clock())
        try:
            with (
                backend.capture_errors(framework.clock, framework._record),
                replace_loop(framework.clock),
            ):
                yield framework
                leftover = framework.reported_errors()
        finally:
            backend.close_clock(framework.clock)
        if leftover:
            pytest.fail(
                f"errors were reported under {framework.name} and not claimed with "
                f"txaio_framework.reported_errors(): {leftover!r}"
            )


_BACKENDS_KEY = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "txaio_frameworks(*names): run a txaio_framework test only under these frameworks "
        "(or on these backends)",
    )
    # Checked once, at start-up: a typo is one usage error, not one per test module.
    config.stash[_BACKENDS_KEY] = requested_backends(config)


def pytest_addoption(parser: pytest.Parser) -> None:
    defaults = [name for name, backend in TEST_BACKENDS.items() if backend.runs_by_default]
    help_text = (
        "backends a txaio_framework test runs on: 'all', or names from "
        f"{', '.join(TEST_BACKENDS)} (default: {', '.join(defaults)}, those installed)"
    )
    parser.addini("txaio_backends", help_text, type="args", default=[])
    parser.addoption("--txaio-backends", metavar="NAMES", help=f"{help_text}; comma-separated")


def requested_backends(config: pytest.Config) -> list[str]:
    """The backend names chosen with ``--txaio-backends`` or the ``txaio_backends`` ini value.

    Nothing chosen means asyncio and, when installed, Twisted. ``all`` means
    every backend of the matrix, and one whose packages are missing is
    skipped with the reason. A backend named explicitly must be installed: a
    missing one is a ``pytest.UsageError`` with the command that installs
    it, and so is a name that is not a backend.
    """
    option: str | None = config.getoption("txaio_backends", None)
    given_by = "--txaio-backends" if option else "the txaio_backends ini value"
    names: list[str] = option.split(",") if option else list(config.getini("txaio_backends"))
    names = [name.strip() for name in names if name.strip()]
    if not names:
        return default_test_backends()
    unknown = [name for name in names if name != "all" and name not in TEST_BACKENDS]
    if unknown:
        raise pytest.UsageError(
            f"{given_by}: unknown backend {', '.join(map(repr, unknown))}; "
            f"the backends are {', '.join(TEST_BACKENDS)} (or all of them: 'all')"
        )
    if "all" in names:
        return list(TEST_BACKENDS)
    missing = [TEST_BACKENDS[name] for name in names if not TEST_BACKENDS[name].is_installed()]
    if missing:
        raise pytest.UsageError(
            *(
                f"{given_by}: backend {backend.name!r} needs {', '.join(backend.requires)}, "
                f"which is not installed; install it with: {backend.install}"
                for backend in missing
            )
        )
    return names


def _backend_param(name: str) -> Any:
    backend = TEST_BACKENDS[name]
    marks = []
    if not backend.is_installed():
        missing = ", ".join(backend.requires)
        marks.append(
            pytest.mark.skip(
                reason=f"backend {name} needs {missing} (not installed: {backend.install})"
            )
        )
    return pytest.param(name, id=name, marks=marks)


def _check_frameworks_marker(marker: pytest.Mark) -> None:
    """Fail collection clearly for ``txaio_frameworks()`` without names or with an unknown one."""
    known = sorted({*TEST_BACKENDS, *(backend.framework for backend in TEST_BACKENDS.values())})
    unknown = [name for name in marker.args if name not in known]
    if not marker.args or unknown:
        pytest.fail(
            f"txaio_frameworks takes framework or backend names from {', '.join(known)}; "
            f"got {', '.join(map(repr, marker.args)) or 'none'}",
            pytrace=False,
        )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "txaio_framework" not in metafunc.fixturenames:
        return
    names = metafunc.config.stash[_BACKENDS_KEY]
    marker = metafunc.definition.get_closest_marker("txaio_frameworks")
    if marker is not None:
        _check_frameworks_marker(marker)
        names = [
            name
            for name in names
            if name in marker.args or TEST_BACKENDS[name].framework in marker.args
        ]
    params = [_backend_param(name) for name in names]
    metafunc.parametrize("txaio_framework", params, indirect=True)
