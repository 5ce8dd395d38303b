"""Every function that needs the loop finds the same one (docs/guide/loops.rst).

On asyncio the loop is ``txaio.config.loop``, else the running loop, else the
thread's loop; on Twisted it is ``txaio.config.loop``, else the global reactor.
Each function below is tried in each of those situations, with a loop of its
own as the one it must find: a future must belong to it, a timer must run on it.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

import txaio
from txaio.testutil import ReactorClock, VirtualClockLoop, replace_loop


async def _one():
    return 1


def _record_running_loop(ran):
    ran.append(asyncio.get_running_loop())


def _asyncio_probes():
    """name -> probe(api, ran): use one function; return the loops of the futures it made.

    Timers append the loop they run on to ``ran``.
    """

    def error_future(api, ran):
        future = api.create_future_error(RuntimeError("probe"))
        future.exception()  # retrieved: not reported
        return [future.get_loop()]

    def gather_of_a_coroutine(api, ran):
        return [api.gather([_one()]).get_loop()]

    def timeout_of_a_coroutine(api, ran):
        return [api.timeout(_one(), 5).get_loop()]

    def batched_timer(api, ran):
        api.make_batched_timer(1).call_later(0, _record_running_loop, ran)
        return []

    def call_later(api, ran):
        api.call_later(0, _record_running_loop, ran)
        return []

    def call_periodic(api, ran):
        def tick():
            _record_running_loop(ran)
            periodic.cancel()

        periodic = api.call_periodic(1, tick)
        return []

    def run_in_thread(api, ran):
        future = api.run_in_thread(int)
        future.cancel()  # its loop closes before the thread's result could arrive
        return [future.get_loop()]

    return {
        "create_future": lambda api, ran: [api.create_future().get_loop()],
        "create_future_success": lambda api, ran: [api.create_future_success(1).get_loop()],
        "create_future_error": error_future,
        "as_future": lambda api, ran: [api.as_future(_one).get_loop()],
        "gather": gather_of_a_coroutine,
        "sleep": lambda api, ran: [api.sleep(1).get_loop()],
        "timeout": timeout_of_a_coroutine,
        "call_later": call_later,
        "call_periodic": call_periodic,
        "make_batched_timer": batched_timer,
        "run_in_thread": run_in_thread,
    }


ASYNCIO_PROBES = _asyncio_probes()


def _found_when_configured(probe, loop):
    ran = []
    with replace_loop(loop):
        made = probe(txaio, ran)
    loop.advance(2)
    return made + ran


def _found_when_running(probe, loop):
    ran = []

    async def inside():
        made = probe(txaio, ran)
        await asyncio.sleep(2)
        return made

    with replace_loop(None):
        made = loop.run_until_complete(inside())
    return made + ran


def _found_in_a_thread(probe, loop):
    found = []

    def in_thread():
        ran = []
        asyncio.set_event_loop(loop)
        try:
            with replace_loop(None):
                made = probe(txaio, ran)
            loop.advance(2)
            found.extend(made + ran)
        finally:
            asyncio.set_event_loop(None)

    worker = threading.Thread(target=in_thread)
    worker.start()
    worker.join()
    return found


@pytest.mark.txaio_frameworks("asyncio")
@pytest.mark.parametrize("name", sorted(ASYNCIO_PROBES))
@pytest.mark.parametrize(
    "situation", [_found_when_configured, _found_when_running, _found_in_a_thread],
    ids=["config.loop", "running loop", "thread loop"],
)  # fmt: skip
def test_asyncio_function_finds_the_loop_of_each_situation(txaio_framework, name, situation):
    loop = VirtualClockLoop()
    try:
        found = situation(ASYNCIO_PROBES[name], loop)
    finally:
        loop.close()
    assert found
    assert all(used is loop for used in found)


@pytest.mark.txaio_frameworks("asyncio")
def test_asyncio_probes_cover_every_function_that_uses_the_loop(txaio_framework):
    uses_a_loop = set(txaio._api.PUBLIC_FUNCTIONS) - {
        # These take a future, or need no loop, or run one of their own.
        "is_future", "is_called", "resolve", "reject", "cancel", "add_callbacks",
        "create_failure", "failure_message", "failure_traceback", "failure_format_traceback",
        "is_cancelled", "time_ns", "perf_counter_ns", "with_config", "run",
        # These look the loop up as calls from threads do (tests/contract/test_threads.py).
        "call_from_thread", "blocking_call_from_thread",
    }  # fmt: skip
    assert uses_a_loop == set(ASYNCIO_PROBES)


# -- Twisted: config.loop, else the global reactor ------------------------------------------


def _twisted_probes():
    """name -> probe(api, ran): schedule through one function; ``ran`` records it ran."""

    def sleep(api, ran):
        api.add_callbacks(api.sleep(1), ran.append, None)

    def timeout(api, ran):
        api.add_callbacks(api.timeout(api.create_future(), 1), None, ran.append)

    def call_periodic(api, ran):
        def tick():
            ran.append("ran")
            periodic.cancel()

        periodic = api.call_periodic(1, tick)

    return {
        "call_later": lambda api, ran: api.call_later(0, ran.append, "ran"),
        "sleep": sleep,
        "timeout": timeout,
        "call_periodic": call_periodic,
        "make_batched_timer": lambda api, ran: api.make_batched_timer(1).call_later(
            0, ran.append, "ran"
        ),
    }


TWISTED_PROBES = _twisted_probes()


@pytest.mark.txaio_frameworks("twisted")
@pytest.mark.parametrize("name", sorted(TWISTED_PROBES))
def test_twisted_function_uses_the_configured_reactor(txaio_framework, name):
    ran = []
    TWISTED_PROBES[name](txaio, ran)
    txaio_framework.advance(2)
    assert len(ran) == 1


@pytest.mark.txaio_frameworks("twisted")
@pytest.mark.parametrize("name", sorted(TWISTED_PROBES))
def test_twisted_function_uses_the_global_reactor_when_none_is_configured(
    txaio_framework, monkeypatch, name
):
    global_reactor = ReactorClock()
    # The global reactor is installed once per process: a stand-in keeps it out of this one.
    monkeypatch.setattr(txaio.tx, "_global_reactor", global_reactor)
    ran = []
    with replace_loop(None):
        TWISTED_PROBES[name](txaio, ran)
        assert txaio.config.loop is global_reactor  # and txaio says which reactor it uses
    txaio_framework.advance(2)
    assert ran == []
    global_reactor.advance(2)
    assert len(ran) == 1
