"""Which loop txaio uses (docs/guide/loops.rst, "Which loop txaio uses")."""

from __future__ import annotations

import asyncio
import threading

import pytest

import txaio
from txaio.testutil import VirtualClockLoop, replace_loop

pytestmark = pytest.mark.txaio_frameworks("asyncio")


def test_configured_loop_is_used(txaio_framework):
    assert txaio.create_future().get_loop() is txaio_framework.clock


def test_running_loop_is_used_when_none_is_configured(txaio_framework):
    loop = asyncio.new_event_loop()

    async def make():
        return txaio.create_future().get_loop()

    try:
        with replace_loop(None):
            assert loop.run_until_complete(make()) is loop
    finally:
        loop.close()


def test_without_configured_or_running_loop_one_thread_loop_is_made_once(txaio_framework):
    seen = []

    def in_thread():
        with replace_loop(None):
            first = txaio.create_future().get_loop()
            second = txaio.create_future().get_loop()
            seen.extend([first, second, asyncio.get_event_loop()])
            first.close()

    worker = threading.Thread(target=in_thread)
    worker.start()
    worker.join()
    assert seen[0] is seen[1] is seen[2]


@pytest.fixture
def other_loop():
    loop = VirtualClockLoop()
    yield loop
    loop.close()


@pytest.mark.parametrize(
    "make",
    [
        lambda api: api.create_future(),
        lambda api: api.create_future_success(1),
        lambda api: api.create_future_error(RuntimeError("x")),
        lambda api: api.as_future(lambda: 1),
        lambda api: api.as_future(lambda: 1 / 0),
        lambda api: api.gather([]),
        lambda api: api.sleep(1),
    ],
    ids=["create_future", "success", "error", "as_future", "as_future_error", "gather", "sleep"],
)
def test_with_config_api_makes_futures_on_its_own_loop(txaio_framework, other_loop, make):
    future = make(txaio.with_config(loop=other_loop))
    assert future.get_loop() is other_loop
    future.add_done_callback(lambda f: f.cancelled() or f.exception())


def test_with_config_api_schedules_timers_on_its_own_loop(txaio_framework, other_loop):
    calls = []
    txaio.with_config(loop=other_loop).call_later(1, calls.append, "own")
    txaio_framework.advance(5)
    assert calls == []
    other_loop.advance(1)
    assert calls == ["own"]


def test_with_config_rejects_a_non_loop(txaio_framework):
    with pytest.raises(TypeError, match="loop must be an asyncio event loop"):
        txaio.with_config(loop="not a loop")


@pytest.mark.txaio_frameworks("twisted")
def test_twisted_with_config_other_reactor_raises_runtime_error(txaio_framework):
    from twisted.internet.task import Clock

    with pytest.raises(RuntimeError, match="one reactor"):
        txaio.with_config(loop=Clock())


@pytest.mark.txaio_frameworks("twisted")
def test_twisted_with_config_same_reactor_schedules_on_it(txaio_framework):
    calls = []
    txaio.with_config(loop=txaio_framework.clock).call_later(1, calls.append, "tick")
    txaio_framework.advance(1)
    assert calls == ["tick"]


@pytest.mark.txaio_frameworks("asyncio", "twisted")
@pytest.mark.parametrize(
    "name",
    ["make_logger", "start_logging", "set_global_log_level", "get_global_log_level",
     "add_log_categories", "failure_message", "time_ns", "gather"],
)  # fmt: skip
def test_with_config_api_offers_every_txaio_function(txaio_framework, name):
    assert getattr(txaio.with_config(), name).__name__ == getattr(txaio, name).__name__


def test_with_config_make_logger_names_the_logger_after_its_caller(txaio_framework):
    log = txaio.with_config().make_logger()
    assert "test_loops" in repr(log)


@pytest.mark.txaio_frameworks("asyncio", "twisted")
def test_with_config_without_loop_follows_txaio_config(txaio_framework):
    calls = []
    txaio.with_config().call_later(1, calls.append, "followed")
    txaio_framework.advance(1)
    assert calls == ["followed"]
