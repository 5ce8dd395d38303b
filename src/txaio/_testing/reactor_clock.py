"""A Twisted ``task.Clock`` that treats errors in delayed calls like a reactor does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet.interfaces import IDelayedCall
from twisted.internet.task import Clock
from twisted.logger import Logger

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
    from there.
    """

    def advance(self, amount: float) -> None:
        """Move time forward by ``amount``, running each due call at its own time."""
        if amount < 0:  # task.Clock allows moving back; nothing becomes due
            super().advance(amount)
            return
        target = self.rightNow + amount
        while self.calls:
            due = min(call.getTime() for call in self.calls)
            if due > target:
                break
            self.rightNow = max(self.rightNow, due)
            super().advance(0)
        self.rightNow = target
        super().advance(0)

    def callLater(
        self, delay: float, callable: Callable[..., object], *args: object, **kw: object
    ) -> IDelayedCall:
        return super().callLater(delay, _run_logged, callable, args, kw)
