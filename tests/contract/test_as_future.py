"""as_future and async def on both frameworks.

What they promise: docs/contract.rst, "``as_future`` and ``async def``".
"""

from __future__ import annotations

import inspect

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


# -- a coroutine object is a future-to-be: the functions that wait for a future take it


async def answer():
    return 42


async def failing():
    raise LookupError("inside coroutine")


def test_as_future_of_a_coroutine_object_runs_it(txaio_framework):
    assert txaio_framework.result(txaio.as_future(answer())) == 42


def test_as_future_of_a_coroutine_object_and_arguments_is_a_type_error(txaio_framework):
    coroutine = answer()
    with pytest.raises(TypeError, match=r"as_future\(coroutine\) takes no other arguments"):
        txaio.as_future(coroutine, 1)
    coroutine.close()


def test_add_callbacks_of_a_coroutine_runs_it_and_returns_its_future(txaio_framework):
    got = []

    def callback(value):
        got.append(value)
        return value  # the rule for the same result on both: return the argument

    coroutine = answer()
    future = txaio.add_callbacks(coroutine, callback, None)
    assert future is not coroutine
    assert txaio.is_future(future)
    assert txaio_framework.result(future) == 42
    assert got == [42]


def test_add_callbacks_of_a_failing_coroutine_calls_the_errback(txaio_framework):
    got = []
    txaio.add_callbacks(failing(), None, lambda fail: got.append(fail.value))
    txaio_framework.flush()
    assert [type(error) for error in got] == [LookupError]


def test_is_called_of_a_coroutine_tells_whether_it_finished_without_running_it(
    txaio_framework,
):
    coroutine = answer()
    assert not txaio.is_called(coroutine)
    assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED
    future = txaio.as_future(coroutine)
    txaio_framework.flush()
    assert txaio.is_called(future)
    assert txaio.is_called(coroutine)


@pytest.mark.parametrize("use", ["is_called", "add_callbacks", "as_future", "gather", "timeout"])
def test_what_is_future_accepts_the_functions_that_wait_for_a_future_accept(txaio_framework, use):
    coroutine = answer()
    assert txaio.is_future(coroutine)
    calls = {
        "is_called": lambda: txaio.is_called(coroutine),
        "add_callbacks": lambda: txaio.add_callbacks(coroutine, lambda value: value, None),
        "as_future": lambda: txaio.as_future(coroutine),
        "gather": lambda: txaio.gather([coroutine]),
        "timeout": lambda: txaio.timeout(coroutine, 1),
    }
    outcome = calls[use]()
    if use == "is_called":
        assert outcome is False
        coroutine.close()
    else:
        assert txaio_framework.result(outcome) in (42, [42])


@pytest.mark.parametrize("again", ["as_future", "add_callbacks"])
def test_a_coroutine_that_ran_cannot_be_given_again(txaio_framework, again):
    coroutine = answer()
    txaio_framework.result(txaio.as_future(coroutine))
    give_again, argument = {
        "as_future": (lambda: txaio.as_future(coroutine), "fn"),
        "add_callbacks": (lambda: txaio.add_callbacks(coroutine, print, None), "future"),
    }[again]
    with pytest.raises(RuntimeError, match=f"^{argument} is a coroutine that has already"):
        give_again()
