"""Stress: many calls from many threads, and many jobs in threads, with nothing lost or doubled.

8 threads each make ``CALLS_PER_THREAD`` ``call_from_thread`` calls, and
``JOBS`` ``run_in_thread`` jobs run, on each backend; every call and every
result must arrive exactly once (and a thread's calls in the order made).
``make soak`` runs the full size (8 x 1,250 calls and 10,000 jobs, from
``TXAIO_SOAK_N=1000000``); ``make test`` runs a tenth of it.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

import txaio

N = int(os.environ.get("TXAIO_SOAK_N", "20000"))
FULL = N >= 1_000_000
THREADS = 8
CALLS_PER_THREAD = 1_250 if FULL else 125
JOBS = 10_000 if FULL else 1_000


def test_call_from_thread_from_eight_threads_loses_and_doubles_nothing(txaio_framework):
    arrived: list[tuple[int, int]] = []
    start = threading.Barrier(THREADS)

    def calls(thread: int) -> None:
        start.wait()  # all threads call at once
        for number in range(CALLS_PER_THREAD):
            txaio.call_from_thread(arrived.append, (thread, number))

    threads = [threading.Thread(target=calls, args=(thread,)) for thread in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    txaio_framework.flush()
    assert len(arrived) == THREADS * CALLS_PER_THREAD
    assert len(set(arrived)) == len(arrived)
    for thread in range(THREADS):
        assert [number for t, number in arrived if t == thread] == list(range(CALLS_PER_THREAD))


def test_run_in_thread_jobs_each_deliver_one_result(txaio_framework):
    results: Counter[int] = Counter()
    errors: list[object] = []
    for number in range(JOBS):
        future = txaio.run_in_thread(lambda n=number: n)
        txaio.add_callbacks(future, lambda value: results.update((value,)), errors.append)
    txaio_framework.wait_for_threads()
    assert errors == []
    assert sum(results.values()) == JOBS
    assert set(results) == set(range(JOBS))


def test_run_in_thread_jobs_calling_back_from_their_threads_lose_nothing(txaio_framework):
    calls: Counter[int] = Counter()
    answers: Counter[int] = Counter()

    def job(number: int) -> None:
        txaio.call_from_thread(calls.update, (number,))
        answers.update((txaio.blocking_call_from_thread(lambda: number),))

    for number in range(JOBS // 10):
        txaio.run_in_thread(job, number)
    txaio_framework.wait_for_threads()
    assert calls == Counter(range(JOBS // 10))
    assert answers == Counter(range(JOBS // 10))
