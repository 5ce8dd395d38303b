"""Soak: many futures, timers and loggers go through txaio and leave nothing behind.

Each workload runs once to warm up (first-use caches, free lists), then
``TXAIO_SOAK_N`` times more under ``tracemalloc``: the memory still allocated
afterwards must equal the memory before, within :data:`MEMORY_BOUND` bytes,
and every callback, timer function, future and logger the workload made must
be gone (checked through weak references to a sample of them).

``make test`` runs it scaled down (20 000 of each); ``make soak`` runs
1 000 000 of each (``TXAIO_SOAK_N=1000000``).
"""

from __future__ import annotations

import gc
import os
import tracemalloc
import weakref
from collections.abc import Callable

import pytest

import txaio

N = int(os.environ.get("TXAIO_SOAK_N", "20000"))
#: Bytes the workload may leave behind: far less than one byte per operation.
MEMORY_BOUND = 8 * 1024
#: One in this many objects is watched through a weak reference (about 20 in all).
SAMPLE_EVERY = max(1, N // 20)


class Calls:
    """A callable that counts its calls (a fresh object each time, so it can die).

    As an errback it handles the error (it returns None), so nothing is reported.
    """

    __slots__ = ("__weakref__", "tally")

    def __init__(self, tally: list[int]) -> None:
        self.tally = tally

    def __call__(self, value: object = None) -> None:
        self.tally[0] += 1


def leftover_bytes(workload: Callable[[int], None], flush: Callable[[], None]) -> int:
    """Bytes still allocated after ``workload(N)`` that were not before it."""
    workload(min(N, 2000))  # warm-up
    flush()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        workload(N)
        flush()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return after - before


def test_futures_through_create_callback_resolve_leave_nothing_behind(txaio_framework):
    tally = [0]
    watched: list[weakref.ref[object]] = []

    def workload(count: int) -> None:
        for index in range(count):
            future = txaio.create_future()
            callback = Calls(tally)
            txaio.add_callbacks(future, callback, callback)
            if index % 10:
                txaio.resolve(future, index)
            else:
                txaio.reject(future, KeyError(index))
            if index % SAMPLE_EVERY == 0:
                watched.extend([weakref.ref(future), weakref.ref(callback)])
            if index % 1000 == 999:
                txaio_framework.flush()
        del future, callback

    leftover = leftover_bytes(workload, txaio_framework.flush)
    assert tally[0] == N + min(N, 2000)
    assert [ref for ref in watched if ref() is not None] == []
    assert leftover < MEMORY_BOUND


def test_batched_timers_through_schedule_cancel_fire_leave_nothing_behind(txaio_framework):
    timer = txaio.make_batched_timer(0.5, chunk_size=500)
    tally = [0]
    expected = [0]
    watched: list[weakref.ref[object]] = []
    batch = 10_000

    def workload(count: int) -> None:
        for start in range(0, count, batch):
            handles = []
            for index in range(start, min(start + batch, count)):
                function = Calls(tally)
                handles.append(timer.call_later((index % 20) / 10, function))
                if index % SAMPLE_EVERY == 0:
                    watched.extend([weakref.ref(function)])
            for handle in handles[::3]:
                handle.cancel()
            expected[0] += len(handles) - len(handles[::3])
            del handles, function
            txaio_framework.advance(2.5)  # every call is due within one bucket of its delay

    leftover = leftover_bytes(workload, txaio_framework.flush)
    assert tally == expected
    assert [ref for ref in watched if ref() is not None] == []
    assert leftover < MEMORY_BOUND


def test_plain_timers_scheduled_and_cancelled_leave_nothing_behind(txaio_framework):
    tally = [0]
    watched: list[weakref.ref[object]] = []

    def workload(count: int) -> None:
        for index in range(count):
            function = Calls(tally)
            delayed = txaio.call_later(1 + index % 3, function)
            if index % 2:
                delayed.cancel()
            if index % SAMPLE_EVERY == 0:
                watched.append(weakref.ref(function))
            if index % 100 == 99:  # a hundred pending at a time: task.Clock's list is O(n)
                txaio_framework.advance(5)
        del function, delayed
        txaio_framework.advance(5)

    leftover = leftover_bytes(workload, txaio_framework.flush)
    assert tally[0] == (N + 1) // 2 + (min(N, 2000) + 1) // 2  # the even indices ran
    assert [ref for ref in watched if ref() is not None] == []
    assert leftover < MEMORY_BOUND


@pytest.mark.txaio_frameworks("asyncio", "twisted")
def test_loggers_made_and_dropped_leave_nothing_behind(txaio_framework):
    watched: list[weakref.ref[object]] = []

    def workload(count: int) -> None:
        for index in range(min(count, 200_000)):
            log = txaio.make_logger()
            log.debug("dropped {index}", index=index)
            if index % SAMPLE_EVERY == 0:
                watched.append(weakref.ref(log))
        del log

    leftover = leftover_bytes(workload, txaio_framework.flush)
    assert [ref for ref in watched if ref() is not None] == []
    assert leftover < MEMORY_BOUND
