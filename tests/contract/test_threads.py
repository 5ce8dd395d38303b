"""Threads: ``run_in_thread``, ``call_from_thread``, ``blocking_call_from_thread``, on each backend.

Each test runs on every backend with its virtual clock. Thread work runs in
real threads; the test waits for it with ``txaio_framework.wait_for_threads()``
(which blocks on its real completion, never sleeps) and threads of the test's
own are joined. A worker that must wait for the test waits on a
``threading.Event``.
"""

from __future__ import annotations

import contextvars
import threading
import traceback
from collections.abc import Callable
from typing import Any

import pytest

import txaio
from txaio import _threads
from txaio.testutil import replace_loop

request_id = contextvars.ContextVar("request_id", default="unset")


def in_a_thread(function: Callable[[], Any]) -> Any:
    """Run ``function`` in a new thread of the test's own, joined; its value or its error."""
    outcome: list[tuple[bool, Any]] = []

    def target() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as exc:
            outcome.append((False, exc))

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    succeeded, value = outcome[0]
    if succeeded:
        return value
    raise value


def error_of(future: Any, framework: Any) -> Any:
    """The failure a done future failed with."""
    failures: list[Any] = []
    txaio.add_callbacks(future, None, failures.append)
    framework.flush()
    assert len(failures) == 1
    return failures[0]


def raise_key_error_in_thread() -> None:
    raise KeyError("from the worker")


# -- run_in_thread ---------------------------------------------------------------


def test_run_in_thread_gives_a_future_of_the_function_result(txaio_framework):
    future = txaio.run_in_thread(lambda a, b, *, c: a + b + c, 1, 2, c=3)
    assert txaio.is_future(future)
    txaio_framework.wait_for_threads()
    assert txaio_framework.result(future) == 6


def test_run_in_thread_runs_the_function_in_another_thread(txaio_framework):
    future = txaio.run_in_thread(threading.get_ident)
    txaio_framework.wait_for_threads()
    assert txaio_framework.result(future) != threading.get_ident()


def test_run_in_thread_fails_the_future_with_the_error_and_its_thread_traceback(txaio_framework):
    future = txaio.run_in_thread(raise_key_error_in_thread)
    txaio_framework.wait_for_threads()
    failure = error_of(future, txaio_framework)
    assert isinstance(failure.value, KeyError)
    text = txaio.failure_format_traceback(failure)
    assert "raise_key_error_in_thread" in text
    assert 'raise KeyError("from the worker")' in text


def test_run_in_thread_function_sees_the_callers_context_variables(txaio_framework):
    token = request_id.set("request 7")
    try:
        future = txaio.run_in_thread(request_id.get)
    finally:
        request_id.reset(token)
    txaio_framework.wait_for_threads()
    assert txaio_framework.result(future) == "request 7"


def test_run_in_thread_context_changes_stay_in_the_thread(txaio_framework):
    future = txaio.run_in_thread(request_id.set, "changed in the thread")
    txaio_framework.wait_for_threads()
    txaio_framework.result(future)
    assert request_id.get() == "unset"


def test_cancelling_run_in_thread_drops_the_late_result_with_no_error(txaio_framework):
    release = threading.Event()
    future = txaio.run_in_thread(lambda: release.wait() and "late result")
    failures: list[Any] = []
    txaio.add_callbacks(future, failures.append, failures.append)
    txaio.cancel(future)
    txaio_framework.flush()
    release.set()
    txaio_framework.wait_for_threads()
    assert len(failures) == 1
    assert "CancelledError" in type(failures[0].value).__name__
    assert txaio_framework.reported_errors() == []


def test_cancelling_run_in_thread_drops_a_late_error_with_no_error(txaio_framework):
    release = threading.Event()

    def fail_later() -> None:
        release.wait()
        raise KeyError("late")

    future = txaio.run_in_thread(fail_later)
    txaio.add_callbacks(future, None, lambda failure: None)
    txaio.cancel(future)
    release.set()
    txaio_framework.wait_for_threads()
    assert txaio_framework.reported_errors() == []


def test_results_of_run_in_thread_arrive_in_the_order_given_under_the_test_tools(txaio_framework):
    arrived: list[int] = []
    for number in range(20):
        txaio.add_callbacks(txaio.run_in_thread(lambda n=number: n), arrived.append, None)
    txaio_framework.wait_for_threads()
    assert arrived == list(range(20))


def test_wait_for_threads_waits_for_work_submitted_by_thread_results(txaio_framework):
    results: list[str] = []

    def then_more(value: str) -> None:
        results.append(value)
        txaio.add_callbacks(txaio.run_in_thread(lambda: "second"), results.append, None)

    txaio.add_callbacks(txaio.run_in_thread(lambda: "first"), then_more, None)
    txaio_framework.wait_for_threads()
    assert results == ["first", "second"]


# -- call_from_thread ------------------------------------------------------------


