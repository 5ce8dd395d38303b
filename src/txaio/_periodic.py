"""Framework-neutral periodic calls: :func:`txaio.call_periodic`, written once.

A :class:`PeriodicCall` needs only what every backend's :class:`~txaio._api.API`
offers: its clock (``_seconds``), its delayed call (``_schedule``), its
futures and its error reporting (``_report_error``). So the rules below hold
on asyncio and on Twisted, and on each test clock, from one implementation:

* tick ``k`` (``k = 0, 1, 2, ...``) is due at ``start + k * interval``,
  computed from the start each time, so the ticks do not drift; a tick never
  runs before it is due (a loop that wakes early is sent back to sleep).
  Tick 0 runs on the loop's next turn, as ``LoopingCall.start(interval)``
  (``now=True``, what Crossbar.io uses everywhere) runs its first call at once;
* a tick missed because the loop was busy (or because the previous tick's
  future was still running) is skipped: the next tick is the first one due
  at or after the moment the call could run again, and it runs once;
* a tick that returns a future or a coroutine is never overlapped: the next
  tick is scheduled when that future is done;
* an error in ``fn`` (raised, or the failure of its future) stops the
  periodic call; it fails :attr:`PeriodicCall.finished`, or, if nobody has
  asked for that future, it is reported as an error of a timer is.
"""

from __future__ import annotations

import math

from txaio._batched import _delay_until
from txaio._checks import CoroutineType, check_periodic_arguments
from txaio.interfaces import IPeriodicCall

TYPE_CHECKING = False  # importing typing is slow (make bench times it); mypy reads True
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from txaio._api import API, Future
    from txaio.interfaces import IFailedFuture

__all__ = ["PeriodicCall"]


class PeriodicCall(IPeriodicCall):
    """One ``call_periodic(interval, fn, *args, **kwargs)``: its schedule and its state."""

    __slots__ = (
        "_api",
        "_args",
        "_exc",
        "_finished",
        "_fn",
        "_in_tick",
        "_interval",
        "_kwargs",
        "_running",
        "_start",
        "_tick_index",
        "_timer",
        "_unwatched",
    )

    def __init__(
        self,
        api: API,
        interval: float,
        fn: Callable[..., object],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        check_periodic_arguments(interval, fn)
        self._api = api
        self._interval = interval = float(interval)
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._start = start = api._seconds()
        if start + interval <= start:
            raise ValueError(
                f"interval {interval!r} is too small for the loop's clock, which reads {start!r}"
            )
        self._tick_index = 0
        self._running = True
        self._in_tick = False  # fn is running, or its future is not done yet
        self._exc: BaseException | None = None
        self._finished: Any = None  # made when asked for (see finished)
        self._unwatched = False  # its owner cancelled it: nobody awaits the outcome
        self._timer: Any = None
        self._schedule_next()

    def __repr__(self) -> str:
        state = "running" if self._running else "stopped"
        return f"<txaio PeriodicCall every {self._interval!r}s {state} {self._fn!r}>"

    # -- the public face ---------------------------------------------------

    @property
    def running(self) -> bool:
        return self._running

    @property
    def interval(self) -> float:
        return self._interval

    @property
    def finished(self) -> Future[None]:
        future: Future[None] | None = self._finished
        if future is None:
            api = self._api
            future = api.create_future(canceller=self._finished_cancelled)
            self._finished = future
            if not self._running and not self._in_tick:
                if self._exc is None:
                    api.resolve(future, None)
                else:
                    api.reject(future, self._exc)
        return future

    def cancel(self) -> None:
        if not self._running:
            return
        self._running = False
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        if not self._in_tick:
            self._end()

    # -- the schedule --------------------------------------------------------

    def _due(self, index: int) -> float:
        return self._start + index * self._interval

    def _schedule_next(self) -> None:
        """Schedule the first tick due at or after now (skipping those that were missed)."""
        now = self._api._seconds()
        index = self._tick_index
        if self._due(index) < now:
            index = max(index, math.ceil((now - self._start) / self._interval))
            while self._due(index) < now:  # float rounding of the division
                index += 1
        self._tick_index = index
        self._timer = self._api._schedule(_delay_until(self._due(index), now), self._tick)

    def _tick(self) -> None:
        self._timer = None
        if not self._running:
            return
        if self._api._seconds() < self._due(self._tick_index):  # the loop woke early
            self._schedule_next()
            return
        self._tick_index += 1
        self._in_tick = True
        try:
            result = self._fn(*self._args, **self._kwargs)
        except (KeyboardInterrupt, SystemExit):
            self._in_tick = False
            self.cancel()
            raise
        except BaseException as exc:
            self._tick_failed(exc)
            return
        api = self._api
        if type(result) is CoroutineType:
            result = api._from_coroutine(result)
        elif not isinstance(result, api._future_type):
            self._tick_done(None)
            return
        api.add_callbacks(result, self._tick_done, self._tick_failed_with)

    def _tick_done(self, value: object) -> None:
        self._in_tick = False
        if self._running:
            self._schedule_next()
        else:
            self._end()  # cancelled while the tick ran

    def _tick_failed_with(self, fail: IFailedFuture) -> None:
        self._tick_failed(fail.value)

    def _tick_failed(self, exc: BaseException) -> None:
        self._in_tick = False
        self._running = False
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        self._exc = exc
        self._end()

    def _end(self) -> None:
        """The periodic call is over: tell ``finished``, or report an error nobody awaits."""
        future = self._finished
        exc = self._exc
        if future is None or self._unwatched:
            if exc is not None:
                self._api._report_error(exc)
            return
        if exc is None:
            self._api.resolve(future, None)
        else:
            self._api.reject(future, exc)

    def _finished_cancelled(self, future: object) -> None:
        """Cancelling :attr:`finished` cancels the periodic call."""
        self._unwatched = True
        self.cancel()
