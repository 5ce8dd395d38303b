"""as_future and async def on both frameworks (contract point 7)."""

from __future__ import annotations

import pytest

import txaio


def test_plain_return_value_gives_resolved_future(txaio_framework):
    assert txaio_framework.result(txaio.as_future(lambda a, b=0: a + b, 1, b=2)) == 3


def test_raised_exception_gives_failed_future_not_an_exception(txaio_framework):
    def broken():
        raise ArithmeticError("nope")

    future = txaio.as_future(broken)
    with pytest.raises(ArithmeticError, match="nope"):
        txaio_framework.result(future)


def test_returned_future_is_passed_through(txaio_framework):
    inner = txaio.create_future()
    assert txaio.as_future(lambda: inner) is inner


def test_async_def_function_runs_to_its_result(txaio_framework):
    async def double(x):
        return 2 * x

    assert txaio_framework.result(txaio.as_future(double, 21)) == 42


def test_async_def_error_fails_the_future(txaio_framework):
    async def broken():
        raise LookupError("inside coroutine")

    with pytest.raises(LookupError, match="inside coroutine"):
        txaio_framework.result(txaio.as_future(broken))


def test_async_def_awaiting_txaio_futures_sleep_and_gather(txaio_framework):
    """The same async def gives the same result on asyncio and on Twisted."""
    trigger = txaio.create_future()

    async def workflow():
        got = await trigger
        await txaio.sleep(2)
        both = await txaio.gather([txaio.create_future_success(got), txaio.as_future(abs, -5)])
        return [*both, "done"]

    future = txaio.as_future(workflow)
    txaio_framework.flush()
    txaio.resolve(trigger, "hello")
    txaio_framework.advance(1)
    assert not txaio.is_called(future)
    txaio_framework.advance(1)
    assert txaio_framework.result(future) == ["hello", 5, "done"]


def test_coroutine_object_passed_to_gather_and_as_future_agree(txaio_framework):
    async def value():
        return "v"

    coro = value()
    assert txaio.is_future(coro)
    assert txaio_framework.result(txaio.as_future(lambda: coro)) == "v"
