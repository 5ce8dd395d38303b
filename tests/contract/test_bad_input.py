"""The bad-input table: each misuse raises one exact exception whose message names the argument.

Every row of :data:`MISUSES` is one test, run on each backend by the
``txaio_framework`` fixture, and one row of the table in ``docs/bad-input.rst``
(a test below keeps the two identical). The docs show the messages as the
backends print them; the regular expression each must match (the part that is
the contract: which argument, what is allowed) stays here.
"""

from __future__ import annotations

import builtins
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import txaio
from txaio._checks import check_delay
from txaio.testutil import replace_loop, use_framework

DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "bad-input.rst"


@dataclass(frozen=True)
class Misuse:
    """One row: what is done wrong, and the error it must raise."""

    name: str
    #: The call as the docs show it (``f`` is a pending future, ``timer`` a batched timer).
    example: str
    #: Does the wrong thing; gets the framework's name ("asyncio" or "twisted").
    action: Callable[[str], object]
    #: The exception's class name; ``InvalidStateError`` means the backend's own
    #: subclass of ``txaio.InvalidStateError`` (which is also the framework's error).
    error: str
    #: A regular expression every backend's message matches (it names the argument).
    pattern: str
    #: The message exactly as asyncio prints it (and Twisted too, unless ``twisted`` is set).
    message: str
    #: The message exactly as Twisted prints it, where it differs.
    twisted: str | None = None

    def message_on(self, framework: str) -> str:
        """The exact message on ``framework``."""
        if framework == "twisted" and self.twisted is not None:
            return self.twisted
        return self.message


def _pending() -> object:
    return txaio.create_future()


def _resolved() -> object:
    future = txaio.create_future()
    txaio.resolve(future, 1)
    return future


def _cancelled() -> object:
    future = txaio.create_future()
    txaio.add_callbacks(future, None, lambda fail: None)
    txaio.cancel(future)
    return future


def _before_selection(framework: str) -> object:
    with use_framework(None):
        return txaio.create_future()


def _select_the_other(framework: str) -> object:
    other = {"asyncio": "twisted", "twisted": "asyncio"}[framework]
    return getattr(txaio, f"use_{other}")()


def _unknown_framework(framework: str) -> object:
    with use_framework("trio"):
        return None


async def fetch() -> None:
    """An ``async def`` whose coroutine is passed where a list is wanted."""


def _gather_one_coroutine(framework: str) -> object:
    coro = fetch()
    try:
        return txaio.gather(coro)
    finally:
        assert coro.cr_frame is None, "gather() must close the coroutine it refuses"


def _as_future_of_a_coroutine_and_arguments(framework: str) -> object:
    coro = fetch()
    try:
        return txaio.as_future(coro, 1)
    finally:
        assert coro.cr_frame is None, "as_future() must close the coroutine it refuses"


def _finished_coroutine() -> object:
    """A coroutine that has run to its end (as after ``txaio.as_future(coro)``)."""
    coro = fetch()
    try:
        coro.send(None)
    except StopIteration:
        return coro
    raise AssertionError("fetch() did not finish at once")


#: Coroutines started by _started_coroutine, kept so that they are closed after the test.
_started: list[object] = []


def _started_coroutine() -> object:
    """A coroutine suspended in an ``await`` (as one that a task runs)."""

    async def waiting() -> None:
        await _Suspend()

    coro = waiting()
    coro.send(None)
    _started.append(coro)
    return coro


class _Suspend:
    """An awaitable that suspends its coroutine once."""

    def __await__(self):  # type: ignore[no-untyped-def]
        yield


@pytest.fixture(autouse=True)
def _close_started_coroutines():
    yield
    while _started:
        _started.pop().close()


def _twisted_api_on_a_clock() -> Any:
    """txaio's Twisted API on a ``task.Clock``: a reactor that does not run on asyncio."""
    from twisted.internet.task import Clock

    from txaio.tx import TwistedAPI

    return TwistedAPI(txaio.Config(Clock()))


def _on_a_string_loop(action: Callable[[], object]) -> Callable[[str], object]:
    def misuse(framework: str) -> object:
        with replace_loop("a string"):
            return action()

    return misuse


def _on_a_stopped_loop(action: Callable[[], object]) -> Callable[[str], object]:
    """``action`` with txaio pointed at a loop of the test's kind that has stopped (closed)."""

    def misuse(framework: str) -> object:
        stopped = type(txaio.config.loop)()
        stopped.close()
        with replace_loop(stopped):
            return action()

    return misuse


