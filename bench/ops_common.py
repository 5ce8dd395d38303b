"""Operations 6 (disabled log call) and 7 (batched timers), the same on every backend.

Both only go through txaio, so one implementation serves all backends; the
backend passes ``in_loop`` (run a function where txaio finds its loop: as a
task on asyncio, directly on Twisted) and ``native_timer`` (schedule one of the
loop's own timers, for the memory comparison).
"""

from __future__ import annotations

import gc
import random
import tracemalloc
from collections.abc import Callable
from typing import Any

from harness import Result, Side, compare, interleave, now_ns

import txaio

#: Run ``function(n)`` where txaio finds the backend's loop; returns its result.
InLoop = Callable[[Callable[[int], Any]], Callable[[int], Any]]


class WrongResult(AssertionError):
    """A benchmark side did not do the work it claims (so its timing means nothing)."""


def check(condition: bool, what: str) -> None:
    """Raise :class:`WrongResult` unless ``condition``: a side must do real work."""
    if not condition:
        raise WrongResult(what)


def unexpected(value: object) -> None:
    """A callback that must not run in the benchmark."""
    raise WrongResult(f"unexpected call with {value!r}")


def plain(value: int) -> int:
    """The plain function given to ``as_future``."""
    return value


# -- 6. a log call at a disabled level ---------------------------------------


def empty(message: str | None = None, **kwargs: Any) -> None:
    """The native equivalent of a disabled log call: an empty function, same arguments."""


def logging_result(backend: str, scale: dict[str, int], in_loop: InLoop) -> Result:
    """``log.debug(...)`` with the level at "info", against calling :func:`empty`."""
    operation = "6. log call at a disabled level"
    make_logger = getattr(txaio, "make_logger", None)
    if make_logger is None:
        return Result(
            backend,
            operation,
            [],
            [],
            target=1.10,
            note="not measured: txaio.make_logger does not exist yet",
        )
    set_level = getattr(txaio, "set_global_log_level", None)
    if set_level is not None:
        set_level("info")
    log = make_logger()

    def txaio_side(n: int) -> int:
        debug_log = log
        t0 = now_ns()
        for _ in range(n // 10):
            debug_log.debug("message {value}", value=1)
            debug_log.debug("message {value}", value=1)
            debug_log.debug("message {value}", value=1)
            debug_log.debug("message {value}", value=1)
            debug_log.debug("message {value}", value=1)
            debug_log.debug("message {value}", value=1)
            debug_log.debug("message {value}", value=1)
            debug_log.debug("message {value}", value=1)
            debug_log.debug("message {value}", value=1)
            debug_log.debug("message {value}", value=1)
        return now_ns() - t0

    def native_side(n: int) -> int:
        function = empty
        t0 = now_ns()
        for _ in range(n // 10):
            function("message {value}", value=1)
            function("message {value}", value=1)
            function("message {value}", value=1)
            function("message {value}", value=1)
            function("message {value}", value=1)
            function("message {value}", value=1)
            function("message {value}", value=1)
            function("message {value}", value=1)
            function("message {value}", value=1)
            function("message {value}", value=1)
        return now_ns() - t0

    t, nat, _ = compare(
        in_loop(txaio_side), in_loop(native_side), scale["log_ops"], scale["rounds"]
    )
    return Result(
        backend,
        operation,
        t,
        nat,
        target=1.10,
        note="native: an empty function called with the same arguments",
    )


# -- 7. batched timers --------------------------------------------------------

#: Width of a bucket; outstanding and measured calls spread over 100 buckets.
BUCKET_SECONDS = 1.0


def _spread_delay(i: int) -> float:
    """Delays for the outstanding calls: evenly over 100 buckets, whatever their number."""
    return 100.0 + (i * 0.6180339887) % 100.0


def _fill(timer: Any, count: int) -> list[Any]:
    return [timer.call_later(_spread_delay(i), unexpected, None) for i in range(count)]


def batched_results(
    backend: str,
    scale: dict[str, int],
    in_loop: InLoop,
    native_timer: Callable[[float], Any],
    flush: Callable[[], None],
) -> list[Result]:
    """Per-op cost of call_later + cancel at growing numbers of outstanding batched calls."""
    sizes = [scale["batched_min"] * 10**k for k in range(scale["batched_steps"])]
    timers = []
    outstanding = []
    for size in sizes:
        timer = txaio.make_batched_timer(BUCKET_SECONDS)
        timers.append(timer)

        def fill(count: int, timer: Any = timer) -> Any:
            return _fill(timer, count)

        outstanding.append(in_loop(fill)(size))
    rng = random.Random(7)
    delays = [100.0 + 100.0 * rng.random() for _ in range(scale["batched_ops"])]

    def side(timer: Any) -> Side:
        def timed(n: int) -> int:
            call_later = timer.call_later
            t0 = now_ns()
            for delay in delays[:n]:
                call_later(delay, unexpected, None).cancel()
            return now_ns() - t0

        return in_loop(timed)

    gc.freeze()  # a million live handles: keep the collector from walking them every round
    try:
        per_size = interleave(
            [side(timer) for timer in timers], scale["batched_ops"], scale["rounds"]
        )
    finally:
        gc.unfreeze()
    results = []
    for size, figures in zip(sizes, per_size, strict=True):
        last = size == sizes[-1]
        results.append(
            Result(
                backend,
                f"7. batched call_later + cancel, {size:,} outstanding",
                figures,
                per_size[0],
                target=1.5 if last else None,
                note=f"native column: the same at {sizes[0]:,} outstanding; ratio = cost / that",
            )
        )
    for handles in outstanding:
        for handle in handles:
            handle.cancel()
    del outstanding, timers
    results.append(_memory_result(backend, scale["memory_timers"], in_loop, native_timer, flush))
    return results


def _traced_bytes_per(count: int, make: Callable[[int], Any]) -> tuple[float, Any]:
    handles: list[Any] = [None] * count
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(count):
            handles[i] = make(i)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / count, handles


def _memory_result(
    backend: str,
    count: int,
    in_loop: InLoop,
    native_timer: Callable[[float], Any],
    flush: Callable[[], None],
) -> Result:
    """Bytes per outstanding timer (handle included): batched against the loop's own."""
    timer = txaio.make_batched_timer(BUCKET_SECONDS)

    def batched(count: int) -> tuple[float, Any]:
        return _traced_bytes_per(
            count, lambda i: timer.call_later(_spread_delay(i), unexpected, None)
        )

    def native(count: int) -> tuple[float, Any]:
        return _traced_bytes_per(count, lambda i: native_timer(_spread_delay(i)))

    batched_bytes, handles = in_loop(batched)(count)
    for handle in handles:
        handle.cancel()
    native_bytes, handles = in_loop(native)(count)
    for handle in handles:
        handle.cancel()
    flush()
    check(batched_bytes > 0 and native_bytes > 0, "memory was allocated")
    return Result(
        backend,
        "7. bytes per outstanding timer (batched vs loop timer)",
        [batched_bytes],
        [native_bytes],
        target=0.999,
        unit="bytes",
        note=f"tracemalloc over {count:,} timers, handle included",
    )
