"""An asyncio event loop whose clock is virtual.

Tests of timeout logic should neither sleep nor depend on how fast the
machine is.  Twisted has ``twisted.internet.task.Clock`` for that;
:class:`VirtualClockLoop` gives asyncio code the same thing: time starts at
``0.0`` and only moves when the test calls :meth:`VirtualClockLoop.advance`.

It is a real :class:`asyncio.SelectorEventLoop` (futures, tasks,
``asyncio.sleep``, ``asyncio.wait_for`` and ``asyncio.timeout`` all work);
only ``time()`` and the way the loop waits differ.  It uses no private
asyncio attribute: it learns what the loop is waiting for from the timeout
the loop passes to its selector, and keeps its own heap of the timers
created through ``call_at`` (which ``call_later`` uses).  Those two are
asyncio's behaviour rather than its documented API, so
``tests/test_private_hooks.py`` checks both on every Python we test.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import selectors
import time
from collections.abc import Callable, Mapping
from contextvars import Context
from typing import TYPE_CHECKING, Any

from txaio._checks import check_delay

if TYPE_CHECKING:
    from _typeshed import FileDescriptorLike
    from typing_extensions import TypeVarTuple, Unpack

    _Ts = TypeVarTuple("_Ts")

__all__ = ["VirtualClockLoop"]

_SelectResult = list[tuple[selectors.SelectorKey, int]]


class _VirtualSelector(selectors.BaseSelector):
    """Delegates to a real selector, but lets the loop decide each poll.

    asyncio's ``_run_once`` passes ``select()`` the time it would sleep: 0
    when callbacks are ready or a timer is due, otherwise the time to the
    next timer (``None`` if there is none).  That is exactly the "is the loop
    idle?" signal :class:`VirtualClockLoop` needs.
    """

    def __init__(
        self,
        on_select: Callable[[float | None, Callable[[float | None], _SelectResult]], _SelectResult],
    ) -> None:
        self._real = selectors.DefaultSelector()
        self._on_select = on_select

    def register(
        self, fileobj: FileDescriptorLike, events: int, data: Any = None
    ) -> selectors.SelectorKey:
        """Delegate to the real selector."""
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj: FileDescriptorLike) -> selectors.SelectorKey:
        """Delegate to the real selector."""
        return self._real.unregister(fileobj)

    def modify(
        self, fileobj: FileDescriptorLike, events: int, data: Any = None
    ) -> selectors.SelectorKey:
        """Delegate to the real selector."""
        return self._real.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> _SelectResult:
        """Let the loop choose the real timeout and react to idleness."""
        return self._on_select(timeout, self._real.select)

    def close(self) -> None:
        """Close the real selector."""
        self._real.close()

    def get_key(self, fileobj: FileDescriptorLike) -> selectors.SelectorKey:
        """Delegate to the real selector."""
        return self._real.get_key(fileobj)

    def get_map(self) -> Mapping[FileDescriptorLike, selectors.SelectorKey]:
        """Delegate to the real selector."""
        return self._real.get_map()


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """asyncio event loop with a virtual clock, driven like Twisted's Clock.

    ``time()`` (alias ``seconds()``) returns virtual seconds, starting at
    ``0.0``.  :meth:`advance` moves the clock forward and runs, in time
    order, every callback that becomes due, including callbacks scheduled
    while advancing if they fall inside the window, and every ready
    (``call_soon``) callback along the way.  ``advance(0)`` (alias
    :meth:`run_pending`) runs only what is ready now.

    Futures and tasks: ``fut.set_result(x)`` only *schedules* the done
    callbacks (asyncio always does), so after
    ``fut = loop.create_future(); fut.add_done_callback(cb); fut.set_result(1)``
    call ``loop.advance(0)`` to run ``cb``.  Likewise a task created with
    ``loop.create_task(coro)`` runs its first step on the next ``advance``;
    an ``await asyncio.sleep(5)`` inside it resumes once the clock has been
    advanced by 5 seconds in total.

    ``advance`` never waits on real I/O: each poll uses timeout 0.  It must
    be called from outside the loop (like ``run_until_complete``).

    Running the loop directly (``run_until_complete``, ``run_forever``,
    ``asyncio.run(..., loop_factory=VirtualClockLoop)``) also works: when
    nothing is ready the clock jumps straight to the next timer instead of
    sleeping, so a coroutine that sleeps an hour finishes at once.  Only if
    no timer at all is pending does it wait on real I/O, as any loop would
    (e.g. for ``call_soon_threadsafe`` from an executor thread).

    Like every asyncio loop, a timer may run up to one clock resolution
    (``time.get_clock_info('monotonic').resolution``, ~1e-9 s) before its
    exact time.
    """

    def __init__(self) -> None:
        # Set before the base __init__ in case it reads the clock.
        self._now = 0.0
        # (when, sequence, handle) for every timer made through call_at.
        self._timers: list[tuple[float, int, asyncio.TimerHandle]] = []
        self._timer_seq = itertools.count()
        self._compact_above = 256
        self._advancing = False
        self._idle_stopped = False
        # BaseEventLoop (CPython 3.10-3.13) moves a timer to the ready queue
        # when ``when < time() + time.get_clock_info('monotonic').resolution``;
        # the same expression here predicts which timers an iteration runs.
        self._resolution = time.get_clock_info("monotonic").resolution
        super().__init__(selector=_VirtualSelector(self._virtual_select))

    # -- clock -------------------------------------------------------------

    def time(self) -> float:
        """Current virtual time in seconds (starts at 0.0)."""
        return self._now

    def seconds(self) -> float:
        """Twisted ``IReactorTime`` name for :meth:`time`."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` and run everything that
        becomes due, in time order, plus every ready callback."""
        step = float(check_delay(seconds, "seconds"))
        if self.is_running():
            raise RuntimeError(
                "advance() cannot be called from inside the running loop; "
                "call it from the test code that drives the loop"
            )
        target = self._now + step
        self._run_until_idle()
        while True:
            when = self._next_timer()
            if when is None or when > target:
                break
            self._now = max(self._now, when)
            self._run_until_idle()
        if target > self._now:
            self._now = target
            self._run_until_idle()

    def run_pending(self) -> None:
        """Run the ready callbacks and due timers without moving the clock."""
        self.advance(0.0)

    # -- timers ------------------------------------------------------------

    def call_at(
        self,
        when: float,
        callback: Callable[[Unpack[_Ts]], object],
        *args: Unpack[_Ts],
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        """Schedule like asyncio does, and remember the timer so that
        :meth:`advance` knows where the next one is."""
        handle = super().call_at(when, callback, *args, context=context)
        heapq.heappush(self._timers, (handle.when(), next(self._timer_seq), handle))
        if len(self._timers) > self._compact_above:
            self._compact_timers()
        return handle

    def _compact_timers(self) -> None:
        """Drop cancelled and already-due entries; amortised O(1) per timer
        because the threshold doubles with the surviving size."""
        now = self._now
        self._timers = [
            entry for entry in self._timers if entry[0] > now and not entry[2].cancelled()
        ]
        heapq.heapify(self._timers)
        self._compact_above = max(256, 2 * len(self._timers))

    def _next_timer(self) -> float | None:
        """Time of the earliest live timer, forgetting cancelled ones and
        ones that already ran (everything at or before now, once idle)."""
        timers = self._timers
        while timers and (timers[0][0] <= self._now or timers[0][2].cancelled()):
            heapq.heappop(timers)
        return timers[0][0] if timers else None

    def _timers_due_this_iteration(self) -> bool:
        """Whether the current loop iteration will run a timer, i.e. one
        with ``when < time() + resolution`` (mirrors BaseEventLoop).

        asyncio runs a timer up to one clock resolution early; virtual time
        moves to the timer's own time first, so a callback never sees the
        clock before its deadline (and one that re-arms itself "until the
        deadline" cannot spin forever at a time a hair too early).
        """
        end_time = self.time() + self._resolution
        timers = self._timers
        due = False
        while timers and (timers[0][0] < end_time or timers[0][2].cancelled()):
            when, _, handle = heapq.heappop(timers)
            if not handle.cancelled():
                due = True
                if when > self._now:
                    self._now = when
        return due

    # -- running -----------------------------------------------------------

    def _run_until_idle(self) -> None:
        """Run loop iterations at the current virtual time until nothing is
        ready and no timer is due."""
        self._advancing = True
        try:
            while True:
                self._idle_stopped = False
                self.run_forever()
                if self._idle_stopped:
                    break
                # Some callback called stop(): keep going until really idle.
        finally:
            self._advancing = False

    def _virtual_select(
        self,
        timeout: float | None,
        real_select: Callable[[float | None], _SelectResult],
    ) -> _SelectResult:
        """Decide one poll of the loop (called from the selector).

        ``timeout == 0`` means the loop has ready callbacks, a due timer, or
        is stopping: poll and go on.  Anything else means the loop is idle
        at the current virtual time.
        """
        if timeout == 0:
            return real_select(0)
        events = real_select(0)
        if events or self._timers_due_this_iteration():
            return events  # this iteration still has work; look again next time
        if self._advancing:
            self._idle_stopped = True
            self.stop()
            return events
        when = self._next_timer()
        if when is not None:
            # Running directly: jump to the next timer instead of sleeping.
            self._now = max(self._now, when)
            return events
        if timeout is not None:
            # A timer we did not see being created (not made through
            # call_at): jump by the loop's own estimate rather than hang.
            self._now += timeout
            return events
        # Nothing scheduled at all: wait for real I/O like any loop.
        return real_select(timeout)

    def close(self) -> None:
        """Close the loop and forget the remembered timers."""
        super().close()
        self._timers = []
