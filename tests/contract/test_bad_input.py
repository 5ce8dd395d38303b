"""The bad-input table: each misuse raises one exact exception whose message names the argument.

Every row of :data:`MISUSES` is one test, run on each backend by the
``txaio_framework`` fixture, and one row of the table in ``docs/bad-input.rst``
(a test below keeps the two identical).
"""

from __future__ import annotations

import ast
import builtins
import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import txaio
from txaio.testutil import use_framework

DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "bad-input.rst"


@dataclass(frozen=True)
class Misuse:
    """One row: what is done wrong, and the error it must raise."""

    name: str
    #: The call as the docs show it (``f`` is a pending future).
    example: str
    #: Does the wrong thing; gets the framework's name ("asyncio" or "twisted").
    action: Callable[[str], object]
    #: The exception's class name; ``InvalidStateError`` means the backend's own
    #: subclass of ``txaio.InvalidStateError`` (which is also the framework's error).
    error: str
    #: A regular expression the message must match (it names the argument).
    message: str


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


MISUSES: list[Misuse] = [
    # -- selection
    Misuse(
        "use before selection",
        "txaio.create_future() before use_asyncio()/use_twisted()",
        _before_selection,
        "RuntimeError",
        r"no framework yet: call txaio\.use_asyncio\(\) or txaio\.use_twisted\(\)",
    ),
    Misuse(
        "double selection",
        "txaio.use_twisted() after txaio.use_asyncio() (or the reverse)",
        _select_the_other,
        "RuntimeError",
        r"already uses (asyncio|twisted); it cannot switch to (twisted|asyncio)",
    ),
    Misuse(
        "unknown framework",
        'txaio.testutil.use_framework("trio")',
        _unknown_framework,
        "ValueError",
        r"framework must be one of \['asyncio', 'twisted'\], got 'trio'",
    ),
    # -- creating futures
    Misuse(
        "result and error",
        "txaio.create_future(result=1, error=KeyError())",
        lambda fw: txaio.create_future(result=1, error=KeyError()),
        "ValueError",
        r"create_future\(\) takes result or error, not both",
    ),
    Misuse(
        "error not an exception",
        'txaio.create_future(error="boom")',
        lambda fw: txaio.create_future(error="boom"),
        "TypeError",
        r"error must be an exception or an IFailedFuture, got str",
    ),
    Misuse(
        "canceller not callable",
        'txaio.create_future(canceller="stop")',
        lambda fw: txaio.create_future(canceller="stop"),
        "TypeError",
        r"canceller must be a callable taking the future, got str",
    ),
    Misuse(
        "failed future of a non-exception",
        "txaio.create_future_error(42)",
        lambda fw: txaio.create_future_error(42),
        "TypeError",
        r"error must be an exception or an IFailedFuture, got int",
    ),
    Misuse(
        "as_future of a non-callable",
        "txaio.as_future(42)",
        lambda fw: txaio.as_future(42),
        "TypeError",
        r"fn must be callable, got int",
    ),
    # -- resolving, rejecting, cancelling
    Misuse(
        "resolve a non-future",
        "txaio.resolve(42, 1)",
        lambda fw: txaio.resolve(42, 1),
        "TypeError",
        r"future must be an? (asyncio Future|Twisted Deferred), got int",
    ),
    Misuse(
        "double resolve",
        "txaio.resolve(f, 2) after txaio.resolve(f, 1)",
        lambda fw: txaio.resolve(_resolved(), 2),
        "InvalidStateError",
        r"resolve\(\): the (future is|Deferred has) already",
    ),
    Misuse(
        "resolve after cancel",
        "txaio.resolve(f, 1) after txaio.cancel(f)",
        lambda fw: txaio.resolve(_cancelled(), 1),
        "InvalidStateError",
        r"resolve\(\): the (future is|Deferred has) already",
    ),
    Misuse(
        "reject after resolve",
        "txaio.reject(f, KeyError()) after txaio.resolve(f, 1)",
        lambda fw: txaio.reject(_resolved(), KeyError()),
        "InvalidStateError",
        r"reject\(\): the (future is|Deferred has) already",
    ),
    Misuse(
        "reject with a non-exception",
        'txaio.reject(f, "it failed")',
        lambda fw: txaio.reject(_pending(), "it failed"),
        "TypeError",
        r"error must be an exception or an IFailedFuture, got str",
    ),
    Misuse(
        "reject with an exception class",
        "txaio.reject(f, KeyError)",
        lambda fw: txaio.reject(_pending(), KeyError),
        "TypeError",
        r"error must be an exception or an IFailedFuture, got type",
    ),
    Misuse(
        "reject with no exception to take",
        "txaio.reject(f) outside an except block",
        lambda fw: txaio.reject(_pending()),
        "RuntimeError",
        r"reject\(\) needs an exception: call it inside an 'except' block",
    ),
    Misuse(
        "cancel a non-future",
        'txaio.cancel("f")',
        lambda fw: txaio.cancel("f"),
        "TypeError",
        r"future must be an? (asyncio Future|Twisted Deferred), got str",
    ),
    Misuse(
        "is_called of a non-future",
        "txaio.is_called(None)",
        lambda fw: txaio.is_called(None),
        "TypeError",
        r"future must be an? (asyncio Future|Twisted Deferred), got NoneType",
    ),
    # -- callbacks and gather
    Misuse(
        "neither callback nor errback",
        "txaio.add_callbacks(f, None, None)",
        lambda fw: txaio.add_callbacks(_pending(), None, None),
        "ValueError",
        r"add_callbacks\(\) needs a callback or an errback \(both are None\)",
    ),
    Misuse(
        "callback not callable",
        'txaio.add_callbacks(f, "print", None)',
        lambda fw: txaio.add_callbacks(_pending(), "print", None),
        "TypeError",
        r"callback must be callable or None, got str",
    ),
    Misuse(
        "errback not callable",
        "txaio.add_callbacks(f, print, 42)",
        lambda fw: txaio.add_callbacks(_pending(), print, 42),
        "TypeError",
        r"errback must be callable or None, got int",
    ),
    Misuse(
        "callbacks on a non-future",
        "txaio.add_callbacks(42, print, None)",
        lambda fw: txaio.add_callbacks(42, print, None),
        "TypeError",
        r"future must be an? (asyncio Future|Twisted Deferred), got int",
    ),
    Misuse(
        "gather a non-iterable",
        "txaio.gather(42)",
        lambda fw: txaio.gather(42),
        "TypeError",
        r"futures must be an iterable of futures or coroutines, got int",
    ),
    Misuse(
        "gather of non-futures",
        "txaio.gather([f, 2])",
        lambda fw: txaio.gather([_pending(), 2]),
        "TypeError",
        r"futures\[1\] must be an? (Future|Deferred) or a coroutine, got int",
    ),
    # -- failures
    Misuse(
        "failure of a non-exception",
        'txaio.create_failure("boom")',
        lambda fw: txaio.create_failure("boom"),
        "TypeError",
        r"exception must be an exception instance, got str",
    ),
    Misuse(
        "failure with no exception to take",
        "txaio.create_failure() outside an except block",
        lambda fw: txaio.create_failure(),
        "RuntimeError",
        r"create_failure\(\) needs an exception: call it inside an 'except' block",
    ),
    Misuse(
        "failure_message of a non-failure",
        'txaio.failure_message(KeyError("k"))',
        lambda fw: txaio.failure_message(KeyError("k")),
        "TypeError",
        r"fail must be an IFailedFuture .*, got KeyError",
    ),
    Misuse(
        "failure_traceback of a non-failure",
        "txaio.failure_traceback(None)",
        lambda fw: txaio.failure_traceback(None),
        "TypeError",
        r"fail must be an IFailedFuture .*, got NoneType",
    ),
    Misuse(
        "failure_format_traceback of a non-failure",
        'txaio.failure_format_traceback("tb")',
        lambda fw: txaio.failure_format_traceback("tb"),
        "TypeError",
        r"fail must be an IFailedFuture .*, got str",
    ),
    # -- time
    Misuse(
        "negative delay",
        "txaio.call_later(-1, print)",
        lambda fw: txaio.call_later(-1, print),
        "ValueError",
        r"delay must be a finite number of seconds >= 0, got -1",
    ),
    Misuse(
        "infinite delay",
        'txaio.call_later(float("inf"), print)',
        lambda fw: txaio.call_later(math.inf, print),
        "ValueError",
        r"delay must be a finite number of seconds >= 0, got inf",
    ),
    Misuse(
        "NaN delay",
        'txaio.call_later(float("nan"), print)',
        lambda fw: txaio.call_later(math.nan, print),
        "ValueError",
        r"delay must be a finite number of seconds >= 0, got nan",
    ),
    Misuse(
        "delay not a number",
        'txaio.call_later("5", print)',
        lambda fw: txaio.call_later("5", print),
        "TypeError",
        r"delay must be a number of seconds \(int or float\), got str",
    ),
    Misuse(
        "delay a bool",
        "txaio.call_later(True, print)",
        lambda fw: txaio.call_later(True, print),
        "TypeError",
        r"delay must be a number of seconds \(int or float\), got bool",
    ),
    Misuse(
        "timer function not callable",
        'txaio.call_later(1, "print")',
        lambda fw: txaio.call_later(1, "print"),
        "TypeError",
        r"fn must be callable, got str",
    ),
    Misuse(
        "negative sleep",
        "txaio.sleep(-0.5)",
        lambda fw: txaio.sleep(-0.5),
        "ValueError",
        r"delay must be a finite number of seconds >= 0, got -0\.5",
    ),
    Misuse(
        "bucket of zero seconds",
        "txaio.make_batched_timer(0)",
        lambda fw: txaio.make_batched_timer(0),
        "ValueError",
        r"bucket_seconds must be a finite number > 0, got 0",
    ),
    Misuse(
        "bucket not a number",
        'txaio.make_batched_timer("1s")',
        lambda fw: txaio.make_batched_timer("1s"),
        "TypeError",
        r"bucket_seconds must be a real number \(int or float\), got str",
    ),
    Misuse(
        "chunk size of zero",
        "txaio.make_batched_timer(1, chunk_size=0)",
        lambda fw: txaio.make_batched_timer(1, chunk_size=0),
        "ValueError",
        r"chunk_size must be an int >= 1, got 0",
    ),
    Misuse(
        "chunk size not an int",
        "txaio.make_batched_timer(1, chunk_size=2.5)",
        lambda fw: txaio.make_batched_timer(1, chunk_size=2.5),
        "TypeError",
        r"chunk_size must be an int >= 1, got float",
    ),
    Misuse(
        "negative batched delay",
        "txaio.make_batched_timer(1).call_later(-1, print)",
        lambda fw: txaio.make_batched_timer(1).call_later(-1, print),
        "ValueError",
        r"delay must be a finite number >= 0, got -1",
    ),
    Misuse(
        "batched function not callable",
        "txaio.make_batched_timer(1).call_later(1, None)",
        lambda fw: txaio.make_batched_timer(1).call_later(1, None),
        "TypeError",
        r"func must be callable, got NoneType",
    ),
    # -- logging
    Misuse(
        "unknown global log level",
        'txaio.set_global_log_level("loud")',
        lambda fw: txaio.set_global_log_level("loud"),
        "InvalidLogLevel",
        r"level must be one of none, critical, error, warn, info, debug, trace; got 'loud'",
    ),
    Misuse(
        "unknown logger level",
        'txaio.make_logger("verbose")',
        lambda fw: txaio.make_logger("verbose"),
        "InvalidLogLevel",
        r"level must be one of none, critical, error, warn, info, debug, trace; got 'verbose'",
    ),
    Misuse(
        "unknown start_logging level",
        "txaio.start_logging(level=10)",
        lambda fw: txaio.start_logging(level=10),
        "InvalidLogLevel",
        r"level must be one of none, critical, error, warn, info, debug, trace; got 10",
    ),
    # -- loops
    Misuse(
        "loop of the wrong kind",
        'txaio.with_config(loop="main")',
        lambda fw: txaio.with_config(loop="main"),
        "TypeError",
        r"loop must be an? (asyncio event loop|Twisted reactor).*, got str",
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
    builtin: type[BaseException] = getattr(builtins, misuse.error)
    return builtin


@pytest.mark.parametrize("misuse", MISUSES, ids=[m.name.replace(" ", "-") for m in MISUSES])
def test_misuse_raises_the_documented_error(txaio_framework, misuse):
    with pytest.raises(BaseException) as caught:
        misuse.action(txaio_framework.name)
    assert caught.type is _expected_type(misuse, txaio_framework.name)
    assert re.search(misuse.message, str(caught.value)), str(caught.value)


def test_the_table_has_at_least_fifteen_rows():
    assert len(MISUSES) >= 15
    assert len({m.name for m in MISUSES}) == len(MISUSES)


def _documented_rows() -> list[list[str]]:
    """The rows of the csv-table in the docs page: the indented lines after its options."""
    block = DOCS_PAGE.read_text(encoding="utf-8").split(".. csv-table::", 1)[1]
    rows: list[str] = []
    for line in block.splitlines()[1:]:
        if line.strip().startswith(":"):
            continue
        if rows and not line.strip():
            break
        if line.strip():
            rows.append(line.strip())
    return [[cell.strip("`") for cell in row] for row in csv.reader(rows, skipinitialspace=True)]


def test_docs_table_lists_every_row_in_order():
    expected = [[m.name, m.example, m.error, m.message] for m in MISUSES]
    assert _documented_rows() == expected


def test_the_library_checks_arguments_without_assert():
    package = Path(txaio.__file__).parent
    offenders = [
        f"{path.name}:{node.lineno}"
        for path in sorted(package.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]
    assert offenders == []
