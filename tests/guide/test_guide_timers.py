"""Periodic calls and batched timers as docs/guide/timers.rst shows them, on every backend.

Each test is a snippet of the guide: it uses only txaio and the plugin's
``txaio_framework`` fixture, so a reader can copy it into their own suite.
The full contracts are in tests/contract/test_call_periodic.py and
tests/contract/test_batched_timer.py.
"""

from __future__ import annotations

import txaio


def test_calls_of_one_bucket_run_together_when_it_ends(txaio_framework):
    timer = txaio.make_batched_timer(1.0)  # buckets end at 1.0, 2.0, 3.0 ...
    ran = []
    timer.call_later(0.2, ran.append, "a")
    timer.call_later(0.7, ran.append, "b")
    timer.call_later(1.5, ran.append, "c")

    txaio_framework.advance(0.9)
    assert ran == []  # not yet: the first bucket ends at 1.0
    txaio_framework.advance(0.1)
    assert ran == ["a", "b"]  # one loop timer ran both calls
    txaio_framework.advance(1.0)
    assert ran == ["a", "b", "c"]


def test_a_bucket_gives_the_loop_a_turn_between_chunks(txaio_framework):
    timer = txaio.make_batched_timer(1.0, chunk_size=2)
    ran = []

    def call(index):
        ran.append(index)
        if index == 0:  # ask the loop for a turn: it comes between two chunks
            txaio.call_later(0, ran.append, "loop turn")

    for index in range(6):
        timer.call_later(0.5, call, index)
    txaio_framework.advance(1.0)

    assert [item for item in ran if item != "loop turn"] == [0, 1, 2, 3, 4, 5]
    assert ran.index("loop turn") in (2, 4)  # after a whole chunk, not the last


def test_each_error_of_a_bucket_is_reported_on_its_own(txaio_framework):
    def broken(error):
        raise error

    timer = txaio.make_batched_timer(1.0)
    ran = []
    timer.call_later(0.5, broken, ValueError("first"))
    timer.call_later(0.5, ran.append, "the rest of the bucket runs")
    timer.call_later(0.5, broken, KeyError("second"))
    txaio_framework.advance(1.0)

    assert ran == ["the rest of the bucket runs"]
    errors = txaio_framework.reported_errors()  # each with its own traceback
    assert [type(error) for error in errors] == [ValueError, KeyError]
    assert all(error.__traceback__ is not None for error in errors)


def test_a_periodic_call_ticks_on_its_schedule_and_skips_what_it_missed(txaio_framework):
    ticks = []

    def tick():
        ticks.append(txaio_framework.now())
        if len(ticks) == 2:
            txaio_framework.stall(1.5)  # this tick keeps the loop busy until 2.5

    periodic = txaio.call_periodic(1, tick)
    txaio_framework.advance(3.5)
    assert ticks == [0.0, 1.0, 3.0]  # tick 2 was missed: skipped
    periodic.cancel()
    assert not periodic.running
    assert txaio_framework.result(periodic.finished) is None
