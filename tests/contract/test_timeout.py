"""timeout(future_or_coroutine, seconds) on a virtual clock, on every backend."""

from __future__ import annotations

import asyncio
import importlib.util
import inspect

import pytest

import txaio

#: Just below 10 seconds, and exact in binary: (10 - EPSILON) + EPSILON == 10.
EPSILON = 2**-20

#: What a cancelled input raises inside a coroutine, on either framework.
CANCELLED: tuple[type[BaseException], ...] = (asyncio.CancelledError,)
if importlib.util.find_spec("twisted") is not None:
    from twisted.internet.defer import CancelledError as TwistedCancelledError

    CANCELLED += (TwistedCancelledError,)


@pytest.fixture
def timers(txaio_framework, monkeypatch):
    """Every timer txaio.call_later makes during the test (timeout uses it)."""
    made = []
    api_class = type(txaio_framework.api)
    call_later = api_class.call_later

    def recording(self, delay, fn, *args, **kwargs):
        handle = call_later(self, delay, fn, *args, **kwargs)
        made.append(handle)
        return handle

    monkeypatch.setattr(api_class, "call_later", recording)
    return made


def is_cancelled(timer):
    """asyncio's TimerHandle.cancelled() or Twisted's DelayedCall.cancelled."""
    cancelled = timer.cancelled
    return bool(cancelled() if callable(cancelled) else cancelled)


def test_timeout_passes_on_the_result_when_the_input_finishes_first(txaio_framework):
    future = txaio.create_future()
    limited = txaio.timeout(future, 10)
    txaio_framework.advance(5)
    txaio.resolve(future, "answer")
    assert txaio_framework.result(limited) == "answer"


def test_timeout_passes_on_the_error_when_the_input_fails_first(txaio_framework):
    future = txaio.create_future()
    limited = txaio.timeout(future, 10)
    txaio.reject(future, KeyError("gone"))
    with pytest.raises(KeyError, match="gone"):
        txaio_framework.result(limited)


def test_timeout_of_a_done_future_has_its_result(txaio_framework):
    limited = txaio.timeout(txaio.create_future_success("ready"), 10)
    assert txaio_framework.result(limited) == "ready"


def test_timeout_is_still_pending_just_before_seconds(txaio_framework):
    limited = txaio.timeout(txaio.create_future(), 10)
    txaio_framework.advance(10 - EPSILON)
    assert not txaio.is_called(limited)


def test_timeout_fails_with_the_builtin_timeout_error_after_seconds(txaio_framework):
    limited = txaio.timeout(txaio.create_future(), 10)
    txaio_framework.advance(10 - EPSILON)
    txaio_framework.advance(EPSILON)
    with pytest.raises(TimeoutError, match="no result within 10 seconds") as raised:
        txaio_framework.result(limited)
    assert type(raised.value) is TimeoutError


def test_timeout_of_zero_seconds_fails_on_the_next_loop_turn(txaio_framework):
    limited = txaio.timeout(txaio.create_future(), 0)
    txaio_framework.advance(0)
    with pytest.raises(TimeoutError):
        txaio_framework.result(limited)


def test_timeout_cancels_the_input_when_the_time_is_up(txaio_framework):
    cancelled = []
    future = txaio.create_future(canceller=cancelled.append)
    limited = txaio.timeout(future, 10)
    txaio.add_callbacks(limited, None, lambda fail: None)
    txaio_framework.advance(10)
    assert cancelled == [future]


def test_a_timeout_nobody_handles_is_reported(txaio_framework):
    txaio.timeout(txaio.create_future(), 10)
    txaio_framework.advance(10)
    assert [type(error) for error in txaio_framework.reported_errors()] == [TimeoutError]


def test_cancelling_the_result_cancels_the_input(txaio_framework):
    cancelled = []
    future = txaio.create_future(canceller=cancelled.append)
    limited = txaio.timeout(future, 10)
    txaio.add_callbacks(limited, None, lambda fail: None)
    txaio.cancel(limited)
    txaio_framework.flush()
    assert cancelled == [future]


def test_cancelling_the_result_cancels_the_timer(txaio_framework, timers):
    limited = txaio.timeout(txaio.create_future(), 10)
    txaio.add_callbacks(limited, None, lambda fail: None)
    txaio.cancel(limited)
    txaio_framework.flush()
    assert [is_cancelled(timer) for timer in timers] == [True]


def test_the_timer_is_cancelled_when_the_input_finishes_first(txaio_framework, timers):
    future = txaio.create_future()
    limited = txaio.timeout(future, 10)
    txaio.resolve(future, "in time")
    assert txaio_framework.result(limited) == "in time"
    assert [is_cancelled(timer) for timer in timers] == [True]


def test_timeout_runs_a_coroutine_to_its_result(txaio_framework):
    async def work():
        await txaio.sleep(1)
        return "done"

    limited = txaio.timeout(work(), 5)
    txaio_framework.advance(1)
    assert txaio_framework.result(limited) == "done"


