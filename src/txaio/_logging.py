"""Logging: levels, formatting, categories and output, once for every framework.

A txaio logger (:func:`make_logger`, class :class:`Logger`) holds its
level and, underneath, a *framework logger* (``_logger``) with the shape of
``twisted.logger.Logger``: ``emit(level, format, **values)`` and
``failure(format, failure, level, **values)``. A call at an enabled level
prepares the format (positional values, stray braces, log categories, the
``txaio_trace`` flag for trace) and hands it to that framework logger, which
builds the *event*, a dict of the caller's values plus ``log_format``,
``log_level``, ``log_namespace``, ``log_time`` and ``log_failure``:

- before selection and on asyncio it is a :class:`StdlibLogger`: the event
  becomes a standard library :mod:`logging` record (or goes to the logger's
  observer);
- on Twisted it is a ``twisted.logger.Logger``: the event is a Twisted event
  (``txaio.tx`` holds that *sink*).

Everything else is shared: the levels, the no-op methods of switched-off
levels, the message format (:func:`format_message`), log categories,
:func:`start_logging` and the rule that a log call never raises into its
caller.

A switched-off level costs one call of an empty function: each logger holds
its six level methods as instance attributes, bound either to a per-level
emitter or to the shared :func:`_nothing`, and every live logger is re-bound
when the global level changes (loggers are kept in a weak registry).

Importing this module imports neither :mod:`logging` nor :mod:`threading`:
they are imported when a message is first emitted or output is started.

One module with six sections (global state, loggers, publishing, formatting,
sinks, output), and one seam: writing the output (the stream, its lines and
timestamps, the root logger's handler) is :mod:`txaio._log_output`, imported
by :func:`start_logging` only. Every module that ``import txaio`` loads has
a fixed cost (``make bench`` row 8 times it): a package of six modules
(tried once) read better but imported measurably slower, so the sections
that every program needs stay sections of this file, and only what a
program that never starts output does not need is a module of its own.
"""

from __future__ import annotations

import _string  # type: ignore[import-not-found]  # string.Formatter's C parser: no stub
import sys
import time
from _weakref import ref as _weak_ref  # the C type behind weakref.ref: `import weakref` is slower

from txaio._failure import FailedFuture, failure_message, safe_repr, safe_str
from txaio.interfaces import IFailedFuture, ILogger, log_levels

TYPE_CHECKING = False  # importing typing is slow (make bench times it); mypy reads True
if TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Mapping
    from types import FrameType
    from typing import Any

    from txaio._log_output import Output

    Event = dict[str, Any]

__all__ = [
    "STDLIB_SINK",
    "InvalidLogLevel",
    "LogSink",
    "Logger",
    "LoggerMadeDirectly",
    "StdlibLogger",
    "StdlibSink",
    "add_log_categories",
    "format_message",
    "get_global_log_level",
    "make_logger",
    "safe_str",
    "set_global_log_level",
    "start_logging",
]

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

#: What a frame without a local ``self`` gives (``None`` is a possible ``self``).
_NO_SELF = object()


class InvalidLogLevel(RuntimeError, ValueError):
    """A log level that is not one of :data:`txaio.interfaces.log_levels`.

    A ``RuntimeError`` (what callers of the published txaio catch) and a
    ``ValueError`` (what it is: a bad argument).
    """


def check_level(level: object, argument: str = "level") -> str:
    """Return ``level`` if it is a txaio level name; else raise naming ``argument``."""
    if isinstance(level, str) and level in _RANK:
        return level
    raise InvalidLogLevel(
        f"Invalid log level {level!r}: {argument} must be one of {', '.join(log_levels)}"
    )


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


def _nothing(format: object = None, /, *args: object, **kwargs: object) -> None:
    """Every switched-off level method: it does nothing, as fast as Python can."""


class LoggerMadeDirectly(TypeError, AssertionError):
    """``Logger(...)`` was called without the framework logger ``make_logger`` provides.

    An ``AssertionError`` too: the published txaio asserted here, and
    Crossbar.io's tests expect that class.
    """


