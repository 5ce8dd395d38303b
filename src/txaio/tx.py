"""The Twisted backend: :class:`TwistedAPI` and its functions at module level.

Futures are plain ``Deferred`` objects; errbacks receive a Twisted
``Failure`` (registered as an :class:`~txaio.interfaces.IFailedFuture`). The
sections follow the order of :class:`txaio._api.API` and of ``txaio.aio``, so
the two read side by side.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine, Iterable
from types import TracebackType
from typing import Any, cast

try:
    from twisted.internet.defer import AlreadyCalledError, Deferred, succeed
    from twisted.internet.task import deferLater
    from twisted.logger import (
        ILogObserver,
        Logger,
        LogLevel,
        formatEvent,
        globalLogBeginner,
        globalLogPublisher,
    )
    from twisted.python.failure import Failure
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        'txaio needs Twisted for use_twisted(): pip install "txaio[twisted]"'
    ) from exc

from txaio import _api, _logging
from txaio._api import API, close_coroutines, config
from txaio._checks import (
    _INFINITY,
    check_callable,
    check_callbacks,
    check_canceller,
    check_delay,
    enumerate_futures,
    not_a_future_item,
    not_a_loop,
)
from txaio._failure import current_exception, require_failure
from txaio._loop_mixin import LoopMixin
from txaio.interfaces import IFailedFuture

__all__ = ["LoopMixin", "TwistedAPI", "config", *_api.PUBLIC_FUNCTIONS]

IFailedFuture.register(Failure)

_log = Logger(namespace="txaio")


class InvalidStateError(_api.InvalidStateError, AlreadyCalledError):
    """A Deferred was resolved or rejected after it fired (Twisted flavour)."""


def _as_failure(error: object, argument: str, caller: str) -> Failure:
    """A Failure from an exception, an IFailedFuture or None (the exception being handled)."""
    if isinstance(error, Failure):
        return error
    if isinstance(error, BaseException):
        return Failure(error)
    if error is None:
        current_exception(caller)
        return Failure()
    if isinstance(error, IFailedFuture):
        value = error.value
        return Failure(value, type(value), getattr(error, "tb", None))
    raise TypeError(
        f"{argument} must be an exception or an IFailedFuture, got {type(error).__name__}"
    )


def _not_a_future(argument: str, obj: object) -> TypeError:
    return TypeError(f"{argument} must be a Twisted Deferred, got {type(obj).__name__}")


def _already_fired(caller: str) -> InvalidStateError:
    return InvalidStateError(
        f"{caller}: the Deferred has already fired (or was cancelled); "
        "a future can be resolved, rejected or cancelled once"
    )


_global_reactor: Any = None


def _default_reactor() -> Any:
    """``twisted.internet.reactor``, imported (and so installed) on first use."""
    global _global_reactor
    if _global_reactor is None:
        from twisted.internet import reactor

        _global_reactor = reactor
    return _global_reactor


class TwistedAPI(API):
    """txaio on Twisted, bound to ``config.loop`` or the global reactor."""

    framework = "twisted"
    _future_type = Deferred
    _loop_needs = "a Twisted reactor or clock (IReactorTime: callLater, seconds)"
    __slots__ = ()

    def _reactor(self) -> Any:
        """The configured reactor (anything with ``IReactorTime``), else the global one."""
        reactor = self.config.loop
        return reactor if reactor is not None else _default_reactor()

    # -- futures ---------------------------------------------------------

    def create_future(
        self,
        result: Any = None,
        error: IFailedFuture | BaseException | None = None,
        canceller: Callable[[Any], object] | None = None,
    ) -> Deferred[Any]:
        if canceller is not None and not callable(canceller):
            check_canceller(canceller)
        # Twisted types the canceller as returning None; it ignores whatever it returns.
        future: Deferred[Any] = Deferred(canceller)  # type: ignore[arg-type]
        if result is not None:
            if error is not None:
                raise ValueError("create_future() takes result or error, not both")
            future.callback(result)
        elif error is not None:
            future.errback(_as_failure(error, "error", "create_future()"))
        return future

    def create_future_success(self, value: Any) -> Deferred[Any]:
        return succeed(value)

    def create_future_error(
        self, error: IFailedFuture | BaseException | None = None
    ) -> Deferred[Any]:
        future: Deferred[Any] = Deferred()
        future.errback(_as_failure(error, "error", "create_future_error()"))
        return future

    def is_future(self, obj: object) -> bool:
        return isinstance(obj, (Deferred, Coroutine))

    def is_called(self, future: Deferred[Any]) -> bool:
        try:
            return future.called
        except AttributeError:
            raise _not_a_future("future", future) from None

    def resolve(self, future: Deferred[Any], value: Any = None) -> None:
        try:
            called = future.called
        except AttributeError:
            raise _not_a_future("future", future) from None
        if called:
            raise _already_fired("resolve()")
        future.callback(value)

    def reject(
        self, future: Deferred[Any], error: IFailedFuture | BaseException | None = None
    ) -> None:
        if isinstance(error, BaseException):
            failure = Failure(error)  # the common case, without a call to _as_failure
        else:
            failure = _as_failure(error, "error", "reject()")
        try:
            called = future.called
        except AttributeError:
            raise _not_a_future("future", future) from None
        if called:
            raise _already_fired("reject()")
        future.errback(failure)

    def cancel(self, future: Deferred[Any], msg: str | None = None) -> None:
        try:
            future.cancel()
        except AttributeError:
            raise _not_a_future("future", future) from None

    def add_callbacks(
        self,
        future: Deferred[Any],
        callback: Callable[[Any], object] | None,
        errback: Callable[[IFailedFuture], object] | None,
    ) -> Deferred[Any]:
        # The callable() checks run inline; check_callbacks() only runs to raise
        # its precise error.
        try:
            if callback is None:
                if errback is None:
                    raise ValueError(
                        "add_callbacks() needs a callback or an errback (both are None)"
                    )
                if not callable(errback):
                    check_callbacks(callback, errback)
                # Errbacks get a Failure, which is an IFailedFuture by registration only.
                future.addErrback(errback)  # type: ignore[call-overload]
            elif errback is None:
                if not callable(callback):
                    check_callbacks(callback, errback)
                future.addCallback(callback)
            else:
                if not (callable(callback) and callable(errback)):
                    check_callbacks(callback, errback)
                future.addCallbacks(callback, errback)
        except AttributeError:
            raise _not_a_future("future", future) from None
        return future

    def gather(
        self, futures: Iterable[Any], consume_exceptions: bool = True
    ) -> Deferred[list[Any]]:
        children: list[Deferred[Any]] = []
        items = enumerate_futures(futures)
        for index, child in items:
            if isinstance(child, Deferred):
                children.append(child)
            elif isinstance(child, Coroutine):
                children.append(Deferred.fromCoroutine(child))
            else:
                close_coroutines(child, futures, items)
                raise not_a_future_item(index, child, "Deferred")
        return _Gathering(children, consume_exceptions).outer

    # -- failures --------------------------------------------------------

    def create_failure(self, exception: BaseException | None = None) -> IFailedFuture:
        if exception is None:
            current_exception("create_failure()")
            failure = Failure()
        elif isinstance(exception, BaseException):
            failure = Failure(exception)
        else:
            raise TypeError(
                f"exception must be an exception instance, got {type(exception).__name__}"
            )
        return failure  # type: ignore[return-value]  # registered as IFailedFuture

    def failure_traceback(self, fail: IFailedFuture) -> TracebackType | None:
        fail = require_failure(fail, "fail")
        if isinstance(fail, Failure):
            tb: TracebackType | None = fail.getTracebackObject()
            return tb
        tb = getattr(fail, "tb", None)
        return tb if tb is not None else fail.value.__traceback__

    # -- time ------------------------------------------------------------

    def call_later(self, delay: float, fn: Callable[..., object], *args: Any, **kwargs: Any) -> Any:
        # check_delay() and check_callable(), inlined on this hot path: they
        # only run to raise their precise error when the quick test fails.
        try:
            valid = 0 <= delay < _INFINITY and delay is not True and delay is not False
        except TypeError:
            valid = False
        if not (valid and callable(fn)):
            check_delay(delay)
            check_callable(fn, "fn")
        reactor = self.config.loop  # _reactor(), inlined
        if reactor is None:
            reactor = _global_reactor if _global_reactor is not None else _default_reactor()
        # Forwarding *args and **kwargs costs ~20% of a callLater: spared for the
        # common calls, with no keyword and none or one positional argument.
        try:
            if kwargs or len(args) > 1:
                return reactor.callLater(delay, fn, *args, **kwargs)
            if args:
                return reactor.callLater(delay, fn, args[0])
            return reactor.callLater(delay, fn)
        except AttributeError:
            self._raise_if_loop_lacks(reactor, "callLater")
            raise

    def sleep(self, delay: float) -> Deferred[None]:
        check_delay(delay)
        reactor = self._reactor()
        try:
            return deferLater(reactor, delay, _nothing)
        except AttributeError:
            self._raise_if_loop_lacks(reactor, "callLater")
            raise

    # -- loops -----------------------------------------------------------

    def _check_loop(self, loop: object) -> None:
        if not (
            callable(getattr(loop, "callLater", None)) and callable(getattr(loop, "seconds", None))
        ):
            raise not_a_loop(loop, "loop", self._loop_needs)
        # The configured reactor, else the one installed in this process (if any).
        configured = self.config.loop
        if configured is None:
            configured = sys.modules.get("twisted.internet.reactor")
        if configured is not None and loop is not configured:
            raise RuntimeError(
                "Twisted has one reactor: with_config(loop=...) must be the configured "
                f"reactor {configured!r}, got {loop!r}"
            )

    # -- hooks -----------------------------------------------------------

    def _from_coroutine(self, coro: Coroutine[Any, Any, Any]) -> Deferred[Any]:
        return Deferred.fromCoroutine(coro)

    def _seconds(self) -> float:
        reactor = self._reactor()
        try:
            seconds: float = reactor.seconds()
        except AttributeError:
            self._raise_if_loop_lacks(reactor, "seconds")
            raise
        return seconds

    def _schedule(self, delay: float, fn: Callable[[], object]) -> Any:
        reactor = self._reactor()
        try:
            return reactor.callLater(delay, fn)
        except AttributeError:
            self._raise_if_loop_lacks(reactor, "callLater")
            raise

    def _report_error(self, exc: BaseException) -> None:
        _log.failure("Unhandled error in a txaio timer call", Failure(exc))


def _nothing() -> None:
    return None


class _Gathering:
    """The state of one ``gather``: results are recorded in input order as children fire."""

    __slots__ = ("consume", "outer", "remaining", "results")

    def __init__(self, children: list[Deferred[Any]], consume: bool) -> None:
        self.outer: Deferred[list[Any]] = Deferred()
        self.consume = consume
        self.results: list[Any] = [None] * len(children)
        self.remaining = len(children)
        if not children:
            self.outer.callback([])
            return
        for index, child in enumerate(children):
            child.addCallbacks(
                self._succeeded, self._failed, callbackArgs=(index,), errbackArgs=(index,)
            )

    def _succeeded(self, value: Any, index: int) -> Any:
        self._record(index, value)
        return value

    def _failed(self, failure: Failure, index: int) -> Failure | None:
        if self.outer.called:
            return failure  # failed early: left unhandled, so Twisted reports it
        if not self.consume:
            self.outer.errback(failure)
            return None
        self._record(index, failure)
        return None

    def _record(self, index: int, value: Any) -> None:
        self.results[index] = value
        self.remaining -= 1
        if self.remaining == 0 and not self.outer.called:
            self.outer.callback(self.results)


# -- the module-level API: the default instance, bound to txaio.config ------

_default = TwistedAPI(config)

create_future = _default.create_future
create_future_success = _default.create_future_success
create_future_error = _default.create_future_error
as_future = _default.as_future
is_future = _default.is_future
is_called = _default.is_called
resolve = _default.resolve
reject = _default.reject
cancel = _default.cancel
add_callbacks = _default.add_callbacks
gather = _default.gather
create_failure = _default.create_failure
failure_message = _default.failure_message
failure_traceback = _default.failure_traceback
failure_format_traceback = _default.failure_format_traceback
call_later = _default.call_later
sleep = _default.sleep
make_batched_timer = _default.make_batched_timer
time_ns = _default.time_ns
perf_counter_ns = _default.perf_counter_ns
with_config = _default.with_config


# -- logging: txaio loggers write to twisted.logger ---------------------------
# Levels, formatting, categories and start_logging are shared (txaio._logging);
# this sink publishes txaio events as twisted.logger events, and shows Twisted's
# own events (twisted.logger and legacy twisted.python.log) in the output.

_TWISTED_LEVELS = {
    "critical": LogLevel.critical,
    "error": LogLevel.error,
    "warn": LogLevel.warn,
    "info": LogLevel.info,
    "debug": LogLevel.debug,
    "trace": LogLevel.debug,  # Twisted has no trace level; txaio_level says "trace"
}
_TXAIO_LEVELS = {twisted: name for name, twisted in reversed(_TWISTED_LEVELS.items())}


class TwistedLogSink(_logging.LogSink):
    """txaio events as twisted.logger events, on the global log publisher.

    The event keeps the caller's values and txaio's keys; ``log_level``
    becomes a Twisted ``LogLevel`` (txaio's name stays in ``txaio_level``)
    and a failure becomes a Twisted ``Failure``.
    """

    def __init__(self) -> None:
        self._observer: ILogObserver | None = None

    def emit(self, event: dict[str, Any]) -> None:
        level = event["log_level"]
        event["txaio_level"] = level
        event["log_level"] = _TWISTED_LEVELS[level]
        event.setdefault("log_source", None)
        failure = event.get("log_failure")
        if failure is not None and not isinstance(failure, Failure):
            value = failure.value
            event["log_failure"] = Failure(
                value, type(value), getattr(failure, "tb", None) or value.__traceback__
            )
        globalLogPublisher(event)

    def start_output(self, output: _logging.Output) -> None:
        def observe(event: dict[str, Any]) -> None:
            try:
                level = event.get("txaio_level")
                failure = event.get("log_failure")
                if level is not None:
                    message = _logging.format_message({**event, "log_level": level})
                elif not _logging.level_shown(_TXAIO_LEVELS.get(event.get("log_level"), "info")):
                    return  # Twisted's own events are filtered by the global level
                elif failure is None and event.get("isError") and "failure" in event:
                    # legacy log.err(): its traceback is shown like any other
                    failure = event["failure"]
                    message = _logging.safe_str(event.get("why") or "Unhandled Error")
                else:
                    message = formatEvent(event)
                traceback = None if failure is None else _logging.failure_traceback_text(failure)
                output.emit(event.get("log_time"), message, traceback)
            except Exception as exc:
                _logging.report_error(exc, "showing a Twisted log event")

        self._observer = observer = cast("ILogObserver", observe)
        globalLogPublisher.addObserver(observer)
        # Begin Twisted's logging (end its buffering and its printing of critical
        # events to stderr) unless the application, twistd or trial already did:
        # beginLoggingTo is meant to be called once per process.
        if getattr(globalLogBeginner, "_temporaryObserver", None) is not None:
            globalLogBeginner.beginLoggingTo([], discardBuffer=True, redirectStandardIO=False)

    def stop_output(self) -> None:
        if self._observer is not None:
            globalLogPublisher.removeObserver(self._observer)
            self._observer = None


_logging.register_sink("twisted", TwistedLogSink())

make_logger = _logging.make_logger
start_logging = _logging.start_logging
set_global_log_level = _logging.set_global_log_level
get_global_log_level = _logging.get_global_log_level
add_log_categories = _logging.add_log_categories
__all__ += _logging.PUBLIC_FUNCTIONS
