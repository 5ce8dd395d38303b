"""The Twisted backend: :class:`TwistedAPI` and its functions at module level.

Futures are plain ``Deferred`` objects; errbacks receive a Twisted
``Failure`` (registered as an :class:`~txaio.interfaces.IFailedFuture`). The
sections follow the order of :class:`txaio._api.API` and of ``txaio.aio``, so
the two read side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Coroutine, Iterable
from types import TracebackType
from typing import Any, cast
from weakref import WeakKeyDictionary, WeakSet

try:
    from twisted.internet.defer import AlreadyCalledError, CancelledError, Deferred, succeed
    from twisted.internet.error import ReactorNotRunning
    from twisted.internet.interfaces import IDelayedCall
    from twisted.internet.task import deferLater
    from twisted.logger import (
        ILogObserver,
        LoggingFile,
        LogLevel,
        formatEvent,
        globalLogBeginner,
        globalLogPublisher,
    )
    from twisted.logger import Logger as _TwistedLogger
    from twisted.python import threadable
    from twisted.python.failure import Failure
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        'txaio needs Twisted for use_twisted(): pip install "txaio[twisted]"'
    ) from exc

from txaio import _api, _logging, _threads
from txaio._api import (
    API,
    NOT_GIVEN,
    close_coroutines,
    config,
    coroutine_finished,
    is_coroutine,
    resolve_value,
)
from txaio._checks import (
    _INFINITY,
    PLAIN_DELAY_TYPES,
    check_awaitable,
    check_callable,
    check_callbacks,
    check_canceller,
    check_delay,
    check_fresh_coroutine,
    check_timer_arguments,
    enumerate_futures,
    no_callbacks,
    not_a_future_item,
    not_a_loop,
    not_an_error,
    not_an_exception,
    result_and_error,
)
from txaio._failure import current_exception
from txaio._logging import Logger
from txaio._loop_mixin import LoopMixin
from txaio.interfaces import IFailedFuture, log_levels

TYPE_CHECKING = False  # mypy reads True
if TYPE_CHECKING:
    from txaio._api import T
    from txaio._log_output import Output

__all__ = [
    "LogLevel",
    "Logger",
    "LoopMixin",
    "TwistedAPI",
    "config",
    "from_asyncio",
    "log_levels",
    "to_asyncio",
    *_api.PUBLIC_FUNCTIONS,
    *_api.LOGGING_FUNCTIONS,
]

IFailedFuture.register(Failure)

_log = _TwistedLogger(namespace="txaio")


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
        exc = error.value
        return Failure(exc, type(exc), getattr(error, "tb", None))
    raise not_an_error(error, argument)


def _not_a_future(argument: str, obj: object) -> TypeError:
    return TypeError(f"{argument} must be a Twisted Deferred, got {type(obj).__name__}")


def _already_fired(caller: str) -> InvalidStateError:
    return InvalidStateError(
        f"{caller}: the Deferred has already fired; a future can be resolved or rejected once"
    )


#: Deferreds cancelled through txaio.cancel: a result arriving later is dropped.
_cancelled: WeakSet[Deferred[Any]] = WeakSet()


def _was_cancelled(future: Deferred[Any]) -> bool:
    """True if ``future`` was cancelled through txaio.cancel.

    Not "its result is a CancelledError": a Deferred that *failed* with one
    (a gather of a cancelled input, say) was not cancelled, and a late result
    for it is an error, as on asyncio.
    """
    return future in _cancelled


def _forget_cancellation(future: Deferred[Any]) -> None:
    """Do not report the ``CancelledError`` that ``txaio.cancel`` gave ``future`` as unhandled.

    A cancellation the caller asked for is not an error, as on asyncio, where a
    cancelled future is never reported. Twisted logs a Deferred that is
    collected with a failure as its result ("Unhandled error in Deferred");
    its ``_debugInfo.failResult`` is that failure, which Twisted itself clears
    when a Deferred's failure is handled. The result stays as it is: an errback
    added later still gets the ``CancelledError`` (and Twisted reports a
    failure it leaves at the end of the chain again).
    """
    result = getattr(future, "result", None)
    if isinstance(result, Failure) and result.check(CancelledError):
        debug = future._debugInfo
        if debug is not None and debug.failResult is result:
            debug.failResult = None


_global_reactor: Any = None


def _default_reactor() -> Any:
    """``twisted.internet.reactor``, imported (and so installed) on first use."""
    global _global_reactor
    if _global_reactor is None:
        from twisted.internet import reactor

        _global_reactor = reactor
    if config.loop is None and _api.selected() is _default:
        # txaio.config.loop tells which reactor txaio uses; not while asyncio is selected (or
        # nothing is): then txaio.config is, or may become, the configuration of asyncio.
        config.loop = _global_reactor
    return _global_reactor


class TwistedAPI(API):
    """txaio on Twisted, bound to ``config.loop`` or the global reactor."""

    framework = "twisted"
    _future_type = Deferred
    _loop_needs = "a Twisted reactor or clock (IReactorTime: callLater, seconds)"
    # asyncio's too: what a Deferred made by Deferred.fromFuture fails with when cancelled.
    _cancelled_errors = (CancelledError, asyncio.CancelledError)
    __slots__ = ()

    def _reactor(self) -> Any:
        """The configured reactor (anything with ``IReactorTime``), else the global one.

        The one lookup of the reactor; call_later, the hottest path, inlines
        it. tests/contract/test_loop_lookup.py checks both the same way.
        """
        reactor = self.config.loop
        return reactor if reactor is not None else _default_reactor()

    # -- futures ---------------------------------------------------------

    def create_future(
        self,
        result: T = NOT_GIVEN,
        error: IFailedFuture | BaseException | None = None,
        canceller: Callable[[Any], object] | None = None,
    ) -> Deferred[T]:
        if canceller is not None and not callable(canceller):
            check_canceller(canceller)
        # Twisted types the canceller as returning None; it ignores whatever it returns.
        future: Deferred[Any] = Deferred(canceller)  # type: ignore[arg-type]
        if result is not NOT_GIVEN:
            if error is not None:
                raise result_and_error()
            future.callback(result)
        elif error is not None:
            future.errback(_as_failure(error, "error", "create_future()"))
        return future

    def create_future_success(self, value: T) -> Deferred[T]:
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
            finished = coroutine_finished(future)
            if finished is None:
                raise _not_a_future("future", future) from None
            return finished

    def resolve(self, future: Deferred[Any], result: Any = None, *, value: Any = NOT_GIVEN) -> None:
        if value is not NOT_GIVEN:
            result = resolve_value(result, value)
        try:
            callback = future.callback
        except AttributeError:
            raise _not_a_future("future", future) from None
        try:
            callback(result)
        except AlreadyCalledError:
            if not _was_cancelled(future):  # after cancel() a late result is dropped
                raise _already_fired("resolve()") from None

    def reject(
        self, future: Deferred[Any], error: IFailedFuture | BaseException | None = None
    ) -> None:
        if isinstance(error, BaseException):
            fail = Failure(error)  # the common case, without a call to _as_failure
        else:
            fail = _as_failure(error, "error", "reject()")
        try:
            errback = future.errback
        except AttributeError:
            raise _not_a_future("future", future) from None
        try:
            errback(fail)
        except AlreadyCalledError:
            if not _was_cancelled(future):  # after cancel() a late error is dropped
                raise _already_fired("reject()") from None

    def cancel(self, future: Deferred[Any], msg: str | None = None) -> None:
        try:
            called = future.called
        except AttributeError:
            raise _not_a_future("future", future) from None
        if not called:
            _cancelled.add(future)
        future.cancel()
        if not called:
            _forget_cancellation(future)

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
                    raise no_callbacks()
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
            if not is_coroutine(future):
                raise _not_a_future("future", future) from None
        else:
            return future
        task: Deferred[Any] = self._add_callbacks_to_coroutine(future, callback, errback)
        return task

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
            fail = Failure()
        elif isinstance(exception, BaseException):
            fail = Failure(exception)
        else:
            raise not_an_exception(exception)
        return fail  # type: ignore[return-value]  # registered as IFailedFuture

    # -- time ------------------------------------------------------------

    def call_later(
        self, delay: float, fn: Callable[..., object], *args: Any, **kwargs: Any
    ) -> IDelayedCall:
        # The quick test, inline on this hot path; check_timer_arguments() runs for
        # anything else (a Fraction, a bad argument) and raises the precise error.
        if not (type(delay) in PLAIN_DELAY_TYPES and 0 <= delay < _INFINITY and callable(fn)):
            check_timer_arguments(delay, fn)
        reactor = self.config.loop  # _reactor(), inlined: see _reactor()
        if reactor is None:
            reactor = _default_reactor()
        # Forwarding *args and **kwargs slows the common call (make bench times it: operation 4):
        # spared for the common calls, with no keyword and none or one positional argument.
        try:
            # The reactor is untyped (any IReactorTime): its callLater gives an IDelayedCall.
            if kwargs or len(args) > 1:
                return reactor.callLater(delay, fn, *args, **kwargs)  # type: ignore[no-any-return]
            if args:
                return reactor.callLater(delay, fn, args[0])  # type: ignore[no-any-return]
            return reactor.callLater(delay, fn)  # type: ignore[no-any-return]
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

    # -- threads ---------------------------------------------------------

    def run_in_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Deferred[Any]:
        if not callable(fn):
            check_callable(fn, "fn")
        reactor = self._reactor()
        try:
            pool = reactor.getThreadPool()
        except AttributeError:
            self._raise_if_loop_lacks(reactor, "getThreadPool")
            raise
        future: Deferred[Any] = Deferred()
        job = _threads.ThreadJob(reactor, contextvars.copy_context(), fn, args, kwargs)
        # What deferToThread does, but fn sees the caller's context variables, and a
        # result arriving after a cancel is dropped rather than an AlreadyCalledError.
        pool.callInThreadWithCallback(_ThreadResult(reactor, future), job)
        return future

    def _call_soon_threadsafe(
        self,
        loop: Any,
        fn: Callable[..., object],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        caller: str,
    ) -> None:
        if self._has_stopped(loop):
            raise _threads.loop_stopped(caller)
        # In the calling thread's context variables, as asyncio's call_soon_threadsafe.
        context = contextvars.copy_context()
        try:
            _hand_to_reactor(loop, context.run, fn, *args, **kwargs)
        except RuntimeError:
            if self._has_stopped(loop):  # Twisted on asyncio: its loop closed
                raise _threads.loop_stopped(caller) from None
            raise
        except AttributeError:
            self._raise_if_loop_lacks(loop, "callFromThread")
            raise

    def _default_thread_loop(self, caller: str) -> Any:
        return _default_reactor()

    def _has_stopped(self, loop: Any) -> bool:
        if getattr(loop, "_startedBefore", False):  # stop() was called: it never runs again
            return True
        if _threads.closed_test_clock(loop):  # txaio.testutil.ReactorClock after close()
            return True
        asyncio_loop = getattr(loop, "_asyncioEventloop", None)  # Twisted on asyncio
        return asyncio_loop is not None and bool(asyncio_loop.is_closed())

    def _runs_in_this_thread(self, loop: Any) -> bool:
        if threadable.ioThread is None:  # no reactor has run yet: it will run in the main thread
            return threading.current_thread() is threading.main_thread()
        return bool(threadable.isInIOThread())

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

    # -- Twisted on asyncio: bridges to asyncio's own futures ------------

    def to_asyncio(self, deferred: Deferred[Any]) -> asyncio.Future[Any]:
        """An asyncio future with ``deferred``'s outcome, on the asyncio reactor's loop.

        For plain asyncio code (``await``, ``asyncio.wait_for``, ``asyncio.gather``)
        under Twisted's asyncio reactor, where awaiting a ``Deferred`` fails with
        "Task got bad yield". The outcome moves over, as with ``Deferred.asFuture``
        (the ``Deferred`` then fires with None). Cancelling either side cancels the
        other, and each sees its own framework's ``CancelledError``: a ``Deferred``
        cancelled on the Twisted side cancels the future. A reactor that does not
        run on asyncio is a ``RuntimeError``.
        """
        if not isinstance(deferred, Deferred):
            raise _not_a_deferred_to_bridge(deferred)
        future: asyncio.Future[Any] = self._asyncio_loop("to_asyncio()").create_future()
        deferred.addCallbacks(
            _set_result_unless_cancelled,
            _set_failure_unless_cancelled,
            callbackArgs=(future,),
            errbackArgs=(future,),
        )
        future.add_done_callback(lambda done: deferred.cancel() if done.cancelled() else None)
        return future

    def from_asyncio(self, awaitable: Any) -> Deferred[Any]:
        """A ``Deferred`` with the outcome of an asyncio future, task or coroutine.

        For txaio and Twisted code under Twisted's asyncio reactor, where
        awaiting an asyncio future fails with "await wasn't used with future".
        A coroutine (or other awaitable) runs as an asyncio task on the
        reactor's loop; a ``Deferred`` is passed through. Cancelling either
        side cancels the other, and each sees its own framework's
        ``CancelledError`` (``Deferred.fromFuture`` hands Twisted code
        asyncio's, which ``Deferred.addTimeout`` does not recognise).
        Cancelled from the Twisted side, the ``Deferred`` fires once the task
        has finished (its clean-up has run), as ``Deferred.fromFuture`` does.
        A reactor that does not run on asyncio is a ``RuntimeError``.
        """
        if isinstance(awaitable, Deferred):
            return awaitable
        check_awaitable(awaitable, "awaitable")
        if is_coroutine(awaitable):
            check_fresh_coroutine(awaitable, "awaitable")
        try:
            loop = self._asyncio_loop("from_asyncio()")
        except RuntimeError:
            if is_coroutine(awaitable):
                awaitable.close()  # it will never run: no "never awaited" warning on top
            raise
        return _FromAsyncio(asyncio.ensure_future(awaitable, loop=loop)).deferred

    def _asyncio_loop(self, caller: str) -> asyncio.AbstractEventLoop:
        """The asyncio loop under txaio's reactor; a ``RuntimeError`` if it has none.

        Never installs a reactor: before one is installed, Twisted's asyncio
        reactor can still be.
        """
        reactor = self.config.loop
        if reactor is None and "twisted.internet.reactor" in sys.modules:
            reactor = _default_reactor()
        loop = getattr(reactor, "_asyncioEventloop", None)
        if isinstance(loop, asyncio.AbstractEventLoop):
            return loop
        uses = "no reactor yet" if reactor is None else type(reactor).__name__
        raise RuntimeError(
            f"{caller} needs Twisted's asyncio reactor, and txaio uses {uses}: call "
            "twisted.internet.asyncioreactor.install() before anything imports the reactor"
        )

    # -- running an application -------------------------------------------

    def _run(
        self,
        main: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        loop: Any,
        loop_factory: Callable[[], Any] | None,
    ) -> Any:
        if loop_factory is not None:
            raise ValueError(
                "loop_factory is for asyncio; on Twisted, install the reactor before run() "
                "(e.g. twisted.internet.asyncioreactor.install())"
            )
        reactor = loop if loop is not None else _default_reactor()
        if not all(callable(getattr(reactor, name, None)) for name in _REACTOR_CORE):
            raise RuntimeError(
                f"txaio.run() runs a reactor, and txaio is configured with {reactor!r}, which "
                "cannot run (it needs IReactorCore: run, stop, callWhenRunning, callFromThread)"
            )
        if getattr(reactor, "running", False):
            raise RuntimeError("txaio.run() was called while the reactor runs: call main() instead")
        if getattr(reactor, "_startedBefore", False):
            raise RuntimeError(
                "the Twisted reactor cannot be restarted: it has already run in this process, "
                "so txaio.run() can run an application only once here"
            )
        return _Application(self, reactor, main, args, kwargs).run()

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
        _log.failure(_api.TIMER_ERROR_MESSAGE, Failure(exc))


def _nothing() -> None:
    return None


# -- Twisted on asyncio: the bridges' callbacks -------------------------------


def _exception_of(fail: Failure) -> BaseException:
    """The exception of ``fail``, with its traceback (a Failure may keep it apart)."""
    exc = fail.value
    traceback = fail.getTracebackObject()
    if exc is not None and isinstance(traceback, TracebackType):  # a real traceback
        exc = exc.with_traceback(traceback)
    return cast("BaseException", exc)


def _not_a_deferred_to_bridge(obj: object) -> TypeError:
    hint = ": make it a Deferred first (txaio.as_future)" if is_coroutine(obj) else ""
    if is_coroutine(obj):
        obj.close()  # type: ignore[attr-defined]  # refused, it never runs
    return TypeError(f"deferred must be a Twisted Deferred, got {type(obj).__name__}{hint}")


def _set_result_unless_cancelled(value: Any, future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.set_result(value)


def _set_failure_unless_cancelled(fail: Failure, future: asyncio.Future[Any]) -> None:
    if future.cancelled():
        return
    if fail.check(CancelledError):
        future.cancel()  # asyncio code sees asyncio's CancelledError
    else:
        future.set_exception(_exception_of(fail))


#: What a from_asyncio Deferred's canceller fires it with: "wait for the task".
_WAIT_FOR_THE_TASK = object()


class _FromAsyncio:
    """One ``from_asyncio``: the ``Deferred`` and the asyncio task or future it follows.

    Cancelling the ``Deferred`` cancels the task, and the ``Deferred`` pauses
    until the task is done (the same trick as ``Deferred.fromFuture``): then
    it fires with the task's outcome, a cancelled task giving Twisted's
    ``CancelledError``.
    """

    __slots__ = ("deferred", "pending", "task")

    def __init__(self, task: asyncio.Future[Any]) -> None:
        self.task = task
        self.deferred: Deferred[Any] = Deferred(self._cancel)
        self.pending = self.deferred  # the Deferred the task's outcome fires
        self.deferred.addCallback(self._wait_after_cancel)
        task.add_done_callback(self._task_done)

    def _cancel(self, deferred: Deferred[Any]) -> None:
        self.task.cancel()
        deferred.callback(_WAIT_FOR_THE_TASK)

    def _wait_after_cancel(self, result: Any) -> Any:
        if result is _WAIT_FOR_THE_TASK:
            self.pending = Deferred()
            return self.pending
        return result

    def _task_done(self, task: asyncio.Future[Any]) -> None:
        outcome: Any
        if task.cancelled():
            outcome = Failure(CancelledError())  # Twisted code sees Twisted's CancelledError
        else:
            exc = task.exception()
            outcome = task.result() if exc is None else Failure(exc)
        if not self.pending.called:
            self.pending.callback(outcome)
            if task.cancelled():
                # Asked for (from either side): not an error to report, as in asyncio.
                _forget_cancellation(self.deferred)


class _ThreadResult:
    """``onResult`` of one ``run_in_thread``: in the worker, hand the outcome to the reactor."""

    __slots__ = ("future", "reactor")

    def __init__(self, reactor: Any, future: Deferred[Any]) -> None:
        self.reactor = reactor
        self.future = future

    def __call__(self, succeeded: bool, result: Any) -> None:
        _hand_to_reactor(self.reactor, _fire_thread_result, self.future, succeeded, result)


def _hand_to_reactor(reactor: Any, fn: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """``reactor.callFromThread(fn, ...)``, in the order made on every reactor.

    Twisted's asyncio reactor turns each call into a ``callLater(0)``, and
    asyncio runs timers due at the same time in any order; there the calls
    go through :class:`_InOrder`.
    """
    if getattr(reactor, "_asyncioEventloop", None) is None:
        reactor.callFromThread(fn, *args, **kwargs)
    else:
        _in_order(reactor).call(fn, args, kwargs)


class _InOrder:
    """Calls from threads to one reactor, run in the order they were made.

    Each call is queued, then one ``callFromThread`` is made for it; whichever
    of those runs first runs the oldest queued call, so the calls run in order
    even if the reactor runs its ``callFromThread`` calls out of order.
    """

    __slots__ = ("calls", "reactor")

    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor
        self.calls: deque[tuple[Callable[..., object], tuple[Any, ...], dict[str, Any]]] = deque()

    def call(
        self, fn: Callable[..., object], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self.calls.append((fn, args, kwargs))
        try:
            self.reactor.callFromThread(self._run_oldest)
        except BaseException:
            self.calls.pop()  # not handed over (a closed loop): not run either
            raise

    def _run_oldest(self) -> None:
        fn, args, kwargs = self.calls.popleft()
        fn(*args, **kwargs)


_in_order_of: WeakKeyDictionary[Any, _InOrder] = WeakKeyDictionary()
_in_order_lock = threading.Lock()


def _in_order(reactor: Any) -> _InOrder:
    """The :class:`_InOrder` of ``reactor``, made once (from any thread)."""
    in_order = _in_order_of.get(reactor)
    if in_order is None:
        with _in_order_lock:
            in_order = _in_order_of.setdefault(reactor, _InOrder(reactor))
    return in_order


def _fire_thread_result(future: Deferred[Any], succeeded: bool, result: Any) -> None:
    """On the reactor: fire ``future`` with a thread's outcome, unless it was cancelled."""
    if future.called:
        return  # cancelled while the thread ran: the late result is dropped
    if succeeded:
        future.callback(result)
    else:
        future.errback(result)


# -- running an application: txaio.run ---------------------------------------

#: What txaio.run needs of a reactor (IReactorCore, plus callFromThread for Ctrl-C).
_REACTOR_CORE = ("run", "stop", "callWhenRunning", "callFromThread")


class _Application:
    """One ``txaio.run`` on Twisted: main's Deferred, its outcome, and the reactor running it."""

    def __init__(
        self,
        api: TwistedAPI,
        reactor: Any,
        main: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        self.api = api
        self.reactor = reactor
        self.main = main
        self.args = args
        self.kwargs = kwargs
        self.future: Deferred[Any] | None = None
        #: (True, value) or (False, exception): what main gave, once it is done.
        self.outcome: tuple[bool, Any] | None = None

    def run(self) -> Any:
        """Start the reactor, run main on it, stop it when main is done; main's result."""
        import threading

        from txaio._run import CtrlC, shut_down_loop

        reactor = self.reactor
        reactor.callWhenRunning(self._start)
        with CtrlC(lambda: reactor.callFromThread(self._cancel)) as ctrl_c:
            reactor.run(installSignalHandlers=threading.current_thread() is threading.main_thread())
        asyncio_loop = getattr(reactor, "_asyncioEventloop", None)
        if asyncio_loop is not None and not asyncio_loop.is_closed():
            shut_down_loop(asyncio_loop)  # Twisted on asyncio: clean its loop up too
        outcome = self.outcome
        if outcome is None and self.future is not None:
            self.future.cancel()  # the reactor stopped first: main is abandoned
        if ctrl_c.count and (outcome is None or isinstance(outcome[1], CancelledError)):
            raise KeyboardInterrupt
        if outcome is None:
            raise RuntimeError("the reactor stopped before main finished")
        succeeded, value = outcome
        if succeeded:
            return value
        raise value

    def _start(self) -> None:
        future = cast("Deferred[Any]", self.api.as_future(self.main, *self.args, **self.kwargs))
        self.future = future
        future.addCallbacks(self._succeeded, self._failed)

    def _succeeded(self, value: Any) -> Any:
        self.outcome = (True, value)
        self._stop()
        return value

    def _failed(self, fail: Failure) -> None:
        self.outcome = (False, _exception_of(fail))
        self._stop()
        return None  # handled: raised by run()

    def _cancel(self) -> None:
        """Ctrl-C: cancel main's Deferred (which then stops the reactor)."""
        if self.future is None:
            self._stop()
        else:
            self.future.cancel()

    def _stop(self) -> None:
        with contextlib.suppress(ReactorNotRunning):  # already stopping
            self.reactor.stop()


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

    def _failed(self, fail: Failure, index: int) -> Failure | None:
        if self.outer.called:
            return fail  # failed early: left unhandled, so Twisted reports it
        if not self.consume:
            self.outer.errback(fail)
            return fail  # the input keeps its error, as on asyncio
        self._record(index, fail)
        return None

    def _record(self, index: int, value: Any) -> None:
        self.results[index] = value
        self.remaining -= 1
        if self.remaining == 0 and not self.outer.called:
            self.outer.callback(self.results)


# -- the module-level API: the default instance, bound to txaio.config ------

# txaio.config, unless the other framework is selected (_api.backend_config says why).
_default = TwistedAPI(_api.backend_config("twisted"))

# BEGIN GENERATED module functions (tools/generate_names.py)
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
is_cancelled = _default.is_cancelled
call_later = _default.call_later
sleep = _default.sleep
timeout = _default.timeout
call_periodic = _default.call_periodic
make_batched_timer = _default.make_batched_timer
time_ns = _default.time_ns
perf_counter_ns = _default.perf_counter_ns
with_config = _default.with_config
run = _default.run
run_in_thread = _default.run_in_thread
call_from_thread = _default.call_from_thread
blocking_call_from_thread = _default.blocking_call_from_thread
make_logger = _logging.make_logger
start_logging = _logging.start_logging
set_global_log_level = _logging.set_global_log_level
get_global_log_level = _logging.get_global_log_level
add_log_categories = _logging.add_log_categories
# END GENERATED module functions

# Twisted on asyncio (this backend's own: txaio's futures are asyncio's on asyncio).
to_asyncio = _default.to_asyncio
from_asyncio = _default.from_asyncio


# -- logging: txaio loggers write to twisted.logger ---------------------------
# Levels, formatting, categories and start_logging are shared (txaio._logging;
# the output it starts is txaio._log_output);
# under each txaio logger is a twisted.logger.Logger, so txaio events are plain
# Twisted events (trace is Twisted's debug, with txaio_trace=True), and the
# output shows Twisted's own events (twisted.logger and legacy twisted.python.log).

_TWISTED_LEVELS = {
    "critical": LogLevel.critical,
    "error": LogLevel.error,
    "warn": LogLevel.warn,
    "info": LogLevel.info,
    "debug": LogLevel.debug,
    "trace": LogLevel.debug,  # Twisted has no trace level: the event has txaio_trace=True
}
_TXAIO_LEVELS = {twisted: name for name, twisted in reversed(_TWISTED_LEVELS.items())}


class TwistedLogger(_TwistedLogger):
    """The ``twisted.logger.Logger`` under a txaio logger on Twisted.

    A plain Twisted logger; its class only tells txaio's output which events
    came from txaio loggers (already filtered by their logger's level).
    """


def is_txaio_event(event: dict[str, Any]) -> bool:
    """True for the Twisted events of txaio loggers (already filtered by their level)."""
    return isinstance(event.get("log_logger"), TwistedLogger)


def _twisted_failure(fail: IFailedFuture) -> Failure:
    if isinstance(fail, Failure):
        return fail
    exc = fail.value
    return Failure(exc, type(exc), getattr(fail, "tb", None) or exc.__traceback__)


def _event_level(event: dict[str, Any]) -> str:
    """The txaio level name of a Twisted event ("trace" for txaio's trace events)."""
    if event.get("txaio_trace"):
        return "trace"
    return _TXAIO_LEVELS.get(event.get("log_level"), "info")


class TwistedLogSink(_logging.LogSink):
    """txaio events as twisted.logger events, through each logger's Twisted logger."""

    logger_class = TwistedLogger

    def __init__(self) -> None:
        self._observer: ILogObserver | None = None
        self._stdio: tuple[Any, Any] | None = None

    def emit(self, logger: Any, level: str, format: object, values: dict[str, Any]) -> None:
        twisted_level = _TWISTED_LEVELS[level]
        if "level" in values or "format" in values:  # they would collide with emit()'s own
            _publish_by_hand(logger, twisted_level, format, values)
        else:
            logger.emit(twisted_level, format, **values)

    def failure(
        self, logger: Any, format: object, fail: IFailedFuture, values: dict[str, Any]
    ) -> None:
        twisted_fail = _twisted_failure(fail)
        if "level" in values or "format" in values:
            values["log_failure"] = twisted_fail
            _publish_by_hand(logger, LogLevel.critical, format, values)
        else:
            logger.failure(format, twisted_fail, LogLevel.critical, **values)

    def start_output(self, output: Output | None) -> None:
        if output is not None:
            self._observer = observer = cast("ILogObserver", _output_observer(output))
            globalLogPublisher.addObserver(observer)
        # Begin Twisted's logging (end its buffering and its printing of critical
        # events to stderr) unless the application, twistd or trial already did:
        # beginLoggingTo is meant to be called once per process. Like Twisted's
        # default (and the published txaio), print() and writes to sys.stderr then
        # become log events: Crossbar.io's workers rely on it.
        if getattr(globalLogBeginner, "_temporaryObserver", None) is not None:
            self._stdio = (sys.stdout, sys.stderr)
            globalLogBeginner.beginLoggingTo([], discardBuffer=True, redirectStandardIO=True)

    # While Twisted's logging redirects them, txaio writes to the streams it replaced.

    def stdout(self) -> Any:
        if isinstance(sys.stdout, LoggingFile) and self._stdio is not None:
            return self._stdio[0]
        return sys.stdout

    def stderr(self) -> Any:
        if isinstance(sys.stderr, LoggingFile) and self._stdio is not None:
            return self._stdio[1]
        return sys.stderr

    def stop_output(self) -> None:
        if self._observer is not None:
            globalLogPublisher.removeObserver(self._observer)
            self._observer = None


def _publish_by_hand(logger: Any, level: LogLevel, format: object, values: dict[str, Any]) -> None:
    """Build the event ``Logger.emit`` would, for values named ``level`` or ``format``."""
    values.update(
        log_logger=logger,
        log_level=level,
        log_namespace=getattr(logger, "namespace", None),
        log_source=getattr(logger, "source", None),
        log_format=format,
        log_time=time.time(),
    )
    observer = getattr(logger, "observer", None)
    (observer if observer is not None else globalLogPublisher)(values)


def _output_observer(output: Output) -> Callable[[dict[str, Any]], None]:
    """A Twisted log observer that writes events as txaio output lines."""
    from txaio._log_output import failure_traceback_text  # loaded by start_logging already

    def observe(event: dict[str, Any]) -> None:
        try:
            fail = event.get("log_failure")
            if is_txaio_event(event):
                # a txaio logger's event: its logger's level already chose it, and
                # "{log_level}" in its format says txaio's name for the level
                message = _logging.format_message({**event, "log_level": _event_level(event)})
            elif not _logging.level_shown(_event_level(event)):
                return  # Twisted's own events are filtered by the global level
            elif fail is None and event.get("isError") and "failure" in event:
                # legacy log.err(): its traceback is shown like any other
                fail = event["failure"]
                message = _logging.safe_str(event.get("why") or "Unhandled Error")
            else:
                message = formatEvent(event)
            traceback = None if fail is None else failure_traceback_text(fail)
            output.emit(event.get("log_time"), message, traceback)
        except Exception as exc:
            _logging.report_error(exc, "showing a Twisted log event")

    return observe


_logging.register_sink("twisted", TwistedLogSink())
