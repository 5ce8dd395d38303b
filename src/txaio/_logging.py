"""Logging: levels, formatting, categories and output, once for every framework.

A txaio logger (:func:`make_logger`) formats nothing itself. A call at an
enabled level builds one *event*, a dict of the caller's keyword values plus
``log_format``, ``log_level``, ``log_namespace``, ``log_time`` (and
``log_failure``, ``log_category``, ``txaio_problem`` when they apply), and hands
it to the *sink* of the selected framework:

- before selection and on asyncio, the standard library's :mod:`logging`
  (:class:`StdlibSink`, defined here because it does not depend on asyncio);
- on Twisted, ``twisted.logger`` (the sink lives in ``txaio.tx``).

Everything else is shared: the levels, the no-op methods of switched-off
levels, the message format (:func:`format_message`), log categories, the
output line of :func:`start_logging` (:func:`format_line`) and the rule that
a log call never raises into its caller.

A switched-off level costs one call of an empty function: each logger holds
its six level methods as instance attributes, bound either to a per-level
emitter or to the shared :func:`_nothing`, and every live logger is re-bound
when the global level changes (loggers are kept in a weak registry).

Importing this module imports neither :mod:`logging` nor :mod:`threading`:
they are imported when a message is first emitted or output is started.
"""

from __future__ import annotations

import sys
import time
from _weakref import ref as _weak_ref  # the C type behind weakref.ref: `import weakref` is slower

from txaio._failure import FailedFuture, failure_message, format_traceback, safe_str
from txaio.interfaces import IFailedFuture, ILogger, log_levels

TYPE_CHECKING = False  # typing costs ~8 ms to import; mypy treats this name as True
if TYPE_CHECKING:
    import logging
    import threading
    from collections.abc import Callable, Mapping
    from types import FrameType, TracebackType
    from typing import Any

    Event = dict[str, Any]

__all__ = [
    "PUBLIC_FUNCTIONS",
    "STDLIB_SINK",
    "InvalidLogLevel",
    "LogSink",
    "Logger",
    "Output",
    "StdlibSink",
    "add_log_categories",
    "format_line",
    "format_message",
    "format_time",
    "get_global_log_level",
    "make_logger",
    "safe_str",
    "set_global_log_level",
    "start_logging",
]

#: The logging functions ``txaio`` and both backend modules export.
PUBLIC_FUNCTIONS: tuple[str, ...] = (
    "make_logger",
    "start_logging",
    "set_global_log_level",
    "get_global_log_level",
    "add_log_categories",
)

#: Position of each level in ``log_levels``: a logger at level ``A`` emits a
#: call at level ``L`` when ``_RANK[L] <= _RANK[A]`` ("none" is 0: nothing).
_RANK: dict[str, int] = {name: rank for rank, name in enumerate(log_levels)}
#: The levels that have a logger method, most severe first.
_METHOD_LEVELS: tuple[str, ...] = tuple(log_levels[1:])

#: The standard library's numbers for txaio's levels; "trace" is 5 (named TRACE).
STDLIB_LEVELS: dict[str, int] = {
    "none": 51,  # above CRITICAL: nothing passes
    "critical": 50,
    "error": 40,
    "warn": 30,
    "info": 20,
    "debug": 10,
    "trace": 5,
}

#: Python's flag for function code (not module or class-body code): inspect.CO_OPTIMIZED.
_CO_OPTIMIZED = 0x0001


class InvalidLogLevel(RuntimeError, ValueError):
    """A log level that is not one of :data:`txaio.interfaces.log_levels`.

    A ``RuntimeError`` (what callers of the published txaio catch) and a
    ``ValueError`` (what it is: a bad argument).
    """


def check_level(level: object, argument: str = "level") -> str:
    """Return ``level`` if it is a txaio level name; else raise naming ``argument``."""
    if isinstance(level, str) and level in _RANK:
        return level
    raise InvalidLogLevel(f"{argument} must be one of {', '.join(log_levels)}; got {level!r}")


# -- global state ---------------------------------------------------------------

_global_level: str = "info"
_categories: dict[str, str] = {}
#: Weak references to every live Logger; a dead one removes itself.
_loggers: set[Any] = set()


