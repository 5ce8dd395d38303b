"""Ctrl-C while ``txaio.run`` runs an application, the same way on both frameworks.

asyncio's ``Runner`` (3.11+) cancels the main task on the first SIGINT and
raises ``KeyboardInterrupt`` at once on the second; :class:`CtrlC` gives the
Twisted runner and the Python 3.10 asyncio runner that behaviour.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType, TracebackType

__all__ = ["CtrlC"]


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