class _Target:
    """Where one txaio logger's events go: the framework logger underneath it.

    The level methods close over this small object rather than over the
    logger, so a logger holding its own methods is not a reference cycle,
    and selecting a framework can swap the framework logger in place.
    """

    __slots__ = ("logger", "logger_class", "namespace", "observer")

    def __init__(self, namespace: str, logger_class: Any, observer: Any) -> None:
        self.namespace = namespace
        #: The framework logger class given to make_logger (``logger=``), or None:
        #: the selected framework's (its sink's ``logger_class``).
        self.logger_class = logger_class
        self.observer = observer
        self.logger: Any = None
        self.connect()

    def connect(self) -> None:
        """Make the framework logger: the given class, else the selected framework's."""
        logger_class = self.logger_class if self.logger_class is not None else _sink.logger_class
        self.logger = logger_class(namespace=self.namespace, observer=self.observer)


def _emitter(target: _Target, level: str) -> Callable[..., None]:
    """The method for ``level`` of a logger while that level is on."""

    def log(format: object = None, /, *args: object, **kwargs: Any) -> None:
        _publish(target, level, format, args, kwargs, None)

    log.__name__ = log.__qualname__ = level
    return log


class Logger(ILogger):
    """A txaio logger: ``critical``, ``error``, ``warn``, ``info``, ``debug``, ``trace``.

    ``warning`` is ``warn`` under the standard library's name.

    Made by :func:`make_logger`. Each level method takes a :pep:`3101` format
    string and keyword values (positional values fill ``{}`` fields).
    Methods of levels above the logger's level are a shared no-op; the
    others hand the call to the framework logger ``_logger`` (a
    ``twisted.logger.Logger`` on Twisted). ``emit``, ``failure`` and
    ``set_log_level`` complete the API.
    """

    __slots__ = (
        "_emitters",
        "_keep",
        "_log_level",
        "_target",
        "critical",
        "debug",
        "error",
        "info",
        "trace",
        "warn",
        "warning",
    )

    critical: Callable[..., None]
    error: Callable[..., None]
    warn: Callable[..., None]
    warning: Callable[..., None]
    info: Callable[..., None]
    debug: Callable[..., None]
    trace: Callable[..., None]

    def __init__(
        self,
        level: str | None = None,
        logger: Any = None,
        namespace: str | None = None,
        observer: Callable[[Event], object] | None = None,
    ) -> None:
        if logger is None:
            raise LoggerMadeDirectly(
                "a txaio Logger is made by txaio.make_logger(level, logger=..., observer=...); "
                "calling Logger() directly needs logger, the framework logger class"
            )
        if level is not None:
            level = check_level(level)
        if namespace is None:
            namespace = _caller_namespace(sys._getframe(1))
        self._setup(level, logger, namespace, observer)

    def _setup(self, level: str | None, logger_class: Any, namespace: str, observer: Any) -> None:
        self._target = target = _Target(namespace, logger_class, observer)
        self._emitters = tuple(_emitter(target, name) for name in _METHOD_LEVELS)
        self._keep = level is not None
        self._bind(_global_level if level is None else level)
        _loggers.add(_weak_ref(self, _loggers.discard))

    def __repr__(self) -> str:
        return f"<txaio Logger {self.namespace!r} level={self._log_level!r}>"

    @property
    def namespace(self) -> str:
        """The logger's name: ``module.Class``, ``module.function`` or ``module``."""
        return self._target.namespace

    @property
    def log_level(self) -> str:
        """The logger's current level (also ``_log_level``, which Crossbar.io reads)."""
        return self._log_level

    @property
    def _logger(self) -> Any:
        """The framework logger underneath (``twisted.logger.Logger`` on Twisted)."""
        return self._target.logger

    def _bind(self, level: str) -> None:
        """Switch each level method on (its emitter) or off (the shared no-op)."""
        self._log_level = level
        rank = _RANK[level]
        for index, name in enumerate(_METHOD_LEVELS):
            setattr(self, name, self._emitters[index] if index < rank else _nothing)
        self.warning = self.warn  # the standard library's name for the same level

    def set_log_level(self, level: str, keep: bool = True) -> None:
        """Set this logger's level.

        With ``keep`` (the default) it stays when the global level changes;
        without, the next :func:`set_global_log_level` overrides it.
        """
        level = check_level(level)
        self._keep = bool(keep)
        self._bind(level)

    def emit(self, level: str, format: object = None, /, *args: object, **kwargs: Any) -> None:
        """Log at ``level``, given by name (a Twisted ``LogLevel`` works too).

        An unknown level does not raise: the message is logged at ``"error"``
        with the problem named.
        """
        name = getattr(level, "name", level)
        problem = None
        if name not in _RANK or name == "none":
            problem = (
                f"unknown log level {safe_repr(level)}, logged as error "
                f"(levels: {', '.join(log_levels)})"
            )
            name = "error"
        if _RANK[name] <= _RANK[self._log_level]:
            _publish(self._target, name, format, args, kwargs, problem)

    def failure(
        self, format: object = None, /, *args: object, failure: object = None, **kwargs: Any
    ) -> None:
        """Log a failure with its traceback, at critical level.

        ``failure`` is an ``IFailedFuture`` (or an exception); by default the
        exception being handled. The failure is the value ``log_failure``, so
        the format can say ``"{log_failure.value}"``; without a format the
        message is the failure's one-line message.
        """
        if self.critical is _nothing:
            return
        if failure is None:
            failure = kwargs.pop("log_failure", None)
        fail: IFailedFuture | None = None
        problem = None
        if failure is None:
            exc = sys.exc_info()[1]
            if exc is None:
                problem = "failure() was called outside an 'except' block and without a failure"
            else:
                fail = FailedFuture(exc, exc.__traceback__)
        elif isinstance(failure, IFailedFuture):
            fail = failure
        elif isinstance(failure, BaseException):
            fail = FailedFuture(failure)
        else:
            problem = (
                f"failure must be an IFailedFuture or an exception, got {type(failure).__name__}"
            )
        _publish(self._target, "critical", format, args, kwargs, problem, fail)


