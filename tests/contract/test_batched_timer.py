"""txaio.make_batched_timer through the public API, on each backend (IBatchedTimer).

What it promises: docs/guide/timers.rst, "Batched timers".

The framework-neutral core has its own unit tests (tests/unit/test_batched_core.py);
these check what a user sees on a real backend: the loop's own timers, the
framework's error reporting, and the loop turns between chunks.
"""

from __future__ import annotations

import traceback

import pytest

import txaio


class LoopTimers:
    """Counts the delayed calls pending in the framework's clock.

    Twisted clocks and reactors list them (``getDelayedCalls``); an asyncio
    loop does not, so every timer it makes (``call_later`` goes through
    ``call_at``) is recorded and counted until it runs or is cancelled.

    It also turns a livelock into a failure: a test here makes a few hundred
    timers, so one more than ``LIMIT`` is refused (the error reaches the
    loop's exception handler and the test fails instead of hanging).
    """

    LIMIT = 10_000

    def __init__(self, framework, monkeypatch):
        self.clock = framework.clock
        self.twisted = framework.name == "twisted"
        self.handles = {}
        self.made = 0
        if not self.twisted:
            monkeypatch.setattr(self.clock, "call_at", self._recording(self.clock.call_at))

    def _recording(self, call_at):
        def record(when, callback, *args, context=None):
            self.made += 1
            if self.made > self.LIMIT:
                raise RuntimeError(f"more than {self.LIMIT} loop timers: a livelock?")
            key = object()

            def run(*args):
                del self.handles[key]
                return callback(*args)

            self.handles[key] = handle = call_at(when, run, *args, context=context)
            return handle

        return record

    def pending(self):
        if self.twisted:
            return len(self.clock.getDelayedCalls())
        return sum(not handle.cancelled() for handle in self.handles.values())


@pytest.fixture
def loop_timers(txaio_framework, monkeypatch):
    return LoopTimers(txaio_framework, monkeypatch)


def noop():
    return None


def advance_in_steps(framework, steps, step):
    """Advance ``steps`` times by ``step``, so each call sees the clock near its own time."""
    for _ in range(steps):
        framework.advance(step)


# -- when calls run -------------------------------------------------------------


@pytest.mark.parametrize("bucket_seconds", [0.1, 0.25, 1.0])
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.33, 0.999, 1.0, 1.7])
def test_call_runs_no_earlier_than_its_delay_and_at_most_one_bucket_later(
    txaio_framework, loop_timers, bucket_seconds, delay
):
    clock = txaio_framework.clock
    txaio_framework.advance(0.37)  # start between two bucket boundaries
    timer = txaio.make_batched_timer(bucket_seconds)
    start = clock.seconds()
    ran_at = []
    timer.call_later(delay, lambda: ran_at.append(clock.seconds()))
    step = bucket_seconds / 8
    for _ in range(round((delay + bucket_seconds) / step) + 1):
        txaio_framework.advance(step)
    assert len(ran_at) == 1, "the call did not run within one bucket of its delay"
    assert start + delay <= ran_at[0] <= start + delay + bucket_seconds + step


def test_call_does_not_run_a_moment_before_its_delay(txaio_framework):
    timer = txaio.make_batched_timer(0.25)
    calls = []
    timer.call_later(0.5, calls.append, "due")
    txaio_framework.advance(0.5 - 1e-6)
    assert calls == []
    txaio_framework.advance(1e-6)
    assert calls == ["due"]


def test_call_passes_args_and_kwargs(txaio_framework):
    timer = txaio.make_batched_timer(1.0)
    calls = []
    timer.call_later(0.5, lambda *a, **k: calls.append((a, k)), 1, 2, key="word")
    txaio_framework.advance(1)
    assert calls == [((1, 2), {"key": "word"})]


def test_result_has_cancel_like_a_call_later_result(txaio_framework):
    timer = txaio.make_batched_timer(1.0)
    calls = []
    timer.call_later(0.5, calls.append, "cancelled").cancel()
    txaio_framework.advance(2)
    assert calls == []


def test_timer_is_an_ibatchedtimer(txaio_framework):
    assert isinstance(txaio.make_batched_timer(1.0), txaio.IBatchedTimer)


# -- the loop's own timers ------------------------------------------------------


def test_loop_holds_one_timer_per_non_empty_bucket(txaio_framework, loop_timers):
    timer = txaio.make_batched_timer(1.0)
    for index in range(50):
        timer.call_later(0.1 + index * 0.01, noop)  # all due within the first bucket
        timer.call_later(2.5, noop)  # all in a later bucket
    assert loop_timers.pending() == 2


def test_bucket_that_fired_leaves_the_loop(txaio_framework, loop_timers):
    timer = txaio.make_batched_timer(1.0)
    timer.call_later(0.5, noop)
    timer.call_later(2.5, noop)
    txaio_framework.advance(1)
    assert loop_timers.pending() == 1


def test_last_cancel_in_a_bucket_cancels_its_loop_timer(txaio_framework, loop_timers):
    timer = txaio.make_batched_timer(1.0)
    first, second, third = (timer.call_later(0.5, noop) for _ in range(3))
    timer.call_later(2.5, noop)
    second.cancel()
    third.cancel()
    assert loop_timers.pending() == 2
    first.cancel()
    assert loop_timers.pending() == 1


def test_cancel_twice_does_not_cancel_the_rest_of_the_bucket(txaio_framework, loop_timers):
    timer = txaio.make_batched_timer(1.0)
    calls = []
    cancelled = timer.call_later(0.5, calls.append, "cancelled")
    timer.call_later(0.5, calls.append, "kept")
    cancelled.cancel()
    cancelled.cancel()
    assert loop_timers.pending() == 1
    txaio_framework.advance(1)
    assert calls == ["kept"]


