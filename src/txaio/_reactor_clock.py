"""A Twisted ``task.Clock`` that treats errors in delayed calls like a reactor does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet.base import DelayedCall
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
    """

    def callLater(
        self, delay: float, callable: Callable[..., object], *args: object, **kw: object
    ) -> DelayedCall:
        return super().callLater(delay, _run_logged, callable, args, kw)