def make_logger(
    level: str | None = None,
    logger: Any = None,
    observer: Callable[[Event], object] | None = None,
    *,
    namespace: str | None = None,
    log_level: str | None = None,
) -> Logger:
    """A new logger, named after where it is made, as the published txaio names it.

    In a method (a frame with a local ``self``) the name is ``module.Class``
    of the *instance's* class; in a class body ``module.Class``; in a
    function, classmethod or staticmethod ``module.function``; at module
    level ``module`` (docs/guide/logging.rst). ``namespace`` overrides it.
    Without ``level`` the logger follows the global level (``log_level`` is
    another name for ``level``).

    ``logger`` is the class of the framework logger underneath (default: the
    selected framework's: ``twisted.logger.Logger`` on Twisted); it is
    called as ``logger(namespace=..., observer=...)``. ``observer``, if
    given, receives this logger's events (dicts) instead of the framework's
    global destination.
    """
    if log_level is not None:
        if level is not None:
            raise TypeError("make_logger() takes level or log_level (the same thing), not both")
        level = log_level
    if level is not None:
        level = check_level(level)
    if namespace is None:
        namespace = _caller_namespace(sys._getframe(1))
    elif not isinstance(namespace, str):
        raise TypeError(f"namespace must be a str or None, got {type(namespace).__name__}")
    if logger is not None and not callable(logger):
        raise TypeError(
            "logger must be a framework logger class (called with namespace= and observer=), "
            f"got {type(logger).__name__}"
        )
    if observer is not None and not callable(observer):
        raise TypeError(
            f"observer must be a callable taking an event dict, got {type(observer).__name__}"
        )
    made = Logger.__new__(Logger)
    made._setup(level, logger, namespace, observer)
    return made


