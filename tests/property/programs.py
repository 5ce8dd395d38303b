"""Random programs of txaio operations, and an interpreter that records what they do.

A *program* is a list of operations on a pool of futures and timers. The
interpreter runs it under one backend of the matrix with that backend's
virtual clock, letting the loop run everything that is ready after each
operation (asyncio runs done-callbacks on the next loop turn, Twisted at
once: after the flush both have run). It returns the *observable trace*:

- per operation: whether the call returned or raised (and which exception),
  which futures are called, and what ran because of it -- callbacks,
  errbacks, cancellers and timers, each with what it received;
- at the end, the errors the framework reported: those raised by callbacks,
  errbacks and timers (``raised``) and the failures left unhandled
  (``unhandled``), each a sorted list.

Within one operation, the events of each future keep their order (callbacks
run in the order they were added) and timers keep their order; events of
*different* futures are compared as a set, because asyncio runs a gather's
own callbacks a loop turn after the child's, Twisted in the middle of them.

Generated callbacks and errbacks return their input, as docs/contract.rst advises
users (Twisted chains return values, asyncio does not); "raise" callbacks
raise instead.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

import txaio
from txaio._testing.backends import TEST_BACKENDS
from txaio.testutil import replace_loop, use_framework

#: The backends a program is compared on (the first is the reference).
PARITY_BACKENDS = [name for name, backend in TEST_BACKENDS.items() if backend.is_installed()]

# -- operations --------------------------------------------------------------


@dataclass(frozen=True)
class Create:
    with_canceller: bool


@dataclass(frozen=True)
class Resolve:
    target: int
    value: int


@dataclass(frozen=True)
class Reject:
    target: int
    error: int


@dataclass(frozen=True)
class Cancel:
    target: int


@dataclass(frozen=True)
class AddCallbacks:
    target: int
    #: "return" (returns its input), "raise", or None (not given).
    callback: str | None
    errback: str | None


@dataclass(frozen=True)
class Gather:
    targets: tuple[int, ...]
    consume_exceptions: bool


@dataclass(frozen=True)
class CallLater:
    delay: float
    #: Resolve this future from the timer (None: the timer only records that it ran).
    resolves: int | None


@dataclass(frozen=True)
class CancelTimer:
    target: int


@dataclass(frozen=True)
class Advance:
    seconds: float


Operation = (
    Create | Resolve | Reject | Cancel | AddCallbacks | Gather | CallLater | CancelTimer | Advance
)

_index = st.integers(min_value=0, max_value=15)
_seconds = st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
_kind = st.sampled_from(["return", "raise", None])

operations = st.one_of(
    st.builds(Create, st.booleans()),
    st.builds(Resolve, _index, st.integers(0, 9)),
    st.builds(Reject, _index, st.integers(0, 9)),
    st.builds(Cancel, _index),
    st.builds(AddCallbacks, _index, _kind, _kind),
    st.builds(Gather, st.lists(_index, max_size=3).map(tuple), st.booleans()),
    st.builds(CallLater, _seconds, st.none() | _index),
    st.builds(CancelTimer, _index),
    st.builds(Advance, _seconds),
)

#: A program starts with a future so that most operations have something to act on.
programs = st.lists(operations, min_size=1, max_size=25).map(lambda ops: [Create(False), *ops])


# -- running a program -------------------------------------------------------


def describe(value: Any) -> Any:
    """A value as the trace shows it: failures by their message, lists item by item."""
    if isinstance(value, txaio.IFailedFuture):
        return f"failure({txaio.failure_message(value)})"
    if isinstance(value, list):
        return [describe(item) for item in value]
    return value


def outcome_of(error: BaseException | None) -> str:
    """How an operation ended: "ok" or the exception's (backend-neutral) class name."""
    if error is None:
        return "ok"
    if isinstance(error, txaio.InvalidStateError):
        return "InvalidStateError"
    return type(error).__name__


@contextmanager
def running_on(backend_name: str) -> Iterator[tuple[Any, list[str]]]:
    """Select the backend's framework and point txaio at a new virtual clock.

    Yields the clock and the list the framework's reported errors go to.
    """
    backend = TEST_BACKENDS[backend_name]
    reported: list[str] = []

    def record(error: BaseException) -> None:
        reported.append(repr(error))

    with use_framework(backend.framework):
        clock = backend.make_clock()
        try:
            with backend.capture_errors(clock, record), replace_loop(clock):
                yield clock, reported
        finally:
            backend.close_clock(clock)


