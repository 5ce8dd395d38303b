"""An asyncio event loop whose clock is virtual.

Tests of timeout logic should neither sleep nor depend on how fast the
machine is.  Twisted has ``twisted.internet.task.Clock`` for that;
:class:`VirtualClockLoop` gives asyncio code the same thing: time starts at
``0.0`` and only moves when the test calls :meth:`VirtualClockLoop.advance`.

It is a real :class:`asyncio.SelectorEventLoop` (futures, tasks,
``asyncio.sleep``, ``asyncio.wait_for`` and ``asyncio.timeout`` all work);
only ``time()``, the timers and the way the loop waits differ.  It uses no
private asyncio attribute: it keeps the timers itself
(:class:`~txaio._testing.virtual_time.VirtualTimers`, shared with the uvloop
clock) and hands each to the loop with ``call_soon`` when it is due, and it
learns that the loop is idle from the timeout the loop passes to its
selector.  That timeout and ``TimerHandle``'s constructor are asyncio's
behaviour rather than its documented API, so ``tests/test_private_hooks.py``
checks both on every Python we test.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from txaio._testing.virtual_time import VirtualTimers

if TYPE_CHECKING:
    from _typeshed import FileDescriptorLike

__all__ = ["VirtualClockLoop"]

_SelectResult = list[tuple[selectors.SelectorKey, int]]


class _VirtualSelector(selectors.BaseSelector):
    """Delegates to a real selector, but lets the loop decide each poll.

    asyncio's ``_run_once`` passes ``select()`` the time it would sleep: 0
    when callbacks are ready, otherwise the time to its next timer (``None``
    if there is none; :class:`VirtualClockLoop` leaves it none).  That is
    exactly the "is the loop idle?" signal :class:`VirtualClockLoop` needs.
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


class VirtualClockLoop(VirtualTimers, asyncio.SelectorEventLoop):
    """asyncio event loop with a virtual clock, driven like Twisted's Clock.

    ``time()`` (alias ``seconds()``) returns virtual seconds, starting at
    ``0.0``.  :meth:`advance` moves the clock forward and runs, in time
    order, every callback that becomes due, including callbacks scheduled
    while advancing if they fall inside the window, and every ready
    (``call_soon``) callback along the way.  ``advance(0)`` (alias
    :meth:`run_pending`) runs only what is ready now.

    The steps of ``advance`` add up exactly (60 x ``advance(0.1)`` reads
    6.0), and a timer runs once the clock reaches its time, never before --
    not even by the clock resolution a real asyncio loop allows -- the rule
    of every txaio test clock.

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
    """

    def __init__(self) -> None:
        self._start_virtual_time()  # before the base __init__, in case it reads the clock
        self._advancing = False
        self._idle_stopped = False
        super().__init__(selector=_VirtualSelector(self._virtual_select))
        self._start_thread_work()

    # -- running -----------------------------------------------------------

    def _run_until_idle(self) -> None:
        """Run loop iterations at the current virtual time until nothing is ready."""
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

        ``timeout == 0`` means the loop has ready callbacks or is stopping:
        poll and go on.  Anything else means the loop is idle (it holds no
        timer of its own: they are all kept virtual).
        """
        if timeout == 0:
            return real_select(0)
        events = real_select(0)
        if events:
            return events  # this iteration still has work; look again next time
        if self._advancing:
            self._idle_stopped = True
            self.stop()
            return events
        if self._release_next_timer(until=None):
            return events  # running directly: jump to the next timer instead of sleeping
        # Nothing scheduled at all: wait for real I/O like any loop.
        return real_select(timeout)
