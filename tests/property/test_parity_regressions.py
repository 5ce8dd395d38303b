"""Counterexamples the parity property found, kept as plain tests.

Each test is a program hypothesis shrank to. Where the backends now agree
(the program found a bug that was fixed) the test asserts parity. Where they
still differ, the difference is documented in ``docs/backends.rst``: the test
asserts parity and is a strict ``xfail`` on the backends that differ, so it
starts failing -- as a reminder to drop the mark -- once they agree.
"""

from __future__ import annotations

import pytest

import txaio
from txaio._testing.backends import TEST_BACKENDS

from .programs import (
    PARITY_BACKENDS,
    AddCallbacks,
    Advance,
    CallLater,
    Cancel,
    Create,
    Gather,
    Reject,
    Resolve,
    observable,
    run_program,
    running_on,
)


def _on_twisted_xfail(reason: str) -> list[object]:
    """The non-reference backends, with a strict xfail on the Twisted ones."""
    return [
        pytest.param(
            name,
            marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)
            if TEST_BACKENDS[name].framework == "twisted"
            else (),
        )
        for name in PARITY_BACKENDS[1:]
    ]


@pytest.mark.parametrize("backend", PARITY_BACKENDS[1:])
def test_a_timer_sees_its_own_due_time_while_the_clock_advances_past_it(backend):
    # Found: Twisted's task.Clock jumped to the end of advance() before running
    # due calls; ReactorClock now runs each call at its own time.
    program = [Create(False), CallLater(delay=0.5, resolves=None), Advance(seconds=1.0)]
    assert observable(run_program(program, backend)) == observable(run_program(program, "asyncio"))


@pytest.mark.parametrize("backend", PARITY_BACKENDS[1:])
def test_a_timer_scheduled_by_a_timer_runs_within_the_same_advance(backend):
    with running_on(backend) as (clock, reported):
        fired = []
        txaio.call_later(0.5, lambda: txaio.call_later(0.25, fired.append, clock.seconds()))
        clock.advance(1.0)
        assert fired == [0.5]
        assert reported == []


@pytest.mark.parametrize("backend", PARITY_BACKENDS[1:])
def test_cancelling_a_future_nobody_listens_to_reports_nothing(backend):
    # Found: Twisted logged a Deferred cancelled with no errback when it was collected;
    # txaio.cancel now clears that failure, as asyncio reports no cancelled future
    # (docs/contract.rst, "Cancellations nobody watches").
    program = [Create(False), Cancel(target=0)]
    assert run_program(program, backend)["unhandled"] == []


@pytest.mark.parametrize("backend", PARITY_BACKENDS[1:])
def test_a_failed_future_passed_to_gather_still_fails_later_callbacks(backend):
    # Found: Twisted's gather took a failed input's error, as DeferredList does;
    # the input now keeps it, as Autobahn relies on (docs/compatibility.rst).
    with running_on(backend) as (clock, _reported):
        future = txaio.create_future()
        txaio.reject(future, KeyError("error 0"))
        gathered = txaio.gather([future], consume_exceptions=False)
        txaio.add_callbacks(gathered, None, lambda fail: None)
        seen = []
        txaio.add_callbacks(future, seen.append, lambda fail: seen.append(fail.value))
        clock.advance(0)
        assert [type(item) for item in seen] == [KeyError]


@pytest.mark.parametrize(
    "backend",
    _on_twisted_xfail("on a Deferred an errback's exception replaces the failure"),
)
def test_an_errback_that_raises_does_not_change_what_later_errbacks_get(backend):
    # Found as [Create, Cancel(0), AddCallbacks(0, "return", "raise"),
    # AddCallbacks(0, "return", "return")]; generated programs now add no callbacks
    # after a raising one (programs.py), so it is written out here.
    with running_on(backend) as (clock, reported):
        future = txaio.create_future()
        txaio.cancel(future)
        seen = []

        def raising(fail):
            raise RuntimeError("errback 2 raised")

        txaio.add_callbacks(future, None, raising)
        txaio.add_callbacks(future, None, lambda fail: seen.append(fail.value) or None)
        clock.advance(0)
        assert [type(error).__name__ for error in seen] == ["CancelledError"]
        assert reported == ["RuntimeError('errback 2 raised')"]


@pytest.mark.parametrize("backend", PARITY_BACKENDS)
def test_a_timer_cancelled_after_it_ran_is_the_frameworks_own_object(backend):
    # Found: call_later returns the native timer, whose cancel() after it ran differs:
    # asyncio's TimerHandle ignores it, Twisted's DelayedCall raises AlreadyCalled.
    with running_on(backend) as (clock, reported):
        timer = txaio.call_later(0, print)
        clock.advance(0)
        if TEST_BACKENDS[backend].framework == "asyncio":
            timer.cancel()
        else:
            from twisted.internet.error import AlreadyCalled

            with pytest.raises(AlreadyCalled):
                timer.cancel()
        assert reported == []


@pytest.mark.parametrize("backend", PARITY_BACKENDS[1:])
def test_gather_of_a_rejected_future_agrees_on_its_result(backend):
    program = [
        Create(False),
        Reject(target=0, error=0),
        Gather(targets=(0,), consume_exceptions=False),
        AddCallbacks(target=1, callback="return", errback="return"),
    ]
    assert observable(run_program(program, backend)) == observable(run_program(program, "asyncio"))


@pytest.mark.parametrize("backend", PARITY_BACKENDS[1:])
def test_a_late_result_for_a_gather_of_a_cancelled_input_is_an_error(backend):
    # Found on Python 3.10: the gather failed *with* a CancelledError but was not itself
    # cancelled, so resolving it is an InvalidStateError on asyncio; Twisted dropped the
    # result because it took "fails with CancelledError" for "was cancelled".
    program = [
        Create(False),
        Cancel(target=0),
        Gather(targets=(0,), consume_exceptions=False),
        Resolve(target=1, value=0),
    ]
    assert observable(run_program(program, backend)) == observable(run_program(program, "asyncio"))
