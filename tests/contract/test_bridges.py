"""Twisted on asyncio: ``txaio.tx.to_asyncio`` and ``from_asyncio`` under the test backends.

On ``twisted-asyncioreactor`` (Twisted's real ``AsyncioSelectorReactor`` on a
virtual-clock loop) the bridges carry values, errors and cancellations both ways,
each side seeing its own framework's ``CancelledError``. On ``twisted`` (a reactor
that is not on asyncio) they refuse. ``tests/e2e/test_bridges.py`` runs the same on a
real asyncio reactor, in a process of its own.
"""

from __future__ import annotations

import asyncio

import pytest

import txaio

twisted_defer = pytest.importorskip("twisted.internet.defer")

on_the_asyncio_reactor = pytest.mark.txaio_frameworks("twisted-asyncioreactor")


def bridges():
    from txaio.tx import from_asyncio, to_asyncio

    return to_asyncio, from_asyncio


async def asyncio_double(value):
    await asyncio.sleep(0)
    return 2 * value


@on_the_asyncio_reactor
def test_from_asyncio_gives_a_deferred_of_the_coroutine_result(txaio_framework):
    _, from_asyncio = bridges()
    deferred = from_asyncio(asyncio_double(21))
    assert isinstance(deferred, twisted_defer.Deferred)
    assert txaio_framework.result(deferred) == 42


@on_the_asyncio_reactor
def test_from_asyncio_passes_an_error_on(txaio_framework):
    _, from_asyncio = bridges()

    async def failing():
        raise LookupError("from asyncio")

    with pytest.raises(LookupError, match="from asyncio"):
        txaio_framework.result(from_asyncio(failing()))


@on_the_asyncio_reactor
def test_from_asyncio_of_an_asyncio_future_and_of_a_deferred(txaio_framework):
    _, from_asyncio = bridges()
    future = txaio_framework.clock._asyncioEventloop.create_future()
    deferred = from_asyncio(future)
    future.set_result("set in asyncio")
    assert txaio_framework.result(deferred) == "set in asyncio"
    already = txaio.create_future()
    assert from_asyncio(already) is already


@on_the_asyncio_reactor
def test_to_asyncio_gives_an_asyncio_future_asyncio_code_can_await(txaio_framework):
    to_asyncio, from_asyncio = bridges()
    deferred = txaio.create_future()

    async def asyncio_code():
        return await to_asyncio(deferred)

    result = from_asyncio(asyncio_code())
    txaio_framework.flush()
    txaio.resolve(deferred, "from twisted")
    assert txaio_framework.result(result) == "from twisted"


@on_the_asyncio_reactor
def test_to_asyncio_passes_an_error_on_with_its_traceback(txaio_framework):
    to_asyncio, _ = bridges()
    try:
        raise KeyError("from twisted")
    except KeyError:
        deferred = txaio.create_future_error()
    future = to_asyncio(deferred)
    txaio_framework.flush()
    assert isinstance(future, asyncio.Future)
    error = future.exception()
    assert type(error) is KeyError
    assert error.__traceback__ is not None


@on_the_asyncio_reactor
def test_cancelling_the_deferred_cancels_the_task_each_side_its_own_error(txaio_framework):
    _, from_asyncio = bridges()
    seen = []

    async def asyncio_task():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError as error:
            seen.append(("asyncio", type(error)))
            await asyncio.sleep(0)  # clean-up: a loop turn
            seen.append(("asyncio", "cleaned up"))
            raise

    deferred = from_asyncio(asyncio_task())
    txaio.add_callbacks(deferred, None, lambda fail: seen.append(("twisted", type(fail.value))))
    txaio_framework.flush()
    txaio.cancel(deferred)
    txaio_framework.flush()
    assert seen == [
        ("asyncio", asyncio.CancelledError),
        ("asyncio", "cleaned up"),
        ("twisted", twisted_defer.CancelledError),
    ]


