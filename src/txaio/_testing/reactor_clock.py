"""A Twisted ``task.Clock`` that treats errors in delayed calls like a reactor does."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from twisted.internet.interfaces import IDelayedCall
from twisted.internet.task import Clock
from twisted.logger import Logger

from txaio._checks import check_delay
from txaio._testing.thread_work import ThreadWork
from txaio._testing.virtual_time import ExactSum

_log = Logger(namespace="txaio.testutil")


def _run_logged(function: Callable[..., object], args: Any, kwargs: Any) -> None:
    try:
        function(*args, **kwargs)
    except Exception:
        _log.failure("Unhandled error in a delayed call to {function!r}", function=function)


class ReactorClock(Clock):
    """``task.Clock`` whose ``advance`` logs a delayed call's error and goes on.

    A real reactor logs an exception raised by a ``callLater`` function and
    keeps running; plain ``task.Clock`` raises it out of ``advance`` and skips
    the calls after it. Tests of timer code want the reactor's behaviour.

    Likewise ``advance`` runs each due call at its own time, as a reactor and
    txaio's asyncio clock do: plain ``task.Clock`` first jumps to the end, so
    a call due half-way sees the end time and measures the calls it schedules
    from there. And its steps add up exactly, as on every txaio test clock:
    60 x ``advance(0.1)`` reads 6.0 (plain ``task.Clock``: 5.999999999999995),
    so a call due at 6 runs.

    It also has a reactor's threads (``IReactorThreads``): ``callFromThread``
    queues a call that ``advance`` runs first, in order, and ``getThreadPool``
    is a pool of one worker a test can wait for (``txaio_framework.wait_for_threads()``).
    After :meth:`close` it refuses calls from threads, as a reactor that stopped does.
    """

    def __init__(self) -> None:
        super().__init__()
        self._sum = ExactSum()
        self._txaio_thread_work = ThreadWork()
        self._from_threads: deque[tuple[Callable[..., object], Any, Any]] = deque()

    def advance(self, amount: float) -> None:
        """Move time forward by ``amount``, running each due call at its own time."""
        self._run_calls_from_threads()
        # task.Clock allows moving back (amount < 0); nothing becomes due then.
        target = self._sum.after(self.rightNow, amount)
        while self.calls:
            due = min(call.getTime() for call in self.calls)
            if due > target:
                break
            self.rightNow = max(self.rightNow, due)
            super().advance(0)
            self._run_calls_from_threads()
        self.rightNow = target
        super().advance(0)
        self._run_calls_from_threads()

    def stall(self, seconds: float) -> None:
        """Move the clock by ``seconds`` and run nothing, as if the code running now took
        that long: a busy loop, for tests of what comes late (callable from inside the loop)."""
        self.rightNow = self._sum.after(self.rightNow, check_delay(seconds, "seconds"))

    def callLater(
        self, delay: float, callable: Callable[..., object], *args: object, **kw: object
    ) -> IDelayedCall:
        return super().callLater(delay, _run_logged, callable, args, kw)

    # -- IReactorFromThreads, IReactorThreads -------------------------------------

    def callFromThread(self, callable: Callable[..., object], *args: object, **kw: object) -> None:
        """From any thread: run ``callable`` at the next ``advance``, after earlier ones."""
        self._from_threads.append((callable, args, kw))
        self._txaio_thread_work.arrived()

    def getThreadPool(self) -> ThreadWork:
        """The pool ``deferToThread`` and ``txaio.run_in_thread`` use: one worker, in order."""
        return self._txaio_thread_work

    def callInThread(self, callable: Callable[..., object], *args: object, **kw: object) -> None:
        """Run ``callable`` in the pool's worker."""
        self._txaio_thread_work.callInThread(callable, *args, **kw)

    def suggestThreadPoolSize(self, size: int) -> None:
        """Ignored: tests keep one worker, so results come in a fixed order."""

    def close(self) -> None:
        """Stop as a reactor does: calls from threads are refused, the worker ends."""
        self._txaio_thread_work.shutdown(wait=False)  # txaio reads this as "stopped"

    def _run_calls_from_threads(self) -> None:
        queue = self._from_threads
        for _ in range(len(queue)):  # not those they queue: the next advance runs them
            function, args, kw = queue.popleft()
            _run_logged(function, args, kw)
