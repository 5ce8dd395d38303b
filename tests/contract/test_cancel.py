"""Cancellation (contract point 6)."""

from __future__ import annotations

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
