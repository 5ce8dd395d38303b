"""A real uvloop loop whose timers run on a virtual clock (the ``asyncio-uvloop`` backend).

libuv's clock cannot be moved by hand, so a test of timeout logic cannot use
a plain uvloop loop. :class:`UvloopClock` keeps everything else real --
callbacks, futures and tasks run through uvloop's own ready queue -- and
keeps only ``call_later``/``call_at`` (which ``asyncio.sleep`` and txaio use)
and ``time()`` virtual, with the timers of
:class:`~txaio._testing.virtual_time.VirtualTimers` (shared with the asyncio
clock).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextvars import Context
from typing import TYPE_CHECKING

import uvloop

from txaio._testing.virtual_time import VirtualTimers

if TYPE_CHECKING:
    from typing_extensions import TypeVarTuple, Unpack

    _Ts = TypeVarTuple("_Ts")

__all__ = ["UvloopClock"]


# mypy reads VirtualTimers as an AbstractEventLoop, whose stubs differ from uvloop.Loop's in
# methods neither class here touches (sock_sendfile, start_tls, subprocess_exec ...).
class UvloopClock(VirtualTimers, uvloop.Loop):  # type: ignore[misc]
    """uvloop with virtual time, driven like Twisted's ``task.Clock``.

    :meth:`advance` moves the clock and runs the loop one turn at a time
    until a turn schedules nothing new, releasing the due timers into
    uvloop's ready queue in time order. It is called from outside the loop.
    Steps add up exactly and no timer runs before its time, as on every
    txaio test clock.
    """

    def __init__(self) -> None:
        self._start_virtual_time()
        super().__init__()
        self._scheduled = 0
        self._start_thread_work()

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

    def call_soon_threadsafe(
        self,
        callback: Callable[[Unpack[_Ts]], object],
        *args: Unpack[_Ts],
        context: Context | None = None,
    ) -> asyncio.Handle:
        """Counted like :meth:`call_soon`, so that ``advance`` runs another turn for it."""
        self._scheduled += 1
        return super().call_soon_threadsafe(callback, *args, context=context)

    def _timer_handle_cancelled(self, handle: asyncio.TimerHandle) -> None:
        """Called by ``TimerHandle.cancel()``; :meth:`advance` skips cancelled timers."""

    def _run_until_idle(self) -> None:
        """Run loop turns until a turn schedules no new callback."""
        while True:
            mark = self._scheduled
            self.stop()
            self.run_forever()
            if self._scheduled == mark:
                return
