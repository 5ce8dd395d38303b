"""Creating, resolving and rejecting futures (docs/contract.rst, "Futures", "Callbacks")."""

from __future__ import annotations

import pytest

import txaio


def test_create_future_is_pending(txaio_framework):
    future = txaio.create_future()
    assert txaio.is_future(future)
    assert not txaio.is_called(future)


def test_create_future_with_result_is_resolved(txaio_framework):
    assert txaio_framework.result(txaio.create_future(result=5)) == 5


def test_create_future_with_error_is_failed(txaio_framework):
    future = txaio.create_future(error=KeyError("k"))
    with pytest.raises(KeyError):
        txaio_framework.result(future)


def test_create_future_with_result_and_error_raises_value_error(txaio_framework):
    with pytest.raises(ValueError, match="result or error, not both"):
        txaio.create_future(result=1, error=RuntimeError("x"))


def test_create_future_success_may_hold_none(txaio_framework):
    future = txaio.create_future_success(None)
    assert txaio.is_called(future)
    assert txaio_framework.result(future) is None


def test_create_future_error_takes_the_current_exception(txaio_framework):
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        future = txaio.create_future_error()
    with pytest.raises(ZeroDivisionError, match="boom"):
        txaio_framework.result(future)


def test_resolve_delivers_value_to_callback(txaio_framework):
    future = txaio.create_future()
    seen = []
    txaio.add_callbacks(future, seen.append, None)
    txaio.resolve(future, "value")
    txaio_framework.flush()
    assert seen == ["value"]


def test_reject_delivers_failed_future_to_errback(txaio_framework):
    future = txaio.create_future()
    seen = []
    txaio.add_callbacks(future, None, seen.append)
    txaio.reject(future, ValueError("bad"))
    txaio_framework.flush()
    assert isinstance(seen[0], txaio.IFailedFuture)
    assert isinstance(seen[0].value, ValueError)


def test_reject_accepts_a_failed_future(txaio_framework):
    fail = txaio.create_failure(KeyError("again"))
    future = txaio.create_future()
    txaio.reject(future, fail)
    with pytest.raises(KeyError, match="again"):
        txaio_framework.result(future)


def test_reject_without_error_uses_the_current_exception(txaio_framework):
    future = txaio.create_future()
    try:
        raise OSError("disk")
    except OSError:
        txaio.reject(future)
    with pytest.raises(OSError, match="disk"):
        txaio_framework.result(future)


def test_reject_outside_except_without_error_raises_runtime_error(txaio_framework):
    with pytest.raises(RuntimeError, match="inside an 'except' block"):
        txaio.reject(txaio.create_future())


@pytest.mark.parametrize("bad", ["a string", 42, KeyError])
def test_reject_with_non_exception_raises_type_error(txaio_framework, bad):
    with pytest.raises(TypeError, match="error must be an exception or an IFailedFuture"):
        txaio.reject(txaio.create_future(), bad)


def test_callback_gets_the_value_and_errback_is_not_called(txaio_framework):
    future = txaio.create_future()
    calls = []
    txaio.add_callbacks(future, lambda v: calls.append(("cb", v)), lambda f: calls.append("eb"))
    txaio.resolve(future, 3)
    txaio_framework.flush()
    assert calls == [("cb", 3)]


def test_error_raised_by_callback_skips_its_errback_and_is_reported(txaio_framework):
    future = txaio.create_future()
    errbacks = []

    def callback(value):
        raise RuntimeError("callback broke")

    txaio.add_callbacks(future, callback, errbacks.append)
    txaio.resolve(future, 1)
    txaio_framework.flush()
    assert errbacks == []
    del future  # Twisted reports an unhandled failure when its Deferred is collected
    reported = txaio_framework.reported_errors()
    assert [str(e) for e in reported] == ["callback broke"]


def test_add_callbacks_with_neither_raises_value_error(txaio_framework):
    with pytest.raises(ValueError, match="callback or an errback"):
        txaio.add_callbacks(txaio.create_future(), None, None)


def test_add_callbacks_returns_the_future(txaio_framework):
    future = txaio.create_future()
    assert txaio.add_callbacks(future, print, None) is future


def test_is_called_after_resolve(txaio_framework):
    future = txaio.create_future()
    txaio.resolve(future, None)
    assert txaio.is_called(future)


def test_resolve_twice_raises_invalid_state_error(txaio_framework):
    future = txaio.create_future()
    txaio.resolve(future, 1)
    with pytest.raises(txaio.InvalidStateError, match="already"):
        txaio.resolve(future, 2)


def test_reject_after_resolve_raises_invalid_state_error(txaio_framework):
    future = txaio.create_future()
    txaio.resolve(future, 1)
    with pytest.raises(txaio.InvalidStateError, match="already"):
        txaio.reject(future, RuntimeError("late"))


def test_invalid_state_error_is_also_the_native_error(txaio_framework):
    future = txaio.create_future_success(1)
    if txaio_framework.name == "asyncio":
        import asyncio

        native = asyncio.InvalidStateError
    else:
        from twisted.internet.defer import AlreadyCalledError as native
    with pytest.raises(native):
        txaio.resolve(future, 2)


@pytest.mark.parametrize("function", ["resolve", "is_called", "cancel"])
def test_non_future_argument_raises_type_error_naming_it(txaio_framework, function):
    args = (object(), 1) if function == "resolve" else (object(),)
    with pytest.raises(TypeError, match="future must be"):
        getattr(txaio, function)(*args)


def test_resolve_without_value_resolves_with_none(txaio_framework):
    future = txaio.create_future()
    txaio.resolve(future)
    assert txaio_framework.result(future) is None


def test_error_of_future_with_only_a_callback_is_reported_not_lost(txaio_framework):
    future = txaio.create_future()
    calls = []
    txaio.add_callbacks(future, calls.append, None)
    txaio.reject(future, RuntimeError("nobody handled me"))
    txaio_framework.flush()
    del future  # both frameworks report an unhandled error when the future is collected
    assert calls == []
    assert [str(e) for e in txaio_framework.reported_errors()] == ["nobody handled me"]