def test_call_from_thread_runs_the_function_on_the_loop_thread(txaio_framework):
    seen: list[Any] = []
    in_a_thread(lambda: txaio.call_from_thread(lambda *a, **k: seen.append((a, k)), 1, x=2))
    assert seen == []  # not in the calling thread
    txaio_framework.flush()
    assert seen == [((1,), {"x": 2})]


def test_call_from_thread_calls_run_in_the_order_made_in_each_thread(txaio_framework):
    seen: list[tuple[int, int]] = []

    def calls(thread: int) -> None:
        for number in range(200):
            txaio.call_from_thread(seen.append, (thread, number))

    threads = [threading.Thread(target=calls, args=(thread,)) for thread in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    txaio_framework.flush()
    assert len(seen) == 800
    for thread in range(4):
        assert [number for t, number in seen if t == thread] == list(range(200))


def test_call_from_thread_error_is_reported_like_a_callbacks(txaio_framework):
    def fail() -> None:
        raise KeyError("in a call from a thread")

    in_a_thread(lambda: txaio.call_from_thread(fail))
    txaio_framework.flush()
    reported = txaio_framework.reported_errors()
    assert [type(error) for error in reported] == [KeyError]


def test_call_from_thread_on_the_loop_thread_runs_it_soon(txaio_framework):
    seen: list[str] = []
    txaio.call_from_thread(seen.append, "soon")
    assert seen == []
    txaio_framework.flush()
    assert seen == ["soon"]


def test_call_from_thread_runs_in_the_calling_threads_context(txaio_framework):
    seen: list[str] = []

    def call() -> None:
        request_id.set("the thread's")
        txaio.call_from_thread(lambda: seen.append(request_id.get()))

    in_a_thread(call)
    txaio_framework.flush()
    assert seen == ["the thread's"]


# -- blocking_call_from_thread ------------------------------------------------------


def test_blocking_call_from_thread_returns_the_function_result(txaio_framework):
    future = txaio.run_in_thread(
        lambda: txaio.blocking_call_from_thread(lambda a, *, b: a * b, 6, b=7)
    )
    txaio_framework.wait_for_threads()
    assert txaio_framework.result(future) == 42


def test_blocking_call_from_thread_runs_the_function_on_the_loop_thread(txaio_framework):
    future = txaio.run_in_thread(lambda: txaio.blocking_call_from_thread(threading.get_ident))
    txaio_framework.wait_for_threads()
    assert txaio_framework.result(future) == threading.get_ident()


def test_blocking_call_from_thread_waits_for_a_returned_future(txaio_framework):
    def later_value() -> Any:
        future = txaio.create_future()
        txaio.call_later(0, txaio.resolve, future, "from the future")
        return future

    future = txaio.run_in_thread(lambda: txaio.blocking_call_from_thread(later_value))
    txaio_framework.wait_for_threads()
    assert txaio_framework.result(future) == "from the future"


def test_blocking_call_from_thread_waits_for_a_coroutine(txaio_framework):
    async def fetch(key: str) -> str:
        await txaio.sleep(0)
        return f"fetched {key}"

    future = txaio.run_in_thread(lambda: txaio.blocking_call_from_thread(fetch, "k"))
    txaio_framework.wait_for_threads()
    assert txaio_framework.result(future) == "fetched k"


def test_blocking_call_from_thread_raises_the_error_with_its_traceback_in_the_thread(
    txaio_framework,
):
    def fail_on_the_loop() -> None:
        raise KeyError("on the loop")

    def call() -> str:
        try:
            txaio.blocking_call_from_thread(fail_on_the_loop)
        except KeyError as exc:
            return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return "no error"

    future = txaio.run_in_thread(call)
    txaio_framework.wait_for_threads()
    text = txaio_framework.result(future)
    assert "fail_on_the_loop" in text
    assert 'raise KeyError("on the loop")' in text


def test_blocking_call_from_thread_raises_the_error_of_a_returned_future(txaio_framework):
    async def fail_later() -> None:
        await txaio.sleep(0)
        raise ValueError("awaited error")

    def call() -> str:
        try:
            txaio.blocking_call_from_thread(fail_later)
        except ValueError as exc:
            return str(exc)
        return "no error"

    future = txaio.run_in_thread(call)
    txaio_framework.wait_for_threads()
    assert txaio_framework.result(future) == "awaited error"


def test_blocking_call_from_thread_on_the_loop_thread_raises_at_once(txaio_framework):
    called: list[int] = []
    with pytest.raises(RuntimeError, match="on the event loop's own thread"):
        txaio.blocking_call_from_thread(called.append, 1)
    txaio_framework.flush()
    assert called == []


def test_blocking_call_from_thread_inside_a_loop_callback_raises_at_once(txaio_framework):
    errors: list[BaseException] = []

    def on_the_loop() -> None:
        try:
            txaio.blocking_call_from_thread(print)
        except RuntimeError as exc:
            errors.append(exc)

    txaio.call_later(0, on_the_loop)
    txaio_framework.flush()
    assert len(errors) == 1
    assert "own thread" in str(errors[0])


def test_blocking_call_from_a_thread_of_the_users_own_reaches_the_configured_loop(
    txaio_framework,
):
    def start_a_users_thread() -> Any:
        # A thread the user starts (here from a worker, so that the test can wait for it):
        # not started by run_in_thread, so it goes to txaio.config.loop.
        return in_a_thread(lambda: txaio.blocking_call_from_thread(lambda: "answer"))

    future = txaio.run_in_thread(start_a_users_thread)
    txaio_framework.wait_for_threads()
    assert txaio_framework.result(future) == "answer"


# -- which loop ------------------------------------------------------------------


def test_a_run_in_thread_thread_reaches_the_loop_that_started_it(txaio_framework):
    seen: list[str] = []

    def work() -> str:
        txaio.call_from_thread(seen.append, "call")
        return txaio.blocking_call_from_thread(lambda: "blocking")

    future = txaio.run_in_thread(work)
    elsewhere = type(txaio_framework.clock)()
    try:
        with replace_loop(elsewhere):  # txaio.config.loop changes: the thread keeps its loop
            txaio_framework.wait_for_threads()
    finally:
        elsewhere.close()
    assert seen == ["call"]
    assert txaio_framework.result(future) == "blocking"


def test_a_users_thread_reaches_the_configured_loop(txaio_framework):
    assert in_a_thread(lambda: _threads.target_loop(txaio._api.current(), "x", txaio.config)) is (
        txaio_framework.clock
    )


def test_with_config_call_from_thread_reaches_its_own_loop(txaio_framework):
    api = txaio.with_config(loop=txaio_framework.clock)
    seen: list[str] = []
    elsewhere = type(txaio_framework.clock)()
    try:
        with replace_loop(elsewhere):
            in_a_thread(lambda: api.call_from_thread(seen.append, "with_config"))
    finally:
        elsewhere.close()
    txaio_framework.flush()
    assert seen == ["with_config"]


def test_loop_mixin_has_the_thread_functions_on_its_loop(txaio_framework):
    class Worker(txaio.LoopMixin):
        def __init__(self, loop: Any) -> None:
            self.use_loop(loop)

    worker = Worker(txaio_framework.clock)
    seen: list[str] = []
    elsewhere = type(txaio_framework.clock)()
    try:
        with replace_loop(elsewhere):
            in_a_thread(lambda: worker.call_from_thread(seen.append, "mixin"))
    finally:
        elsewhere.close()
    future = worker.run_in_thread(
        lambda: worker.blocking_call_from_thread(lambda: "mixin blocking")
    )
    txaio_framework.wait_for_threads()
    assert seen == ["mixin"]
    assert txaio_framework.result(future) == "mixin blocking"


@pytest.mark.txaio_frameworks("asyncio")
def test_a_thread_with_no_way_to_know_the_loop_gets_an_error_saying_how_to_give_it(
    txaio_framework,
):
    with replace_loop(None):
        for call in (txaio.call_from_thread, txaio.blocking_call_from_thread):
            with pytest.raises(RuntimeError) as caught:
                in_a_thread(lambda call=call: call(print))
            message = str(caught.value)
            assert "cannot tell which event loop to use" in message
            assert "txaio.config.loop" in message
            assert "with_config(loop=loop)" in message


@pytest.mark.txaio_frameworks("asyncio")
def test_a_thread_with_no_loop_gets_no_new_loop_either(txaio_framework):
    import asyncio

    def call_then_look() -> Any:
        with pytest.raises(RuntimeError):
            txaio.call_from_thread(print)
        return asyncio._get_running_loop(), getattr(txaio.aio._thread, "loop", None)

    with replace_loop(None):
        assert in_a_thread(call_then_look) == (None, None)


@pytest.mark.txaio_frameworks("twisted")
def test_on_twisted_a_thread_with_no_configuration_reaches_the_reactor(txaio_framework):
    with replace_loop(None):
        target = in_a_thread(lambda: _threads.target_loop(txaio._api.current(), "x", txaio.config))
        from twisted.internet import reactor

        assert target is reactor


# -- after the loop stopped ---------------------------------------------------------


def test_call_from_thread_after_the_loop_stopped_raises_a_clear_error(txaio_framework):
    stopped = type(txaio_framework.clock)()
    stopped.close()
    with replace_loop(stopped):
        for call in (txaio.call_from_thread, txaio.blocking_call_from_thread):
            with pytest.raises(RuntimeError) as caught:
                in_a_thread(lambda call=call: call(print))
            assert str(caught.value).endswith(
                ": the event loop has stopped or closed, so nothing would run the call "
                "(an application's loop stops when txaio.run returns)"
            )