def _caller_namespace(frame: FrameType) -> str:
    """The name the published txaio gives a logger made in ``frame``.

    Its rule, which Crossbar.io's log lines and per-namespace levels rely on:
    a frame with a local ``self`` gives ``module.Class`` of that object's
    class -- the *instance's* class, so a logger made in a base class's
    ``__init__`` is named after the subclass; any other frame gives
    ``module.name`` of its code (a class body: its class, a function, a
    classmethod or a staticmethod: the function's own name, not its
    qualified name), and module level gives ``module``.
    """
    try:
        owner = frame.f_locals.get("self", _NO_SELF)
    except Exception:  # locals that exec() or a metaclass's __prepare__ made, without get()
        owner = _NO_SELF
    if owner is not _NO_SELF:
        return _class_name(owner)
    code = frame.f_code
    module = str(frame.f_globals.get("__name__", "__main__"))
    if code.co_name == "<module>":
        return module
    return f"{module}.{code.co_name}"


def _class_name(owner: object) -> str:
    """``module.Class`` of ``owner.__class__`` (what a proxy or mock claims), else of its type."""
    try:
        cls = owner.__class__
        return f"{cls.__module__}.{cls.__name__}"
    except Exception:  # a __class__ that is not a class: making a logger never raises
        cls = type(owner)
        return f"{getattr(cls, '__module__', 'builtins')}.{cls.__name__}"


# -- publishing: from a logger call to the framework logger, never raising ------------


def _prepare(format: object, args: tuple[object, ...], values: Event) -> object:
    """The format string to hand on: positional values filled in, stray braces kept.

    The framework loggers only know keyword values, so positional ones are
    formatted here: they fill the ``{}`` / ``{0}`` fields, then, in order,
    the named fields no keyword value fills (``log.info("x={x}", 5)``), and
    any left over are appended. A message with braces but no values at all
    (``log.info(str(a_dict))``) is kept as it is, not read as fields. The
    result is a format string whose own braces are escaped.
    """
    if not isinstance(format, str):
        return format
    if args:
        try:
            text = _format_positionally(format, args, values)
        except Exception as exc:
            text = (
                f"{format} {' '.join(safe_repr(arg) for arg in args)} "
                f"[txaio: could not format the message: {type(exc).__name__}: {safe_str(exc)}]"
            )
        return text.replace("{", "{{").replace("}", "}}")
    if not values and "{" in format and not _names_only_event_keys(format):
        return format.replace("{", "{{").replace("}", "}}")
    return format


def _format_positionally(format: str, args: tuple[object, ...], values: Event) -> str:
    """``format`` filled from ``args`` and ``values`` (see :func:`_prepare`)."""
    fields = [field for _text, field, _spec, _conv in _string.formatter_parser(format)]
    names = [_string.formatter_field_name_split(f)[0] for f in fields if f is not None]
    automatic = sum(1 for name in names if name == "")
    numbered = {name for name in names if isinstance(name, int)}
    spare = [arg for index, arg in enumerate(args) if index >= automatic and index not in numbered]
    named: dict[str, object] = {}
    for name in names:
        if isinstance(name, str) and name and name not in values and name not in named and spare:
            named[name] = spare.pop(0)
    text = format.format(*args, **values, **named)
    if spare:
        text = " ".join([text, *(safe_str(arg) for arg in spare)])
    return text


def _names_only_event_keys(format: str) -> bool:
    """True if every field of ``format`` is one the event itself has (``{log_level}``...).

    Without values given, any other field (``{'a': 1}`` from ``str(a_dict)``)
    is text that happens to hold braces.
    """
    try:
        for _text, field, _spec, _conversion in _string.formatter_parser(format):
            if field is None:
                continue
            name = _string.formatter_field_name_split(field)[0]
            if not (isinstance(name, str) and name.startswith(("log_", "txaio_"))):
                return False
    except ValueError:  # unbalanced braces
        return False
    return True


def _publish(
    target: _Target,
    level: str,
    format: object,
    args: tuple[object, ...],
    values: Event,
    problem: str | None,
    fail: IFailedFuture | None = None,
) -> None:
    """Hand one log call (with ``fail``: a ``failure()`` call) to the framework logger.

    Any error on the way is reported on standard error, never raised.
    """
    try:
        if args or not values:
            format = _prepare(format, args, values)
        if values:
            category = values.get("log_category")
            if category is not None:
                format = _categories.get(category, format)
        if fail is not None:
            _sink.failure(target.logger, format, fail, values)
            return
        if level == "trace":
            values["txaio_trace"] = True
        if problem is not None:
            values["txaio_problem"] = problem
        _sink.emit(target.logger, level, format, values)
    except Exception as exc:
        _report(
            f"a log call at {level} in {target.namespace} failed inside txaio "
            f"({type(exc).__name__}: {safe_str(exc)}); its format was {safe_repr(format)}"
        )


