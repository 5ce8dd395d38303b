"""The test backends: each really runs on the loop it is named after."""

from __future__ import annotations

import pytest

import txaio


@pytest.mark.txaio_frameworks("asyncio-uvloop")
def test_uvloop_backend_binds_futures_to_a_uvloop_loop(txaio_framework):
    import uvloop

    future = txaio.create_future()
    assert isinstance(future.get_loop(), uvloop.Loop)


@pytest.mark.txaio_frameworks("asyncio-uvloop")
def test_uvloop_backend_runs_callbacks_and_tasks_through_uvloop(txaio_framework):
    import asyncio

    seen = []

    async def sleeper():
        await asyncio.sleep(3)
        seen.append(asyncio.get_running_loop())

    task = txaio.as_future(sleeper)
    txaio_framework.advance(2.9)
    assert seen == []
    txaio_framework.advance(0.1)
    assert seen == [txaio_framework.clock]
    assert txaio.is_called(task)


@pytest.mark.txaio_frameworks("twisted-asyncioreactor")
def test_asyncioreactor_backend_schedules_on_twisteds_asyncio_reactor(txaio_framework):
    from twisted.internet.asyncioreactor import AsyncioSelectorReactor

    fired = []
    call = txaio.call_later(1, fired.append, True)
    assert isinstance(txaio.config.loop, AsyncioSelectorReactor)
    assert call in txaio.config.loop.getDelayedCalls()
    txaio_framework.advance(1)
    assert fired == [True]


@pytest.mark.txaio_frameworks("twisted-asyncioreactor")
def test_asyncioreactor_backend_shares_its_loop_with_asyncio_code(txaio_framework):
    import asyncio

    loop = txaio_framework.clock.loop  # the asyncio loop the reactor runs on
    order = []
    loop.call_later(1, order.append, "asyncio")
    txaio.call_later(2, order.append, "txaio")
    txaio_framework.advance(2)
    assert order == ["asyncio", "txaio"]
    assert isinstance(loop, asyncio.AbstractEventLoop)
