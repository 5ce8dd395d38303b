"""The backend contract: one method per framework-dependent public function.

:class:`API` is what ``txaio.aio`` and ``txaio.tx`` implement, each in one
class. Everything that does not depend on the framework (failure text,
batched timers, clocks, logging) is implemented here once, on top of a few
small hooks the backends provide (``_future_type``, ``_seconds``,
``_schedule``, ``_report_error``, ``_from_coroutine``, ``_check_loop``).

An API instance is bound to a :class:`Config`; the process-wide one is
``txaio.config`` and ``with_config(loop=...)`` makes a private one, so an
instance only ever reaches its loop through ``self``.
"""

from __future__ import annotations

import abc
import time

from txaio import _failure, _logging
from txaio._checks import (
    CoroutineType,
    check_callable,
    check_coroutine_alone,
    check_delay,
    check_framework,
    check_fresh_coroutine,
    not_a_loop,
)

TYPE_CHECKING = False  # importing typing is slow (make bench times it); mypy reads True
if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable, Coroutine, Iterable
    from types import TracebackType
    from typing import Any, ClassVar, Literal, TypeAlias, overload

    from twisted.internet.defer import Deferred
    from twisted.internet.interfaces import IDelayedCall
    from typing_extensions import ParamSpec, Self, TypeVar

    from txaio.interfaces import IBatchedTimer, IFailedFuture, IPeriodicCall

    T = TypeVar("T", default=Any)
    P = ParamSpec("P")

    #: ``txaio.Future[T]``: the selected framework's future of a ``T``.
    Future: TypeAlias = "asyncio.Future[T] | Deferred[T]"
    #: What ``call_later`` returns: asyncio's ``TimerHandle`` or Twisted's ``IDelayedCall``.
    DelayedCall: TypeAlias = "asyncio.TimerHandle | IDelayedCall"

    def typed_api() -> API:
        """What a type checker sees behind ``txaio.<name>`` and ``LoopMixin``'s methods."""
        raise NotImplementedError


class _NotGiven:
    """The default of parameters where None is a real value (``create_future(result=None)``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<not given>"


#: Marks a parameter the caller did not pass.
NOT_GIVEN: Any = _NotGiven()

#: What an error raised by a timer's function (``call_later``, batched timers,
#: ``call_periodic``) is reported as, on both backends (``API._report_error``).
TIMER_ERROR_MESSAGE = "Unhandled error in a txaio timer call"


class Config:
    """Where an API finds its event loop: ``loop``, an asyncio loop or a Twisted reactor.

    ``loop=None`` means "the default": on asyncio the running loop (or,
    outside one, a loop txaio creates once per thread), on Twisted the
    global reactor. The module-level functions use :data:`txaio.config`;
    an API object from :func:`txaio.with_config` has a ``Config`` of its own.
    """

    __slots__ = ("loop",)

    def __init__(self, loop: Any = None) -> None:
        self.loop = loop

    def __repr__(self) -> str:
        return f"Config(loop={self.loop!r})"


#: The process-wide :class:`Config` that the module-level functions (``txaio.create_future``,
#: ``txaio.call_later`` ...) read each time they need the loop. Set ``txaio.config.loop`` to
#: the asyncio loop or the Twisted reactor (or ``task.Clock``) they should use; ``None`` (the
#: default) means the running loop on asyncio and the global reactor on Twisted. Tests change
#: it for a while with :func:`txaio.testutil.replace_loop`. It is the selected framework's: the
#: functions of ``txaio.aio`` and ``txaio.tx`` read it while their framework is selected (or none
#: is), so a library bound to the other backend module keeps that framework's default loop.
config = Config()


# -- what is selected -------------------------------------------------------
# The state of the framework selection lives here, beside txaio.config, so that the
# backends and LoopMixin read it without importing txaio._selection: that module
# imports the backends (it owns selecting), and it alone writes this state.

#: The selected framework's default API; None before selection.
_selected: API | None = None
#: The Config of each backend module while another framework is selected (see backend_config).
_own_configs: dict[str, Config] = {}


def selected() -> API | None:
    """The selected backend's default API, or None before selection."""
    return _selected


