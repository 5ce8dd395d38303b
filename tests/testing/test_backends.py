"""The test backends: each really runs on the loop it is named after, and its record
says how a test runs there (clock, error capture, what must be installed)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

import txaio
from txaio._testing.backends import (
    REFERENCE_TEST_BACKEND,
    TEST_BACKENDS,
    Backend,
    default_test_backends,
)
from txaio.pytest_plugin import available_frameworks
from txaio.testutil import replace_loop, use_framework

INSTALLED = [
    pytest.param(
        backend,
        id=name,
        marks=() if backend.is_installed() else pytest.mark.skip(reason=backend.install),
    )
    for name, backend in TEST_BACKENDS.items()
]


@contextmanager
def running_on(backend: Backend) -> Iterator[object]:
    """The backend's framework selected and txaio pointed at a new clock of it."""
    with use_framework(backend.framework):
        clock = backend.make_clock()
        try:
            with replace_loop(clock):
                yield clock
        finally:
            backend.close_clock(clock)


def broken() -> None:
    raise RuntimeError("timer broke")


@pytest.mark.parametrize("backend", INSTALLED)
def test_capture_errors_passes_each_error_the_framework_reports_to_the_recorder(backend):
    recorded: list[BaseException] = []
    with running_on(backend) as clock, backend.capture_errors(clock, recorded.append):
        txaio.call_later(1, broken)
        clock.advance(1)
    assert [str(error) for error in recorded] == ["timer broke"]


@pytest.mark.parametrize("backend", INSTALLED)
def test_capture_errors_stops_recording_when_its_block_ends(backend):
    outer: list[BaseException] = []
    inner: list[BaseException] = []
    with running_on(backend) as clock, backend.capture_errors(clock, outer.append):
        with backend.capture_errors(clock, inner.append):
            pass
        txaio.call_later(1, broken)
        clock.advance(1)
    assert inner == []
    assert [str(error) for error in outer] == ["timer broke"]


def test_available_frameworks_are_asyncio_and_twisted_when_both_are_installed():
    assert available_frameworks() == ["asyncio", "twisted"]


def test_available_frameworks_leave_out_a_framework_that_is_not_installed(monkeypatch):
    uninstalled = dataclasses.replace(TEST_BACKENDS["twisted"], requires=("txaio_no_such_module",))
    monkeypatch.setitem(TEST_BACKENDS, "twisted", uninstalled)
    assert available_frameworks() == ["asyncio"]
    assert default_test_backends() == ["asyncio"]


def test_each_framework_has_exactly_one_backend_that_runs_by_default():
    frameworks = {backend.framework for backend in TEST_BACKENDS.values()}
    defaults = [backend.framework for backend in TEST_BACKENDS.values() if backend.runs_by_default]
    assert sorted(defaults) == sorted(frameworks)


def test_the_reference_backend_needs_nothing_installed():
    assert TEST_BACKENDS[REFERENCE_TEST_BACKEND].requires == ()


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


def test_stall_moves_the_clock_and_runs_nothing_on_every_backend(txaio_framework):
    fired = []
    txaio.call_later(1, fired.append, "due")
    txaio_framework.stall(2)
    assert (txaio_framework.now(), fired) == (2.0, [])
    txaio_framework.flush()
    assert fired == ["due"]


def test_stall_inside_a_callback_makes_what_is_due_meanwhile_late(txaio_framework):
    seen = []
    txaio.call_later(1, txaio_framework.stall, 1.5)
    txaio.call_later(2, lambda: seen.append(txaio_framework.now()))
    txaio_framework.advance(3)
    assert seen == [2.5]