def test_timeout_cancels_a_coroutine_that_takes_too_long(txaio_framework):
    steps = []

    async def slow():
        try:
            await txaio.sleep(10)
            steps.append("finished")
        finally:
            steps.append("left")

    limited = txaio.timeout(slow(), 5)
    txaio_framework.advance(5)
    with pytest.raises(TimeoutError):
        txaio_framework.result(limited)
    assert steps == ["left"]


def observed(events, name):
    """An errback that records ``name`` and the error's class, and passes the error on."""

    def errback(fail):
        events.append((name, type(fail.value).__name__))
        return fail  # passed on: on Twisted the next errback of the chain gets it too

    return errback


def watched_timeout(seconds):
    """``timeout`` of a future that has an errback, and a coroutine awaiting the result.

    Returns the list of events (the errback's, then what the waiter saw when it
    resumed: the ``TimeoutError`` and whether the input was already done), the
    input, and the waiter's future.
    """
    events = []
    future = txaio.create_future()
    txaio.add_callbacks(future, None, observed(events, "input's errback"))
    limited = txaio.timeout(future, seconds)

    async def waiter():
        try:
            await limited
        except TimeoutError:
            events.append(("waiter", "TimeoutError", txaio.is_called(future)))

    return events, future, txaio.as_future(waiter)


#: What happens when the time is up, in the order of the frameworks' own timeouts.
NATIVE_ORDER = [("input's errback", "CancelledError"), ("waiter", "TimeoutError", True)]


def test_the_input_is_cancelled_and_its_errbacks_run_before_the_waiter_resumes(
    txaio_framework,
):
    events, _, waiter = watched_timeout(10)
    txaio_framework.advance(10)
    assert events == NATIVE_ORDER
    assert txaio_framework.result(waiter) is None


def test_at_a_float_edge_the_timeout_fires_on_the_step_that_reaches_it_in_native_order(
    txaio_framework,
):
    # 0.1 + 0.1 + 0.1 is 0.30000000000000004 in floats: the third step reaches 0.3.
    events, future, waiter = watched_timeout(0.3)
    txaio_framework.advance(0.1)
    txaio_framework.advance(0.1)
    assert events == []
    assert not txaio.is_called(future)
    txaio_framework.advance(0.1)
    assert events == NATIVE_ORDER
    assert txaio_framework.result(waiter) is None


def test_a_coroutine_input_finishes_its_clean_up_before_the_waiter_resumes(txaio_framework):
    events = []

    async def slow():
        try:
            await txaio.sleep(10)
        except CANCELLED:
            events.append("input: cancelled")
            await txaio.sleep(1)  # a clean-up that takes a loop turn or more
            events.append("input: cleaned up")
            raise

    limited = txaio.timeout(slow(), 5)

    async def waiter():
        try:
            await limited
        except TimeoutError:
            events.append("waiter: TimeoutError")

    waited = txaio.as_future(waiter)
    txaio_framework.advance(5)
    assert events == ["input: cancelled"]
    assert not txaio.is_called(limited)
    txaio_framework.advance(1)
    assert events == ["input: cancelled", "input: cleaned up", "waiter: TimeoutError"]
    assert txaio_framework.result(waited) is None


def test_an_input_that_turns_the_cancellation_into_a_value_gives_that_value(txaio_framework):
    async def stubborn():
        try:
            await txaio.sleep(10)
        except CANCELLED:
            return "partial result"
        return "full result"

    limited = txaio.timeout(stubborn(), 5)
    txaio_framework.advance(5)
    assert txaio_framework.result(limited) == "partial result"


def test_an_input_that_fails_otherwise_when_cancelled_gives_that_error(txaio_framework):
    async def failing():
        try:
            await txaio.sleep(10)
        except CANCELLED:
            raise LookupError("clean-up failed") from None

    limited = txaio.timeout(failing(), 5)
    txaio_framework.advance(5)
    with pytest.raises(LookupError, match="clean-up failed"):
        txaio_framework.result(limited)


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf"), "5", True, None])
def test_bad_seconds_raise_what_call_later_raises_for_a_bad_delay(txaio_framework, seconds):
    with pytest.raises((TypeError, ValueError)) as from_call_later:
        txaio.call_later(seconds, print)
    with pytest.raises(from_call_later.type) as from_timeout:
        txaio.timeout(txaio.create_future(), seconds)
    # The same check and wording, naming timeout's own argument.
    assert str(from_timeout.value) == str(from_call_later.value).replace("delay", "seconds", 1)


def test_bad_seconds_close_a_coroutine_input_so_it_is_not_left_unawaited(txaio_framework):
    async def work():
        return "never run"

    coroutine = work()
    with pytest.raises(ValueError, match="seconds must be a finite number"):
        txaio.timeout(coroutine, -1)
    assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CLOSED


@pytest.mark.parametrize("not_a_future", [42, None, "future", lambda: None])
def test_timeout_of_something_else_raises_type_error_naming_the_argument(
    txaio_framework, not_a_future
):
    with pytest.raises(TypeError, match=r"future_or_coroutine must be a \w+ or a coroutine, got"):
        txaio.timeout(not_a_future, 1)
