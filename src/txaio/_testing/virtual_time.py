"""The one rule of every txaio test clock, and the timers of the two asyncio ones.

The rule, the same on all four backends:

- ``advance`` steps add up exactly: the clock reads the correctly rounded sum
  of the steps (60 x ``advance(0.1)`` reads 6.0, where adding floats one by
  one gives 5.999999999999995);
- a timer runs once the clock has reached its time (``time() >= when``), and
  never before: no "within the clock's resolution", as asyncio's own loop
  allows.

:class:`ExactSum` keeps the sum (also for the Twisted clock);
:class:`VirtualTimers` gives an asyncio loop (asyncio's own, uvloop's)
virtual time and timers it keeps itself, releasing each into the loop's ready
queue when it is due, so the loop never runs a timer by its own clock.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
from collections.abc import Callable
from contextvars import Context
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from txaio._checks import check_delay
from txaio._testing.thread_work import ThreadWork

if TYPE_CHECKING:
    from typing_extensions import TypeVarTuple, Unpack

    _Ts = TypeVarTuple("_Ts")
    _LoopBase = asyncio.AbstractEventLoop  # what the class is mixed into
else:
    _LoopBase = object

__all__ = ["ExactSum", "VirtualTimers"]

#: (when, sequence, handle, callback, args, context) for each virtual timer.
_TimerEntry = tuple[
    float, int, asyncio.TimerHandle, Callable[..., object], tuple[Any, ...], Context
]


class ExactSum:
    """The exact sum of a clock's steps (as fractions), read as the nearest float."""

    __slots__ = ("_sum",)

    def __init__(self) -> None:
        self._sum = Fraction(0)

    def after(self, start: float, step: float) -> float:
        """The time ``step`` seconds after ``start``, the clock's reading now.

        Steps add up exactly while the clock only moves by them; a clock
        moved otherwise (a loop run directly jumps to its next timer) starts
        a new sum from where it stands.
        """
        if float(self._sum) != start:
            self._sum = Fraction(start)
        self._sum += Fraction(step)
        return float(self._sum)


class VirtualTimers(_LoopBase):
    """Virtual ``time()`` and timers for an asyncio loop class (mixed in before the loop).

    The loop never sees these timers: :meth:`advance` (and, on a loop run
    directly, the subclass when the loop is idle) moves the clock to the next
    due timer and hands it to the loop with ``call_soon``. The subclass calls
    :meth:`_start_virtual_time` before the loop's ``__init__`` and
    :meth:`_start_thread_work` after it, and provides :meth:`_run_until_idle`.

    Thread work (``run_in_executor(None, ...)``, ``asyncio.to_thread``,
    ``txaio.run_in_thread``) runs in the default executor of one worker, in
    order, and a test can wait for it (``txaio_framework.wait_for_threads()``).
    """

    _virtual_now: float
    _virtual_sum: ExactSum
    _virtual_timers: list[_TimerEntry]
    _virtual_sequence: itertools.count[int]
    _compact_above: int
    _txaio_thread_work: ThreadWork

    def _start_virtual_time(self) -> None:
        self._virtual_now = 0.0
        self._virtual_sum = ExactSum()
        self._virtual_timers = []
        self._virtual_sequence = itertools.count()
        self._compact_above = 256

    def _start_thread_work(self) -> None:
        self._txaio_thread_work = ThreadWork()
        self.set_default_executor(self._txaio_thread_work)

    # -- clock -------------------------------------------------------------

    def time(self) -> float:
        """Current virtual time in seconds (starts at 0.0)."""
        return self._virtual_now

    def seconds(self) -> float:
        """Twisted ``IReactorTime`` name for :meth:`time`."""
        return self._virtual_now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` and run everything that
        becomes due, in time order, each at its own time, plus every ready
        callback."""
        step = check_delay(seconds, "seconds")
        if self.is_running():
            raise RuntimeError(
                "advance() cannot be called from inside the running loop; "
                "call it from the test code that drives the loop"
            )
        target = self._virtual_sum.after(self._virtual_now, step)
        self._run_until_idle()
        while self._release_next_timer(until=target):
            self._run_until_idle()
        self._virtual_now = max(self._virtual_now, target)
        self._run_until_idle()

    def run_pending(self) -> None:
        """Run the ready callbacks and due timers without moving the clock."""
        self.advance(0.0)

    def stall(self, seconds: float) -> None:
        """Move the clock by ``seconds`` and run nothing, as if the code running now took
        that long: a busy loop, for tests of what comes late (callable from inside the loop)."""
        step = check_delay(seconds, "seconds")
        self._virtual_now = self._virtual_sum.after(self._virtual_now, step)

    # -- timers ------------------------------------------------------------

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
        if self.is_closed():
            raise RuntimeError("Event loop is closed")
        if context is None:
            context = contextvars.copy_context()  # the caller's, as asyncio takes it
        handle = asyncio.TimerHandle(when, callback, args, self, context)
        entry = (when, next(self._virtual_sequence), handle, callback, args, context)
        heapq.heappush(self._virtual_timers, entry)
        if len(self._virtual_timers) > self._compact_above:
            self._compact_timers()
        return handle

    def _compact_timers(self) -> None:
        """Drop cancelled timers; amortised O(1) per timer, as the threshold
        doubles with the surviving size."""
        self._virtual_timers = [e for e in self._virtual_timers if not e[2].cancelled()]
        heapq.heapify(self._virtual_timers)
        self._compact_above = max(256, 2 * len(self._virtual_timers))

    def _release_next_timer(self, until: float | None) -> bool:
        """Move the clock to the earliest live timer (if due by ``until``) and hand
        every timer due at that time to the loop; False if there is none."""
        timers = self._virtual_timers
        while timers and timers[0][2].cancelled():
            heapq.heappop(timers)
        if not timers or (until is not None and timers[0][0] > until):
            return False
        when = timers[0][0]
        self._virtual_now = max(self._virtual_now, when)
        while timers and timers[0][0] == when:
            _, _, handle, callback, args, context = heapq.heappop(timers)
            if not handle.cancelled():
                self.call_soon(_fire, handle, callback, args, context=context)
        return True

    def _run_until_idle(self) -> None:
        """Run the loop at the current virtual time until nothing is ready."""
        raise NotImplementedError

    # -- calls from threads ---------------------------------------------------

    def call_soon_threadsafe(
        self,
        callback: Callable[[Unpack[_Ts]], object],
        *args: Unpack[_Ts],
        context: Context | None = None,
    ) -> asyncio.Handle:
        """The loop's ``call_soon_threadsafe``, telling a waiting test that a call arrived."""
        handle: asyncio.Handle = super().call_soon_threadsafe(callback, *args, context=context)
        self._txaio_thread_work.arrived()
        return handle

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