@on_the_asyncio_reactor
def test_cancelling_the_asyncio_future_cancels_the_deferred(txaio_framework):
    to_asyncio, _ = bridges()
    seen = []
    deferred = txaio.create_future(canceller=lambda d: seen.append("canceller"))
    txaio.add_callbacks(deferred, None, lambda fail: seen.append(type(fail.value)))
    future = to_asyncio(deferred)
    future.cancel()
    txaio_framework.flush()
    assert seen == ["canceller", twisted_defer.CancelledError]
    assert future.cancelled()


@on_the_asyncio_reactor
def test_a_deferred_cancelled_in_twisted_cancels_its_asyncio_future(txaio_framework):
    to_asyncio, _ = bridges()
    deferred = txaio.create_future()
    future = to_asyncio(deferred)
    txaio.cancel(deferred)
    assert future.cancelled()  # asyncio code awaiting it gets asyncio's CancelledError


@on_the_asyncio_reactor
def test_an_asyncio_task_cancelled_in_asyncio_fails_the_deferred_with_twisteds_error(
    txaio_framework,
):
    _, from_asyncio = bridges()
    task = txaio_framework.clock._asyncioEventloop.create_task(asyncio.sleep(3600))
    deferred = from_asyncio(task)
    task.cancel()
    with pytest.raises(twisted_defer.CancelledError):
        txaio_framework.result(deferred)


@on_the_asyncio_reactor
def test_timeouts_of_an_asyncio_task_give_timeout_errors(txaio_framework):
    _, from_asyncio = bridges()
    native = from_asyncio(asyncio.sleep(3600)).addTimeout(5, txaio_framework.clock)
    limited = txaio.timeout(from_asyncio(asyncio.sleep(3600)), 5)
    txaio_framework.advance(5)
    with pytest.raises(twisted_defer.TimeoutError):
        txaio_framework.result(native)
    with pytest.raises(TimeoutError):
        txaio_framework.result(limited)


@pytest.mark.txaio_frameworks("twisted")
@pytest.mark.parametrize("bridge", ["to_asyncio", "from_asyncio"])
def test_a_reactor_not_on_asyncio_is_refused(txaio_framework, bridge):
    from twisted.internet.task import Clock

    from txaio.tx import TwistedAPI

    api = TwistedAPI(txaio.Config(Clock()))  # txaio configured with a clock, not on asyncio

    async def never_run():
        return None

    coroutine = never_run()
    call = {
        "to_asyncio": lambda: api.to_asyncio(api.create_future()),
        "from_asyncio": lambda: api.from_asyncio(coroutine),
    }[bridge]
    with pytest.raises(RuntimeError, match=rf"^{bridge}\(\) needs Twisted's asyncio reactor"):
        call()
    coroutine.close()


@pytest.fixture
def twisted_log_failures():
    """Every failure Twisted logs during the test, CancelledError included (the plugin's
    capture leaves a CancelledError out: a cancellation asked for is not an error)."""
    from twisted.logger import globalLogPublisher

    logged = []

    def observer(event):
        if event.get("log_failure") is not None:
            logged.append(type(event["log_failure"].value))

    globalLogPublisher.addObserver(observer)
    yield logged
    globalLogPublisher.removeObserver(observer)


@on_the_asyncio_reactor
@pytest.mark.parametrize("side", ["twisted", "asyncio"])
def test_a_cancellation_nobody_watches_is_not_logged_on_either_side(
    txaio_framework, twisted_log_failures, side
):
    _, from_asyncio = bridges()
    task = txaio_framework.clock._asyncioEventloop.create_task(asyncio.sleep(3600))
    deferred = from_asyncio(task)
    txaio_framework.flush()
    if side == "twisted":
        txaio.cancel(deferred)
    else:
        task.cancel()
    txaio_framework.flush()
    assert task.cancelled()
    assert txaio.is_called(deferred)
    del deferred, task
    assert txaio_framework.reported_errors() == []  # collects the garbage
    assert twisted_log_failures == []


@on_the_asyncio_reactor
def test_an_error_of_the_task_nobody_handles_is_reported(txaio_framework):
    _, from_asyncio = bridges()

    async def failing():
        raise LookupError("nobody handles it")

    from_asyncio(failing())
    txaio_framework.flush()
    assert [type(error) for error in txaio_framework.reported_errors()] == [LookupError]
