"""``call_periodic``: ticks at start + k * interval, none early, none in a bunch, none overlapped.

Every test runs on each backend's virtual clock; ``txaio_framework.stall``
makes the loop busy (the clock moves while code runs).
"""

from __future__ import annotations

import pytest

import txaio


class Ticks:
    """A tick function that records the virtual time of each call."""

    def __init__(self, framework, action=None):
        self.framework = framework
        self.times = []
        self.action = action

    def __call__(self, *args, **kwargs):
        self.times.append(self.framework.now())
        if self.action is not None:
            return self.action(len(self.times), *args, **kwargs)
        return None


# -- when the ticks fall ----------------------------------------------------------------


def test_ticks_fall_at_each_multiple_of_the_interval(txaio_framework):
    ticks = Ticks(txaio_framework)
    txaio.call_periodic(1, ticks)
    txaio_framework.advance(4.5)
    assert ticks.times == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_the_first_tick_runs_on_the_next_turn_of_the_loop_not_inside_the_call(txaio_framework):
    ticks = Ticks(txaio_framework)
    txaio.call_periodic(1, ticks)
    assert ticks.times == []
    txaio_framework.flush()
    assert ticks.times == [0.0]


def test_ticks_are_counted_from_the_start_not_from_the_last_tick(txaio_framework):
    ticks = Ticks(txaio_framework)
    txaio.call_periodic(0.1, ticks)
    txaio_framework.advance(1.05)
    assert ticks.times == [k * 0.1 for k in range(11)]  # not 0.1 added up ten times


def test_the_start_is_when_call_periodic_is_called(txaio_framework):
    txaio_framework.advance(0.25)
    ticks = Ticks(txaio_framework)
    txaio.call_periodic(2, ticks)
    txaio_framework.advance(4.25)
    assert ticks.times == [0.25, 0.25 + 2.0, 0.25 + 4.0]


def test_a_tick_never_runs_before_it_is_due(txaio_framework):
    ticks = Ticks(txaio_framework)
    txaio.call_periodic(1, ticks)
    txaio_framework.advance(0.999999)
    assert len(ticks.times) == 1
    txaio_framework.advance(0.000001)
    assert len(ticks.times) == 2


def test_time_spent_in_a_tick_does_not_move_the_next_ones(txaio_framework):
    ticks = Ticks(txaio_framework, lambda n: txaio_framework.stall(0.25))
    txaio.call_periodic(1, ticks)
    txaio_framework.advance(3.5)
    assert ticks.times == [0.0, 1.0, 2.0, 3.0]


def test_arguments_are_passed_to_each_tick(txaio_framework):
    seen = []
    txaio.call_periodic(1, lambda *args, **kwargs: seen.append((args, kwargs)), 1, 2, key="k")
    txaio_framework.advance(1)
    assert seen == [((1, 2), {"key": "k"})] * 2


# -- missed ticks are skipped ---------------------------------------------------------------


def test_ticks_missed_while_a_tick_kept_the_loop_busy_are_skipped(txaio_framework):
    ticks = Ticks(txaio_framework, lambda n: txaio_framework.stall(2.5) if n == 2 else None)
    txaio.call_periodic(1, ticks)
    txaio_framework.advance(5.5)
    assert ticks.times == [0.0, 1.0, 4.0, 5.0]  # 2 and 3 were missed: not run at 3.5


def test_a_tick_made_late_by_other_work_runs_once_then_the_schedule_resumes(txaio_framework):
    ticks = Ticks(txaio_framework)
    txaio.call_periodic(1, ticks)
    txaio.call_later(1.5, txaio_framework.stall, 1.75)  # the loop is busy from 1.5 to 3.25
    txaio_framework.advance(4.5)
    assert ticks.times == [0.0, 1.0, 3.25, 4.0]  # 2 late, 3 skipped, 4 on time


# -- a tick that returns a future ---------------------------------------------------------


def test_a_tick_returning_a_future_is_not_overlapped_by_the_next(txaio_framework):
    running = []

    def tick(n):
        running.append(n)
        assert len(running) == 1, f"tick {n} overlaps tick {running[0]}"
        future = txaio.sleep(2.5)
        txaio.add_callbacks(future, lambda _: running.remove(n), None)
        return future

    ticks = Ticks(txaio_framework, tick)
    txaio.call_periodic(1, ticks)
    txaio_framework.advance(7)
    assert ticks.times == [0.0, 3.0, 6.0]  # each waits for the last: 1, 2, 4, 5 skipped


def test_a_tick_that_is_a_coroutine_is_awaited_before_the_next(txaio_framework):
    done = []

    async def tick(n):
        await txaio.sleep(0.5)
        done.append(txaio_framework.now())

    ticks = Ticks(txaio_framework, tick)
    txaio.call_periodic(1, ticks)
    txaio_framework.advance(2)
    assert ticks.times == [0.0, 1.0, 2.0]
    assert done == [0.5, 1.5]


def test_a_tick_ending_exactly_when_the_next_is_due_keeps_that_tick(txaio_framework):
    ticks = Ticks(txaio_framework, lambda n: txaio.sleep(1))
    txaio.call_periodic(1, ticks)
    txaio_framework.advance(2)
    assert ticks.times == [0.0, 1.0, 2.0]


# -- errors -----------------------------------------------------------------------------------


def _fail_on(tick_number):
    def action(n):
        if n == tick_number:
            raise ValueError(f"tick {n} failed")

    return action


