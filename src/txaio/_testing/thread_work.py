"""``ThreadWork``: the thread pool of every test clock, which a test can wait for.

Code under test that calls ``txaio.run_in_thread`` runs real threads, and
their results come back through the loop's thread-safe call. A virtual clock
never waits on anything real, so a test needs to wait for that work
explicitly, without sleeping or polling: :meth:`ThreadWork.wait` blocks until
every job given so far is done, running on the loop (through ``flush``) what
the threads hand to it as it arrives.

It runs jobs one at a time, in the order given, in one worker thread: their
results reach the loop in that order, so a test reads the same every run. It
is both pools txaio uses: an asyncio default executor (a
``ThreadPoolExecutor``, for ``run_in_executor``) and Twisted's reactor pool
(``callInThread``, ``callInThreadWithCallback``).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["ThreadWork"]


class ThreadWork(ThreadPoolExecutor):
    """One worker thread, jobs in order, and a wait for all of them (see module docstring).

    ``driver`` is the thread that made it: the test's thread, which drives
    the clock and so counts as the loop's thread (``blocking_call_from_thread``
    there is an error, not a deadlock).
    """

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="txaio-test-worker")
        self.driver = threading.get_ident()
        self._condition = threading.Condition()
        self._jobs: deque[Callable[[], object]] = deque()
        #: Jobs given and not yet finished (their results handed to the loop included).
        self._outstanding = 0
        #: Calls handed to the loop from a thread so far.
        self._arrivals = 0
        self._closed = False
        self._thread: threading.Thread | None = None

    # -- as asyncio's executor ---------------------------------------------

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``fn(*args, **kwargs)`` after the jobs given before; its ``Future``."""
        future: Future[Any] = Future()
        self._put(lambda: _run_into(future, fn, args, kwargs))
        return future

    @property
    def closed(self) -> bool:
        """True once :meth:`shutdown` was called (the clock was closed)."""
        return self._closed

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Refuse new jobs; the worker ends after the jobs given (joined if ``wait``)."""
        with self._condition:
            self._closed = True
            if cancel_futures:
                self._outstanding -= len(self._jobs)
                self._jobs.clear()
            self._condition.notify_all()
            thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join()

    # -- as Twisted's reactor pool ---------------------------------------------

    def callInThread(self, fn: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        """Run ``fn(*args, **kwargs)`` in the worker (Twisted's ``ThreadPool`` method)."""
        self._put(lambda: fn(*args, **kwargs))

    def callInThreadWithCallback(
        self,
        onResult: Callable[[bool, Any], object],
        fn: Callable[..., object],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Run ``fn``, then ``onResult(True, value)`` or ``onResult(False, Failure)``."""
        self._put(lambda: _run_with_callback(onResult, fn, args, kwargs))

    def start(self) -> None:
        """Twisted's ``ThreadPool.start``: the worker starts with the first job anyway."""

    def stop(self) -> None:
        """Twisted's ``ThreadPool.stop``: :meth:`shutdown`, waiting for the worker."""
        self.shutdown(wait=True)

    def adjustPoolsize(self, minthreads: int | None = None, maxthreads: int | None = None) -> None:
        """Twisted's ``ThreadPool.adjustPoolsize``: ignored, tests keep one thread."""

    # -- waiting -----------------------------------------------------------

    def arrived(self) -> None:
        """Called by the clock after a thread handed it a call: wakes :meth:`wait`."""
        with self._condition:
            self._arrivals += 1
            self._condition.notify_all()

    def wait(self, flush: Callable[[], None], timeout: float) -> None:
        """Block until all jobs are done, calling ``flush`` whenever a thread handed over a call.

        Returns once no job is outstanding and ``flush`` ran after the last
        call arrived. ``timeout`` (real seconds) only guards against a job
        that never ends: ``TimeoutError`` then.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._condition:
                seen = self._arrivals
            flush()
            with self._condition:
                while self._arrivals == seen and self._outstanding:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError(
                            f"thread work still running after {timeout!r} seconds "
                            f"({self._outstanding} job(s) outstanding): a job that waits for "
                            "the virtual clock or for the test cannot finish while the test waits"
                        )
                    self._condition.wait(remaining)
                if self._arrivals == seen and not self._outstanding:
                    return

    # -- the worker --------------------------------------------------------

    def _put(self, job: Callable[[], object]) -> None:
        with self._condition:
            if self._closed:
                raise RuntimeError("cannot run thread work after the test clock was closed")
            self._jobs.append(job)
            self._outstanding += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="txaio-test-worker", daemon=True
                )
                self._thread.start()
            self._condition.notify_all()

    def _work(self) -> None:
        while True:
            with self._condition:
                while not self._jobs and not self._closed:
                    self._condition.wait()
                if not self._jobs:
                    return
                job = self._jobs.popleft()
            try:
                job()
            finally:
                with self._condition:
                    self._outstanding -= 1
                    self._condition.notify_all()


def _run_into(
    future: Future[Any], fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """``fn``'s outcome into ``future`` (whose done-callbacks run here, as in a real pool)."""
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:
        future.set_exception(exc)
    else:
        future.set_result(result)


def _run_with_callback(
    on_result: Callable[[bool, Any], object],
    fn: Callable[..., object],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    """What Twisted's ``ThreadPool.callInThreadWithCallback`` does in its worker."""
    from twisted.python.failure import Failure

    try:
        result = fn(*args, **kwargs)
    except BaseException:
        on_result(False, Failure())
    else:
        on_result(True, result)
