"""Futures, failures and selection as real users of the published txaio use them
(docs/compatibility.rst, "What real code uses, and the test that keeps it working").
Each test's docstring names the project and the usage."""

from __future__ import annotations

import pytest

import txaio
from contract.test_logging_interop import run_script

# -- 6. failure helpers never raise --------------------------------------------------------


def test_failure_message_of_an_exception_is_its_message(txaio_framework):
    """Crossbar.io and Autobahn|Python call ``failure_message(err)`` on error paths."""
    assert txaio.failure_message(KeyError("k")) == "KeyError: 'k'"


@pytest.mark.parametrize("function", ["failure_message", "failure_format_traceback"])
def test_failure_text_helpers_say_what_they_got(txaio_framework, function):
    """Crossbar.io: ``log.error("...: {tb}", tb=failure_format_traceback(err))`` on error paths."""
    text = getattr(txaio, function)("not a failure")
    assert text.startswith(
        f"{function}() expected an IFailedFuture or an exception, got str: 'not a failure'"
    )


def test_failure_traceback_of_a_non_failure_is_none(txaio_framework):
    """Error paths may hand the helpers whatever they caught."""
    assert txaio.failure_traceback(None) is None


def test_failure_traceback_of_an_exception_is_its_traceback(txaio_framework):
    """Autobahn|Python passes exceptions where failures are expected."""
    try:
        raise ValueError("raised")
    except ValueError as exc:
        error = exc
    assert txaio.failure_traceback(error) is error.__traceback__
    assert txaio.failure_format_traceback(error).endswith("ValueError: raised\n")


# -- 7. "not given" defaults ---------------------------------------------------------------


def test_create_future_with_result_none_is_resolved_with_none(txaio_framework):
    """The published ``create_future(result=None)`` is an already resolved future."""
    future = txaio.create_future(result=None)
    assert txaio.is_called(future)
    assert txaio_framework.result(future) is None


def test_create_future_with_a_falsy_result_is_resolved(txaio_framework):
    """Autobahn|Python: ``return txaio.create_future(result=[])`` (autobahn/util.py)."""
    assert txaio_framework.result(txaio.create_future(result=[])) == []


def test_create_future_without_result_is_pending(txaio_framework):
    """``create_future()`` stays pending until resolved."""
    assert not txaio.is_called(txaio.create_future())


@pytest.mark.parametrize("keyword", ["result", "value"])
def test_resolve_takes_its_value_by_either_keyword(txaio_framework, keyword):
    """The published signature is ``resolve(future, result=None)``; the original txaio
    documentation names it ``value``."""
    future = txaio.create_future()
    txaio.resolve(future, **{keyword: 3})
    assert txaio_framework.result(future) == 3


# -- 8. resolve or reject after cancel -----------------------------------------------------


def _cancelled_future(txaio_framework):
    future = txaio.create_future()
    seen = []
    txaio.add_callbacks(future, seen.append, lambda fail: seen.append(type(fail.value).__name__))
    txaio.cancel(future)
    txaio_framework.flush()
    return future, seen


def test_resolve_after_cancel_is_ignored(txaio_framework):
    """Autobahn|Python and Crossbar.io: a result arriving after the caller cancelled
    (native on Twisted; an InvalidStateError that brought down Autobahn connections
    on asyncio with the published txaio)."""
    future, seen = _cancelled_future(txaio_framework)
    txaio.resolve(future, 1)
    txaio_framework.flush()
    assert seen == ["CancelledError"]


def test_reject_after_cancel_is_ignored(txaio_framework):
    """The same for a late error."""
    future, seen = _cancelled_future(txaio_framework)
    txaio.reject(future, RuntimeError("late"))
    txaio_framework.flush()
    assert seen == ["CancelledError"]


def test_resolve_after_cancel_with_a_canceller_is_ignored(txaio_framework):
    """Autobahn|Python: ``create_future(canceller=canceller)`` then ``txaio.cancel``."""
    future = txaio.create_future(canceller=lambda f: None)
    txaio.add_callbacks(future, None, lambda fail: None)
    txaio.cancel(future)
    txaio.resolve(future, 1)
    assert txaio.is_called(future)


def test_resolve_after_resolve_still_raises(txaio_framework):
    """Only cancel() makes a late result harmless: a second result is a bug."""
    future = txaio.create_future()
    txaio.resolve(future, 1)
    with pytest.raises(txaio.InvalidStateError, match="already"):
        txaio.resolve(future, 2)


def test_cancel_after_resolve_then_resolve_still_raises(txaio_framework):
    """Cancelling a finished future changes nothing, so a second result still raises."""
    future = txaio.create_future()
    txaio.resolve(future, 1)
    txaio.cancel(future)
    with pytest.raises(txaio.InvalidStateError):
        txaio.resolve(future, 2)


