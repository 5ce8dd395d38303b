"""Framework-neutral batched timers.

A program with thousands of outstanding timeouts (one per request, say) does
not need thousands of timers in the event loop: most timeouts never fire and
none of them needs sub-second precision.  :class:`BatchedTimer` groups calls
into time buckets of ``bucket_seconds`` and keeps a single underlying delayed
call per non-empty bucket.  The loop-specific parts (how to schedule, how to
read the clock, how to report an error) are passed in as callables, so the
same code serves both the Twisted and the asyncio backends.

Guarantees:

* a call never runs before its delay has elapsed, and runs at most one bucket
  later than that;
* ``call_later`` and ``cancel`` are O(1);
* when a bucket fires its calls run in scheduling order, ``chunk_size`` calls
  at a time, yielding to the loop between chunks, and all of a bucket's calls
  run before any call of a later bucket;
* a raising call does not stop the others: each error is handed to
  ``report_error`` on its own.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterator
from typing import Protocol

from txaio._checks import (
    check_bucket_seconds,
    check_callable,
    check_chunk_size,
    check_delay,
)
from txaio.interfaces import IBatchedTimer

__all__ = ["BatchedCall", "BatchedTimer", "Cancellable"]


class Cancellable(Protocol):
    """Anything with a ``cancel()`` method, e.g. an asyncio ``TimerHandle``
    or a Twisted ``IDelayedCall``."""

    def cancel(self) -> None:
        """Prevent the scheduled call from running."""


def _delay_until(fire_at: float, now: float) -> float:
    """Return the smallest delay ``d`` with ``now + d >= fire_at`` in float
    arithmetic.

    The loop computes its deadline as ``now + d``; a naive
    ``d = fire_at - now`` can round so that this sum lands one ulp *before*
    ``fire_at``, which would make the bucket fire a hair early.
    """
    delay = fire_at - now
    if delay <= 0.0:
        return 0.0
    while now + delay < fire_at:
        delay = math.nextafter(delay, math.inf)
    return delay


class BatchedCall:
    """Handle for one call scheduled with :meth:`BatchedTimer.call_later`.

    Deliberately tiny (four slots, no ``__dict__``, no weakref slot): a
    program may hold hundreds of thousands of these at once.
    """

    __slots__ = ("_args", "_bucket", "_func", "_kwargs")

    def __init__(
        self,
        bucket: _Bucket,
        func: Callable[..., object],
        args: tuple[object, ...],
        kwargs: dict[str, object] | None,
    ) -> None:
        self._bucket: _Bucket | None = bucket
        self._func: Callable[..., object] | None = func
        self._args = args
        # ``None`` rather than ``{}``: an empty dict per call would cost more
        # than the handle itself.
        self._kwargs = kwargs

    def cancel(self) -> None:
        """Stop the call from running; a no-op if it already ran or was
        already cancelled."""
        bucket = self._bucket
        if bucket is None:
            return
        self._release()
        bucket.timer._discard(bucket, self)

    def _release(self) -> None:
        """Drop every reference the handle holds, so a fired or cancelled
        call keeps neither its bucket nor the user's objects alive."""
        self._bucket = None
        self._func = None
        self._args = ()
        self._kwargs = None

    def __repr__(self) -> str:
        state = "pending" if self._bucket is not None else "done"
        return f"<BatchedCall {state} {self._func!r}>"


class _Bucket:
    """The calls due in one ``bucket_seconds`` slot, and the single delayed
    call that the underlying loop holds for them."""

    __slots__ = (
        "calls",
        "cursor",
        "delayed",
        "draining",
        "fire_at",
        "index",
        "live",
        "timer",
    )

    def __init__(self, timer: BatchedTimer, index: int, fire_at: float) -> None:
        self.timer = timer
        self.index = index
        # Loop time at or after which every call in the bucket is due.
        self.fire_at = fire_at
        # Insertion-ordered set of pending calls: O(1) add and remove.
        self.calls: dict[BatchedCall, None] = {}
        self.delayed: Cancellable | None = None
        # Set once the bucket fired; from then on ``calls`` is only iterated
        # (through ``cursor``) and ``live`` counts the calls still to run.
        self.draining = False
        self.cursor: Iterator[BatchedCall] | None = None
        self.live = 0

    def fire(self) -> None:
        """Callback given to the underlying loop."""
        self.timer._bucket_due(self)