def test_an_error_stops_the_ticks_and_is_reported(txaio_framework):
    ticks = Ticks(txaio_framework, _fail_on(2))
    periodic = txaio.call_periodic(1, ticks)
    txaio_framework.advance(5)
    assert ticks.times == [0.0, 1.0]
    assert not periodic.running
    errors = txaio_framework.reported_errors()
    assert [str(error) for error in errors] == ["tick 2 failed"]


def test_an_error_fails_the_finished_future_instead_when_someone_awaits_it(txaio_framework):
    periodic = txaio.call_periodic(1, Ticks(txaio_framework, _fail_on(3)))
    finished = periodic.finished
    txaio_framework.advance(5)
    with pytest.raises(ValueError, match="tick 3 failed"):
        txaio_framework.result(finished)
    assert txaio_framework.reported_errors() == []


def test_the_failure_of_a_ticks_future_stops_the_ticks_and_is_reported(txaio_framework):
    async def tick(n):
        await txaio.sleep(0.5)
        raise KeyError("from the coroutine")

    ticks = Ticks(txaio_framework, tick)
    periodic = txaio.call_periodic(1, ticks)
    txaio_framework.advance(5)
    assert ticks.times == [0.0]
    assert not periodic.running
    assert [repr(error) for error in txaio_framework.reported_errors()] == [
        "KeyError('from the coroutine')"
    ]


def test_an_error_after_the_finished_future_was_asked_for_late_is_kept_in_it(txaio_framework):
    periodic = txaio.call_periodic(1, Ticks(txaio_framework, _fail_on(1)))
    txaio_framework.flush()
    assert len(txaio_framework.reported_errors()) == 1
    with pytest.raises(ValueError, match="tick 1 failed"):
        txaio_framework.result(periodic.finished)


# -- cancelling -----------------------------------------------------------------------------


def test_cancel_from_outside_stops_the_ticks(txaio_framework):
    ticks = Ticks(txaio_framework)
    periodic = txaio.call_periodic(1, ticks)
    txaio_framework.advance(2.5)
    assert periodic.running
    periodic.cancel()
    txaio_framework.advance(5)
    assert ticks.times == [0.0, 1.0, 2.0]
    assert not periodic.running
    assert txaio_framework.result(periodic.finished) is None


def test_cancel_from_inside_the_tick_stops_the_ticks(txaio_framework):
    def action(n):
        if n == 3:
            periodic.cancel()

    ticks = Ticks(txaio_framework, action)
    periodic = txaio.call_periodic(1, ticks)
    finished = periodic.finished
    txaio_framework.advance(10)
    assert ticks.times == [0.0, 1.0, 2.0]
    assert not periodic.running
    assert txaio_framework.result(finished) is None


def test_cancel_from_inside_a_coroutine_tick_stops_the_ticks(txaio_framework):
    async def tick(n):
        await txaio.sleep(0.5)
        if n == 2:
            periodic.cancel()

    ticks = Ticks(txaio_framework, tick)
    periodic = txaio.call_periodic(1, ticks)
    txaio_framework.advance(10)
    assert ticks.times == [0.0, 1.0]
    assert txaio_framework.result(periodic.finished) is None


def test_after_cancel_a_running_tick_finishes_and_then_finished_resolves(txaio_framework):
    ticks = Ticks(txaio_framework, lambda n: txaio.sleep(3))
    periodic = txaio.call_periodic(1, ticks)
    finished = periodic.finished
    txaio_framework.advance(1)
    periodic.cancel()
    assert not periodic.running
    assert not txaio.is_called(finished)
    txaio_framework.advance(2)  # the tick's future is done at 3
    assert txaio_framework.result(finished) is None
    txaio_framework.advance(5)
    assert ticks.times == [0.0]


def test_cancel_twice_and_cancel_after_an_error_do_nothing(txaio_framework):
    periodic = txaio.call_periodic(1, print)
    periodic.cancel()
    periodic.cancel()
    failing = txaio.call_periodic(1, Ticks(txaio_framework, _fail_on(1)))
    finished = failing.finished
    txaio_framework.flush()
    failing.cancel()
    with pytest.raises(ValueError, match="tick 1 failed"):
        txaio_framework.result(finished)


def test_cancelling_the_finished_future_cancels_the_periodic_call(txaio_framework):
    ticks = Ticks(txaio_framework)
    periodic = txaio.call_periodic(1, ticks)
    finished = periodic.finished
    txaio.add_callbacks(finished, None, lambda fail: None)
    txaio_framework.advance(0.5)
    txaio.cancel(finished)
    txaio_framework.advance(5)
    assert ticks.times == [0.0]
    assert not periodic.running
    assert txaio.is_called(finished)


# -- where it is offered ----------------------------------------------------------------


def test_with_config_objects_and_loop_mixins_offer_it(txaio_framework):
    class Pinger(txaio.LoopMixin):
        pass

    seen = []
    txaio.with_config().call_periodic(1, seen.append, "api")
    Pinger().call_periodic(1, seen.append, "mixin")
    txaio_framework.flush()
    assert sorted(seen) == ["api", "mixin"]


def test_an_interval_the_clock_cannot_tell_from_zero_is_refused(txaio_framework):
    txaio_framework.advance(1e6)
    with pytest.raises(ValueError, match="interval 1e-12 is too small for the loop's clock"):
        txaio.call_periodic(1e-12, print)


def test_the_handle_says_what_it_is(txaio_framework):
    periodic = txaio.call_periodic(1.5, print)
    assert isinstance(periodic, txaio.IPeriodicCall)
    assert periodic.interval == 1.5
    assert "every 1.5s running" in repr(periodic)
    periodic.cancel()