def get_global_log_level() -> str:
    """The level of every txaio logger that has no level of its own (default ``"info"``)."""
    return _global_level


def set_global_log_level(level: str) -> None:
    """Set the level of every txaio logger, existing and future, and of the output.

    Loggers given their own level (``make_logger(level)``, or
    ``set_log_level(level, keep=True)``) keep it. After :func:`start_logging`
    this also changes what reaches the output.
    """
    global _global_level
    _global_level = check_level(level)
    for reference in list(_loggers):
        logger = reference()
        if logger is not None and not logger._keep:
            logger._bind(_global_level)
    if _output is not None:
        _stdlib().getLogger().setLevel(STDLIB_LEVELS[_global_level])


def add_log_categories(categories: Mapping[str, str]) -> None:
    """Add (or replace) log categories: ``{"CODE": "format string"}``.

    A log call with ``log_category="CODE"`` uses the category's format
    (its own format string, if any, is only used for unknown categories).
    """
    try:
        items = list(categories.items())
    except AttributeError:
        raise TypeError(
            "categories must be a mapping of category code (str) to format string (str), "
            f"got {type(categories).__name__}"
        ) from None
    for code, format in items:
        if not isinstance(code, str) or not isinstance(format, str):
            raise TypeError(
                "categories must map category codes (str) to format strings (str), "
                f"got {code!r}: {type(format).__name__}"
            )
    _categories.update(items)


# -- loggers ----------------------------------------------------------------------


def _nothing(format: object = None, /, **kwargs: object) -> None:
    """Every switched-off level method: it does nothing, as fast as Python can.

    Its signature is the level methods' own: a ``*args`` catch-all would
    build a tuple on every call.
    """


def _emitter(namespace: str, level: str) -> Callable[..., None]:
    """The method for ``level`` of loggers in ``namespace`` while that level is on.

    A closure over plain values (not over the logger), so a logger holding
    its own methods is not a reference cycle.
    """

    def log(format: object = None, /, **kwargs: Any) -> None:
        _publish(namespace, level, format, kwargs, None, None)

    log.__name__ = log.__qualname__ = level
    return log


class Logger(ILogger):
    """A txaio logger: ``critical``, ``error``, ``warn``, ``info``, ``debug``, ``trace``.

    Each level method takes a :pep:`3101` format string (positional) and
    keyword values. Methods of levels above the logger's level are a shared
    no-op. ``emit``, ``failure`` and ``set_log_level`` complete the API.
    """

    __slots__ = (
        "_emitters",
        "_keep",
        "_level",
        "critical",
        "debug",
        "error",
        "info",
        "namespace",
        "trace",
        "warn",
    )

    critical: Callable[..., None]
    error: Callable[..., None]
    warn: Callable[..., None]
    info: Callable[..., None]
    debug: Callable[..., None]
    trace: Callable[..., None]

    def __init__(self, namespace: str, level: str | None = None) -> None:
        #: The logger's name: ``module.Class``, ``module.function`` or ``module``.
        self.namespace = namespace
        self._emitters = tuple(_emitter(namespace, name) for name in _METHOD_LEVELS)
        self._keep = level is not None
        self._bind(_global_level if level is None else level)
        _loggers.add(_weak_ref(self, _loggers.discard))

    def __repr__(self) -> str:
        return f"<txaio Logger {self.namespace!r} level={self._level!r}>"

    @property
    def log_level(self) -> str:
        """The logger's current level."""
        return self._level

    def _bind(self, level: str) -> None:
        """Switch each level method on (its emitter) or off (the shared no-op)."""
        self._level = level
        rank = _RANK[level]
        for index, name in enumerate(_METHOD_LEVELS):
            setattr(self, name, self._emitters[index] if index < rank else _nothing)

    def set_log_level(self, level: str, keep: bool = True) -> None:
        """Set this logger's level.

        With ``keep`` (the default) it stays when the global level changes;
        without, the next :func:`set_global_log_level` overrides it.
        """
        level = check_level(level)
        self._keep = bool(keep)
        self._bind(level)

    def emit(self, level: str, format: object = None, /, **kwargs: Any) -> None:
        """Log at ``level``, given by name (a Twisted ``LogLevel`` works too).

        An unknown level does not raise: the message is logged at ``"error"``
        with the problem named.
        """
        name = getattr(level, "name", level)
        problem = None
        if name not in _RANK or name == "none":
            problem = (
                f"unknown log level {level!r}, logged as error (levels: {', '.join(log_levels)})"
            )
            name = "error"
        if _RANK[name] <= _RANK[self._level]:
            _publish(self.namespace, name, format, kwargs, None, problem)

    def failure(self, format: object = None, /, failure: object = None, **kwargs: Any) -> None:
        """Log a failure with its traceback, at critical level.

        ``failure`` is an ``IFailedFuture`` (or an exception); by default the
        exception being handled. The failure is the value ``log_failure``, so
        the format can say ``"{log_failure.value}"``; without a format the
        message is the failure's one-line message.
        """
        if self.critical is _nothing:
            return
        problem = None
        fail: IFailedFuture | None = None
        if failure is None:
            value = sys.exc_info()[1]
            if value is None:
                problem = "failure() was called outside an 'except' block and without a failure"
            else:
                fail = FailedFuture(value, value.__traceback__)
        elif isinstance(failure, IFailedFuture):
            fail = failure
        elif isinstance(failure, BaseException):
            fail = FailedFuture(failure)
        else:
            problem = (
                f"failure must be an IFailedFuture or an exception, got {type(failure).__name__}"
            )
        _publish(self.namespace, "critical", format, kwargs, fail, problem)