def current() -> API:
    """The selected backend's default API; a clear error before selection."""
    if _selected is None:
        raise RuntimeError(
            "txaio has no framework yet: call txaio.use_asyncio() or txaio.use_twisted() first"
        )
    return _selected


def select_framework(framework: str) -> API:
    """Select ``framework``: replaced by ``txaio._selection.select`` when that module is imported.

    :meth:`API.run` selects its framework through this name: the module that
    imports the backends is called back from here, never imported. ``import
    txaio`` imports ``_selection`` before any backend can be imported, so
    this body runs only if that order is ever broken.
    """
    raise RuntimeError(f"txaio cannot select {framework}: txaio._selection is not imported")


def backend_config(framework: str) -> Config:
    """The :class:`Config` of the module-level functions of ``framework``'s backend module.

    ``txaio.config`` while that framework is selected, or none is; while the
    other one is, a Config of the module's own (no loop: the framework's
    default). The application's ``txaio.config.loop`` is a loop of the
    framework it selected, so a library that binds the other backend module
    (``txaio.tx`` on Twisted's asyncio reactor beside ``txaio.aio``) must not
    be handed it.
    """
    if _selected is None or _selected.framework == framework:
        return config
    own = _own_configs.get(framework)
    if own is None:
        own = _own_configs[framework] = Config()
    return own


def resolve_value(result: Any, value: Any) -> Any:
    """The value of ``resolve(f, result)`` or ``resolve(f, value=...)``; both is an error."""
    if value is NOT_GIVEN:
        return result
    if result is not None:
        raise TypeError("resolve() takes result or value (the same thing), not both")
    return value


class InvalidStateError(RuntimeError):
    """``resolve``/``reject`` on a future that is already done or cancelled.

    Each backend raises a subclass that is also its framework's own error
    (``asyncio.InvalidStateError``, ``defer.AlreadyCalledError``), so
    existing ``except`` clauses keep working.
    """


def is_coroutine(obj: object) -> bool:
    """True for a coroutine object (what an ``async def`` returns)."""
    return type(obj) is CoroutineType


def coroutine_finished(obj: object) -> bool | None:
    """``is_called`` of something that is not a future: for a coroutine, whether it has
    finished (returned, raised or closed), without running it; None for anything else."""
    if type(obj) is CoroutineType:
        return obj.cr_frame is None  # type: ignore[attr-defined]
    return None


def close_coroutines(current: object, futures: object, rest: Iterable[tuple[int, Any]]) -> None:
    """Close the coroutines a failing ``gather`` will never run: ``current`` and, if
    ``futures`` is a list or tuple, the ``rest`` of its ``enumerate``.

    Closed, they add no "never awaited" warning to the error that stopped the
    gather. Other iterables are not drained: they may be endless.
    """
    if type(current) is CoroutineType:
        current.close()
    if isinstance(futures, (list, tuple)):
        for _, item in rest:
            if type(item) is CoroutineType:
                item.close()


