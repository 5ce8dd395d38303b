"""The interfaces txaio promises to its users, independent of the framework.

These are abstract base classes rather than zope interfaces so that the asyncio
side needs no dependency; the Twisted backend registers ``Failure`` as an
``IFailedFuture`` so ``isinstance`` works the same on both frameworks.
"""

from __future__ import annotations

import abc

TYPE_CHECKING = False  # importing typing is slow (make bench times it); mypy reads True
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from txaio._api import Future

__all__ = ["IBatchedTimer", "IFailedFuture", "ILogger", "IPeriodicCall", "log_levels"]

#: Every log level, most severe first. ``"none"`` switches a logger off and
#: ``"trace"`` is below ``"debug"``.
log_levels: list[str] = ["none", "critical", "error", "warn", "info", "debug", "trace"]


class IFailedFuture(abc.ABC):
    """An error delivered to an errback: the exception and where it was raised.

    On asyncio txaio hands errbacks its own implementation; on Twisted this is
    a ``twisted.python.failure.Failure``. Only :attr:`value` is portable; use
    :func:`txaio.failure_message`, :func:`txaio.failure_traceback` and
    :func:`txaio.failure_format_traceback` for the rest.
    """

    __slots__ = ()

    #: The exception instance, as the second item of ``sys.exc_info()``.
    value: BaseException


class ILogger(abc.ABC):
    """What a logger from :func:`txaio.make_logger` offers.

    Each level method takes a :pep:`3101` format string (positionally) and
    keyword values; ``log_time`` and ``log_level`` are added to the values.
    Positional values after the format fill its ``{}`` fields. A method for a
    level that is switched off does nothing, and no method ever raises.
    """

    @abc.abstractmethod
    def critical(self, format: object = None, /, *args: Any, **kwargs: Any) -> None:
        """Log a critical-level message."""

    @abc.abstractmethod
    def error(self, format: object = None, /, *args: Any, **kwargs: Any) -> None:
        """Log an error-level message."""

    @abc.abstractmethod
    def warn(self, format: object = None, /, *args: Any, **kwargs: Any) -> None:
        """Log a warning-level message."""

    def warning(self, format: object = None, /, *args: Any, **kwargs: Any) -> None:
        """Log a warning-level message: :meth:`warn` under the standard library's name.

        Not abstract, so a logger written for the published interface needs no change.
        """
        self.warn(format, *args, **kwargs)

    @abc.abstractmethod
    def info(self, format: object = None, /, *args: Any, **kwargs: Any) -> None:
        """Log an info-level message."""

    @abc.abstractmethod
    def debug(self, format: object = None, /, *args: Any, **kwargs: Any) -> None:
        """Log a debug-level message."""

    @abc.abstractmethod
    def trace(self, format: object = None, /, *args: Any, **kwargs: Any) -> None:
        """Log a trace-level message (below debug)."""

    @abc.abstractmethod
    def emit(self, level: str, format: object = None, /, *args: Any, **kwargs: Any) -> None:
        """Log a message at ``level`` (one of :data:`log_levels`)."""

    @abc.abstractmethod
    def failure(
        self, format: object = None, /, *args: Any, failure: object = None, **kwargs: Any
    ) -> None:
        """Log ``failure`` (default: the exception being handled) with its traceback."""

    @abc.abstractmethod
    def set_log_level(self, level: str, keep: bool = True) -> None:
        """Change this logger's level; ``keep`` keeps it when the global level changes."""


class IBatchedTimer(abc.ABC):
    """A timer that groups many delayed calls into few real loop timers.

    Returned by :func:`txaio.make_batched_timer`. Calls never run before
    their delay and at most one bucket after it.
    """

    @abc.abstractmethod
    def call_later(self, delay: float, fn: Callable[..., object], *args: Any, **kwargs: Any) -> Any:
        """Call ``fn(*args, **kwargs)`` after ``delay`` seconds; the result has ``cancel()``."""


class IPeriodicCall(abc.ABC):
    """What :func:`txaio.call_periodic` returns: a call repeated every ``interval`` seconds.

    It runs until :meth:`cancel` or until ``fn`` fails. :attr:`finished` is a
    future of the selected framework that ends with it.
    """

    __slots__ = ()

    @property
    @abc.abstractmethod
    def running(self) -> bool:
        """True until :meth:`cancel` is called or ``fn`` fails: more ticks will come."""

    @property
    @abc.abstractmethod
    def interval(self) -> float:
        """The seconds between two ticks."""

    @property
    @abc.abstractmethod
    def finished(self) -> Future[None]:
        """A future that ends with the periodic call: None after :meth:`cancel`, the error
        of ``fn`` if it failed.

        It resolves when a tick still running at :meth:`cancel` (a future ``fn``
        returned) is done. Cancelling it cancels the periodic call. An error
        of ``fn`` while nobody has asked for this future is reported like an
        error in a timer (the asyncio loop's exception handler, Twisted's log).
        """

    @abc.abstractmethod
    def cancel(self) -> None:
        """Stop: no tick runs after this (a tick already running finishes); again, nothing."""