def make_logger(level: str | None = None, *, namespace: str | None = None) -> Logger:
    """A new logger, named after where it is made.

    In a class body or a method the name is ``module.Class``, in a function
    ``module.function``, at module level ``module``; ``namespace`` overrides
    it. Without ``level`` the logger follows the global level.
    """
    if level is not None:
        level = check_level(level)
    if namespace is None:
        namespace = _caller_namespace(sys._getframe(1))
    elif not isinstance(namespace, str):
        raise TypeError(f"namespace must be a str or None, got {type(namespace).__name__}")
    return Logger(namespace, level)


def _caller_namespace(frame: FrameType) -> str:
    """``module.Class`` (class body or method), ``module.function`` or ``module``."""
    code = frame.f_code
    module = str(frame.f_globals.get("__name__", "__main__"))
    if code.co_name == "<module>":
        return module
    if not code.co_flags & _CO_OPTIMIZED:  # a class body
        names = frame.f_locals
        return f"{names.get('__module__', module)}.{names.get('__qualname__', code.co_name)}"
    qualname: str | None = getattr(code, "co_qualname", None)  # Python 3.11+
    if qualname is None:
        first = code.co_varnames[0] if code.co_argcount else None
        owner = frame.f_locals.get(first) if first in ("self", "cls") else None
        if owner is None:
            return f"{module}.{code.co_name}"
        cls = owner if isinstance(owner, type) else type(owner)
        return f"{cls.__module__}.{cls.__qualname__}"
    path, _, _function = qualname.rpartition(".")
    if path and not path.endswith("<locals>"):  # a method: name its class
        qualname = path
    return f"{module}.{qualname.replace('.<locals>', '')}"


# -- publishing: from a logger call to the sink, never raising ------------------------


def _publish(
    namespace: str,
    level: str,
    format: object,
    values: Event,
    failure: IFailedFuture | None,
    problem: str | None,
) -> None:
    """Complete the event and hand it to the current sink; report (not raise) any error."""
    try:
        category = values.get("log_category")
        if category is not None:
            format = _categories.get(category, format)
        values["log_format"] = format
        values["log_level"] = level
        values["log_namespace"] = namespace
        values["log_time"] = time.time()
        if failure is not None:
            values["log_failure"] = failure
        if problem is not None:
            values["txaio_problem"] = problem
        _sink.emit(values)
    except Exception as exc:
        _report(
            f"a log call at {level} in {namespace} failed inside txaio "
            f"({type(exc).__name__}: {safe_str(exc)}); its format was {safe_repr(format)}"
        )