class API(abc.ABC):
    """The whole txaio API for one framework, bound to one :class:`Config`."""

    #: ``"asyncio"`` or ``"twisted"``.
    framework: ClassVar[str]
    #: The framework's future class (``asyncio.Future``, ``Deferred``).
    _future_type: ClassVar[type]
    #: What a loop must be, for the errors about one that is not (see ``_raise_if_loop_lacks``).
    _loop_needs: ClassVar[str]
    #: The errors a cancelled future fails with (``timeout`` turns them into ``TimeoutError``).
    _cancelled_errors: ClassVar[tuple[type[BaseException], ...]]

    __slots__ = ("config",)

    def __init__(self, config: Config) -> None:
        self.config = config

    def __repr__(self) -> str:
        return f"<txaio {self.framework} API {self.config!r}>"

    # -- futures ---------------------------------------------------------

    @abc.abstractmethod
    def create_future(
        self,
        result: T = NOT_GIVEN,
        error: IFailedFuture | BaseException | None = None,
        canceller: Callable[[Any], object] | None = None,
    ) -> Future[T]:
        """A new native future: an asyncio ``Future`` or a Twisted ``Deferred``.

        ``result``, if given (None included), resolves it at once; ``error``
        (if not None) fails it at once; giving both is a ``ValueError``.
        ``canceller`` is called with the future if it is cancelled.
        """

    @abc.abstractmethod
    def create_future_success(self, value: T) -> Future[T]:
        """A future already resolved with ``value`` (which may be None)."""

    @abc.abstractmethod
    def create_future_error(
        self, error: IFailedFuture | BaseException | None = None
    ) -> Future[Any]:
        """A future already failed with ``error`` (default: the exception being handled)."""

    if TYPE_CHECKING:  # the overloads: typing is not imported at run time

        @overload
        def as_future(self, fn: Coroutine[Any, Any, T], /) -> Future[T]: ...
        @overload
        def as_future(
            self, fn: Callable[P, Coroutine[Any, Any, T]], *args: P.args, **kwargs: P.kwargs
        ) -> Future[T]: ...
        @overload
        def as_future(
            self, fn: Callable[P, asyncio.Future[T]], *args: P.args, **kwargs: P.kwargs
        ) -> Future[T]: ...
        @overload
        def as_future(
            self, fn: Callable[P, Deferred[T]], *args: P.args, **kwargs: P.kwargs
        ) -> Future[T]: ...
        @overload
        def as_future(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]: ...

    def as_future(
        self, fn: Callable[..., Any] | Coroutine[Any, Any, Any], *args: Any, **kwargs: Any
    ) -> Any:
        """Call ``fn(*args, **kwargs)`` and always return a future.

        A returned future is passed through; a coroutine (from an ``async def``)
        runs as a task on asyncio and via ``Deferred.fromCoroutine`` on Twisted;
        a plain value gives a resolved future; an exception gives a failed
        future (it never propagates out of ``as_future``). ``fn`` may also be
        a coroutine object, given alone (``as_future(fetch(url))``): it runs
        the same way.
        """
        try:
            # Forwarding an empty **kwargs costs a dict merge: spared when there is none.
            result = fn(*args, **kwargs) if kwargs else fn(*args)  # type: ignore[operator]
        except Exception:
            if callable(fn):  # checked only here, so a good call pays nothing for it
                return self.create_future_error()
            check_coroutine_alone(fn, args, kwargs)  # raises unless fn is a coroutine
            result = fn  # run below, outside the except block (no stray __context__)
        # The hot path: no hook call, and an MRO test rather than isinstance(), which is
        # slow for a plain value on Twisted (Deferred's metaclass is ABCMeta; make bench, 3).
        # It accepts what Twisted's maybeDeferred accepts: the class and its subclasses.
        if self._future_type in type(result).__mro__:
            return result
        if type(result) is CoroutineType:
            return self._from_coroutine(result)
        return self.create_future_success(result)

    @abc.abstractmethod
    def is_future(self, obj: object) -> bool:
        """True for this framework's futures and for coroutines.

        What it is true for, the functions that wait for a future accept:
        ``as_future``, ``add_callbacks``, ``is_called``, ``gather`` and
        ``timeout`` take a coroutine too (see :meth:`add_callbacks`).
        """

    @abc.abstractmethod
    def is_called(self, future: Any) -> bool:
        """True once ``future`` has a result, an error, or was cancelled.

        For a coroutine: True once it has finished (returned, raised or was
        closed); asking does not run it.
        """

    @abc.abstractmethod
    def resolve(self, future: Any, result: Any = None, *, value: Any = NOT_GIVEN) -> None:
        """Resolve ``future`` with ``result``, running its callbacks.

        ``value`` is another name for ``result``. After :meth:`cancel` this
        does nothing; on a future already resolved or rejected it raises
        :class:`InvalidStateError`.
        """

    @abc.abstractmethod
    def reject(self, future: Any, error: IFailedFuture | BaseException | None = None) -> None:
        """Fail ``future`` with ``error`` (default: the exception being handled).

        After :meth:`cancel` this does nothing; on a future already resolved
        or rejected it raises :class:`InvalidStateError`.
        """

    @abc.abstractmethod
    def cancel(self, future: Any, msg: str | None = None) -> None:
        """Cancel ``future``: its canceller runs and errbacks get a ``CancelledError``."""

    @abc.abstractmethod
    def add_callbacks(
        self,
        future: Any,
        callback: Callable[[Any], object] | None,
        errback: Callable[[IFailedFuture], object] | None,
    ) -> Any:
        """Call ``callback(value)`` or ``errback(failure)`` when ``future`` is done; return it.

        An exception raised by ``callback`` does not reach ``errback``; it is
        reported by the framework (the loop's exception handler on asyncio,
        an unhandled error in the Deferred on Twisted).

        ``future`` may be a coroutine that has not started: it runs as the
        framework's task (as in :meth:`as_future`), and that task -- the
        future the callbacks are on -- is returned. Keep it: the coroutine
        runs once, so giving it to txaio again is a ``RuntimeError``.
        """

    if TYPE_CHECKING:

        @overload
        def gather(
            self,
            futures: Iterable[Future[T] | Coroutine[Any, Any, T]],
            consume_exceptions: Literal[False],
        ) -> Future[list[T]]: ...
        @overload
        def gather(
            self,
            futures: Iterable[Future[T] | Coroutine[Any, Any, T]],
            consume_exceptions: bool = True,
        ) -> Future[list[T | IFailedFuture]]: ...

    @abc.abstractmethod
    def gather(self, futures: Iterable[Any], consume_exceptions: bool = True) -> Future[list[Any]]:
        """A future of the list of results of ``futures``, in input order.

        With ``consume_exceptions`` a failed input gives an ``IFailedFuture``
        entry; without it the result fails with the first failure, as soon as
        it happens.
        """

    # -- failures --------------------------------------------------------

    @abc.abstractmethod
    def create_failure(self, exception: BaseException | None = None) -> IFailedFuture:
        """An ``IFailedFuture`` for ``exception`` (default: the exception being handled)."""

    # The failure helpers run on error paths, so they never raise: an exception
    # is taken as its failure, anything else gives a text (or None) naming it.

    def failure_message(self, fail: IFailedFuture) -> str:
        """``"ExceptionName: message"`` on one line."""
        checked = _failure.as_failure(fail)
        if checked is None:
            return _failure.not_a_failure("failure_message()", fail)
        return _failure.failure_message(checked)

    def failure_traceback(self, fail: IFailedFuture) -> TracebackType | None:
        """The Python traceback object of ``fail`` (None if it is not a failure)."""
        checked = _failure.as_failure(fail)
        return None if checked is None else _failure.traceback_of(checked)

    def failure_format_traceback(self, fail: IFailedFuture) -> str:
        """A normal Python traceback text for ``fail``."""
        checked = _failure.as_failure(fail)
        if checked is None:
            return _failure.not_a_failure("failure_format_traceback()", fail) + "\n"
        return _failure.format_traceback(checked.value, _failure.traceback_of(checked))

    # A predicate rather than a helper that never raises: see _failure.is_cancelled.
    is_cancelled = staticmethod(_failure.is_cancelled)

    # -- time ------------------------------------------------------------

    @abc.abstractmethod
    def call_later(
        self, delay: float, fn: Callable[..., object], *args: Any, **kwargs: Any
    ) -> DelayedCall:
        """Call ``fn(*args, **kwargs)`` after ``delay`` seconds; the result has ``cancel()``."""

    @abc.abstractmethod
    def sleep(self, delay: float) -> Future[None]:
        """A future that resolves with None after ``delay`` seconds."""

    def timeout(
        self, future_or_coroutine: Future[T] | Coroutine[Any, Any, T], seconds: float
    ) -> Future[T]:
        """A future with ``future_or_coroutine``'s outcome, or a ``TimeoutError`` after ``seconds``.

        When ``seconds`` pass first (never earlier, on the loop's clock), the
        input is cancelled, and the result is settled once the input is done
        -- its own callbacks have run, a coroutine has finished its clean-up
        -- as ``Deferred.addTimeout`` and ``asyncio.wait_for`` do: with the
        built-in ``TimeoutError`` if the input ended cancelled, else with
        what the input gave instead (a coroutine may catch the cancellation
        and return a value). Cancelling the result cancels the input. When
        the input finishes first, its value or error is passed on and the
        timer is cancelled. A coroutine runs as the framework's task (as in
        :func:`as_future`). Once the result is done, what the input does
        later is consumed.
        """
        # Implemented once, for both frameworks, on the backend's own primitives.
        inner: Any = future_or_coroutine
        if not self.is_future(inner):
            raise TypeError(
                f"future_or_coroutine must be a {self._future_type.__name__} or a coroutine, "
                f"got {type(future_or_coroutine).__name__}"
            )
        try:
            check_delay(seconds, "seconds")
        except (TypeError, ValueError):
            if not isinstance(inner, self._future_type):
                inner.close()  # never run: no "coroutine was never awaited" warning
            raise
        if not isinstance(inner, self._future_type):
            inner = self._from_coroutine(inner)
        result: Future[T] = _Timeout(self, inner, seconds).result
        return result

    def call_periodic(
        self, interval: float, fn: Callable[..., object], *args: Any, **kwargs: Any
    ) -> IPeriodicCall:
        """Call ``fn(*args, **kwargs)`` every ``interval`` seconds until cancelled.

        Tick ``k`` is due at ``start + k * interval`` (``k = 0, 1, 2, ...``;
        ``start`` is now, on the loop's clock): the first tick runs on the
        loop's next turn (as with ``LoopingCall.start(interval)``), the
        ticks do not drift, and none runs early. A tick missed
        because the loop was busy is skipped, not run in a bunch. A tick that
        returns a future or a coroutine is not overlapped: the next one waits
        for it. An error in ``fn`` stops the periodic call and fails its
        ``finished`` future (or is reported, if nobody asked for that future).
        The result (:class:`~txaio.interfaces.IPeriodicCall`) has ``cancel()``,
        ``running`` and ``finished``. Like Twisted's ``LoopingCall``, the same
        on both frameworks.
        """
        from txaio._periodic import PeriodicCall

        return PeriodicCall(self, interval, fn, args, kwargs)

    def make_batched_timer(self, bucket_seconds: float, chunk_size: int = 100) -> IBatchedTimer:
        """A timer that groups delayed calls into buckets of ``bucket_seconds``.

        Use it for many timers whose exact moment matters little: calls never
        run early and at most one bucket late, and the loop holds one real
        timer per non-empty bucket. Due calls run ``chunk_size`` at a time.
        """
        from txaio._batched import BatchedTimer

        return BatchedTimer(
            bucket_seconds,
            chunk_size,
            call_later=self._schedule,
            seconds=self._seconds,
            report_error=self._report_error,
        )

    @staticmethod
    def time_ns() -> int:
        """Wall-clock time in integer nanoseconds (``time.time_ns``)."""
        return time.time_ns()

    @staticmethod
    def perf_counter_ns() -> int:
        """A monotonic high-resolution counter in nanoseconds (``time.perf_counter_ns``)."""
        return time.perf_counter_ns()

    # -- logging (framework-neutral: the same functions as txaio.*) -------
    # Loggers are process-wide, not per loop; they are here so that an API
    # object from with_config() stands in for every txaio.* call.

    make_logger = staticmethod(_logging.make_logger)
    start_logging = staticmethod(_logging.start_logging)
    set_global_log_level = staticmethod(_logging.set_global_log_level)
    get_global_log_level = staticmethod(_logging.get_global_log_level)
    add_log_categories = staticmethod(_logging.add_log_categories)

    # -- loops -----------------------------------------------------------

    def with_config(self, loop: Any = None) -> Self:
        """The same API bound to ``loop``: every future, failure and timer uses it.

        With no loop, the new object follows this one's configuration (for
        the module-level API, ``txaio.config``), on both frameworks.
        """
        if loop is None:
            return type(self)(self.config)
        self._check_loop(loop)
        return type(self)(Config(loop))

    def run(
        self,
        main: Callable[..., Any],
        /,
        *args: Any,
        framework: str | None = None,
        loop_factory: Callable[[], Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run ``main(*args, **kwargs)`` on the framework's own loop; return its result.

        The entry point of an application written once for both frameworks::

            txaio.run(main, framework=sys.argv[1])

        ``main`` may be an ``async def``, a function returning a future or a
        coroutine, or a plain function; it is called on the running loop, so
        the txaio functions it calls use that loop. ``framework``
        (``"asyncio"`` or ``"twisted"``) selects the framework, unless it is
        already selected; with no framework given and none selected,
        ``txaio.run`` raises ``RuntimeError``. ``framework`` and
        ``loop_factory`` are not passed to ``main``.

        - asyncio: the loop txaio is configured with (``txaio.config.loop``,
          or this object's loop for ``with_config(loop=...).run``); else the
          thread's loop txaio already handed out, while it is open, so that
          futures and timers made before ``run`` are not lost; else a new
          event loop, as ``asyncio.run`` makes it, or ``loop_factory()``
          (e.g. ``uvloop.new_event_loop``). A ``loop_factory`` while that
          thread loop is open is a ``RuntimeError``, as work may wait on it.
          Afterwards tasks still pending are cancelled, async generators shut
          down, the default executor shut down and the loop closed -- a
          configured or reused loop too.
        - Twisted: the reactor txaio is configured with, else the installed
          one (the default reactor if none was installed), stopped when
          ``main`` is done. A reactor runs once per process: a second
          ``run`` is a ``RuntimeError``. On Twisted's asyncio reactor the
          asyncio loop under it is cleaned up and closed as on asyncio.
          ``loop_factory`` is a ``ValueError`` here: install the reactor
          you want before calling ``run``.

        ``run`` returns ``main``'s result or raises its exception, with the
        original traceback. Ctrl-C (SIGINT, when ``run`` is called in the
        main thread) cancels ``main``'s future; ``run`` then cleans up and
        raises ``KeyboardInterrupt`` (a second Ctrl-C stops at once).
        """
        check_callable(main, "main")
        if framework is not None and check_framework(framework) != self.framework:
            raise RuntimeError(
                f"txaio uses {self.framework} here; it cannot run main on {framework} "
                "(one framework per process)"
            )
        if loop_factory is not None:
            check_callable(loop_factory, "loop_factory")
        loop = self.config.loop
        if loop is None:
            loop = config.loop
        elif config.loop is not None and config.loop is not loop:
            raise RuntimeError(
                f"run() on the loop {loop!r}, but txaio.config.loop is {config.loop!r}: the "
                "txaio functions main calls would not use the loop that runs it"
            )
        if _selected is None or _selected.framework != self.framework:
            select_framework(self.framework)  # txaio.* inside main: this framework (or raise)
        return self._run(main, args, kwargs, loop, loop_factory)

    # -- threads -----------------------------------------------------------
    # Which loop a from-thread call reaches, and the three errors, are shared
    # (txaio._threads); each backend runs jobs in its own pool and hands calls
    # to its loop through the hooks below.

    @abc.abstractmethod
    def run_in_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn(*args, **kwargs)`` in a worker thread; a future of its result.

        The thread is one of the framework's own pool: the loop's default
        executor on asyncio (as ``asyncio.to_thread``), the reactor's thread
        pool on Twisted (as ``deferToThread``). ``fn`` sees the caller's
        context variables on both. Its error fails the future, with the
        traceback from the thread. Cancelling the future does not stop the
        thread: its late result is dropped, with no error anywhere. In that
        thread, :meth:`call_from_thread` and :meth:`blocking_call_from_thread`
        reach this loop with no configuration.
        """

    def call_from_thread(self, fn: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        """From any thread: call ``fn(*args, **kwargs)`` soon on the loop's thread.

        Calls made from one thread run in the order they were made. An error
        raised by ``fn`` is reported as a callback's is (the loop's exception
        handler on asyncio, the log on Twisted). ``fn`` runs in a copy of the
        calling thread's context variables. The loop is found as
        ``txaio._threads.target_loop`` says (docs/guide/threads.rst); a loop
        that has stopped or closed is a ``RuntimeError``.
        """
        from txaio import _threads

        if not callable(fn):
            check_callable(fn, "fn")
        caller = "call_from_thread()"
        loop = _threads.target_loop(self, caller, config)
        self._call_soon_threadsafe(loop, fn, args, kwargs, caller)

    def blocking_call_from_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """From a thread that is not the loop's: run ``fn`` on the loop, wait, return its result.

        If ``fn`` returns a future, a Deferred or a coroutine, its result is
        waited for. ``fn``'s error is raised here, with its traceback. On the
        loop's own thread this raises ``RuntimeError`` at once (it would wait
        forever), and so it does for a loop that has stopped or closed.
        """
        from txaio import _threads

        check_callable(fn, "fn")
        caller = "blocking_call_from_thread()"
        loop = _threads.target_loop(self, caller, config)
        if self._has_stopped(loop):
            raise _threads.loop_stopped(caller)
        if self._runs_in_this_thread(loop) or _threads.driven_here(loop):
            raise _threads.on_the_loop_thread()
        call = _threads.BlockingCall(self._bound_to(loop), fn, args, kwargs)
        self._call_soon_threadsafe(loop, call.start, (), {}, caller)
        return call.wait()

    def _bound_to(self, loop: Any) -> Self:
        """This API for ``loop`` and only it, unchecked (``loop`` is one txaio already uses).

        A new object even when ``loop`` is ``txaio.config.loop``: the global
        configuration may change before the API is used (on the loop, later).
        """
        return type(self)(Config(loop))

    def _raise_if_loop_lacks(self, loop: object, method: str) -> None:
        """Called in ``except AttributeError`` around a use of ``loop.<method>``: explain it.

        The configured loop is never checked up front (tests set a Mock or a
        ``task.Clock``, Autobahn relies on it), so a good loop costs nothing.
        If ``loop`` has no ``method``, raise a ``TypeError`` naming where the
        loop was given and what it must be; otherwise return, and the caller
        re-raises the AttributeError, which came from inside the method.
        """
        if callable(getattr(loop, method, None)):
            return
        argument = "txaio.config.loop" if self.config is config else "loop"
        raise not_a_loop(loop, argument, self._loop_needs, method) from None

    # -- hooks for the shared code above ----------------------------------

    @abc.abstractmethod
    def _run(
        self,
        main: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        loop: Any,
        loop_factory: Callable[[], Any] | None,
    ) -> Any:
        """:meth:`run` on this framework, ``loop`` being the configured loop (or None)."""

    @abc.abstractmethod
    def _call_soon_threadsafe(
        self,
        loop: Any,
        fn: Callable[..., object],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        caller: str,
    ) -> None:
        """Hand ``fn`` to ``loop`` from any thread, in order; a stopped loop raises
        ``_threads.loop_stopped(caller)``."""

    @abc.abstractmethod
    def _default_thread_loop(self, caller: str) -> Any:
        """The loop of a from-thread call when nothing else names one (see ``target_loop``)."""

    @abc.abstractmethod
    def _has_stopped(self, loop: Any) -> bool:
        """True if ``loop`` has stopped or closed for good: nothing it is handed will run."""

    @abc.abstractmethod
    def _runs_in_this_thread(self, loop: Any) -> bool:
        """True if ``loop`` runs (or will run) in the calling thread."""

    @abc.abstractmethod
    def _check_loop(self, loop: object) -> None:
        """Raise if ``loop`` cannot be this framework's loop for ``with_config``."""

    @abc.abstractmethod
    def _from_coroutine(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run ``coro`` on this framework and return its future."""

    def _add_callbacks_to_coroutine(
        self,
        coro: Any,
        callback: Callable[[Any], object] | None,
        errback: Callable[[IFailedFuture], object] | None,
    ) -> Any:
        """``add_callbacks`` of a coroutine: run it as a task, and add them to the task."""
        check_fresh_coroutine(coro, "future")
        return self.add_callbacks(self._from_coroutine(coro), callback, errback)

    @abc.abstractmethod
    def _seconds(self) -> float:
        """The loop's clock, in seconds."""

    @abc.abstractmethod
    def _schedule(self, delay: float, fn: Callable[[], object]) -> Any:
        """The loop's own delayed call, with no argument checks (used by batched timers)."""

    @abc.abstractmethod
    def _report_error(self, exc: BaseException) -> None:
        """Report an error nobody else will see; called inside the ``except`` block.

        Both backends report it with the words of :data:`TIMER_ERROR_MESSAGE`: to the
        loop's exception handler on asyncio, as a failure on Twisted's log.
        """


def _public_names(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The public functions ``cls``'s own body defines, in its order (slots are not
    functions): those that are not ``txaio._logging``'s, then those that are.

    One pass with no generator expressions: it runs on every ``import txaio``.
    """
    framework: list[str] = []
    logging: list[str] = []
    slots = getattr(cls, "__slots__", ())
    for name, value in vars(cls).items():
        if name[0] == "_" or name in slots:
            continue
        if type(value) is staticmethod and value.__func__ is getattr(_logging, name, None):
            logging.append(name)
        else:
            framework.append(name)
    return tuple(framework), tuple(logging)


#: The public functions: :class:`API` is their one list. A method without a leading
#: underscore is public, and every backend module, the facade and LoopMixin bind it
#: (tools/generate_names.py writes those lines from these two tuples; selection binds the
#: framework functions into ``txaio``). LOGGING_FUNCTIONS are ``txaio._logging``'s own,
#: which API binds as static methods; PUBLIC_FUNCTIONS are all the others.
PUBLIC_FUNCTIONS, LOGGING_FUNCTIONS = _public_names(API)


class _Timeout:
    """The state of one :meth:`API.timeout`: the input, the result and the timer between them.

    When the time is up the input is cancelled first; the result is settled
    only when the input is done (its own callbacks, and a coroutine's
    clean-up, have run), as ``Deferred.addTimeout`` and ``asyncio.wait_for``
    do: with the ``TimeoutError`` if the input ended cancelled, else with
    the input's own outcome.
    """

    __slots__ = ("api", "expired", "inner", "result", "seconds", "timer")

    def __init__(self, api: API, inner: Any, seconds: float) -> None:
        self.api = api
        self.inner = inner
        self.seconds = seconds
        self.expired = False
        self.timer: Any = None
        self.result = api.create_future(canceller=self._result_cancelled)
        self.timer = api.call_later(seconds, self._expire)
        api.add_callbacks(inner, self._succeeded, self._failed)

    def _stop_timer(self) -> None:
        # Once only: a Twisted DelayedCall refuses a second cancel().
        timer, self.timer = self.timer, None
        if timer is not None:
            timer.cancel()

    def _expire(self) -> None:
        self.timer = None  # it ran
        if not self.api.is_called(self.result):
            self.expired = True
            self.api.cancel(self.inner)  # _failed settles the result once the input is done

    def _succeeded(self, value: Any) -> Any:
        if not self.api.is_called(self.result):
            self._stop_timer()
            self.api.resolve(self.result, value)
        return value

    def _failed(self, fail: IFailedFuture) -> None:
        if not self.api.is_called(self.result):
            self._stop_timer()
            error: IFailedFuture | BaseException = fail
            if self.expired and isinstance(fail.value, self.api._cancelled_errors):
                error = TimeoutError(f"no result within {self.seconds!r} seconds")
            self.api.reject(self.result, error)

    def _result_cancelled(self, result: Any) -> None:
        self._stop_timer()
        self.api.cancel(self.inner)
