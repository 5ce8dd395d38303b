"""Threads, the same on both frameworks: what ``run_in_thread`` runs and the from-thread calls.

The backends give three small hooks (``_call_soon_threadsafe``,
``_default_thread_loop``, ``_runs_in_this_thread``, see :class:`txaio._api.API`)
and run jobs in their framework's own pool; everything else lives here once:

- :class:`ThreadJob` -- the callable a pool runs: ``fn`` in the caller's
  context variables, with the worker thread knowing which loop started it;
- :func:`target_loop` -- which loop a from-thread call goes to;
- :class:`BlockingCall` -- ``blocking_call_from_thread``: run on the loop,
  follow a returned future or coroutine, hand the outcome to the waiting thread;
- the three errors (no loop known, on the loop's own thread, loop stopped),
  worded once for both frameworks.

Imported by the backends (which import ``threading`` anyway), never by
``import txaio`` itself.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextvars import Context

    from txaio._api import API, Config
    from txaio.interfaces import IFailedFuture

__all__ = [
    "BlockingCall",
    "ThreadJob",
    "closed_test_clock",
    "driven_here",
    "loop_stopped",
    "no_loop_known",
    "on_the_loop_thread",
    "target_loop",
]

#: What the thread running a :class:`ThreadJob` knows: ``loop``, the loop that started it.
_worker = threading.local()


class ThreadJob:
    """``fn(*args, **kwargs)`` as a pool runs it: in ``context``, knowing its ``loop``.

    ``context`` is a copy of the caller's context variables (as
    ``asyncio.to_thread`` makes it, and as Twisted's ``deferToThread`` does
    not), so ``fn`` sees what its caller saw. While ``fn`` runs, the
    from-thread calls of this worker thread go to ``loop`` with no
    configuration.
    """

    __slots__ = ("args", "context", "fn", "kwargs", "loop")

    def __init__(
        self,
        loop: Any,
        context: Context,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        self.loop = loop
        self.context = context
        self.fn = fn
        self.args = args
        self.kwargs = kwargs

    def __call__(self) -> Any:
        previous = getattr(_worker, "loop", None)
        _worker.loop = self.loop
        try:
            return self.context.run(self.fn, *self.args, **self.kwargs)
        finally:
            _worker.loop = previous


def origin_loop() -> Any:
    """The loop whose ``run_in_thread`` runs in this thread now, else None."""
    return getattr(_worker, "loop", None)


def target_loop(api: API, caller: str, process_config: Config) -> Any:
    """The loop a from-thread call of ``api`` goes to, looked up in this order.

    1. the loop of ``api`` itself, for ``with_config(loop=...)`` and a
       ``LoopMixin`` given a loop;
    2. in a thread started by ``run_in_thread``, the loop that started it;
    3. ``txaio.config.loop`` (``process_config``, given by the caller: this
       module is imported by ``_api``, so it does not import it back);
    4. the backend's default: on asyncio the loop running in (or handed out
       by txaio to) this thread -- none is ever created here; on Twisted the
       reactor. With none of these, :func:`no_loop_known` is raised.
    """
    if api.config is not process_config and api.config.loop is not None:
        return api.config.loop
    loop = getattr(_worker, "loop", None)
    if loop is None:
        loop = process_config.loop
        if loop is None:
            loop = api._default_thread_loop(caller)
    return loop


def driven_here(loop: object) -> bool:
    """True if ``loop`` is a test clock driven from this thread (``txaio.testutil``'s clocks).

    A test clock runs only while the test calls its ``advance()``: its
    thread is the test's, even though the loop is not running now.
    """
    work = getattr(loop, "_txaio_thread_work", None)
    return work is not None and work.driver == threading.get_ident()


def closed_test_clock(loop: object) -> bool:
    """True if ``loop`` is a test clock that was closed (a reactor clock has no other "stopped")."""
    work = getattr(loop, "_txaio_thread_work", None)
    return work is not None and bool(work.closed)


# -- the errors, worded once for both frameworks -------------------------------


def no_loop_known(caller: str) -> RuntimeError:
    """The error of a from-thread call made where txaio cannot tell which loop to use."""
    return RuntimeError(
        f"{caller} was called in thread {threading.current_thread().name!r}, where txaio "
        "cannot tell which event loop to use (none runs here, txaio.config.loop is None, "
        "and the thread was not started by txaio.run_in_thread); give the loop with "
        "txaio.config.loop = loop, txaio.with_config(loop=loop), or a LoopMixin's use_loop(loop)"
    )


def on_the_loop_thread() -> RuntimeError:
    """The error of ``blocking_call_from_thread`` made on the thread that runs the loop."""
    return RuntimeError(
        "blocking_call_from_thread() was called on the event loop's own thread, where it "
        "would wait forever (the loop cannot run while it waits): call the function directly "
        "there, or use txaio.as_future(fn, ...) for its future"
    )


def loop_stopped(caller: str) -> RuntimeError:
    """The error of a from-thread call to a loop that has stopped or closed (on both)."""
    return RuntimeError(
        f"{caller}: the event loop has stopped or closed, so nothing would run the call "
        "(an application's loop stops when txaio.run returns)"
    )


# -- blocking_call_from_thread ------------------------------------------------------


class BlockingCall:
    """One ``blocking_call_from_thread``: started on the loop, waited for in the caller.

    ``api`` is bound to the target loop. ``start`` runs on the loop: it calls
    ``fn`` through ``as_future``, so a returned future, Deferred or coroutine
    is followed to its result; ``wait`` blocks the calling thread until the
    outcome is there and returns the value or raises the error, with the
    traceback it had on the loop.
    """

    __slots__ = ("api", "args", "done", "fn", "kwargs", "outcome")

    def __init__(
        self, api: API, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self.api = api
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.done = threading.Event()
        self.outcome: tuple[bool, Any] = (False, None)

    def start(self) -> None:
        """On the loop: call ``fn`` and arrange for its outcome to reach the caller."""
        try:
            future = self.api.as_future(self.fn, *self.args, **self.kwargs)
            self.api.add_callbacks(future, self._succeeded, self._failed)
        except BaseException as exc:  # e.g. the loop refusing a task: the caller must not hang
            self.outcome = (False, exc)
            self.done.set()
            raise

    def _succeeded(self, value: Any) -> Any:
        self.outcome = (True, value)
        self.done.set()
        return value

    def _failed(self, fail: IFailedFuture) -> None:
        exc = fail.value
        traceback = self.api.failure_traceback(fail)
        if traceback is not None and exc.__traceback__ is None:
            exc = exc.with_traceback(traceback)
        self.outcome = (False, exc)
        self.done.set()
        return None  # handled: raised in the calling thread

    def wait(self) -> Any:
        """In the calling thread: ``fn``'s value, or raise its error."""
        self.done.wait()
        succeeded, value = self.outcome
        self.outcome = (False, None)  # no reference cycle through the traceback
        if succeeded:
            return value
        raise value
