"""``is_cancelled``: one answer for a cancellation on every framework."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest
from twisted.internet import defer

import txaio
from txaio.testutil import use_framework


def _failure_of(future):
    """What an errback of ``future`` receives."""
    seen = []
    txaio.add_callbacks(future, None, seen.append)
    return seen


def test_the_errback_of_a_cancelled_future_gets_a_cancellation(txaio_framework):
    future = txaio.create_future()
    seen = _failure_of(future)
    txaio.cancel(future)
    txaio_framework.flush()
    assert txaio.is_cancelled(seen[0])


def test_an_ordinary_failure_is_not_a_cancellation(txaio_framework):
    future = txaio.create_future()
    seen = _failure_of(future)
    txaio.reject(future, RuntimeError("broke"))
    txaio_framework.flush()
    assert not txaio.is_cancelled(seen[0])


def test_a_timeout_is_not_a_cancellation(txaio_framework):
    seen = _failure_of(txaio.timeout(txaio.create_future(), 1))
    txaio_framework.advance(1)
    assert txaio.failure_message(seen[0]).startswith("TimeoutError")
    assert not txaio.is_cancelled(seen[0])


@pytest.mark.parametrize(
    "error",
    [asyncio.CancelledError(), defer.CancelledError(), concurrent.futures.CancelledError()],
    ids=["asyncio", "twisted", "concurrent.futures"],
)
def test_each_frameworks_cancellation_counts_on_every_backend(txaio_framework, error):
    assert txaio.is_cancelled(error)
    assert txaio.is_cancelled(txaio.create_failure(error))


def test_a_subclass_of_a_cancellation_counts(txaio_framework):
    class Stopped(asyncio.CancelledError):
        pass

    assert txaio.is_cancelled(Stopped())


def test_a_cancelled_coroutine_is_a_cancellation(txaio_framework):
    async def waits():
        await txaio.create_future()

    future = txaio.as_future(waits)
    seen = _failure_of(future)
    txaio_framework.flush()
    txaio.cancel(future)
    txaio_framework.flush()
    assert txaio.is_cancelled(seen[0])


@pytest.mark.parametrize("fail", [None, "CancelledError", asyncio.CancelledError])
def test_what_is_neither_a_failure_nor_an_exception_is_a_type_error(txaio_framework, fail):
    with pytest.raises(TypeError, match="fail must be an IFailedFuture or an exception, got"):
        txaio.is_cancelled(fail)


def test_it_works_before_a_framework_is_selected():
    with use_framework(None):
        assert txaio.is_cancelled(asyncio.CancelledError())
        assert not txaio.is_cancelled(KeyError("x"))


def test_a_with_config_object_and_the_backend_modules_agree(txaio_framework):
    import txaio.aio
    import txaio.tx

    error = defer.CancelledError()
    assert txaio.with_config().is_cancelled(error)
    assert txaio.aio.is_cancelled(error)
    assert txaio.tx.is_cancelled(error)