MISUSES: list[Misuse] = [
    # -- selection
    Misuse(
        "use before selection",
        "txaio.create_future() before use_asyncio()/use_twisted()",
        _before_selection,
        "RuntimeError",
        r"no framework yet: call txaio\.use_asyncio\(\) or txaio\.use_twisted\(\)",
        "txaio has no framework yet: call txaio.use_asyncio() or txaio.use_twisted() first",
    ),
    Misuse(
        "double selection",
        "txaio.use_twisted() after txaio.use_asyncio() (or the reverse)",
        _select_the_other,
        "RuntimeError",
        r"already uses (asyncio|twisted); it cannot switch to (twisted|asyncio)",
        "txaio already uses asyncio; it cannot switch to twisted in the same process. asyncio "
        "was selected at <file>:<line>; twisted is asked for at <file>:<line>. "
        "A process runs one framework: let the application select it, once, before it imports "
        "libraries that use txaio, and let libraries select nothing when they are imported "
        "(txaio's guide: 'Writing a library that shares a process')",
        twisted="txaio already uses twisted; it cannot switch to asyncio in the same process. "
        "twisted was selected at <file>:<line>; asyncio is asked for at <file>:<line>. "
        "A process runs one framework: let the application select it, once, before it imports "
        "libraries that use txaio, and let libraries select nothing when they are imported "
        "(txaio's guide: 'Writing a library that shares a process')",
    ),
    Misuse(
        "unknown framework",
        'txaio.testutil.use_framework("trio")',
        _unknown_framework,
        "ValueError",
        r"framework must be one of \['asyncio', 'twisted'\], got 'trio'",
        "framework must be one of ['asyncio', 'twisted'], got 'trio'",
    ),
    # -- creating futures
    Misuse(
        "result and error",
        "txaio.create_future(result=1, error=KeyError())",
        lambda fw: txaio.create_future(result=1, error=KeyError()),
        "ValueError",
        r"create_future\(\) takes result or error, not both",
        "create_future() takes result or error, not both",
    ),
    Misuse(
        "error not an exception",
        'txaio.create_future(error="boom")',
        lambda fw: txaio.create_future(error="boom"),
        "TypeError, RuntimeError",
        r"error must be an exception or an IFailedFuture, got str",
        "error must be an exception or an IFailedFuture, got str",
    ),
    Misuse(
        "canceller not callable",
        'txaio.create_future(canceller="stop")',
        lambda fw: txaio.create_future(canceller="stop"),
        "TypeError",
        r"canceller must be a callable taking the future, got str",
        "canceller must be a callable taking the future, got str",
    ),
    Misuse(
        "failed future of a non-exception",
        "txaio.create_future_error(42)",
        lambda fw: txaio.create_future_error(42),
        "TypeError, RuntimeError",
        r"error must be an exception or an IFailedFuture, got int",
        "error must be an exception or an IFailedFuture, got int",
    ),
    Misuse(
        "as_future of a non-callable",
        "txaio.as_future(42)",
        lambda fw: txaio.as_future(42),
        "TypeError",
        r"fn must be callable, got int",
        "fn must be callable, got int",
    ),
    Misuse(
        "as_future of a coroutine and arguments",
        "txaio.as_future(fetch(), 1)",
        _as_future_of_a_coroutine_and_arguments,
        "TypeError",
        r"as_future\(coroutine\) takes no other arguments",
        "as_future(coroutine) takes no other arguments: pass them to the async def",
    ),
    Misuse(
        "as_future of a finished coroutine",
        "txaio.as_future(coro) after coro has run",
        lambda fw: txaio.as_future(_finished_coroutine()),
        "RuntimeError",
        r"^fn is a coroutine that has already finished",
        "fn is a coroutine that has already finished; txaio runs a coroutine once, as a task: "
        "use the future txaio returned for it",
    ),
    Misuse(
        "callbacks on a started coroutine",
        "txaio.add_callbacks(coro, print, None) while coro runs",
        lambda fw: txaio.add_callbacks(_started_coroutine(), print, None),
        "RuntimeError",
        r"^future is a coroutine that has already started",
        "future is a coroutine that has already started; txaio runs a coroutine once, as a "
        "task: use the future txaio returned for it",
    ),
    # -- resolving, rejecting, cancelling
    Misuse(
        "resolve a non-future",
        "txaio.resolve(42, 1)",
        lambda fw: txaio.resolve(42, 1),
        "TypeError",
        r"future must be an? (asyncio Future|Twisted Deferred), got int",
        "future must be an asyncio Future, got int",
        twisted="future must be a Twisted Deferred, got int",
    ),
    Misuse(
        "double resolve",
        "txaio.resolve(f, 2) after txaio.resolve(f, 1)",
        lambda fw: txaio.resolve(_resolved(), 2),
        "InvalidStateError",
        r"resolve\(\): the (future is|Deferred has) already",
        "resolve(): the future is already resolved; a future can be resolved or rejected once",
        twisted="resolve(): the Deferred has already fired; a future can be resolved or rejected "
        "once",
    ),
    Misuse(
        "reject after resolve",
        "txaio.reject(f, KeyError()) after txaio.resolve(f, 1)",
        lambda fw: txaio.reject(_resolved(), KeyError()),
        "InvalidStateError",
        r"reject\(\): the (future is|Deferred has) already",
        "reject(): the future is already resolved; a future can be resolved or rejected once",
        twisted="reject(): the Deferred has already fired; a future can be resolved or rejected "
        "once",
    ),
    Misuse(
        "resolve value given twice",
        "txaio.resolve(f, 1, value=2)",
        lambda fw: txaio.resolve(_pending(), 1, value=2),
        "TypeError",
        r"resolve\(\) takes result or value",
        "resolve() takes result or value (the same thing), not both",
    ),
    Misuse(
        "reject with a non-exception",
        'txaio.reject(f, "it failed")',
        lambda fw: txaio.reject(_pending(), "it failed"),
        "TypeError, RuntimeError",
        r"error must be an exception or an IFailedFuture, got str",
        "error must be an exception or an IFailedFuture, got str",
    ),
    Misuse(
        "reject with an exception class",
        "txaio.reject(f, KeyError)",
        lambda fw: txaio.reject(_pending(), KeyError),
        "TypeError, RuntimeError",
        r"error must be an exception or an IFailedFuture, got type",
        "error must be an exception or an IFailedFuture, got type",
    ),
    Misuse(
        "reject with no exception to take",
        "txaio.reject(f) outside an except block",
        lambda fw: txaio.reject(_pending()),
        "RuntimeError",
        r"reject\(\) needs an exception: call it inside an 'except' block",
        "reject() needs an exception: call it inside an 'except' block or pass the exception "
        "explicitly",
    ),
    Misuse(
        "cancel a non-future",
        'txaio.cancel("f")',
        lambda fw: txaio.cancel("f"),
        "TypeError",
        r"future must be an? (asyncio Future|Twisted Deferred), got str",
        "future must be an asyncio Future, got str",
        twisted="future must be a Twisted Deferred, got str",
    ),
    Misuse(
        "is_called of a non-future",
        "txaio.is_called(None)",
        lambda fw: txaio.is_called(None),
        "TypeError",
        r"future must be an? (asyncio Future|Twisted Deferred), got NoneType",
        "future must be an asyncio Future, got NoneType",
        twisted="future must be a Twisted Deferred, got NoneType",
    ),
    # -- callbacks and gather
    Misuse(
        "neither callback nor errback",
        "txaio.add_callbacks(f, None, None)",
        lambda fw: txaio.add_callbacks(_pending(), None, None),
        "ValueError",
        r"add_callbacks\(\) needs a callback or an errback \(both are None\)",
        "add_callbacks() needs a callback or an errback (both are None)",
    ),
    Misuse(
        "callback not callable",
        'txaio.add_callbacks(f, "print", None)',
        lambda fw: txaio.add_callbacks(_pending(), "print", None),
        "TypeError",
        r"callback must be callable or None, got str",
        "callback must be callable or None, got str",
    ),
    Misuse(
        "errback not callable",
        "txaio.add_callbacks(f, print, 42)",
        lambda fw: txaio.add_callbacks(_pending(), print, 42),
        "TypeError",
        r"errback must be callable or None, got int",
        "errback must be callable or None, got int",
    ),
    Misuse(
        "callbacks on a non-future",
        "txaio.add_callbacks(42, print, None)",
        lambda fw: txaio.add_callbacks(42, print, None),
        "TypeError",
        r"future must be an? (asyncio Future|Twisted Deferred), got int",
        "future must be an asyncio Future, got int",
        twisted="future must be a Twisted Deferred, got int",
    ),
    Misuse(
        "gather a non-iterable",
        "txaio.gather(42)",
        lambda fw: txaio.gather(42),
        "TypeError",
        r"futures must be a list \(or other iterable\) of futures or coroutines, got int",
        "futures must be a list (or other iterable) of futures or coroutines, got int",
    ),
    Misuse(
        "gather of non-futures",
        "txaio.gather([f, 2])",
        lambda fw: txaio.gather([_pending(), 2]),
        "TypeError",
        r"futures\[1\] must be an? (Future|Deferred) or a coroutine, got int",
        "futures[1] must be a Future or a coroutine, got int",
        twisted="futures[1] must be a Deferred or a coroutine, got int",
    ),
    Misuse(
        "gather of one future",
        "txaio.gather(f)",
        lambda fw: txaio.gather(_pending()),
        "TypeError",
        r"futures must be a list \(or other iterable\) of futures or coroutines, "
        r"got (Future|Deferred): pass gather\(\[f\]\) for one future",
        "futures must be a list (or other iterable) of futures or coroutines, "
        "got Future: pass gather([f]) for one future",
        twisted="futures must be a list (or other iterable) of futures or coroutines, "
        "got Deferred: pass gather([f]) for one future",
    ),
    Misuse(
        "gather of one coroutine",
        "txaio.gather(fetch())",
        _gather_one_coroutine,
        "TypeError",
        r"futures must be a list \(or other iterable\) of futures or coroutines, "
        r"got coroutine: pass gather\(\[coro\]\) for one coroutine",
        "futures must be a list (or other iterable) of futures or coroutines, "
        "got coroutine: pass gather([coro]) for one coroutine",
    ),
    Misuse(
        "gather of a string",
        'txaio.gather("f")',
        lambda fw: txaio.gather("f"),
        "TypeError",
        r"futures must be a list \(or other iterable\) of futures or coroutines, got str",
        "futures must be a list (or other iterable) of futures or coroutines, got str",
    ),
    Misuse(
        "gather of a dict",
        'txaio.gather({"a": f})',
        lambda fw: txaio.gather({"a": _pending()}),
        "TypeError",
        r"futures must be a list \(or other iterable\) of futures or coroutines, got dict: "
        r"a mapping iterates its keys",
        "futures must be a list (or other iterable) of futures or coroutines, got dict: "
        "a mapping iterates its keys; pass gather(list(d.values()))",
    ),
    # -- failures
    # -- Twisted on asyncio: the bridges of txaio.tx
    Misuse(
        "to_asyncio of a non-Deferred",
        "txaio.tx.to_asyncio(42)",
        lambda fw: _twisted_api_on_a_clock().to_asyncio(42),
        "TypeError",
        r"deferred must be a Twisted Deferred, got int",
        "deferred must be a Twisted Deferred, got int",
    ),
    Misuse(
        "from_asyncio of a non-awaitable",
        "txaio.tx.from_asyncio(42)",
        lambda fw: _twisted_api_on_a_clock().from_asyncio(42),
        "TypeError",
        r"awaitable must be an asyncio future or task, a coroutine or another awaitable",
        "awaitable must be an asyncio future or task, a coroutine or another awaitable, got int",
    ),
    Misuse(
        "bridge without the asyncio reactor",
        "txaio.tx.to_asyncio(d) with txaio on task.Clock (not on asyncio)",
        lambda fw: _twisted_api_on_a_clock().to_asyncio(_twisted_api_on_a_clock().create_future()),
        "RuntimeError",
        r"^to_asyncio\(\) needs Twisted's asyncio reactor, and txaio uses Clock",
        "to_asyncio() needs Twisted's asyncio reactor, and txaio uses Clock: call "
        "twisted.internet.asyncioreactor.install() before anything imports the reactor",
    ),
    Misuse(
        "failure of a non-exception",
        'txaio.create_failure("boom")',
        lambda fw: txaio.create_failure("boom"),
        "TypeError",
        r"exception must be an exception instance, got str",
        "exception must be an exception instance, got str",
    ),
    Misuse(
        "failure with no exception to take",
        "txaio.create_failure() outside an except block",
        lambda fw: txaio.create_failure(),
        "RuntimeError",
        r"create_failure\(\) needs an exception: call it inside an 'except' block",
        "create_failure() needs an exception: call it inside an 'except' block or pass the "
        "exception explicitly",
    ),
    Misuse(
        "is_cancelled of a non-failure",
        'txaio.is_cancelled("CancelledError")',
        lambda fw: txaio.is_cancelled("CancelledError"),
        "TypeError",
        r"fail must be an IFailedFuture or an exception, got str",
        "fail must be an IFailedFuture or an exception, got str",
    ),
    Misuse(
        "negative delay",
        "txaio.call_later(-1, print)",
        lambda fw: txaio.call_later(-1, print),
        "ValueError",
        r"delay must be a finite number of seconds >= 0, got -1",
        "delay must be a finite number of seconds >= 0, got -1",
    ),
    Misuse(
        "infinite delay",
        'txaio.call_later(float("inf"), print)',
        lambda fw: txaio.call_later(math.inf, print),
        "ValueError",
        r"delay must be a finite number of seconds >= 0, got inf",
        "delay must be a finite number of seconds >= 0, got inf",
    ),
    Misuse(
        "NaN delay",
        'txaio.call_later(float("nan"), print)',
        lambda fw: txaio.call_later(math.nan, print),
        "ValueError",
        r"delay must be a finite number of seconds >= 0, got nan",
        "delay must be a finite number of seconds >= 0, got nan",
    ),
    Misuse(
        "delay not a number",
        'txaio.call_later("5", print)',
        lambda fw: txaio.call_later("5", print),
        "TypeError",
        r"delay must be a number of seconds \(int or float\), got str",
        "delay must be a number of seconds (int or float), got str",
    ),
    Misuse(
        "delay a bool",
        "txaio.call_later(True, print)",
        lambda fw: txaio.call_later(True, print),
        "TypeError",
        r"delay must be a number of seconds \(int or float\), got bool",
        "delay must be a number of seconds (int or float), got bool",
    ),
    Misuse(
        "timer function not callable",
        'txaio.call_later(1, "print")',
        lambda fw: txaio.call_later(1, "print"),
        "TypeError",
        r"fn must be callable, got str",
        "fn must be callable, got str",
    ),
    Misuse(
        "periodic interval of zero",
        "txaio.call_periodic(0, print)",
        lambda fw: txaio.call_periodic(0, print),
        "ValueError",
        r"interval must be a finite number of seconds > 0, got 0",
        "interval must be a finite number of seconds > 0, got 0",
    ),
    Misuse(
        "periodic interval not a number",
        'txaio.call_periodic("1s", print)',
        lambda fw: txaio.call_periodic("1s", print),
        "TypeError",
        r"interval must be a number of seconds \(int or float\), got str",
        "interval must be a number of seconds (int or float), got str",
    ),
    Misuse(
        "periodic function not callable",
        'txaio.call_periodic(1, "print")',
        lambda fw: txaio.call_periodic(1, "print"),
        "TypeError",
        r"fn must be callable, got str",
        "fn must be callable, got str",
    ),
    Misuse(
        "negative sleep",
        "txaio.sleep(-0.5)",
        lambda fw: txaio.sleep(-0.5),
        "ValueError",
        r"delay must be a finite number of seconds >= 0, got -0\.5",
        "delay must be a finite number of seconds >= 0, got -0.5",
    ),
    Misuse(
        "sleep not a number",
        'txaio.sleep("1")',
        lambda fw: txaio.sleep("1"),
        "TypeError",
        r"delay must be a number of seconds \(int or float\), got str",
        "delay must be a number of seconds (int or float), got str",
    ),
    Misuse(
        "bucket of zero seconds",
        "txaio.make_batched_timer(0)",
        lambda fw: txaio.make_batched_timer(0),
        "ValueError",
        r"bucket_seconds must be a finite number of seconds > 0, got 0",
        "bucket_seconds must be a finite number of seconds > 0, got 0",
    ),
    Misuse(
        "bucket not a number",
        'txaio.make_batched_timer("1s")',
        lambda fw: txaio.make_batched_timer("1s"),
        "TypeError",
        r"bucket_seconds must be a number of seconds \(int or float\), got str",
        "bucket_seconds must be a number of seconds (int or float), got str",
    ),
    Misuse(
        "chunk size of zero",
        "txaio.make_batched_timer(1, chunk_size=0)",
        lambda fw: txaio.make_batched_timer(1, chunk_size=0),
        "ValueError",
        r"chunk_size must be an int >= 1, got 0",
        "chunk_size must be an int >= 1, got 0",
    ),
    Misuse(
        "chunk size not an int",
        "txaio.make_batched_timer(1, chunk_size=2.5)",
        lambda fw: txaio.make_batched_timer(1, chunk_size=2.5),
        "TypeError",
        r"chunk_size must be an int >= 1, got float",
        "chunk_size must be an int >= 1, got float",
    ),
    Misuse(
        "negative batched delay",
        "timer.call_later(-1, print)",
        lambda fw: txaio.make_batched_timer(1).call_later(-1, print),
        "ValueError",
        r"delay must be a finite number of seconds >= 0, got -1",
        "delay must be a finite number of seconds >= 0, got -1",
    ),
    Misuse(
        "batched delay not a number",
        'timer.call_later("1", print)',
        lambda fw: txaio.make_batched_timer(1).call_later("1", print),
        "TypeError",
        r"delay must be a number of seconds \(int or float\), got str",
        "delay must be a number of seconds (int or float), got str",
    ),
    Misuse(
        "batched function not callable",
        "timer.call_later(1, None)",
        lambda fw: txaio.make_batched_timer(1).call_later(1, None),
        "TypeError",
        r"fn must be callable, got NoneType",
        "fn must be callable, got NoneType",
    ),
    # -- timeout and run
    Misuse(
        "negative timeout",
        "txaio.timeout(f, -1)",
        lambda fw: txaio.timeout(_pending(), -1),
        "ValueError",
        r"seconds must be a finite number of seconds >= 0, got -1",
        "seconds must be a finite number of seconds >= 0, got -1",
    ),
    Misuse(
        "timeout of a non-future",
        "txaio.timeout(42, 1)",
        lambda fw: txaio.timeout(42, 1),
        "TypeError",
        r"future_or_coroutine must be an? (Future|Deferred) or a coroutine, got int",
        "future_or_coroutine must be a Future or a coroutine, got int",
        twisted="future_or_coroutine must be a Deferred or a coroutine, got int",
    ),
    Misuse(
        "run of a non-callable",
        "txaio.run(42)",
        lambda fw: txaio.run(42),
        "TypeError",
        r"main must be callable, got int",
        "main must be callable, got int",
    ),
    Misuse(
        "run on an unknown framework",
        'txaio.run(main, framework="trio")',
        lambda fw: txaio.run(print, framework="trio"),
        "ValueError",
        r"framework must be one of \['asyncio', 'twisted'\], got 'trio'",
        "framework must be one of ['asyncio', 'twisted'], got 'trio'",
    ),
    # -- logging
    Misuse(
        "unknown global log level",
        'txaio.set_global_log_level("loud")',
        lambda fw: txaio.set_global_log_level("loud"),
        "InvalidLogLevel",
        r"Invalid log level 'loud': level must be one of none, critical, .*, trace",
        "Invalid log level 'loud': level must be one of none, critical, error, warn, info, "
        "debug, trace",
    ),
    Misuse(
        "unknown logger level",
        'txaio.make_logger("verbose")',
        lambda fw: txaio.make_logger("verbose"),
        "InvalidLogLevel",
        r"Invalid log level 'verbose': level must be one of none, critical, .*, trace",
        "Invalid log level 'verbose': level must be one of none, critical, error, warn, info, "
        "debug, trace",
    ),
    Misuse(
        "unknown start_logging level",
        "txaio.start_logging(level=10)",
        lambda fw: txaio.start_logging(level=10),
        "InvalidLogLevel",
        r"Invalid log level 10: level must be one of none, critical, .*, trace",
        "Invalid log level 10: level must be one of none, critical, error, warn, info, debug, "
        "trace",
    ),
    Misuse(
        "level given twice",
        'txaio.make_logger("info", log_level="debug")',
        lambda fw: txaio.make_logger("info", log_level="debug"),
        "TypeError",
        r"make_logger\(\) takes level or log_level",
        "make_logger() takes level or log_level (the same thing), not both",
    ),
    Misuse(
        "logger class not callable",
        "txaio.make_logger(logger=42)",
        lambda fw: txaio.make_logger(logger=42),
        "TypeError",
        r"logger must be a framework logger class .*, got int",
        "logger must be a framework logger class (called with namespace= and observer=), got int",
    ),
    Misuse(
        "observer not callable",
        "txaio.make_logger(observer=[])",
        lambda fw: txaio.make_logger(observer=[]),
        "TypeError",
        r"observer must be a callable taking an event dict, got list",
        "observer must be a callable taking an event dict, got list",
    ),
    Misuse(
        "Logger made directly",
        'txaio.tx.Logger("warn")',
        lambda fw: txaio.aio.Logger("warn"),
        "TypeError, AssertionError",
        r"a txaio Logger is made by txaio\.make_logger\(",
        "a txaio Logger is made by txaio.make_logger(level, logger=..., observer=...); calling "
        "Logger() directly needs logger, the framework logger class",
    ),
    Misuse(
        "output not a stream",
        "txaio.start_logging(out=42)",
        lambda fw: txaio.start_logging(out=42),
        "TypeError",
        r"out must be a writable text or binary stream .* or None, got int",
        "out must be a writable text or binary stream (with write()) or None, got int",
    ),
    # -- loops
    Misuse(
        "loop of the wrong kind",
        'txaio.with_config(loop="main")',
        lambda fw: txaio.with_config(loop="main"),
        "TypeError",
        r"loop must be an? (asyncio event loop|Twisted reactor).*, got str",
        "loop must be an asyncio event loop (create_future, call_later, time, ...) or None, "
        "got str",
        twisted="loop must be a Twisted reactor or clock (IReactorTime: callLater, seconds) "
        "or None, got str",
    ),
    Misuse(
        "config.loop not a loop",
        'txaio.config.loop = "a string"; txaio.call_later(1, print)',
        _on_a_string_loop(lambda: txaio.call_later(1, print)),
        "TypeError",
        r"txaio\.config\.loop must be an? (asyncio event loop|Twisted reactor).*, got str",
        "txaio.config.loop must be an asyncio event loop (create_future, call_later, time, ...) "
        "or None, got str (it has no 'call_later')",
        twisted="txaio.config.loop must be a Twisted reactor or clock "
        "(IReactorTime: callLater, seconds) or None, got str (it has no 'callLater')",
    ),
    Misuse(
        "config.loop not a loop, batched timer",
        'txaio.config.loop = "a string"; timer.call_later(1, print)',
        _on_a_string_loop(lambda: txaio.make_batched_timer(1).call_later(1, print)),
        "TypeError",
        r"txaio\.config\.loop must be an? (asyncio event loop|Twisted reactor).*, got str",
        "txaio.config.loop must be an asyncio event loop (create_future, call_later, time, ...) "
        "or None, got str (it has no 'time')",
        twisted="txaio.config.loop must be a Twisted reactor or clock "
        "(IReactorTime: callLater, seconds) or None, got str (it has no 'seconds')",
    ),
    Misuse(
        "config.loop not a loop, run_in_thread",
        'txaio.config.loop = "a string"; txaio.run_in_thread(print)',
        _on_a_string_loop(lambda: txaio.run_in_thread(print)),
        "TypeError",
        r"txaio\.config\.loop must be an? (asyncio event loop|Twisted reactor).*, got str",
        "txaio.config.loop must be an asyncio event loop (create_future, call_later, time, ...) "
        "or None, got str (it has no 'run_in_executor')",
        twisted="txaio.config.loop must be a Twisted reactor or clock "
        "(IReactorTime: callLater, seconds) or None, got str (it has no 'getThreadPool')",
    ),
    # -- threads
    Misuse(
        "thread function not callable",
        'txaio.run_in_thread("print")',
        lambda fw: txaio.run_in_thread("print"),
        "TypeError",
        r"fn must be callable, got str",
        "fn must be callable, got str",
    ),
    Misuse(
        "call from a thread, not callable",
        "txaio.call_from_thread(None)",
        lambda fw: txaio.call_from_thread(None),
        "TypeError",
        r"fn must be callable, got NoneType",
        "fn must be callable, got NoneType",
    ),
    Misuse(
        "blocking call from a thread, not callable",
        "txaio.blocking_call_from_thread(42)",
        lambda fw: txaio.blocking_call_from_thread(42),
        "TypeError",
        r"fn must be callable, got int",
        "fn must be callable, got int",
    ),
    Misuse(
        "blocking call on the loop's thread",
        "txaio.blocking_call_from_thread(print), called on the loop's thread",
        lambda fw: txaio.blocking_call_from_thread(print),
        "RuntimeError",
        r"blocking_call_from_thread\(\) was called on the event loop's own thread",
        "blocking_call_from_thread() was called on the event loop's own thread, where it would "
        "wait forever (the loop cannot run while it waits): call the function directly there, "
        "or use txaio.as_future(fn, ...) for its future",
    ),
    Misuse(
        "call from a thread after the loop stopped",
        "txaio.call_from_thread(print), after the loop stopped or closed",
        _on_a_stopped_loop(lambda: txaio.call_from_thread(print)),
        "RuntimeError",
        r"call_from_thread\(\): the event loop has stopped or closed",
        "call_from_thread(): the event loop has stopped or closed, so nothing would run the call "
        "(an application's loop stops when txaio.run returns)",
    ),
]


