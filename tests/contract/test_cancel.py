"""Cancellation (docs/contract.rst, "Cancelling")."""

from __future__ import annotations

import gc

import pytest

import txaio


def test_cancel_calls_the_canceller_with_the_future(txaio_framework):
    cancelled = []
    future = txaio.create_future(canceller=cancelled.append)
    txaio.add_callbacks(future, None, lambda fail: None)
    txaio.cancel(future)
    txaio_framework.flush()
    assert cancelled == [future]


def test_cancelled_future_errbacks_get_cancelled_error(txaio_framework):
    future = txaio.create_future()
    seen = []
    txaio.add_callbacks(future, None, seen.append)
    txaio.cancel(future)
    txaio_framework.flush()
    assert txaio.failure_message(seen[0]).startswith("CancelledError")


def test_cancelled_future_is_called(txaio_framework):
    future = txaio.create_future()
    txaio.add_callbacks(future, None, lambda fail: None)
    txaio.cancel(future)
    assert txaio.is_called(future)


def test_cancel_after_resolve_changes_nothing(txaio_framework):
    future = txaio.create_future()
    txaio.resolve(future, "kept")
    txaio.cancel(future)
    assert txaio_framework.result(future) == "kept"


# -- a cancellation nobody watches (docs/contract.rst, "Cancelling") ------------------------


def test_a_cancelled_future_nobody_watches_is_not_reported(txaio_framework):
    future = txaio.create_future()
    txaio.cancel(future)
    del future
    assert txaio_framework.reported_errors() == []


def test_a_cancelled_coroutine_nobody_watches_is_not_reported(txaio_framework):
    async def waits_forever():
        await txaio.create_future()

    task = txaio.as_future(waits_forever)
    txaio_framework.flush()
    txaio.cancel(task)
    txaio_framework.flush()
    del task
    assert txaio_framework.reported_errors() == []


def test_a_rejected_future_nobody_watches_is_still_reported(txaio_framework):
    error = RuntimeError("nobody handled me")
    future = txaio.create_future()
    txaio.reject(future, error)
    del future
    assert txaio_framework.reported_errors() == [error]


def test_an_errback_added_after_cancel_still_gets_the_cancelled_error(txaio_framework):
    future = txaio.create_future()
    txaio.cancel(future)
    seen = []
    txaio.add_callbacks(future, seen.append, lambda fail: seen.append(fail.value))
    txaio_framework.flush()
    assert type(seen[0]).__name__ == "CancelledError"


def test_a_failure_that_is_a_cancellation_is_not_an_error_under_the_plugin(txaio_framework):
    # gather(consume_exceptions=False) fails with its cancelled input's CancelledError: asyncio
    # and Twisted both log it when nobody handles it; the plugin counts no cancellation.
    cancelled = txaio.create_future()
    gathered = txaio.gather([cancelled], consume_exceptions=False)
    txaio.cancel(cancelled)
    txaio_framework.flush()
    del cancelled, gathered
    assert txaio_framework.reported_errors() == []


def _twisted_logs_as_unhandled(cancel):
    """The failures Twisted itself logs once a Deferred cancelled by ``cancel`` is collected."""
    from twisted.logger import globalLogPublisher

    logged = []

    def observer(event):
        if event.get("log_failure") is not None:
            logged.append(type(event["log_failure"].value).__name__)

    globalLogPublisher.addObserver(observer)
    try:
        future = txaio.create_future()
        cancel(future)
        del future
        gc.collect()
    finally:
        globalLogPublisher.removeObserver(observer)
    return logged


@pytest.mark.txaio_frameworks("twisted")
def test_txaio_cancel_leaves_twisted_nothing_to_log_as_unhandled(txaio_framework):
    assert _twisted_logs_as_unhandled(txaio.cancel) == []


@pytest.mark.txaio_frameworks("twisted")
def test_a_deferred_cancelled_natively_is_logged_by_twisted_but_is_no_error_under_the_plugin(
    txaio_framework,
):
    # What remains (docs/contract.rst): txaio cannot reach a Deferred.cancel() it did not make.
    assert _twisted_logs_as_unhandled(lambda deferred: deferred.cancel()) == ["CancelledError"]
    assert txaio_framework.reported_errors() == []