def _stderr() -> Any:
    """The standard error of the selected framework's sink (Twisted may redirect sys.stderr)."""
    return _sink.stderr()


def _report(problem: str) -> None:
    """Tell standard error about a logging problem that has nowhere else to go."""
    try:
        stderr = _stderr()
        stderr.write(f"txaio: {problem}\n")
        stderr.flush()
    except Exception:
        pass  # standard error itself is broken: nothing is left to tell


def report_error(exc: BaseException, doing: str) -> None:
    """Tell standard error that ``doing`` failed with ``exc`` (for sinks and observers)."""
    _report(f"logging failed while {doing}: {type(exc).__name__}: {safe_str(exc)}")


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
        fail = event.get("log_failure")
        category = event.get("log_category")
        if fail is not None:
            text = failure_message(fail)
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


# -- sinks: how a framework's loggers deliver events ------------------------------------


class LogSink:
    """What differs between frameworks in logging: the framework logger and the output.

    The base class is the standard library's (before selection and on
    asyncio); ``txaio.tx`` registers Twisted's.
    """

    #: The class of the framework logger under each txaio logger, called as
    #: ``logger_class(namespace=..., observer=...)``.
    logger_class: Callable[..., Any]

    def emit(self, logger: Any, level: str, format: object, values: Event) -> None:
        """Deliver one log call through the framework logger ``logger``."""
        logger.emit(level, format, **values)

    def failure(self, logger: Any, format: object, fail: IFailedFuture, values: Event) -> None:
        """Deliver one ``failure()`` call through the framework logger ``logger``."""
        logger.failure(format, fail, "critical", **values)

    def start_output(self, output: Output | None) -> None:
        """Begin logging; with an ``output``, also write every event to it."""

    def stdout(self) -> Any:
        """The standard output :func:`start_logging` writes to by default."""
        return sys.stdout

    def stderr(self) -> Any:
        """The standard error txaio reports its own logging problems to."""
        return sys.stderr

    def stop_output(self) -> None:
        """Stop writing to the output :meth:`start_output` was given."""


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


class StdlibLogger:
    """The framework logger under txaio loggers before selection and on asyncio.

    It has the shape of ``twisted.logger.Logger`` (``namespace``,
    ``observer``, ``emit(level, format, **values)``, ``failure(...)``), so a
    txaio logger works the same on both frameworks. An event goes to
    ``observer`` if one was given, else to the standard library's
    ``logging.getLogger(namespace)``.
    """

    __slots__ = ("namespace", "observer", "source")

    def __init__(
        self,
        namespace: str | None = None,
        source: object = None,
        observer: Callable[[Event], object] | None = None,
    ) -> None:
        self.namespace = namespace if namespace is not None else "txaio"
        self.source = source
        self.observer = observer

    def __repr__(self) -> str:
        return f"<txaio StdlibLogger {self.namespace!r}>"

    def emit(self, level: str, format: object = None, /, **values: Any) -> None:
        """Log one event at ``level`` (a txaio level name)."""
        values["log_logger"] = self
        values["log_level"] = level
        values["log_namespace"] = self.namespace
        values["log_source"] = self.source
        values["log_format"] = format
        values["log_time"] = time.time()
        if self.observer is not None:
            self.observer(values)
        else:
            _stdlib_record(values)

    def failure(
        self,
        format: object = None,
        fail: IFailedFuture | None = None,
        level: str = "critical",
        /,
        **values: Any,
    ) -> None:
        """Log ``fail`` (with its traceback) at ``level``."""
        values["log_failure"] = fail
        self.emit(level, format, **values)


