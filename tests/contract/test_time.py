"""call_later and sleep on a virtual clock (docs/contract.rst, "Timers")."""

from __future__ import annotations

import pytest

import txaio


def test_call_later_passes_args_and_kwargs(txaio_framework):
    calls = []
    txaio.call_later(3, lambda *a, **k: calls.append((a, k)), 1, 2, key="word")
    txaio_framework.advance(3)
    assert calls == [((1, 2), {"key": "word"})]


def test_call_later_does_not_fire_early(txaio_framework):
    calls = []
    txaio.call_later(1.0, calls.append, "x")
    txaio_framework.advance(0.999)
    assert calls == []
    txaio_framework.advance(0.001)
    assert calls == ["x"]


def test_call_later_result_can_be_cancelled(txaio_framework):
    calls = []
    handle = txaio.call_later(1, calls.append, "x")
    handle.cancel()
    txaio_framework.advance(2)
    assert calls == []


def test_error_in_call_later_function_is_reported(txaio_framework):
    def broken():
        raise RuntimeError("timer broke")

    txaio.call_later(1, broken)
    txaio_framework.advance(1)
    assert [str(e) for e in txaio_framework.reported_errors()] == ["timer broke"]


@pytest.mark.parametrize("delay", [-1, float("nan"), float("inf")])
def test_call_later_with_bad_delay_raises_value_error_naming_delay(txaio_framework, delay):
    with pytest.raises(ValueError, match="delay must be a finite number of seconds >= 0"):
        txaio.call_later(delay, print)


def test_call_later_with_non_number_delay_raises_type_error(txaio_framework):
    with pytest.raises(TypeError, match="delay must be a number of seconds"):
        txaio.call_later("1", print)


def test_sleep_resolves_after_at_least_the_delay(txaio_framework):
    slept = txaio.sleep(2)
    txaio_framework.advance(1.99)
    assert not txaio.is_called(slept)
    txaio_framework.advance(0.01)
    assert txaio_framework.result(slept) is None


def test_sleep_with_negative_delay_raises_value_error(txaio_framework):
    with pytest.raises(ValueError, match="delay"):
        txaio.sleep(-1)


def test_time_helpers_return_nanoseconds(txaio_framework):
    assert isinstance(txaio.time_ns(), int)
    first = txaio.perf_counter_ns()
    assert txaio.perf_counter_ns() >= first
