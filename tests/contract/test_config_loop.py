"""A configured loop that is not a loop is named in the error (docs/bad-input.rst).

``txaio.config.loop`` is never checked up front: tests set a ``Mock`` or a
``task.Clock`` there, and Autobahn relies on it. When a use fails because the
object lacks a method, the ``AttributeError`` becomes a ``TypeError`` that
names ``txaio.config.loop`` (``loop`` for an API from ``with_config``), the
object's type, the method and what a loop must be.
"""

from __future__ import annotations

import inspect
from unittest import mock

import pytest

import txaio
from txaio.testutil import replace_loop

NEEDS = {
    "asyncio": "an asyncio event loop (create_future, call_later, time, ...)",
    "twisted": "a Twisted reactor or clock (IReactorTime: callLater, seconds)",
}
#: The loop method each use calls first, per framework.
USES = {
    "call_later": (lambda api: api.call_later(1, print), "call_later", "callLater"),
    "sleep": (lambda api: api.sleep(1), "create_future", "callLater"),
    "batched timer": (
        lambda api: api.make_batched_timer(1).call_later(1, print),
        "time",
        "seconds",
    ),
}


def expected_message(framework: str, argument: str, method: str) -> str:
    return f"{argument} must be {NEEDS[framework]} or None, got str (it has no {method!r})"


@pytest.mark.parametrize("use", USES, ids=list(USES))
def test_a_string_as_config_loop_is_named_in_a_type_error(txaio_framework, use):
    action, asyncio_method, twisted_method = USES[use]
    method = asyncio_method if txaio_framework.name == "asyncio" else twisted_method
    with replace_loop("a string"), pytest.raises(TypeError) as caught:
        action(txaio)
    assert str(caught.value) == expected_message(txaio_framework.name, "txaio.config.loop", method)
    assert caught.value.__suppress_context__  # no AttributeError shown above it


@pytest.mark.parametrize("use", USES, ids=list(USES))
def test_a_with_config_api_names_its_loop(txaio_framework, use):
    action, asyncio_method, twisted_method = USES[use]
    method = asyncio_method if txaio_framework.name == "asyncio" else twisted_method
    api = txaio.with_config(loop=txaio_framework.clock)
    api.config.loop = "a string"
    with pytest.raises(TypeError) as caught:
        action(api)
    assert str(caught.value) == expected_message(txaio_framework.name, "loop", method)


def test_a_mock_is_still_accepted_as_config_loop(txaio_framework):
    loop = mock.Mock()
    with replace_loop(loop):
        handle = txaio.call_later(1, print)
    scheduled = loop.call_later if txaio_framework.name == "asyncio" else loop.callLater
    scheduled.assert_called_once_with(1, print)
    assert handle is scheduled.return_value


def test_an_attribute_error_from_inside_the_loop_is_not_hidden(txaio_framework):
    class BrokenLoop:
        def call_later(self, delay, fn):
            return self.no_such_thing

        callLater = call_later

    with replace_loop(BrokenLoop()), pytest.raises(AttributeError, match="no_such_thing"):
        txaio.call_later(1, print)


@pytest.mark.txaio_frameworks("asyncio")
def test_on_asyncio_every_loop_use_names_config_loop(txaio_framework):
    for use in (
        txaio.create_future,
        lambda: txaio.create_future_success(1),
        lambda: txaio.create_future_error(KeyError()),
        lambda: txaio.gather([]),
    ):
        with replace_loop(object()), pytest.raises(TypeError, match=r"^txaio\.config\.loop "):
            use()


@pytest.mark.txaio_frameworks("asyncio")
def test_a_coroutine_that_cannot_be_scheduled_is_closed(txaio_framework):
    async def work():
        return 1

    coros = [work(), work()]
    with replace_loop("a string"):
        with pytest.raises(TypeError, match=r"it has no 'create_task'"):
            txaio.gather(coros)
        coro = work()
        with pytest.raises(TypeError, match=r"it has no 'create_task'"):
            txaio.as_future(lambda: coro)
    assert [inspect.getcoroutinestate(c) for c in [*coros, coro]] == [inspect.CORO_CLOSED] * 3