def _report(problem: str) -> None:
    """Tell standard error about a logging problem that has nowhere else to go."""
    try:
        sys.stderr.write(f"txaio: {problem}\n")
        sys.stderr.flush()
    except Exception:
        pass  # standard error itself is broken: nothing is left to tell


def report_error(exc: BaseException, doing: str) -> None:
    """Tell standard error that ``doing`` failed with ``exc`` (for sinks and observers)."""
    _report(f"logging failed while {doing}: {type(exc).__name__}: {safe_str(exc)}")


def safe_repr(value: object) -> str:
    """``repr(value)`` that never raises."""
    try:
        return repr(value)
    except Exception as exc:
        return f"<{type(value).__name__} instance: repr() raised {type(exc).__name__}>"


# -- formatting: shared by every sink and by the output ----------------------------------


def format_message(event: Mapping[str, Any]) -> str:
    """The text of a txaio event; never raises.

    ``log_format`` is filled from the event's values (attribute and index
    access work). If that fails, the text is the format itself followed by
    the error, so nothing is lost.
    """
    format = event.get("log_format")
    problems: list[str] = []
    if format is None:
        failure = event.get("log_failure")
        category = event.get("log_category")
        if failure is not None:
            text = failure_message(failure)
        elif category is not None:
            text = ""
            problems.append(f"log_category {safe_repr(category)} has no format")
        else:
            text = ""
    elif isinstance(format, str):
        try:
            text = format.format_map(event)
        except Exception as exc:
            text = format
            problems.append(f"could not format the message: {type(exc).__name__}: {safe_str(exc)}")
    else:
        text = safe_str(format)
    problem = event.get("txaio_problem")
    if problem is not None:
        problems.insert(0, safe_str(problem))
    if problems:
        note = f"[txaio: {'; '.join(problems)}]"
        text = f"{text} {note}" if text else note
    return text


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


def failure_traceback_text(failure: object) -> str:
    """The traceback text of an IFailedFuture (txaio's or a Twisted ``Failure``); never raises."""
    try:
        value: BaseException = failure.value  # type: ignore[attr-defined]
        get_traceback = getattr(failure, "getTracebackObject", None)
        tb = get_traceback() if get_traceback is not None else getattr(failure, "tb", None)
        return format_traceback(value, tb if tb is not None else value.__traceback__)
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


# -- sinks: where a framework's events go ---------------------------------------------


class LogSink:
    """Where events go for one framework; the base class does nothing."""

    def emit(self, event: Event) -> None:
        """Deliver one txaio event (the sink may keep and change the dict)."""

    def start_output(self, output: Output) -> None:
        """Also write this framework's own log events to ``output``."""

    def stop_output(self) -> None:
        """Stop what :meth:`start_output` started."""


_stdlib_module: Any = None


def _stdlib() -> Any:
    """The :mod:`logging` module, imported on first use (and TRACE named)."""
    global _stdlib_module
    if _stdlib_module is None:
        import logging

        if logging.getLevelName(STDLIB_LEVELS["trace"]) == f"Level {STDLIB_LEVELS['trace']}":
            logging.addLevelName(STDLIB_LEVELS["trace"], "TRACE")
        _stdlib_module = logging
    return _stdlib_module


class StdlibSink(LogSink):
    """txaio events as standard library records (before selection and on asyncio).

    A record goes to ``logging.getLogger(namespace)`` with the formatted
    message, the failure as ``exc_info``, the caller's file and line, and the
    event as ``record.txaio_event``. The message is formatted only if the
    standard library logger is enabled for the level -- or if
    :func:`start_logging` is active: then txaio's own levels decide.
    """

    def emit(self, event: Event) -> None:
        logger: logging.Logger = _stdlib().getLogger(event["log_namespace"])
        number = STDLIB_LEVELS[event["log_level"]]
        if _output is None and not logger.isEnabledFor(number):
            return
        failure = event.get("log_failure")
        exc_info = None
        if failure is not None:
            tb = getattr(failure, "tb", None)
            exc_info = (type(failure.value), failure.value, tb or failure.value.__traceback__)
        try:
            caller = sys._getframe(3)  # emit <- _publish <- the logger method <- its caller
            where = (caller.f_code.co_filename, caller.f_lineno, caller.f_code.co_name)
        except ValueError:
            where = ("(unknown file)", 0, "(unknown function)")
        record = logger.makeRecord(
            logger.name,
            number,
            where[0],
            where[1],
            format_message(event),
            (),
            exc_info,
            where[2],
            {"txaio_event": event},
        )
        logger.handle(record)