def _expected_type(misuse: Misuse, framework: str) -> type[BaseException]:
    if misuse.error == "InvalidStateError":
        backend = {"asyncio": "txaio.aio", "twisted": "txaio.tx"}[framework]
        error: type[BaseException] = __import__(backend, fromlist=["_"]).InvalidStateError
        assert issubclass(error, txaio.InvalidStateError)
        return error
    if misuse.error == "InvalidLogLevel":
        # Both a RuntimeError (what callers of the published txaio catch) and a ValueError.
        from txaio._logging import InvalidLogLevel

        return InvalidLogLevel
    if "," in misuse.error:  # one class that is each of these builtins
        both = {
            "TypeError, RuntimeError": "txaio._checks.NotAnError",
            "TypeError, AssertionError": "txaio._logging.LoggerMadeDirectly",
        }[misuse.error]
        module, _, name = both.rpartition(".")
        error = getattr(__import__(module, fromlist=["_"]), name)
        assert all(issubclass(error, getattr(builtins, b)) for b in misuse.error.split(", "))
        return error
    builtin: type[BaseException] = getattr(builtins, misuse.error)
    return builtin


IDS = [m.name.replace(" ", "-") for m in MISUSES]


@pytest.mark.parametrize("misuse", MISUSES, ids=IDS)
def test_misuse_raises_the_documented_error(txaio_framework, misuse):
    with pytest.raises(BaseException) as caught:
        misuse.action(txaio_framework.name)
    assert caught.type is _expected_type(misuse, txaio_framework.name)
    assert re.search(misuse.pattern, str(caught.value)), str(caught.value)
    assert shown(str(caught.value)) == misuse.message_on(txaio_framework.name)


