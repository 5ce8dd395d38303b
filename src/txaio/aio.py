"""The asyncio backend: :class:`AsyncioAPI` and its functions at module level.

Futures are plain ``asyncio.Future`` objects; errbacks receive a
:class:`~txaio._failure.FailedFuture`. The sections follow the order of
:class:`txaio._api.API` and of ``txaio.tx``, so the two read side by side.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import sys
import threading
import warnings
from asyncio import AbstractEventLoop, Future
from collections.abc import Callable, Coroutine, Iterable
from types import MethodType
from typing import Any

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
    check_callable,
    check_callbacks,
    check_canceller,
    check_delay,
    check_timer_arguments,
    enumerate_futures,
    no_callbacks,
    not_a_future_item,
    not_a_loop,
    not_an_error,
    not_an_exception,
    result_and_error,
)
from txaio._failure import FailedFuture, current_exception
from txaio._logging import Logger
from txaio._loop_mixin import LoopMixin
from txaio.interfaces import IFailedFuture, log_levels

TYPE_CHECKING = False  # mypy reads True
if TYPE_CHECKING:
    from txaio._api import T

__all__ = [
    "AsyncioAPI",
    "FailedFuture",
    "Logger",
    "LoopMixin",
    "config",
    "log_levels",
    *_api.PUBLIC_FUNCTIONS,
    *_api.LOGGING_FUNCTIONS,
]

_get_running_loop = asyncio._get_running_loop


class InvalidStateError(_api.InvalidStateError, asyncio.InvalidStateError):
    """A future was resolved or rejected after it was done (asyncio flavour)."""


_thread = threading.local()


def _thread_loop() -> AbstractEventLoop:
    """The thread's current event loop, creating and setting one the first time.

    Uses only asyncio's module functions, not its event-loop policy API
    (deprecated in Python 3.14, going in 3.16). Asking for a loop that is not
    there warns on 3.12 and 3.13 and raises from 3.14 on, so the first call
    per thread turns that warning into an error and makes the loop itself;
    later calls find the loop it set. The loop handed out is remembered
    (``_thread.loop``): work made on it before ``txaio.run`` runs there.
    """
    try:
        if getattr(_thread, "loop", None) is not None:
            loop = asyncio.get_event_loop()
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("error", DeprecationWarning)
                loop = asyncio.get_event_loop()
        if not loop.is_closed():
            _thread.loop = loop
            return loop
    except (DeprecationWarning, RuntimeError):
        pass
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    _thread.loop = loop
    return loop


def _handed_out_loop() -> AbstractEventLoop | None:
    """The loop :func:`_thread_loop` handed out in this thread, unless it is closed."""
    loop: AbstractEventLoop | None = getattr(_thread, "loop", None)
    return None if loop is None or loop.is_closed() else loop


def _loop_of_this_thread() -> AbstractEventLoop | None:
    """The open loop :func:`_thread_loop` handed out here, else the loop ``txaio.run`` ran
    here last (closed since), if any; never a new one."""
    loop = _handed_out_loop()
    if loop is None:
        loop = getattr(_thread, "ran", None) or getattr(_thread, "loop", None)
    return loop


def _as_exception(error: object, argument: str, caller: str) -> BaseException:
    """The exception to fail a future with, from an exception, an IFailedFuture or None."""
    if isinstance(error, BaseException):
        return error
    if error is None:
        return current_exception(caller)
    if isinstance(error, IFailedFuture):
        return error.value
    raise not_an_error(error, argument)


def _already_done(caller: str, future: Future[Any]) -> InvalidStateError:
    return InvalidStateError(
        f"{caller}: the future is already {_state(future)}; "
        "a future can be resolved or rejected once"
    )


def _not_a_future(argument: str, obj: object) -> TypeError:
    return TypeError(f"{argument} must be an asyncio Future, got {type(obj).__name__}")


class AsyncioAPI(API):
    """txaio on asyncio, bound to ``config.loop`` or the running/thread loop."""

    framework = "asyncio"
    _future_type = Future
    _loop_needs = "an asyncio event loop (create_future, call_later, time, ...)"
    _cancelled_errors = (asyncio.CancelledError,)
    __slots__ = ()

    def _loop(self) -> AbstractEventLoop:
        """The configured loop, else the running loop, else the thread's loop.

        The one lookup of the loop. The three hottest paths (create_future,
        create_future_success, call_later) inline it: a method call there
        shows in ``make bench``. tests/contract/test_loop_lookup.py checks
        that every function finds the same loop in each situation.
        """
        loop: AbstractEventLoop | None = self.config.loop
        if loop is None:
            loop = _get_running_loop()
            if loop is None:
                loop = _thread_loop()
        return loop

    # -- futures ---------------------------------------------------------

    def create_future(
        self,
        result: T = NOT_GIVEN,
        error: IFailedFuture | BaseException | None = None,
        canceller: Callable[[Any], object] | None = None,
    ) -> Future[T]:
        loop: AbstractEventLoop | None = self.config.loop  # _loop(), inlined: see _loop()
        if loop is None:
            loop = _get_running_loop()
            if loop is None:
                loop = _thread_loop()
        try:
            future = loop.create_future()
        except AttributeError:
            self._raise_if_loop_lacks(loop, "create_future")
            raise
        if result is not NOT_GIVEN:
            if error is not None:
                raise result_and_error()
            future.set_result(result)
        elif error is not None:
            future.set_exception(_as_exception(error, "error", "create_future()"))
        if canceller is not None:
            if not callable(canceller):
                check_canceller(canceller)
            future.add_done_callback(functools.partial(_call_canceller, canceller))
        return future

    def create_future_success(self, value: T) -> Future[T]:
        loop: AbstractEventLoop | None = self.config.loop  # _loop(), inlined: see _loop()
        if loop is None:
            loop = _get_running_loop()
            if loop is None:
                loop = _thread_loop()
        try:
            future = loop.create_future()
        except AttributeError:
            self._raise_if_loop_lacks(loop, "create_future")
            raise
        future.set_result(value)
        return future

    def create_future_error(
        self, error: IFailedFuture | BaseException | None = None
    ) -> Future[Any]:
        loop = self._loop()
        try:
            future = loop.create_future()
        except AttributeError:
            self._raise_if_loop_lacks(loop, "create_future")
            raise
        future.set_exception(_as_exception(error, "error", "create_future_error()"))
        return future

    def is_future(self, obj: object) -> bool:
        return isinstance(obj, (Future, Coroutine))

    def is_called(self, future: Future[Any]) -> bool:
        try:
            return future.done()
        except AttributeError:
            finished = coroutine_finished(future)
            if finished is None:
                raise _not_a_future("future", future) from None
            return finished

    def resolve(self, future: Future[Any], result: Any = None, *, value: Any = NOT_GIVEN) -> None:
        if value is not NOT_GIVEN:
            result = resolve_value(result, value)
        try:
            future.set_result(result)
        except asyncio.InvalidStateError:
            if not future.cancelled():  # after cancel() a late result is dropped
                raise _already_done("resolve()", future) from None
        except AttributeError:
            raise _not_a_future("future", future) from None

    def reject(
        self, future: Future[Any], error: IFailedFuture | BaseException | None = None
    ) -> None:
        if isinstance(error, BaseException):
            exc = error  # the common case, without a call to _as_exception
        else:
            exc = _as_exception(error, "error", "reject()")
        try:
            future.set_exception(exc)
        except asyncio.InvalidStateError:
            if not future.cancelled():  # after cancel() a late error is dropped
                raise _already_done("reject()", future) from None
        except AttributeError:
            raise _not_a_future("future", future) from None

    def cancel(self, future: Future[Any], msg: str | None = None) -> None:
        try:
            future.cancel(msg)
        except AttributeError:
            raise _not_a_future("future", future) from None

    def add_callbacks(
        self,
        future: Future[Any],
        callback: Callable[[Any], object] | None,
        errback: Callable[[IFailedFuture], object] | None,
    ) -> Future[Any]:
        # The done-callback is a method bound to the user's callable(s): the
        # cheapest callable that carries state (cheaper than a partial or a
        # closure). The callable() checks run inline; check_callbacks() only
        # runs to raise its precise error.
        if callback is None:
            if errback is None:
                raise no_callbacks()
            if not callable(errback):
                check_callbacks(callback, errback)
            done = MethodType(_errback_only, errback)
        elif errback is None:
            if not callable(callback):
                check_callbacks(callback, errback)
            done = MethodType(_callback_only, callback)
        else:
            if not (callable(callback) and callable(errback)):
                check_callbacks(callback, errback)
            done = MethodType(_callback_and_errback, (callback, errback))
        try:
            future.add_done_callback(done)
        except AttributeError:
            if not is_coroutine(future):
                raise _not_a_future("future", future) from None
        else:
            return future
        task: Future[Any] = self._add_callbacks_to_coroutine(future, callback, errback)
        return task

    def gather(self, futures: Iterable[Any], consume_exceptions: bool = True) -> Future[list[Any]]:
        loop = self._loop()
        children: list[Future[Any]] = []
        items = enumerate_futures(futures)
        for index, child in items:
            if isinstance(child, Future):
                children.append(child)
            elif isinstance(child, Coroutine):
                try:
                    children.append(loop.create_task(child))
                except AttributeError:
                    close_coroutines(child, futures, items)
                    self._raise_if_loop_lacks(loop, "create_task")
                    raise
            else:
                close_coroutines(child, futures, items)
                raise not_a_future_item(index, child, "Future")
        try:
            return _Gathering(loop, children, consume_exceptions).outer
        except AttributeError:
            self._raise_if_loop_lacks(loop, "create_future")
            raise

    # -- failures --------------------------------------------------------

    def create_failure(self, exception: BaseException | None = None) -> IFailedFuture:
        if exception is None:
            exception = current_exception("create_failure()")
            return FailedFuture(exception, sys.exc_info()[2])
        if not isinstance(exception, BaseException):
            raise not_an_exception(exception)
        return FailedFuture(exception)

    # -- time ------------------------------------------------------------

    def call_later(
        self, delay: float, fn: Callable[..., object], *args: Any, **kwargs: Any
    ) -> asyncio.TimerHandle:
        # The quick test, inline on this hot path; check_timer_arguments() runs for
        # anything else (a Fraction, a bad argument) and raises the precise error.
        if not (type(delay) in PLAIN_DELAY_TYPES and 0 <= delay < _INFINITY and callable(fn)):
            check_timer_arguments(delay, fn)
        if kwargs:
            fn = functools.partial(fn, **kwargs)
        loop: AbstractEventLoop | None = self.config.loop  # _loop(), inlined: see _loop()
        if loop is None:
            loop = _get_running_loop()
            if loop is None:
                loop = _thread_loop()
        # Forwarding *args slows the common call (make bench times it: operation 4):
        # spared for none or one argument.
        try:
            if not args:
                return loop.call_later(delay, fn)
            if len(args) == 1:
                return loop.call_later(delay, fn, args[0])
            return loop.call_later(delay, fn, *args)
        except AttributeError:
            self._raise_if_loop_lacks(loop, "call_later")
            raise

    def sleep(self, delay: float) -> Future[None]:
        check_delay(delay)
        loop = self._loop()
        try:
            future: Future[None] = loop.create_future()
            timer = loop.call_later(delay, _resolve_unless_done, future)
        except AttributeError:
            self._raise_if_loop_lacks(loop, "create_future")
            self._raise_if_loop_lacks(loop, "call_later")
            raise
        future.add_done_callback(lambda _: timer.cancel())
        return future

    # -- threads ---------------------------------------------------------

    def run_in_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        if not callable(fn):
            check_callable(fn, "fn")
        loop = self._loop()
        job = _threads.ThreadJob(loop, contextvars.copy_context(), fn, args, kwargs)
        try:
            # What asyncio.to_thread does: the default executor, its future chained to
            # one of the loop's (which drops a result that comes after a cancel).
            return loop.run_in_executor(None, job)
        except AttributeError:
            self._raise_if_loop_lacks(loop, "run_in_executor")
            raise

    def _call_soon_threadsafe(
        self,
        loop: AbstractEventLoop,
        fn: Callable[..., object],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        caller: str,
    ) -> None:
        if kwargs:
            fn = functools.partial(fn, **kwargs)
        try:
            loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:
            if self._has_stopped(loop):
                raise _threads.loop_stopped(caller) from None
            raise
        except AttributeError:
            self._raise_if_loop_lacks(loop, "call_soon_threadsafe")
            raise

    def _default_thread_loop(self, caller: str) -> AbstractEventLoop:
        loop = _get_running_loop()
        if loop is None:
            loop = _loop_of_this_thread()
            if loop is None:
                raise _threads.no_loop_known(caller)
        return loop

    def _runs_in_this_thread(self, loop: AbstractEventLoop) -> bool:
        return loop is _get_running_loop() or loop is _loop_of_this_thread()

    def _has_stopped(self, loop: AbstractEventLoop) -> bool:
        try:
            return loop.is_closed()
        except AttributeError:
            return False  # not a loop: the call itself says so

    # -- loops -----------------------------------------------------------

    def _check_loop(self, loop: object) -> None:
        if not isinstance(loop, AbstractEventLoop):
            raise not_a_loop(loop, "loop", self._loop_needs)

    # -- running an application -------------------------------------------

    def _run(
        self,
        main: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        loop: AbstractEventLoop | None,
        loop_factory: Callable[[], AbstractEventLoop] | None,
    ) -> Any:
        if _get_running_loop() is not None:
            raise RuntimeError(
                "txaio.run() cannot be called from a running event loop: await main() instead"
            )
        if loop is not None:
            if loop_factory is not None:
                raise ValueError(
                    "loop_factory cannot be used while txaio is configured with a loop "
                    "(txaio.config.loop or with_config(loop=...)): main runs on that loop"
                )
            if loop.is_closed():
                raise RuntimeError(f"txaio is configured with a closed loop: {loop!r}")
            loop_factory = functools.partial(_the_loop, loop)
        else:
            # Futures and timers made before run() are on the thread's loop: run main there.
            loop = _handed_out_loop()
            if loop is not None:
                if loop_factory is not None:
                    raise RuntimeError(_work_on_the_thread_loop(loop))
                loop_factory = functools.partial(_the_loop, loop)
        return _run_until_done(_call_main(main, args, kwargs), loop_factory)

    # -- hooks -----------------------------------------------------------

    def _from_coroutine(self, coro: Coroutine[Any, Any, Any]) -> Future[Any]:
        loop = self._loop()
        try:
            return loop.create_task(coro)
        except AttributeError:
            coro.close()  # it will never run: no "never awaited" warning on top of the error
            self._raise_if_loop_lacks(loop, "create_task")
            raise

    def _seconds(self) -> float:
        loop = self._loop()
        try:
            return loop.time()
        except AttributeError:
            self._raise_if_loop_lacks(loop, "time")
            raise

    def _schedule(self, delay: float, fn: Callable[[], object]) -> asyncio.TimerHandle:
        loop = self._loop()
        try:
            return loop.call_later(delay, fn)
        except AttributeError:
            self._raise_if_loop_lacks(loop, "call_later")
            raise

    def _report_error(self, exc: BaseException) -> None:
        loop = self._loop()
        context = {"message": _api.TIMER_ERROR_MESSAGE, "exception": exc}
        try:
            loop.call_exception_handler(context)
        except AttributeError:
            self._raise_if_loop_lacks(loop, "call_exception_handler")
            raise


# -- callbacks installed on futures (module level: no per-call closures) -----


def _call_canceller(canceller: Callable[[Any], object], future: Future[Any]) -> None:
    if future.cancelled():
        canceller(future)


def _failure_of(future: Future[Any]) -> FailedFuture | None:
    """The future's error as a FailedFuture (a CancelledError if cancelled), else None."""
    if future.cancelled():
        try:
            future.result()
        except asyncio.CancelledError as cancelled:
            return FailedFuture(cancelled)
    exc = future.exception()
    return None if exc is None else FailedFuture(exc)


