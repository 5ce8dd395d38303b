"""Failures and their text (docs/contract.rst, "Failures")."""

from __future__ import annotations

import types

import pytest

import txaio

from .test_logging import TRACEBACK_HEADER


def _failure_from_raise():
    try:
        raise ValueError("the message")
    except ValueError:
        return txaio.create_failure()


def test_create_failure_wraps_the_current_exception(txaio_framework):
    fail = _failure_from_raise()
    assert isinstance(fail, txaio.IFailedFuture)
    assert isinstance(fail.value, ValueError)


def test_create_failure_outside_except_raises_runtime_error(txaio_framework):
    with pytest.raises(RuntimeError, match="inside an 'except' block"):
        txaio.create_failure()


def test_create_failure_rejects_non_exceptions(txaio_framework):
    with pytest.raises(TypeError, match="exception must be an exception instance"):
        txaio.create_failure("not an exception")


def test_failure_message_is_name_colon_message(txaio_framework):
    assert txaio.failure_message(_failure_from_raise()) == "ValueError: the message"


def test_failure_message_survives_a_broken_str(txaio_framework):
    class Weird(Exception):
        def __str__(self):
            raise RuntimeError("no str")

    message = txaio.failure_message(txaio.create_failure(Weird()))
    assert message.startswith("Weird: <Weird instance: str() raised RuntimeError>")


def test_failure_traceback_is_a_traceback_object(txaio_framework):
    tb = txaio.failure_traceback(_failure_from_raise())
    assert isinstance(tb, types.TracebackType)


def test_failure_format_traceback_is_normal_python_traceback(txaio_framework):
    text = txaio.failure_format_traceback(_failure_from_raise())
    assert text.startswith(f"{TRACEBACK_HEADER}\n")
    assert 'raise ValueError("the message")' in text
    assert text.endswith("ValueError: the message\n")


def test_failure_format_traceback_after_passing_through_a_future(txaio_framework):
    future = txaio.create_future()
    seen = []
    txaio.add_callbacks(future, None, seen.append)
    txaio.reject(future, _failure_from_raise())
    txaio_framework.flush()
    text = txaio.failure_format_traceback(seen[0])
    assert "_failure_from_raise" in text
    assert text.endswith("ValueError: the message\n")


def test_an_errback_that_raises_fail_value_has_the_error_reported(txaio_framework):
    # The portable way to pass an error on from an errback (``raise fail`` only works on
    # Twisted, whose Failure is raisable): the framework reports it, as for any callback.
    def errback(fail):
        raise fail.value

    future = txaio.create_future()
    txaio.add_callbacks(future, None, errback)
    txaio.reject(future, LookupError("not handled here"))
    del future
    assert [type(error) for error in txaio_framework.reported_errors()] == [LookupError]


def test_an_errback_can_raise_a_new_error_from_fail_value(txaio_framework):
    def errback(fail):
        raise RuntimeError("lookup failed") from fail.value

    future = txaio.create_future()
    txaio.add_callbacks(future, None, errback)
    txaio.reject(future, LookupError("missing"))
    del future
    reported = txaio_framework.reported_errors()
    assert [type(error) for error in reported] == [RuntimeError]
    assert type(reported[0].__cause__) is LookupError
