"""A real uvloop loop whose timers run on a virtual clock (the ``asyncio-uvloop`` backend).

libuv's clock cannot be moved by hand, so a test of timeout logic cannot use
a plain uvloop loop. :class:`UvloopClock` keeps everything else real --
callbacks, futures and tasks run through uvloop's own ready queue -- and
keeps only ``call_later``/``call_at`` (which ``asyncio.sleep`` and txaio use)
and ``time()`` virtual.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from contextvars import Context
from typing import TYPE_CHECKING, Any

import uvloop

from txaio._checks import check_delay

if TYPE_CHECKING:
    from typing_extensions import TypeVarTuple, Unpack

    _Ts = TypeVarTuple("_Ts")

__all__ = ["UvloopClock"]

#: (when, sequence, handle, callback, args, context) for each virtual timer.
_TimerEntry = tuple[
    float, int, asyncio.TimerHandle, Callable[..., object], tuple[Any, ...], "Context | None"
]


class UvloopClock(uvloop.Loop):
    """uvloop with virtual time, driven like Twisted's ``task.Clock``.

    :meth:`advance` moves the clock and runs the loop one turn at a time
    until a turn schedules nothing new, releasing each due timer into
    uvloop's ready queue in time order. It is called from outside the loop.
    """

    def __init__(self) -> None:
        super().__init__()
        self._virtual_now = 0.0
        self._virtual_timers: list[_TimerEntry] = []
        self._virtual_sequence = itertools.count()
        self._scheduled = 0

    def time(self) -> float:
        """Current virtual time in seconds (starts at 0.0)."""
        return self._virtual_now

    def seconds(self) -> float:
        """Twisted ``IReactorTime`` name for :meth:`time`."""
        return self._virtual_now

    def call_soon(
        self,
        callback: Callable[[Unpack[_Ts]], object],
        *args: Unpack[_Ts],
        context: Context | None = None,
    ) -> asyncio.Handle:
        """uvloop's ``call_soon``, counted so that :meth:`advance` knows when all is done."""
        self._scheduled += 1
        handle: asyncio.Handle = super().call_soon(callback, *args, context=context)
        return handle

    def call_later(
        self,
        delay: float,
        callback: Callable[[Unpack[_Ts]], object],
        *args: Unpack[_Ts],
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        """Schedule ``callback`` at virtual time ``time() + delay``."""
        return self.call_at(self._virtual_now + delay, callback, *args, context=context)

    def call_at(
        self,
        when: float,
        callback: Callable[[Unpack[_Ts]], object],
        *args: Unpack[_Ts],
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        """Schedule ``callback`` at virtual time ``when``."""
        handle = asyncio.TimerHandle(when, callback, args, self, context)
        entry = (when, next(self._virtual_sequence), handle, callback, args, context)
        heapq.heappush(self._virtual_timers, entry)
        return handle

    def _timer_handle_cancelled(self, handle: asyncio.TimerHandle) -> None:
        """Called by ``TimerHandle.cancel()``; :meth:`advance` skips cancelled timers."""

    def advance(self, seconds: float) -> None:
        """Move the clock by ``seconds``; run due timers and ready callbacks."""
        target = self._virtual_now + float(check_delay(seconds, "seconds"))
        self._run_until_idle()
        timers = self._virtual_timers
        while timers and timers[0][0] <= target:
            when, _, handle, callback, args, context = heapq.heappop(timers)
            if handle.cancelled():
                continue
            self._virtual_now = max(self._virtual_now, when)
            super().call_soon(_fire, handle, callback, args, context=context)
            self._run_until_idle()
        self._virtual_now = max(self._virtual_now, target)
        self._run_until_idle()

    def run_pending(self) -> None:
        """Run what is ready without moving the clock."""
        self.advance(0.0)

    def _run_until_idle(self) -> None:
        """Run loop turns until a turn schedules no new callback."""
        while True:
            mark = self._scheduled
            self.stop()
            self.run_forever()
            if self._scheduled == mark:
                return

    def close(self) -> None:
        """Close the loop and forget the pending timers."""
        super().close()
        self._virtual_timers = []


def _fire(
    handle: asyncio.TimerHandle, callback: Callable[..., object], args: tuple[Any, ...]
) -> None:
    """Run a due timer, unless it was cancelled after it became due."""
    if not handle.cancelled():
        callback(*args)