def _callback_and_errback(
    callbacks: tuple[Callable[[Any], object], Callable[[IFailedFuture], object]],
    future: Future[Any],
) -> None:
    # One exception() call tells all three outcomes (a cancelled future raises
    # its CancelledError), so the success path makes no other call.
    try:
        exc = future.exception()
    except asyncio.CancelledError as cancelled:
        exc = cancelled
    if exc is None:
        callbacks[0](future.result())
    else:
        callbacks[1](FailedFuture(exc))


def _callback_only(callback: Callable[[Any], object], future: Future[Any]) -> None:
    if not future.cancelled() and _has_no_error(future):
        callback(future.result())


def _has_no_error(future: Future[Any]) -> bool:
    """True if ``future`` succeeded, without marking an error as retrieved.

    ``Future.exception()`` would tell asyncio the error was handled, and it
    would then never report it; with only a callback added, nobody has. So
    read CPython's ``_exception`` slot (present on Future and Task, 3.4-3.13),
    falling back to ``exception()`` for other future implementations.
    """
    try:
        return future._exception is None
    except AttributeError:
        return future.exception() is None


def _errback_only(errback: Callable[[IFailedFuture], object], future: Future[Any]) -> None:
    try:
        exc = future.exception()
    except asyncio.CancelledError as cancelled:
        exc = cancelled
    if exc is not None:
        errback(FailedFuture(exc))