class Interpreter:
    """Runs one program on the selected backend and records its trace."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.futures: list[Any] = []
        self.timers: list[Any] = []
        self.timers_done: set[int] = set()
        # Futures that take no more callbacks and go to no gather: they went to a
        # gather, or got a callback that raises. On Twisted both change what later
        # callbacks see (see test_parity_regressions.py).
        self.closed: set[int] = set()
        # Events of the current operation: per future, and the timers that ran.
        self.by_future: dict[int, list[Any]] = {}
        self.timer_events: list[Any] = []

    def _record(self, future_id: int, event: Any) -> None:
        self.by_future.setdefault(future_id, []).append(event)

    def _future(self, index: int) -> tuple[int, Any] | None:
        if not self.futures:
            return None
        future_id = index % len(self.futures)
        return future_id, self.futures[future_id]

    def _make_callback(self, future_id: int, tag: int, kind: str | None) -> Any:
        if kind is None:
            return None

        def callback(value: Any) -> Any:
            self._record(future_id, ("callback", tag, describe(value)))
            if kind == "raise":
                raise RuntimeError(f"callback {tag} raised")
            return value

        return callback

    def _make_errback(self, future_id: int, tag: int, kind: str | None) -> Any:
        if kind is None:
            return None

        def errback(fail: Any) -> Any:
            self._record(future_id, ("errback", tag, describe(fail)))
            if kind == "raise":
                raise RuntimeError(f"errback {tag} raised")
            return fail

        return errback

    def _timer_fired(self, timer_id: int, resolves: int | None) -> None:
        self.timers_done.add(timer_id)
        event: tuple[Any, ...] = ("timer", timer_id, self.clock.seconds())
        if resolves is not None:
            target = self._future(resolves)
            if target is not None:
                future_id, future = target
                try:
                    txaio.resolve(future, f"from timer {timer_id}")
                    event += (future_id, "ok")
                except Exception as error:
                    event += (future_id, outcome_of(error))
        self.timer_events.append(event)

    def apply(self, step: int, operation: Operation) -> None:
        """Do one operation; raises what txaio raised."""
        if isinstance(operation, Create):
            future_id = len(self.futures)
            canceller = None
            if operation.with_canceller:

                def canceller(future: Any) -> None:
                    self._record(future_id, ("canceller",))

            self.futures.append(txaio.create_future(canceller=canceller))
        elif isinstance(operation, Gather):
            chosen = {target[0] for target in map(self._future, operation.targets) if target}
            chosen -= self.closed
            self.closed |= chosen
            children = [self.futures[future_id] for future_id in sorted(chosen)]
            self.futures.append(txaio.gather(children, operation.consume_exceptions))
        elif isinstance(operation, CallLater):
            timer_id = len(self.timers)
            # Timers due at the same moment run in no promised order (asyncio's heap
            # and a real reactor's are not stable): a per-timer offset keeps due times apart.
            delay = operation.delay + (timer_id + 1) / 1024
            self.timers.append(
                txaio.call_later(delay, self._timer_fired, timer_id, operation.resolves)
            )
        elif isinstance(operation, CancelTimer):
            # Only pending timers: a native timer's cancel() after it ran or was
            # cancelled differs by framework (see test_parity_regressions.py).
            pending = [timer for timer in range(len(self.timers)) if timer not in self.timers_done]
            if pending:
                timer_id = pending[operation.target % len(pending)]
                self.timers[timer_id].cancel()
                self.timers_done.add(timer_id)
        elif isinstance(operation, Advance):
            self.clock.advance(operation.seconds)
        else:
            target = self._future(operation.target)
            if target is None:
                return
            future_id, future = target
            if isinstance(operation, AddCallbacks) and future_id in self.closed:
                return
            if isinstance(operation, Resolve):
                txaio.resolve(future, operation.value)
            elif isinstance(operation, Reject):
                txaio.reject(future, KeyError(f"error {operation.error}"))
            elif isinstance(operation, Cancel):
                txaio.cancel(future)
            else:
                if "raise" in (operation.callback, operation.errback):
                    self.closed.add(future_id)
                txaio.add_callbacks(
                    future,
                    self._make_callback(future_id, step, operation.callback),
                    self._make_errback(future_id, step, operation.errback),
                )

    def cancel_pending_timers(self) -> None:
        for timer_id, timer in enumerate(self.timers):
            if timer_id not in self.timers_done:
                timer.cancel()

    def step(self, step: int, operation: Operation) -> dict[str, Any]:
        """Do one operation, flush the loop, and return what was observed."""
        self.by_future, self.timer_events = {}, []
        error: BaseException | None = None
        try:
            self.apply(step, operation)
        except Exception as caught:
            error = caught
        self.clock.advance(0)
        return {
            "operation": operation,
            "outcome": outcome_of(error),
            "called": [txaio.is_called(future) for future in self.futures],
            "events": self.by_future,
            "timers": self.timer_events,
        }


def run_program(program: list[Operation], backend_name: str) -> dict[str, Any]:
    """Run ``program`` on ``backend_name``; return its observable trace."""
    with running_on(backend_name) as (clock, reported):
        interpreter = Interpreter(clock)
        steps = [interpreter.step(index, operation) for index, operation in enumerate(program)]
        # Let the framework report what was left unhandled: drop every reference
        # (pending timers hold the interpreter), then collect.
        interpreter.cancel_pending_timers()
        del interpreter
        gc.collect()
        clock.advance(0)
        raised = sorted(message for message in reported if " raised" in message)
        unhandled = sorted(message for message in reported if " raised" not in message)
        return {"steps": steps, "raised": raised, "unhandled": unhandled}


def observable(trace: dict[str, Any]) -> dict[str, Any]:
    """The part of a trace that must be the same on every backend.

    Everything but ``unhandled``: when a failure nobody handled is reported
    follows each framework's own rule (see docs/backends.rst), while an
    error raised by a callback, errback or timer is reported on every one.
    """
    return {"steps": trace["steps"], "raised": trace["raised"]}