def shown(message: str) -> str:
    """``message`` as the table shows it: a ``file:line`` (which varies) as ``<file>:<line>``."""
    return re.sub(r"(?<= at )\S+:\d+(?=[;.])", "<file>:<line>", message)


@pytest.mark.parametrize("misuse", MISUSES, ids=IDS)
def test_the_shown_messages_match_the_pattern(misuse):
    for framework in ("asyncio", "twisted"):
        assert re.search(misuse.pattern, misuse.message_on(framework))


def test_the_table_has_at_least_fifteen_rows():
    assert len(MISUSES) >= 15
    assert len({m.name for m in MISUSES}) == len(MISUSES)


def docs_table() -> str:
    """The table of ``docs/bad-input.rst``, as :data:`MISUSES` says it must read.

    Two columns, so that it fits the page: the misuse over its example, and
    the exception over its message (asyncio's and Twisted's where they differ).
    """
    lines = [
        ".. list-table:: Misuse and example; the exception and its exact message",
        "   :header-rows: 1",
        "   :widths: 1 1",
        "   :width: 100%",
        "",
        "   * - Misuse and example",
        "     - Exception and message",
    ]
    for misuse in MISUSES:
        lines += [
            f"   * - | **{misuse.name}**",
            f"       | ``{misuse.example}``",
            f"     - | {_shown_error(misuse.error)}",
        ]
        if misuse.twisted is None:
            lines.append(f"       | ``{misuse.message}``")
        else:
            lines.append(f"       | asyncio: ``{misuse.message}``")
            lines.append(f"       | Twisted: ``{misuse.twisted}``")
    return "\n".join(lines) + "\n"