def _resolve_unless_done(future: Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _state(future: Future[Any]) -> str:
    if future.cancelled():
        return "cancelled"
    return "failed" if future.exception() is not None else "resolved"


class _Gathering:
    """The state of one ``gather``: results fill in input order as children finish."""

    __slots__ = ("children", "consume", "outer", "remaining")

    def __init__(self, loop: AbstractEventLoop, children: list[Future[Any]], consume: bool) -> None:
        self.outer: Future[list[Any]] = loop.create_future()
        self.children = children
        self.consume = consume
        self.remaining = len(children)
        if not children:
            self.outer.set_result([])
            return
        for child in children:
            child.add_done_callback(self._child_done)

    def _child_done(self, child: Future[Any]) -> None:
        outer = self.outer
        if outer.done():
            return  # failed early: later errors stay unretrieved, so asyncio reports them
        if not self.consume:
            fail = _failure_of(child)
            if fail is not None:
                outer.set_exception(fail.value)
                return
        self.remaining -= 1
        if self.remaining == 0:
            outer.set_result([_result_or_failure(c) for c in self.children])


def _result_or_failure(child: Future[Any]) -> Any:
    fail = _failure_of(child)
    return child.result() if fail is None else fail


# -- running an application: txaio.run ---------------------------------------


def _the_loop(loop: AbstractEventLoop) -> AbstractEventLoop:
    """The loop factory for a configured loop or the thread's loop: that loop."""
    return loop


def _work_on_the_thread_loop(loop: AbstractEventLoop) -> str:
    """Why ``run(loop_factory=...)`` refuses to start while txaio's thread loop is open."""
    return (
        "txaio.run() with a loop_factory would run main on a new loop, but txaio already "
        f"handed out this thread's loop {loop!r}: the futures and timers made before run() "
        "wait there and would never run. Make the loop first and give it to txaio before "
        "anything is scheduled (asyncio.set_event_loop(loop) or txaio.config.loop = loop), "
        "then call txaio.run(main) without loop_factory; or close that loop if nothing "
        "waits on it"
    )


async def _call_main(
    main: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """``main(*args, **kwargs)``, called on the running loop; a future or coroutine is awaited."""
    _thread.ran = asyncio.get_running_loop()  # from-thread calls here after run: "stopped"
    result = main(*args, **kwargs)
    if isinstance(result, (Future, Coroutine)):
        return await result
    return result


if sys.version_info >= (3, 11):

    def _run_until_done(
        coro: Coroutine[Any, Any, Any], loop_factory: Callable[[], AbstractEventLoop] | None
    ) -> Any:
        """Run ``coro`` as asyncio.run does (asyncio.Runner: Ctrl-C, clean-up, closing)."""
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            return runner.run(coro)

else:

    def _run_until_done(
        coro: Coroutine[Any, Any, Any], loop_factory: Callable[[], AbstractEventLoop] | None
    ) -> Any:
        """Python 3.10 has no asyncio.Runner: what it does, on 3.10's public API."""
        from txaio._run import CtrlC, shut_down_loop

        if loop_factory is None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)  # as asyncio.run does, for code that asks for it
        else:
            loop = loop_factory()
        try:
            task = loop.create_task(coro)

            def cancel_main() -> None:
                if task.done():
                    raise KeyboardInterrupt
                task.cancel()
                loop.call_soon_threadsafe(_nothing)  # wake the loop from its wait

            with CtrlC(cancel_main) as ctrl_c:
                try:
                    return loop.run_until_complete(task)
                except asyncio.CancelledError:
                    if ctrl_c.count and task.cancelled():
                        raise KeyboardInterrupt from None
                    raise
        finally:
            try:
                shut_down_loop(loop)
            finally:
                if loop_factory is None:
                    asyncio.set_event_loop(None)


def _nothing() -> None:
    return None


# -- the module-level API: the default instance, bound to txaio.config ------

# txaio.config, unless the other framework is selected (_api.backend_config says why).
_default = AsyncioAPI(_api.backend_config("asyncio"))

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


# -- logging: txaio loggers write to the standard library's logging ----------
# Levels, formatting, categories and start_logging are shared (txaio._logging;
# the output it starts is txaio._log_output);
# on asyncio its standard-library sink is used as it is.

_logging.register_sink("asyncio", _logging.STDLIB_SINK)