def test_cancel_after_the_call_ran_is_harmless(txaio_framework):
    timer = txaio.make_batched_timer(1.0)
    calls = []
    ran = timer.call_later(0.5, calls.append, "ran")
    timer.call_later(1.5, calls.append, "later")
    txaio_framework.advance(1)
    ran.cancel()
    txaio_framework.advance(1)
    assert calls == ["ran", "later"]


def test_bucket_emptied_by_cancel_takes_new_calls(txaio_framework, loop_timers):
    timer = txaio.make_batched_timer(1.0)
    calls = []
    timer.call_later(0.5, calls.append, "cancelled").cancel()
    timer.call_later(0.5, calls.append, "new")
    assert loop_timers.pending() == 1
    txaio_framework.advance(1)
    assert calls == ["new"]


# -- chunks -----------------------------------------------------------------------


def test_bucket_runs_chunk_size_calls_per_loop_turn(txaio_framework):
    """Each call asks the loop for a turn; those turns come only between chunks."""
    timer = txaio.make_batched_timer(1.0, chunk_size=2)
    events = []

    def call(index):
        events.append(index)
        txaio.call_later(0, events.append, ("turn", index))

    for index in range(6):
        timer.call_later(0.5, call, index)
    txaio_framework.advance(1)
    calls_before = {
        event: sum(isinstance(e, int) for e in events[:position])
        for position, event in enumerate(events)
        if isinstance(event, tuple)
    }
    assert [e for e in events if isinstance(e, int)] == list(range(6))
    assert all(count % 2 == 0 for count in calls_before.values()), events
    assert calls_before[("turn", 0)] < 6, "no loop turn before the last chunk"


def test_whole_bucket_runs_before_the_next_bucket_time(txaio_framework, loop_timers):
    timer = txaio.make_batched_timer(0.25, chunk_size=1)
    clock = txaio_framework.clock
    ran = []
    for index in range(5):
        timer.call_later(0.1, lambda i=index: ran.append((i, clock.seconds())))
    timer.call_later(0.3, lambda: ran.append(("next", clock.seconds())))
    advance_in_steps(txaio_framework, 30, 0.03)
    assert [name for name, _ in ran] == [0, 1, 2, 3, 4, "next"]
    assert all(when < 0.5 for name, when in ran if name != "next")


# -- errors -------------------------------------------------------------------------


def first_broken():
    raise ValueError("first")


def second_broken():
    raise KeyError("second")


def test_raising_call_does_not_stop_the_rest_of_its_bucket(txaio_framework):
    timer = txaio.make_batched_timer(1.0, chunk_size=2)
    calls = []
    timer.call_later(0.5, calls.append, "before")
    timer.call_later(0.5, first_broken)
    timer.call_later(0.5, calls.append, "after")
    txaio_framework.advance(1)
    assert calls == ["before", "after"]
    assert [str(error) for error in txaio_framework.reported_errors()] == ["first"]


def test_each_error_is_reported_on_its_own_with_its_own_traceback(txaio_framework):
    timer = txaio.make_batched_timer(1.0)
    timer.call_later(0.5, first_broken)
    timer.call_later(0.5, noop)
    timer.call_later(0.5, second_broken)
    txaio_framework.advance(1)
    errors = txaio_framework.reported_errors()
    assert [type(error) for error in errors] == [ValueError, KeyError]
    assert [traceback.extract_tb(error.__traceback__)[-1].name for error in errors] == [
        "first_broken",
        "second_broken",
    ]


# -- bad arguments --------------------------------------------------------------------


@pytest.mark.parametrize("bucket_seconds", [0, -1, -0.5])
def test_bucket_seconds_not_above_zero_raises_value_error_naming_it(
    txaio_framework, bucket_seconds
):
    with pytest.raises(ValueError, match="bucket_seconds"):
        txaio.make_batched_timer(bucket_seconds)


@pytest.mark.parametrize("chunk_size", [0, -1])
def test_chunk_size_below_one_raises_value_error_naming_it(txaio_framework, chunk_size):
    with pytest.raises(ValueError, match="chunk_size"):
        txaio.make_batched_timer(1.0, chunk_size=chunk_size)


def test_negative_delay_raises_value_error_naming_it(txaio_framework):
    timer = txaio.make_batched_timer(1.0)
    with pytest.raises(ValueError, match="delay"):
        timer.call_later(-1, noop)


# -- regression: a bucket due where the clock stops runs, and only once --------------


def test_bucket_due_a_rounding_error_after_the_clock_stops_still_runs(monkeypatch):
    from txaio.testutil import VirtualClockLoop, use_framework

    loop = VirtualClockLoop()
    made = []

    def guarded_call_at(when, callback, *args, context=None):
        made.append(when)
        if len(made) > LoopTimers.LIMIT:
            raise RuntimeError("livelock")
        return VirtualClockLoop.call_at(loop, when, callback, *args, context=context)

    monkeypatch.setattr(loop, "call_at", guarded_call_at)
    loop.set_exception_handler(lambda loop, context: None)
    calls = []
    with use_framework("asyncio"):
        timer = txaio.with_config(loop=loop).make_batched_timer(0.1)
        timer.call_later(2.1, calls.append, "ran")
        for _ in range(211):
            loop.advance(0.01)  # 2.1 after 210 steps: added as floats, 2.099999999999999
    loop.close()
    assert calls == ["ran"]