def _shown_error(error: str) -> str:
    """``TypeError``, or ``TypeError`` (also a ``RuntimeError``) for a class that is both."""
    first, *others = error.split(", ")
    shown = f"``{first}``"
    for other in others:
        article = "an" if other[0] in "AEIOU" else "a"
        shown += f" (also {article} ``{other}``)"
    return shown


def test_docs_table_lists_every_row_in_order():
    table = docs_table()
    assert table in DOCS_PAGE.read_text(encoding="utf-8"), (
        f"docs/bad-input.rst must contain this table:\n\n{table}"
    )


BAD_DELAYS = [-1, -0.5, math.inf, math.nan, "5", None, True, [1]]


def _error_of(action: Callable[[], object]) -> tuple[type[BaseException], str]:
    with pytest.raises((TypeError, ValueError)) as caught:
        action()
    return caught.type, str(caught.value)


@pytest.mark.parametrize("delay", BAD_DELAYS, ids=repr)
def test_a_bad_delay_reads_the_same_from_every_timer(txaio_framework, delay):
    timer = txaio.make_batched_timer(1)
    errors = {
        _error_of(lambda: txaio.call_later(delay, print)),
        _error_of(lambda: txaio.sleep(delay)),
        _error_of(lambda: timer.call_later(delay, print)),
    }
    assert len(errors) == 1, errors


