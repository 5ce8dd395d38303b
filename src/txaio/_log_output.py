"""The output of :func:`txaio.start_logging`: log lines written to a stream.

Nothing here runs until ``start_logging(out)`` is called with a stream, so
``import txaio``, :func:`txaio.make_logger` and log calls never import this
module (``txaio._logging`` imports it in ``start_logging``; the Twisted
backend's output observer imports it when output starts). It is the same on
every framework: an :class:`Output` wraps the stream, :func:`format_line`
makes each ``<time> <message>`` line, and :class:`OutputHandler` shows the
standard library's records in it. What differs per framework is the sink's
``start_output`` hook (``txaio.tx`` adds an observer of Twisted's events).

It imports no other txaio module but :mod:`txaio._failure`, so
``txaio._logging`` can import it lazily without a cycle: what it needs from
the logging core (the stream for its own problems) it is given.
"""

from __future__ import annotations

import io
import logging
import threading
import time

from txaio._failure import format_traceback, safe_repr, safe_str, traceback_of

TYPE_CHECKING = False  # mypy reads True
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType
    from typing import Any

__all__ = [
    "Output",
    "OutputHandler",
    "exc_info_traceback_text",
    "failure_traceback_text",
    "format_line",
    "format_time",
]


# -- one line: time, message, traceback -------------------------------------------

_last_time: tuple[int, str] = (0, "")  # (whole second, its text): lines come in bursts


def format_time(when: float) -> str:
    """``when`` as ISO 8601 local time with its UTC offset: ``2016-01-21T01:02:03-0100``."""
    global _last_time
    second = int(when // 1)
    if _last_time[0] == second and _last_time[1]:
        return _last_time[1]
    local = time.localtime(second)
    offset = local.tm_gmtoff or 0
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(abs(offset) // 60, 60)
    text = f"{time.strftime('%Y-%m-%dT%H:%M:%S', local)}{sign}{hours:02d}{minutes:02d}"
    _last_time = (second, text)
    return text


def format_line(when: float | None, message: str, traceback: str | None = None) -> str:
    """One output line: ``<time> <message>``, then the traceback if there is one.

    ``when`` is seconds since the epoch (None: now). A message that ends
    with newlines (a formatted traceback, say) gets no blank line after it.
    """
    message = message.rstrip("\n")
    line = f"{format_time(time.time() if when is None else when)} {message}\n"
    if traceback:
        line += traceback if traceback.endswith("\n") else traceback + "\n"
    return line


def failure_traceback_text(fail: object) -> str:
    """The traceback text of an IFailedFuture (txaio's or a Twisted ``Failure``); never raises."""
    try:
        return format_traceback(fail.value, traceback_of(fail))  # type: ignore[attr-defined,arg-type]
    except Exception as exc:
        return f"(no traceback: {type(exc).__name__}: {safe_str(exc)})\n"


def exc_info_traceback_text(
    exc_info: tuple[type[BaseException], BaseException, TracebackType | None],
) -> str:
    """The traceback text of a ``sys.exc_info()`` triple; never raises."""
    try:
        return format_traceback(exc_info[1], exc_info[2])
    except Exception as exc:
        return f"(no traceback: {type(exc).__name__}: {safe_str(exc)})\n"


# -- the stream ---------------------------------------------------------------------


class Output:
    """The stream :func:`start_logging` writes to, text or binary; writing never raises.

    If the stream fails (closed, broken pipe...), the line goes to standard
    error instead (``stderr()`` gives it: the selected framework's), and the
    failure is reported there once.
    """

    def __init__(self, stream: Any, stderr: Callable[[], Any]) -> None:
        self.stream = stream
        self.stderr = stderr
        self.binary = isinstance(stream, (io.RawIOBase, io.BufferedIOBase))
        self.reported = False
        self._writing: threading.local = threading.local()
        self._handler: OutputHandler | None = None

    def emit(self, when: float | None, message: str, traceback: str | None = None) -> None:
        """Write one log line."""
        self.write(format_line(when, message, traceback))

    def write(self, text: str) -> None:
        """Write ``text`` to the stream and flush it, or fall back to standard error.

        A line logged while writing (a stream that logs, such as Twisted's
        redirected standard output) is dropped rather than looping forever.
        """
        if getattr(self._writing, "active", False):
            return
        self._writing.active = True
        try:
            self._write(text)
        except Exception as exc:
            self._fall_back(text, exc)
        finally:
            self._writing.active = False

    def _write(self, text: str) -> None:
        stream = self.stream
        if self.binary:
            stream.write(text.encode("utf-8", "backslashreplace"))
        else:
            try:
                stream.write(text)
            except TypeError:  # a binary stream we did not recognise
                stream.write(text.encode("utf-8", "backslashreplace"))
                self.binary = True
        flush = getattr(stream, "flush", None)
        if flush is not None:
            flush()

    def _fall_back(self, text: str, exc: Exception) -> None:
        try:
            stderr = self.stderr()
            if not self.reported:
                self.reported = True
                stderr.write(
                    f"txaio: could not write log output to {safe_repr(self.stream)} "
                    f"({type(exc).__name__}: {safe_str(exc)}); "
                    "log lines go to standard error instead\n"
                )
            stderr.write(text)
            stderr.flush()
        except Exception:
            pass  # standard error is broken too: nothing is left to tell

    # -- the standard library's records (like logging.basicConfig) -----------------

    def show_stdlib_records(self) -> None:
        """Show the records of standard library loggers: a handler on the root logger."""
        self._handler = OutputHandler(self)
        logging.getLogger().addHandler(self._handler)

    def stop(self) -> None:
        """Remove the root logger's handler that :meth:`show_stdlib_records` added."""
        if self._handler is not None:
            logging.getLogger().removeHandler(self._handler)
            self._handler = None


class OutputHandler(logging.Handler):
    """Writes each record as ``<time> <message>`` (plus traceback) to an :class:`Output`."""

    def __init__(self, output: Output) -> None:
        super().__init__()
        self.output = output

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception as exc:
            message = (
                f"{safe_str(record.msg)} [txaio: could not format the message: "
                f"{type(exc).__name__}: {safe_str(exc)}]"
            )
        traceback = None
        if record.exc_info and record.exc_info[1] is not None:
            traceback = exc_info_traceback_text(record.exc_info)
        if record.stack_info:
            traceback = (traceback or "") + record.stack_info + "\n"
        self.output.emit(record.created, message, traceback)
