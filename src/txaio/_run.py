"""What both backends' ``txaio.run`` share: Ctrl-C, and leaving an asyncio loop clean.

asyncio's ``Runner`` (3.11+) cancels the main task on the first SIGINT and
raises ``KeyboardInterrupt`` at once on the second; :class:`CtrlC` gives the
Twisted runner and the Python 3.10 asyncio runner that behaviour.
:func:`shut_down_loop` cleans up an asyncio loop as ``asyncio.run`` does: the
asyncio backend's loop on Python 3.10, and the loop under Twisted's asyncio
reactor. Both backends import this module only inside ``run``.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType, TracebackType

TYPE_CHECKING = False  # importing typing is slow (make bench times it); mypy reads True
if TYPE_CHECKING:
    from asyncio import AbstractEventLoop

__all__ = ["CtrlC", "shut_down_loop"]


class CtrlC:
    """While active, the first SIGINT calls ``on_first()``; another raises ``KeyboardInterrupt``.

    It takes over SIGINT only in the main thread and only from Python's
    default handler (a debugger's or the application's own handler is left
    alone), and puts the previous handler back on exit.
    """

    def __init__(self, on_first: Callable[[], object]) -> None:
        self.on_first = on_first
        #: How many SIGINTs arrived while active.
        self.count = 0
        self._previous: object = None

    def __enter__(self) -> CtrlC:
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._previous = signal.signal(signal.SIGINT, self._interrupted)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]
            self._previous = None

    def _interrupted(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1
        if self.count > 1:
            raise KeyboardInterrupt
        self.on_first()


def shut_down_loop(loop: AbstractEventLoop) -> None:
    """Leave ``loop`` as asyncio.run does: tasks cancelled, async generators shut down, closed."""
    import asyncio  # imported already by the backend that calls this

    try:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        for task in pending:
            if not task.cancelled() and task.exception() is not None:
                loop.call_exception_handler(
                    {
                        "message": "unhandled exception while txaio.run() cancelled a task",
                        "exception": task.exception(),
                        "task": task,
                    }
                )
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