@pytest.mark.parametrize("fn", [None, 42, "print"], ids=repr)
def test_a_function_that_is_not_callable_reads_the_same_everywhere(txaio_framework, fn):
    timer = txaio.make_batched_timer(1)
    errors = {
        _error_of(lambda: txaio.call_later(1, fn)),
        _error_of(lambda: txaio.call_periodic(1, fn)),
        _error_of(lambda: timer.call_later(1, fn)),
        _error_of(lambda: txaio.as_future(fn)),
    }
    assert errors == {(TypeError, f"fn must be callable, got {type(fn).__name__}")}


@pytest.mark.parametrize(
    "delay",
    [0, 0.0, -0.0, 1, 2.5, 1e300, Fraction(1, 3), *BAD_DELAYS, -math.inf, False, 1j],
    ids=repr,
)
def test_call_later_quick_test_agrees_with_check_delay(txaio_framework, delay):
    """call_later tests the delay inline (a hot path): it must accept what check_delay does."""
    try:
        check_delay(delay)
    except (TypeError, ValueError) as exc:
        expected: tuple[type[BaseException], str] | None = (type(exc), str(exc))
    else:
        expected = None
    if expected is None:
        txaio.call_later(delay, print).cancel()
    else:
        assert _error_of(lambda: txaio.call_later(delay, print)) == expected
