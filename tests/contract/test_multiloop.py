"""Several asyncio loops at once, each with its own API object.

What it promises: docs/guide/loops.rst, "One API object per loop".

``txaio.with_config(loop=...)`` gives an API bound to one loop. Here two loops
run at the same time in two real threads, each driven through its own API
object; neither sees the other's work nor the loop txaio is configured with.
(The Twisted side of ``with_config``, one reactor only, is in test_loops.py.)
"""

from __future__ import annotations

import asyncio
import threading

import pytest

import txaio
from txaio.testutil import replace_loop

pytestmark = pytest.mark.txaio_frameworks("asyncio")

#: Long enough never to trip on a loaded machine; it only turns a deadlock into a failure.
BARRIER_TIMEOUT = 60


def work_on_own_loop(name, make_loop, barrier):
    """In the calling thread: drive a new loop through its own API; return what happened."""
    loop = make_loop()
    api = txaio.with_config(loop=loop)
    seen = []

    def note(event):
        seen.append((event, threading.get_ident(), asyncio.get_running_loop()))

    def meet():
        barrier.wait(BARRIER_TIMEOUT)  # both loops are inside a callback at this moment
        note("met")

    async def sleeper():
        await api.sleep(2)
        note("slept")
        return f"{name} slept"

    resolved_later = api.create_future()
    api.add_callbacks(resolved_later, note, None)
    api.call_later(0, meet)
    api.call_later(1, api.resolve, resolved_later, f"{name} resolved")
    api.make_batched_timer(0.5).call_later(1.2, note, "batched")
    gathered = api.gather([resolved_later, api.as_future(sleeper)])
    futures = [resolved_later, gathered]
    try:
        loop.advance(3)
        return {
            "events": [event for event, _, _ in seen],
            "threads": {thread for _, thread, _ in seen},
            "running loops": {running for _, _, running in seen},
            "future loops": {future.get_loop() for future in futures},
            "gathered": gathered.result(),
            "loop": loop,
        }
    finally:
        loop.close()


def run_in_two_threads(make_loop):
    barrier = threading.Barrier(2)
    results, errors, idents = {}, {}, {}

    def thread_main(name):
        idents[name] = threading.get_ident()
        try:
            results[name] = work_on_own_loop(name, make_loop, barrier)
        except BaseException as exc:
            errors[name] = exc

    threads = [threading.Thread(target=thread_main, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == {}
    return results, idents


@pytest.fixture
def two_threads(txaio_framework):
    """Run the same work in two threads, each on a new loop of the backend under test."""
    return run_in_two_threads(type(txaio_framework.clock))


def test_each_thread_gets_its_own_results(two_threads):
    results, _ = two_threads
    assert results["a"]["gathered"] == ["a resolved", "a slept"]
    assert results["b"]["gathered"] == ["b resolved", "b slept"]


def test_each_thread_runs_all_its_work_once(two_threads):
    results, _ = two_threads
    for name in ("a", "b"):
        assert results[name]["events"] == ["met", f"{name} resolved", "batched", "slept"]


def test_every_callback_runs_in_its_own_thread(two_threads):
    results, idents = two_threads
    for name in ("a", "b"):
        assert results[name]["threads"] == {idents[name]}


def test_every_callback_runs_on_its_own_loop(two_threads):
    results, _ = two_threads
    for name in ("a", "b"):
        assert results[name]["running loops"] == {results[name]["loop"]}


def test_every_future_belongs_to_its_own_loop(two_threads):
    results, _ = two_threads
    for name in ("a", "b"):
        assert results[name]["future loops"] == {results[name]["loop"]}


def test_with_config_api_keeps_its_loop_when_the_global_config_changes(txaio_framework):
    other = type(txaio_framework.clock)()
    try:
        api = txaio.with_config(loop=txaio_framework.clock)
        with replace_loop(other):
            future = api.create_future()
            api.call_later(1, api.resolve, future, "own loop")
        other.advance(1)
        assert not future.done()
        txaio_framework.advance(1)
        assert future.result() == "own loop"
    finally:
        other.close()


def test_batched_timer_of_a_with_config_api_fires_on_that_loop(txaio_framework):
    other = type(txaio_framework.clock)()
    try:
        calls = []
        timer = txaio.with_config(loop=other).make_batched_timer(0.5)
        timer.call_later(1, calls.append, "other loop")
        txaio_framework.advance(2)
        assert calls == []
        other.advance(2)
        assert calls == ["other loop"]
    finally:
        other.close()
