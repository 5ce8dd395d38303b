"""LoopMixin: the txaio API as methods, bound to the loop an object was given.

What it promises: docs/guide/loops.rst, "LoopMixin".
"""

from __future__ import annotations

import inspect

import pytest

import txaio
import txaio.aio
import txaio.tx
from txaio._api import PUBLIC_FUNCTIONS
from txaio.testutil import replace_loop, use_framework


class Pinger(txaio.LoopMixin):
    """A library class offering "pass your own loop", as docs/guide/loops.rst describes."""

    def __init__(self, loop=None):
        self.use_loop(loop)
        self.pings = []

    def start(self, interval):
        return self.call_later(interval, self.pings.append, "ping")


@pytest.fixture
def other_clock(txaio_framework):
    """A second virtual clock of the framework under test (not txaio's configured one)."""
    if txaio_framework.name == "twisted":
        yield txaio.testutil.ReactorClock()
    else:
        loop = txaio.testutil.VirtualClockLoop()
        yield loop
        loop.close()


def test_loop_mixin_is_importable_from_txaio_and_both_backends():
    assert txaio.LoopMixin is txaio.aio.LoopMixin is txaio.tx.LoopMixin


#: Every function an API object (txaio.with_config()) offers.
API_FUNCTIONS = sorted(
    name
    for name in dir(txaio.API)
    if not name.startswith("_") and callable(getattr(txaio.API, name))
)


def test_the_api_functions_include_every_txaio_function():
    assert set(PUBLIC_FUNCTIONS) <= set(API_FUNCTIONS)


@pytest.mark.parametrize("name", API_FUNCTIONS)
def test_every_function_of_an_api_object_is_a_method_with_the_same_signature(txaio_framework, name):
    method = getattr(Pinger(), name)
    assert inspect.signature(method) == inspect.signature(getattr(txaio_framework.api, name))


def test_object_without_a_loop_uses_the_global_config(txaio_framework):
    pinger = Pinger()
    pinger.start(2)
    txaio_framework.advance(2)
    assert pinger.pings == ["ping"]


def test_object_given_a_loop_keeps_it_when_the_global_config_changes(txaio_framework, other_clock):
    pinger = Pinger(loop=txaio_framework.clock)
    with replace_loop(other_clock):
        pinger.start(1)
    other_clock.advance(1)
    assert pinger.pings == []
    txaio_framework.advance(1)
    assert pinger.pings == ["ping"]


def test_object_given_no_loop_follows_the_global_config_when_it_changes(
    txaio_framework, other_clock
):
    pinger = Pinger()
    with replace_loop(other_clock):
        pinger.start(1)
    txaio_framework.advance(1)
    assert pinger.pings == []
    other_clock.advance(1)
    assert pinger.pings == ["ping"]


def test_txaio_api_is_the_api_of_the_given_loop(txaio_framework):
    pinger = Pinger(loop=txaio_framework.clock)
    assert pinger.txaio_api.framework == txaio_framework.name
    assert pinger.txaio_api.config.loop is txaio_framework.clock


def test_txaio_api_without_a_loop_is_the_selected_frameworks(txaio_framework):
    assert Pinger().txaio_api is txaio_framework.api


def test_use_loop_none_goes_back_to_the_global_config(txaio_framework, other_clock):
    pinger = Pinger(loop=txaio_framework.clock)
    pinger.start(1)  # the method is now cached on the instance
    pinger.use_loop(None)
    txaio_framework.advance(1)
    with replace_loop(other_clock):
        pinger.start(1)
    other_clock.advance(1)
    assert pinger.pings == ["ping", "ping"]


def test_methods_of_the_object_work_together(txaio_framework):
    pinger = Pinger(loop=txaio_framework.clock)
    first = pinger.create_future()
    gathered = pinger.gather([first, pinger.create_future_success(2)])
    pinger.resolve(first, 1)
    assert txaio_framework.result(gathered) == [1, 2]


def test_failure_helpers_are_methods(txaio_framework):
    pinger = Pinger(loop=txaio_framework.clock)
    fail = pinger.create_failure(ValueError("bad"))
    assert pinger.failure_message(fail) == "ValueError: bad"


def test_use_loop_with_something_that_is_not_a_loop_raises_type_error(txaio_framework):
    with pytest.raises(TypeError, match="loop must be"):
        Pinger(loop="not a loop")


@pytest.mark.txaio_frameworks("twisted")
def test_use_loop_with_a_second_reactor_raises_runtime_error_on_twisted(
    txaio_framework, other_clock
):
    with pytest.raises(RuntimeError, match="one reactor"):
        Pinger(loop=other_clock)


@pytest.mark.txaio_frameworks("asyncio")
def test_objects_given_different_loops_each_schedule_on_their_own(txaio_framework, other_clock):
    on_configured, on_other = Pinger(loop=txaio_framework.clock), Pinger(loop=other_clock)
    on_configured.start(1)
    on_other.start(1)
    other_clock.advance(1)
    assert (on_configured.pings, on_other.pings) == ([], ["ping"])
    assert on_other.create_future().get_loop() is other_clock


def test_use_loop_before_a_framework_is_selected_raises_a_clear_error():
    with use_framework(None), pytest.raises(RuntimeError, match="no framework yet"):
        Pinger(loop=object())


def test_method_of_object_without_a_loop_before_selection_raises_a_clear_error():
    pinger = Pinger()
    with use_framework(None), pytest.raises(RuntimeError, match="no framework yet"):
        pinger.create_future()


def test_framework_neutral_methods_work_before_selection():
    pinger = Pinger()
    with use_framework(None):
        assert isinstance(pinger.time_ns(), int)
        assert pinger.make_logger().namespace == txaio.make_logger().namespace
        assert pinger.get_global_log_level() == txaio.get_global_log_level()


def test_object_without_a_loop_follows_the_selected_framework():
    from twisted.internet.defer import Deferred

    pinger = Pinger()
    with use_framework("asyncio"):
        on_asyncio = pinger.is_future(Deferred())
    with use_framework("twisted"):
        on_twisted = pinger.is_future(Deferred())
    assert (on_asyncio, on_twisted) == (False, True)


def test_subclass_method_of_the_same_name_wins(txaio_framework):
    class Job(txaio.LoopMixin):
        def cancel(self):
            return "job cancelled"

    job = Job()
    future = job.create_future()
    cancelled = []
    job.add_callbacks(future, None, cancelled.append)
    assert job.cancel() == "job cancelled"
    job.txaio_api.cancel(future)
    txaio_framework.flush()
    assert len(cancelled) == 1
