"""gather (docs/contract.rst, "``gather``")."""

from __future__ import annotations

import pytest

import txaio


def test_gather_results_come_in_input_order(txaio_framework):
    first, second = txaio.create_future(), txaio.create_future()
    gathered = txaio.gather([first, second])
    txaio.resolve(second, "b")
    txaio.resolve(first, "a")
    assert txaio_framework.result(gathered) == ["a", "b"]


def test_gather_of_nothing_is_an_empty_list(txaio_framework):
    assert txaio_framework.result(txaio.gather([])) == []


def test_gather_consuming_exceptions_gives_failed_future_entries(txaio_framework):
    ok, bad = txaio.create_future(), txaio.create_future()
    gathered = txaio.gather([ok, bad], consume_exceptions=True)
    txaio.resolve(ok, 1)
    txaio.reject(bad, KeyError("missing"))
    value, failure = txaio_framework.result(gathered)
    assert value == 1
    assert isinstance(failure, txaio.IFailedFuture)
    assert txaio.failure_message(failure) == "KeyError: 'missing'"


def test_gather_not_consuming_fails_with_the_first_failure_at_once(txaio_framework):
    pending, first, second = (txaio.create_future() for _ in range(3))
    gathered = txaio.gather([pending, first, second], consume_exceptions=False)
    txaio.add_callbacks(first, None, lambda fail: None)  # handled: Twisted reports it otherwise
    txaio.reject(first, KeyError("first"))
    txaio_framework.flush()
    assert txaio.is_called(gathered)
    with pytest.raises(KeyError, match="first"):
        txaio_framework.result(gathered)
    txaio.add_callbacks(second, None, lambda fail: None)  # claimed: not reported later
    txaio.reject(second, KeyError("second"))
    txaio.resolve(pending, None)


def test_gather_accepts_coroutines(txaio_framework):
    async def three():
        return 3

    assert txaio_framework.result(txaio.gather([three(), txaio.create_future_success(4)])) == [
        3,
        4,
    ]


def test_gather_of_non_futures_raises_type_error_naming_the_entry(txaio_framework):
    with pytest.raises(TypeError, match=r"futures\[1\] must be a"):
        txaio.gather([txaio.create_future_success(1), 2])