#: The sink each framework registered (``txaio.aio`` and ``txaio.tx`` do, on import).
_sinks: dict[str, LogSink] = {}
#: The standard library's sink: before selection and on asyncio.
STDLIB_SINK = StdlibSink()
_sink: LogSink = STDLIB_SINK


def register_sink(framework: str, sink: LogSink) -> None:
    """Make ``sink`` the destination of txaio events while ``framework`` is selected."""
    _sinks[framework] = sink


def use_framework_sink(framework: str | None) -> None:
    """Switch to the selected framework's sink (None: the standard library's).

    Called on every selection; an active output follows the switch.
    """
    global _sink
    sink = STDLIB_SINK if framework is None else _sinks.get(framework, STDLIB_SINK)
    if sink is _sink:
        return
    if _output is not None:
        _sink.stop_output()
        sink.start_output(_output)
    _sink = sink


# -- output: start_logging ---------------------------------------------------------------


class Output:
    """The stream :func:`start_logging` writes to, text or binary; writing never raises.

    If the stream fails (closed, broken pipe...), the line goes to standard
    error instead, and the failure is reported there once.
    """

    def __init__(self, stream: Any) -> None:
        import io
        import threading

        self.stream = stream
        self.binary = isinstance(stream, (io.RawIOBase, io.BufferedIOBase))
        self.reported = False
        self._writing: threading.local = threading.local()

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
            stderr = sys.stderr
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


_output: Output | None = None
_root_handler: Any = None


def start_logging(out: Any = None, level: str = "info") -> None:
    """Write log lines to ``out`` (default: ``sys.stdout``) from ``level`` up.

    Each line is ``<ISO 8601 local time with offset> <message>``, followed by
    the traceback for failures. ``out`` is a text or a binary stream. The
    output shows every message of txaio loggers, of standard library loggers
    and (on Twisted) of ``twisted.logger`` and ``twisted.python.log``; the
    global level (:func:`set_global_log_level`) applies to all of them.
    Calling it again replaces the previous output and level.

    An unknown ``level`` raises :class:`InvalidLogLevel`, a ``RuntimeError``.
    """
    global _output
    level = check_level(level)
    if out is None:
        out = sys.stdout
    elif not callable(getattr(out, "write", None)):
        raise TypeError(
            f"out must be a writable text or binary stream (with write()), got {type(out).__name__}"
        )
    stop_logging()
    output = Output(out)
    _output = output
    set_global_log_level(level)
    _install_root_handler(output)
    _sink.start_output(output)


def stop_logging() -> None:
    """Undo :func:`start_logging` (its handler and observer go); the levels stay."""
    global _output, _root_handler
    if _output is None:
        return
    _sink.stop_output()
    if _root_handler is not None:
        _stdlib().getLogger().removeHandler(_root_handler)
        _root_handler = None
    _output = None


def _install_root_handler(output: Output) -> None:
    """Show standard library records in ``output``, at the global level (like basicConfig)."""
    global _root_handler
    root = _stdlib().getLogger()
    root.setLevel(STDLIB_LEVELS[_global_level])
    _root_handler = _handler_class()(output)
    root.addHandler(_root_handler)


_handler_type: Any = None


def _handler_class() -> Any:
    """The ``logging.Handler`` that writes records to an :class:`Output` (made once)."""
    global _handler_type
    if _handler_type is not None:
        return _handler_type
    stdlib = _stdlib()

    class OutputHandler(stdlib.Handler):  # type: ignore[misc,name-defined]
        """Writes each record as ``<time> <message>`` (plus traceback) to an Output."""

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

    _handler_type = OutputHandler
    return OutputHandler


def level_shown(level: str) -> bool:
    """Whether the output shows a non-txaio message at ``level`` (a txaio level name)."""
    return _RANK[level] <= _RANK[_global_level]