class BatchedTimer(IBatchedTimer):
    """Schedules many delayed calls on few underlying loop timers.

    ``bucket_seconds`` is the width of a bucket (the worst-case lateness of a
    call); ``chunk_size`` is how many calls run before yielding back to the
    loop.  ``call_later``, ``seconds`` and ``report_error`` connect the timer
    to a concrete loop: the loop's own ``call_later(delay, callback)``, its
    clock (``loop.time`` / ``reactor.seconds``), and a function called from
    inside the ``except`` block of each failing call (so it can capture the
    traceback).
    """

    def __init__(
        self,
        bucket_seconds: float,
        chunk_size: int = 100,
        *,
        call_later: Callable[[float, Callable[[], None]], Cancellable],
        seconds: Callable[[], float],
        report_error: Callable[[BaseException], None],
    ) -> None:
        bucket = float(check_bucket_seconds(bucket_seconds))
        check_chunk_size(chunk_size)
        check_callable(call_later, "call_later")
        check_callable(seconds, "seconds")
        check_callable(report_error, "report_error")
        self._bucket_seconds = bucket
        self._chunk_size = chunk_size
        self._call_later = call_later
        self._seconds = seconds
        self._report_error = report_error
        # Buckets not fired yet, keyed by index = ceil(due / bucket_seconds).
        self._buckets: dict[int, _Bucket] = {}
        # Buckets that fired and still have calls to run, oldest first.
        self._fired: deque[_Bucket] = deque()
        self._drain_call: Cancellable | None = None
        self._draining = False

    @property
    def bucket_seconds(self) -> float:
        """Width of one bucket, in seconds."""
        return self._bucket_seconds

    @property
    def chunk_size(self) -> int:
        """How many calls run per loop turn when a bucket fires."""
        return self._chunk_size

    def call_later(
        self, delay: float, fn: Callable[..., object], *args: object, **kwargs: object
    ) -> BatchedCall:
        """Call ``fn(*args, **kwargs)`` once ``delay`` seconds have passed,
        at most one bucket late; return a handle with ``cancel()``."""
        d = float(check_delay(delay))
        check_callable(fn, "fn")  # named as in txaio.call_later: the same message
        now = self._seconds()
        due = now + d
        ratio = due / self._bucket_seconds
        if not math.isfinite(ratio):
            raise ValueError(
                f"delay {delay!r} is too large for bucket_seconds {self._bucket_seconds!r}"
            )
        index = math.ceil(ratio)
        bucket = self._buckets.get(index)
        if bucket is None:
            # ``index * bucket_seconds`` can round to just below ``due``;
            # the max() keeps the bucket from ever being early.
            fire_at = max(index * self._bucket_seconds, due)
            bucket = _Bucket(self, index, fire_at)
            # Schedule first: if the loop refuses, nothing is half-registered.
            bucket.delayed = self._call_later(_delay_until(fire_at, now), bucket.fire)
            self._buckets[index] = bucket
        elif due > bucket.fire_at:
            # Same rounding corner for a later call of an existing bucket:
            # when the underlying call fires, _bucket_due sees it is early and
            # reschedules it.
            bucket.fire_at = due
        handle = BatchedCall(bucket, fn, args, kwargs or None)
        bucket.calls[handle] = None
        return handle

    def _discard(self, bucket: _Bucket, handle: BatchedCall) -> None:
        """Forget a cancelled call; cancel the bucket's delayed call if it
        was the last one."""
        if bucket.draining:
            # The drain iterates ``calls`` and skips released handles.
            bucket.live -= 1
            return
        del bucket.calls[handle]
        if not bucket.calls:
            del self._buckets[bucket.index]
            delayed, bucket.delayed = bucket.delayed, None
            if delayed is not None:
                delayed.cancel()

    def _bucket_due(self, bucket: _Bucket) -> None:
        """The underlying delayed call of ``bucket`` fired."""
        now = self._seconds()
        if now < bucket.fire_at:
            # The loop fired early (asyncio runs timers up to one clock
            # resolution early, and fire_at may have moved): run nothing now.
            bucket.delayed = self._call_later(_delay_until(bucket.fire_at, now), bucket.fire)
            return
        del self._buckets[bucket.index]
        bucket.delayed = None
        bucket.draining = True
        bucket.live = len(bucket.calls)
        bucket.cursor = iter(bucket.calls)
        self._fired.append(bucket)
        if not self._draining and self._drain_call is None:
            self._drain()

    def _drain(self) -> None:
        """Run up to ``chunk_size`` due calls, oldest bucket first, then
        schedule another turn if any are left."""
        self._drain_call = None
        self._draining = True
        budget = self._chunk_size
        fired = self._fired
        try:
            while fired:
                bucket = fired[0]
                if bucket.live <= 0:
                    fired.popleft()
                    bucket.cursor = None
                    bucket.calls = {}
                    continue
                if budget == 0:
                    break
                cursor = bucket.cursor
                if cursor is None:  # pragma: no cover - set when the bucket fired
                    raise RuntimeError("batched timer bucket fired without a cursor")
                for handle in cursor:
                    func = handle._func
                    if handle._bucket is not bucket or func is None:
                        continue  # cancelled while the bucket was draining
                    args, kwargs = handle._args, handle._kwargs
                    handle._release()
                    bucket.live -= 1
                    budget -= 1
                    try:
                        if kwargs is None:
                            func(*args)
                        else:
                            func(*args, **kwargs)
                    except (KeyboardInterrupt, SystemExit):
                        raise
                    except BaseException as exc:
                        self._report_error(exc)
                    del func, args, kwargs
                    if budget == 0:
                        break
                else:
                    bucket.live = 0
        finally:
            self._draining = False
            if fired and self._drain_call is None:
                self._drain_call = self._call_later(0.0, self._drain)