# -- 9. gather without consuming leaves each error in its input ----------------------------


def test_gather_not_consuming_leaves_the_error_in_its_input(txaio_framework):
    """Autobahn|Python: ``txaio.gather(dl, consume_exceptions=False)``; the inputs are
    still watched by their own callbacks afterwards."""
    future = txaio.create_future()
    txaio.reject(future, KeyError("error 0"))
    gathered = txaio.gather([future], consume_exceptions=False)
    txaio.add_callbacks(gathered, None, lambda fail: None)
    seen = []
    txaio.add_callbacks(future, seen.append, lambda fail: seen.append(fail.value))
    txaio_framework.flush()
    assert [type(item) for item in seen] == [KeyError]


# -- 10. Twisted: config.loop is the reactor once txaio needs it ---------------------------


def test_twisted_config_loop_is_the_reactor_once_needed():
    """The published txaio sets ``txaio.config.loop`` to the reactor it imports."""
    out = run_script(
        """
        import sys
        import txaio
        txaio.use_twisted()
        print(txaio.config.loop is None, "twisted.internet.reactor" in sys.modules)
        txaio.call_later(1, print)
        from twisted.internet import reactor
        print(txaio.config.loop is reactor)
        """
    )
    assert out.split() == ["True", "False", "True"]


# -- 11. errors existing except clauses catch ----------------------------------------------


def test_an_unknown_log_level_says_invalid_log_level(txaio_framework):
    """Crossbar.io's CLI catches the error of a bad ``--loglevel``."""
    with pytest.raises(txaio.InvalidLogLevel, match="Invalid log level"):
        txaio.set_global_log_level("loud")


def test_invalid_log_level_is_a_runtime_and_a_value_error(txaio_framework):
    """``except RuntimeError`` (published) and ``except ValueError`` (Crossbar.io's tests)."""
    assert issubclass(txaio.InvalidLogLevel, RuntimeError)
    assert issubclass(txaio.InvalidLogLevel, ValueError)


def test_reject_with_a_non_exception_is_a_type_and_a_runtime_error(txaio_framework):
    """The published txaio raised RuntimeError; the argument is named."""
    future = txaio.create_future()
    with pytest.raises(TypeError, match="error must be an exception") as raised:
        txaio.reject(future, "it failed")
    assert isinstance(raised.value, RuntimeError)


# -- 12. private and early names -----------------------------------------------------------


def test_use_framework_with_a_backend_module_switches_for_docs_builds():
    """Autobahn|Python's, zlmdb's and cfxdb's docs/conf.py: ``txaio._use_framework(tx)``,
    then ``txaio._use_framework(aio)`` in the same process."""
    out = run_script(
        """
        import txaio
        from txaio import aio, tx
        txaio._use_framework(tx)
        print(txaio._explicit_framework, txaio.using_twisted)
        txaio._use_framework(aio)
        print(txaio._explicit_framework, txaio.using_asyncio)
        """
    )
    assert out.split() == ["twisted", "True", "asyncio", "True"]


def test_explicit_framework_is_falsy_until_selection():
    """zlmdb: ``if not txaio._explicit_framework: txaio.use_asyncio()``."""
    out = run_script(
        """
        import txaio
        if not txaio._explicit_framework:
            txaio.use_asyncio()
        print(txaio._explicit_framework)
        """
    )
    assert out.strip() == "asyncio"


def test_as_future_of_cancel(txaio_framework):
    """Autobahn|Python: ``return txaio.as_future(txaio.cancel, self._delay_f)``."""
    delay = txaio.sleep(10)
    txaio.add_callbacks(delay, None, lambda fail: None)
    done = txaio.as_future(txaio.cancel, delay)
    assert txaio_framework.result(done) is None
    assert txaio.is_called(delay)


def test_names_imported_before_selection_work_after_it():
    """Crossbar.io: ``from txaio import time_ns, sleep, make_logger`` at import time."""
    out = run_script(
        """
        from txaio import make_logger, sleep, time_ns
        log = make_logger()
        import txaio
        txaio.use_asyncio()
        import asyncio
        async def main():
            await sleep(0)
            return time_ns() > 0
        print(asyncio.run(main()), type(log._logger).__name__)
        """
    )
    assert out.split() == ["True", "StdlibLogger"]


def test_with_twisted_and_interfaces_are_importable_after_import_txaio():
    """cfxdb: ``from txaio import with_twisted``; zlmdb annotates with
    ``txaio.interfaces.ILogger``."""
    out = run_script(
        """
        import txaio
        print(txaio.interfaces.ILogger.__name__)
        from txaio import with_twisted
        print(with_twisted.__name__)
        """
    )
    assert out.split() == ["ILogger", "txaio.with_twisted"]
