"""What a library author's type checker sees: every txaio result has its precise type.

Not a pytest module: ``tests/test_typing.py`` checks this file with ``mypy --strict``
(and pyright's strict mode, when pyright runs here). Each ``assert_type`` fails when
the result is ``Any`` (``Future[Any]`` is not ``Future[int]``).
"""
# pyright: strict

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IDelayedCall
from typing_extensions import assert_type

import txaio
import txaio.aio
import txaio.tx
from txaio import Future
from txaio.interfaces import IFailedFuture, IPeriodicCall


def number() -> int:
    return 1


async def text(prefix: str) -> str:
    return prefix


def native_future() -> asyncio.Future[bytes]:
    return asyncio.get_running_loop().create_future()


def deferred() -> Deferred[float]:
    return Deferred()


# -- the module ---------------------------------------------------------------------------


def module_results(f: Future[int], coro: Coroutine[Any, Any, str]) -> None:
    assert_type(txaio.create_future(result=1), Future[int])
    empty: Future[int] = txaio.create_future()
    assert_type(empty, Future[int])
    assert_type(txaio.create_future_success("s"), Future[str])
    assert_type(txaio.as_future(number), Future[int])
    assert_type(txaio.as_future(text, "p"), Future[str])
    assert_type(txaio.as_future(text("p")), Future[str])  # a coroutine, given alone
    assert_type(txaio.as_future(native_future), Future[bytes])
    assert_type(txaio.as_future(deferred), Future[float])
    assert_type(txaio.timeout(f, 1), Future[int])
    assert_type(txaio.timeout(coro, 1), Future[str])
    assert_type(txaio.gather([f, f], consume_exceptions=False), Future[list[int]])
    assert_type(txaio.gather([f]), Future[list[int | IFailedFuture]])
    assert_type(txaio.sleep(1), Future[None])
    assert_type(txaio.call_later(1, print), asyncio.TimerHandle | IDelayedCall)
    assert_type(txaio.call_periodic(1, print), IPeriodicCall)
    assert_type(txaio.call_periodic(1, print).finished, Future[None])
    assert_type(txaio.is_cancelled(asyncio.CancelledError()), bool)


async def awaited(f: Future[int]) -> int:
    # ``return await`` of a txaio future passes mypy --strict: no "returning Any".
    value = await txaio.timeout(f, 5)
    assert_type(value, int)
    await txaio.sleep(0.1)
    return await txaio.as_future(number)


# -- with_config objects and LoopMixin -----------------------------------------------------


def with_config_results(f: Future[int]) -> None:
    api = txaio.with_config()
    assert_type(api.as_future(text, "p"), Future[str])
    assert_type(api.timeout(f, 1), Future[int])
    assert_type(api.gather([f], consume_exceptions=False), Future[list[int]])
    assert_type(api.sleep(1), Future[None])


class Pinger(txaio.LoopMixin):
    def results(self, f: Future[int]) -> None:
        assert_type(self.create_future(result=2), Future[int])
        assert_type(self.as_future(text, "p"), Future[str])
        assert_type(self.timeout(f, 1), Future[int])
        assert_type(self.gather([f], consume_exceptions=False), Future[list[int]])
        assert_type(self.sleep(1), Future[None])
        assert_type(self.call_periodic(1, print), IPeriodicCall)


# -- the backend modules: the native futures ------------------------------------------------


def backend_results() -> None:
    assert_type(txaio.aio.create_future(result=1), asyncio.Future[int])
    assert_type(txaio.tx.create_future(result=1), Deferred[int])
    assert_type(txaio.tx.create_future_success("s"), Deferred[str])
    assert_type(txaio.aio.sleep(1), asyncio.Future[None])
    assert_type(txaio.tx.call_later(1, print), IDelayedCall)