def _stdlib_record(event: Event) -> None:
    """Turn a txaio event into a standard library record and handle it.

    The record goes to ``logging.getLogger(namespace)`` with the formatted
    message, the failure as ``exc_info``, the caller's file and line, and the
    event as ``record.txaio_event``. The message is formatted only if the
    standard library logger is enabled for the level -- or if
    :func:`start_logging` writes output: then txaio's own levels decide.
    """
    logger: logging.Logger = _stdlib().getLogger(event["log_namespace"])
    number = STDLIB_LEVELS.get(event["log_level"], STDLIB_LEVELS["error"])
    if _output is None and not logger.isEnabledFor(number):
        return
    fail = event.get("log_failure")
    exc_info = None
    if fail is not None:
        tb = getattr(fail, "tb", None)
        exc_info = (type(fail.value), fail.value, tb or fail.value.__traceback__)
    where = ("(unknown file)", 0, "(unknown function)")
    frame = sys._getframe(1)
    while frame is not None:  # the first frame outside txaio's logging is the caller
        if frame.f_globals.get("__name__") != __name__:
            where = (frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)
            break
        frame = frame.f_back  # type: ignore[assignment]
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


class StdlibSink(LogSink):
    """The standard library's logging: before selection and on asyncio."""

    logger_class = StdlibLogger


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

    Called on every selection: loggers made with the default framework
    logger get the new framework's, and an active output follows the switch.
    """
    global _sink
    sink = STDLIB_SINK if framework is None else _sinks.get(framework, STDLIB_SINK)
    if sink is _sink:
        return
    if _started:
        _sink.stop_output()
    _sink = sink
    for reference in list(_loggers):
        logger = reference()
        if logger is not None and logger._target.logger_class is None:
            logger._target.connect()
    if _started:
        sink.start_output(_output)


# -- output: start_logging (the writing itself is txaio._log_output) --------------------

#: The stream start_logging writes to, and whether logging began (also with ``out=None``).
_output: Output | None = None
_started = False


class _Stdout:
    """:func:`start_logging`'s default ``out``: ``sys.stdout`` at the time of the call."""

    def __repr__(self) -> str:
        return "sys.stdout"


STDOUT: Any = _Stdout()


def start_logging(out: Any = STDOUT, level: str = "info") -> None:
    """Begin logging from ``level`` up, writing lines to ``out`` (default: ``sys.stdout``).

    Each line is ``<ISO 8601 local time with offset> <message>``, followed by
    the traceback for failures. ``out`` is a text or a binary stream. The
    output shows every message of txaio loggers, of standard library loggers
    and (on Twisted) of ``twisted.logger`` and ``twisted.python.log``; the
    global level (:func:`set_global_log_level`) applies to all of them.

    ``out=None`` writes nothing of txaio's own, for applications that show
    events with their own handlers or observers: it sets the global level
    and begins logging (on Twisted, Twisted's start-up buffer of events and
    its printing of critical events to standard error end). Calling it again
    replaces the previous output and level.

    An unknown ``level`` raises :class:`InvalidLogLevel`, a ``RuntimeError``.
    """
    global _output, _started
    level = check_level(level)
    if out is STDOUT:
        out = _sink.stdout()
    elif out is not None and not callable(getattr(out, "write", None)):
        raise TypeError(
            "out must be a writable text or binary stream (with write()) or None, "
            f"got {type(out).__name__}"
        )
    stop_logging()
    if out is not None:
        from txaio._log_output import Output  # only output needs it: import txaio stays cheap

        _output = Output(out, _stderr)
    set_global_log_level(level)  # with an output, this also sets the root logger's level
    if _output is not None:
        _output.show_stdlib_records()
    _started = True
    _sink.start_output(_output)


def stop_logging() -> None:
    """Undo :func:`start_logging` (its handler and observer go); the levels stay."""
    global _output, _started
    if not _started:
        return
    _sink.stop_output()
    if _output is not None:
        _output.stop()
    _output = None
    _started = False


def level_shown(level: str) -> bool:
    """Whether the output shows a non-txaio message at ``level`` (a txaio level name)."""
    return _RANK[level] <= _RANK[_global_level]
