"""The Twisted backend: :class:`TwistedAPI` and its functions at module level.

Futures are plain ``Deferred`` objects; errbacks receive a Twisted
``Failure`` (registered as an :class:`~txaio.interfaces.IFailedFuture`). The
sections follow the order of :class:`txaio._api.API` and of ``txaio.aio``, so
the two read side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from types import TracebackType
from typing import Any

try:
    from twisted.internet.defer import AlreadyCalledError, Deferred, succeed
    from twisted.internet.task import deferLater
    from twisted.logger import Logger
    from twisted.python.failure import Failure
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        'txaio needs Twisted for use_twisted(): pip install "txaio[twisted]"'
    ) from exc

from txaio import _api
from txaio._api import API, Config, check_delay, config
from txaio._failure import current_exception, require_failure
from txaio.interfaces import IFailedFuture

__all__ = ["TwistedAPI", "config", *_api.PUBLIC_FUNCTIONS]

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
            raise TypeError(
                f"canceller must be a callable taking the future, got {type(canceller).__name__}"
            )
        future: Deferred[Any] = Deferred(canceller)
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

    def resolve(self, future: Deferred[Any], value: Any) -> None:
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
        try:
            if callback is None:
                if errback is None:
                    raise ValueError(
                        "add_callbacks() needs a callback or an errback (both are None)"
                    )
                future.addErrback(errback)
            elif errback is None:
                future.addCallback(callback)
            else:
                future.addCallbacks(callback, errback)
        except AttributeError:
            raise _not_a_future("future", future) from None
        return future

    def gather(
        self, futures: Iterable[Any], consume_exceptions: bool = True
    ) -> Deferred[list[Any]]:
        children: list[Deferred[Any]] = []
        for index, child in enumerate(futures):
            if isinstance(child, Deferred):
                children.append(child)
            elif isinstance(child, Coroutine):
                children.append(Deferred.fromCoroutine(child))
            else:
                raise TypeError(
                    f"futures[{index}] must be a Deferred or a coroutine, "
                    f"got {type(child).__name__}"
                )
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
        check_delay(delay)
        return self._reactor().callLater(delay, fn, *args, **kwargs)

    def sleep(self, delay: float) -> Deferred[None]:
        check_delay(delay)
        return deferLater(self._reactor(), delay, _nothing)

    # -- loops -----------------------------------------------------------

    def with_config(self, loop: Any = None) -> TwistedAPI:
        if loop is None:
            return TwistedAPI(Config(self.config.loop))
        if not (
            callable(getattr(loop, "callLater", None)) and callable(getattr(loop, "seconds", None))
        ):
            raise TypeError(
                "loop must be a Twisted reactor or clock (IReactorTime: callLater, seconds), "
                f"got {type(loop).__name__}"
            )
        configured = self.config.loop
        if configured is not None and loop is not configured:
            raise RuntimeError(
                "Twisted has one reactor: with_config(loop=...) must be the configured "
                f"reactor {configured!r}, got {loop!r}"
            )
        return TwistedAPI(Config(loop))

    # -- hooks -----------------------------------------------------------

    def _is_native_future(self, obj: object) -> bool:
        return isinstance(obj, Deferred)

    def _from_coroutine(self, coro: Coroutine[Any, Any, Any]) -> Deferred[Any]:
        return Deferred.fromCoroutine(coro)

    def _seconds(self) -> float:
        seconds: float = self._reactor().seconds()
        return seconds

    def _schedule(self, delay: float, fn: Callable[[], object]) -> Any:
        return self._reactor().callLater(delay, fn)

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
            child.addCallbacks(self._succeeded, self._failed, (index,), None, (index,), None)

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
