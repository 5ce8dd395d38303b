"""The test backends: every loop a ``txaio_framework`` test can run on.

A *test backend* is a framework plus the loop (or reactor) txaio is pointed
at during the test. All of them keep time virtual, so a contract test reads
the same and stays deterministic on each:

``asyncio``
    :class:`~txaio.testutil.VirtualClockLoop`, asyncio's own selector loop
    with a virtual clock.
``asyncio-uvloop``
    ``UvloopClock`` (``uvloop_clock``): a real ``uvloop`` loop (libuv runs
    every callback; futures and tasks are bound to it) whose timers alone
    are virtual, since libuv's clock cannot be moved by hand.
``twisted``
    :class:`~txaio.testutil.ReactorClock`, Twisted's ``task.Clock``.
``twisted-asyncioreactor``
    ``AsyncioReactorClock`` (``asyncio_reactor_clock``): Twisted's real
    ``AsyncioSelectorReactor`` running on a ``VirtualClockLoop`` -- Twisted
    on asyncio, with the reactor's clock tied to the loop's.

Each record of :data:`TEST_BACKENDS` carries everything that differs between
backends -- how to make and release its clock, how to catch the errors its
framework reports, what must be installed -- so the pytest plugin and the
parity tests only look records up and never name a framework. A third
framework adds records here (docs/backends.rst, "Adding a framework").

End-to-end tests (``tests/e2e``) run the same backends on real loops and real
sockets; Twisted there needs a process of its own, because a reactor is
installed once per process.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from twisted.logger import ILogObserver

__all__ = ["REFERENCE_TEST_BACKEND", "TEST_BACKENDS", "Backend", "default_test_backends"]

#: Takes each error a framework reports (an exception, with its traceback).
ErrorRecorder = Callable[[BaseException], None]


@dataclass(frozen=True)
class Backend:
    """One test backend: a framework, its virtual-time loop, and how a test runs there."""

    #: The test id, e.g. ``"asyncio-uvloop"``.
    name: str
    #: What ``use_framework`` selects, e.g. ``"asyncio"``.
    framework: str
    #: Modules that must be importable for this backend.
    requires: tuple[str, ...]
    #: Makes the clock txaio is pointed at; it has ``advance(seconds)``, ``stall(seconds)``
    #: and ``seconds()``.
    make_clock: Callable[[], Any]
    #: Releases what ``make_clock`` made.
    close_clock: Callable[[Any], None]
    #: ``capture_errors(clock, record)``: a context manager that passes each error the
    #: framework reports while the clock runs to ``record``, and stops doing so on exit.
    capture_errors: Callable[[Any, ErrorRecorder], AbstractContextManager[None]]
    #: The command that installs what ``requires`` names.
    install: str = ""
    #: Whether a test runs here when no backend is chosen: each framework's plain loop.
    runs_by_default: bool = False

    def is_installed(self) -> bool:
        """True when every module the backend needs can be imported."""
        return all(importlib.util.find_spec(module) is not None for module in self.requires)


# -- the clocks ----------------------------------------------------------------
# Each is imported only when a test asks for it: they import asyncio, Twisted or uvloop.


def _make_virtual_clock_loop() -> Any:
    from txaio._testing.virtual_clock import VirtualClockLoop

    return VirtualClockLoop()


def _make_uvloop_clock() -> Any:
    from txaio._testing.uvloop_clock import UvloopClock

    return UvloopClock()


def _make_reactor_clock() -> Any:
    from txaio._testing.reactor_clock import ReactorClock

    return ReactorClock()


def _make_asyncio_reactor_clock() -> Any:
    from txaio._testing.asyncio_reactor_clock import AsyncioReactorClock

    return AsyncioReactorClock()


def _close_loop(loop: Any) -> None:
    """Close the clock: its loop, and the worker thread of its thread work."""
    loop.close()


# -- the errors a framework reports ----------------------------------------------


# A CancelledError that nobody handled is a cancellation, not an error, on every backend:
# asyncio never reports a cancelled future or task, but it does report a future failed
# with a CancelledError (a gather of a cancelled input); Twisted reports a Deferred
# cancelled other than by txaio.cancel, which clears it (docs/contract.rst).


@contextmanager
def _asyncio_loop_errors(loop: Any, record: ErrorRecorder) -> Iterator[None]:
    """What reaches the loop's exception handler; one without an exception as a RuntimeError.

    But an unretrieved ``CancelledError`` ("Future exception was never retrieved").
    """
    from asyncio import CancelledError

    def handler(loop: Any, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, CancelledError) and str(context.get("message")).endswith(
            "exception was never retrieved"
        ):
            return
        record(exc if exc is not None else RuntimeError(context.get("message")))

    previous = loop.get_exception_handler()
    loop.set_exception_handler(handler)
    try:
        yield
    finally:
        loop.set_exception_handler(previous)


@contextmanager
def _twisted_log_errors(clock: Any, record: ErrorRecorder) -> Iterator[None]:
    """The failures logged to Twisted's global log, but a txaio logger's ``failure()`` lines.

    Twisted reports an error (an unhandled failure in a ``Deferred``, a
    delayed call that raised) by logging it; a txaio logger's ``failure()``
    is a deliberate log line, as it is on asyncio, not an error. Nor is a
    ``Deferred`` collected with a ``CancelledError`` (logged by
    ``twisted.internet.defer``).
    """
    from twisted.internet.defer import CancelledError
    from twisted.logger import globalLogPublisher

    from txaio.tx import is_txaio_event

    def observer(event: dict[str, Any]) -> None:
        fail = event.get("log_failure")
        if fail is None or is_txaio_event(event):
            return
        if event.get("log_namespace") == _DEFERRED_NAMESPACE and fail.check(CancelledError):
            return
        record(fail.value)

    # A plain function is a log observer; zope interfaces are invisible to mypy.
    globalLogPublisher.addObserver(cast("ILogObserver", observer))
    try:
        yield
    finally:
        globalLogPublisher.removeObserver(cast("ILogObserver", observer))


#: Where Twisted logs a Deferred collected with an unhandled failure.
_DEFERRED_NAMESPACE = "twisted.internet.defer"


# -- the table -----------------------------------------------------------------

#: Every test backend, by name, in the order tests are parametrized.
TEST_BACKENDS: dict[str, Backend] = {
    backend.name: backend
    for backend in (
        Backend(
            "asyncio",
            "asyncio",
            (),
            _make_virtual_clock_loop,
            _close_loop,
            _asyncio_loop_errors,
            runs_by_default=True,
        ),
        Backend(
            "asyncio-uvloop",
            "asyncio",
            ("uvloop",),
            _make_uvloop_clock,
            _close_loop,
            _asyncio_loop_errors,
            install="pip install uvloop",
        ),
        Backend(
            "twisted",
            "twisted",
            ("twisted",),
            _make_reactor_clock,
            _close_loop,
            _twisted_log_errors,
            install='pip install "txaio[twisted]"',
            runs_by_default=True,
        ),
        Backend(
            "twisted-asyncioreactor",
            "twisted",
            ("twisted",),
            _make_asyncio_reactor_clock,
            _close_loop,
            _twisted_log_errors,
            install='pip install "txaio[twisted]"',
        ),
    )
}

#: The first backend, which needs nothing installed: a ``txaio_framework`` that is not
#: parametrized runs here, and the parity tests compare every other backend with it.
REFERENCE_TEST_BACKEND = next(iter(TEST_BACKENDS))


def default_test_backends() -> list[str]:
    """The backends a test runs on when none is chosen: each installed framework's plain one."""
    return [
        name
        for name, backend in TEST_BACKENDS.items()
        if backend.runs_by_default and backend.is_installed()
    ]
