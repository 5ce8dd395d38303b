"""Twisted's asyncio reactor on a virtual-clock loop (the ``twisted-asyncioreactor`` backend)."""

from __future__ import annotations

from typing import Any

from twisted.internet.asyncioreactor import AsyncioSelectorReactor

from txaio._testing.thread_work import ThreadWork
from txaio._testing.virtual_clock import VirtualClockLoop

__all__ = ["AsyncioReactorClock"]


class AsyncioReactorClock(AsyncioSelectorReactor):
    """Twisted's real ``AsyncioSelectorReactor``, running on a :class:`VirtualClockLoop`.

    The one change to the reactor: ``seconds()`` reads the loop's clock (the
    real one reads the wall clock), so moving the loop's virtual time moves
    the reactor's too. It is not installed as ``twisted.internet.reactor``;
    txaio is pointed at it (``txaio.config.loop``) instead.
    """

    def __init__(self) -> None:
        self.loop = VirtualClockLoop()
        super().__init__(self.loop)
        # The loop's thread work: the reactor's own pool would start only once it runs.
        self._txaio_thread_work = self.loop._txaio_thread_work

    def getThreadPool(self) -> ThreadWork:  # type: ignore[override]
        """The loop's pool of one worker, which a test can wait for."""
        return self._txaio_thread_work

    def suggestThreadPoolSize(self, size: int) -> None:
        """Ignored: tests keep one worker, so results come in a fixed order."""

    def seconds(self) -> float:
        """The loop's virtual time."""
        return self.loop.time()

    def advance(self, seconds: float) -> None:
        """Move the loop's virtual clock: due delayed calls and ready callbacks run."""
        self.loop.advance(seconds)

    def stall(self, seconds: float) -> None:
        """Move the clock by ``seconds`` and run nothing, as if the code running now took
        that long: a busy loop, for tests of what comes late (callable from inside the loop)."""
        self.loop.stall(seconds)

    def close(self) -> None:
        """Release the reactor's wake-up pipe and close its loop (once)."""
        if self.loop.is_closed():
            return
        waker: Any = self.waker
        self.removeReader(waker)  # type: ignore[no-untyped-call]
        waker.connectionLost(None)
        self.loop.close()
