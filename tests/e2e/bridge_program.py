"""Twisted on a real asyncio reactor: ``txaio.tx.to_asyncio`` and ``from_asyncio``, for
``test_bridges.py``.

Usage: ``python bridge_program.py asyncioreactor`` installs Twisted's
``AsyncioSelectorReactor`` on a new asyncio loop, runs ``main`` with ``txaio.run`` and
prints, one line each, what each side saw: the round trip of a value and of an error,
the ``CancelledError`` class each side sees when the other side cancels, and timeouts.
``python bridge_program.py default`` shows the bridges refusing a process with no
reactor yet (installing none), then Twisted's default reactor.
"""

from __future__ import annotations

import asyncio
import sys

if sys.argv[1] == "asyncioreactor":
    from twisted.internet import asyncioreactor

    asyncioreactor.install(asyncio.new_event_loop())

import txaio  # after the reactor is installed
from txaio.tx import from_asyncio, to_asyncio


def qualified(error: BaseException) -> str:
    kind = type(error)
    return f"{kind.__module__}.{kind.__qualname__}"


async def asyncio_double(value: int) -> int:
    await asyncio.sleep(0)
    return 2 * value


async def asyncio_fails() -> None:
    await asyncio.sleep(0)
    raise LookupError("from asyncio")


async def round_trip() -> None:
    """txaio code awaits an asyncio coroutine; asyncio code awaits a txaio Deferred."""
    doubled = await from_asyncio(asyncio_double(21))
    print("twisted side got:", doubled)
    try:
        await from_asyncio(asyncio_fails())
    except LookupError as error:
        print("twisted side got the error:", qualified(error), error)

    async def asyncio_code() -> str:
        word = await to_asyncio(txaio.sleep(0).addCallback(lambda _: "hello"))
        try:
            await to_asyncio(txaio.create_future_error(KeyError("from twisted")))
        except KeyError as error:
            return f"{word}, and the error {qualified(error)} {error}"
        return word

    print("asyncio side got:", await from_asyncio(asyncio_code()))


async def twisted_cancels_asyncio() -> None:
    """Cancelling the Deferred of from_asyncio cancels the asyncio task."""
    seen = {}
    started = asyncio.Event()

    async def asyncio_task() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError as error:
            seen["asyncio"] = qualified(error)
            await asyncio.sleep(0)  # a clean-up that takes a loop turn
            seen["asyncio clean-up"] = "done"
            raise

    deferred = from_asyncio(asyncio_task())
    await from_asyncio(started.wait())
    txaio.cancel(deferred)
    try:
        await deferred
    except Exception as error:
        seen["twisted"] = qualified(error)
    print("twisted cancels: asyncio task saw", seen["asyncio"])
    print("twisted cancels: clean-up before the Deferred fired:", "asyncio clean-up" in seen)
    print("twisted cancels: twisted side saw", seen["twisted"])


async def asyncio_cancels_twisted() -> None:
    """Cancelling the asyncio future of to_asyncio cancels the Deferred."""
    seen = {}
    deferred = txaio.create_future()
    txaio.add_callbacks(deferred, None, lambda fail: seen.update(twisted=qualified(fail.value)))

    async def asyncio_code() -> None:
        future = to_asyncio(deferred)
        asyncio.get_running_loop().call_soon(future.cancel)
        try:
            await future
        except asyncio.CancelledError as error:
            seen["asyncio"] = qualified(error)
            raise

    try:
        await from_asyncio(asyncio_code())
    except Exception as error:
        seen["twisted, awaiting the asyncio code"] = qualified(error)
    print("asyncio cancels: twisted Deferred saw", seen["twisted"])
    print("asyncio cancels: asyncio side saw", seen["asyncio"])
    print("asyncio cancels: its Deferred in txaio saw", seen["twisted, awaiting the asyncio code"])


async def the_other_way_round() -> None:
    """A Deferred cancelled on the Twisted side: asyncio code awaiting it sees asyncio's."""
    deferred = txaio.create_future()

    async def asyncio_code() -> str:
        try:
            await to_asyncio(deferred)
        except asyncio.CancelledError as error:
            return qualified(error)
        return "not cancelled"

    task = from_asyncio(asyncio_code())
    await txaio.sleep(0)
    txaio.cancel(deferred)
    print("twisted cancels the Deferred: asyncio code awaiting it saw", await task)


async def timeout_of_an_asyncio_task() -> None:
    """Deferred.addTimeout and txaio.timeout give a TimeoutError for an asyncio task."""

    async def slow() -> None:
        await asyncio.sleep(3600)

    from twisted.internet import reactor
    from twisted.internet.defer import Deferred

    deferred = from_asyncio(slow()).addTimeout(0.01, reactor)
    try:
        await deferred
    except Exception as error:
        print("addTimeout of from_asyncio:", qualified(error))
    native = asyncio.ensure_future(slow())
    try:
        await Deferred.fromFuture(native).addTimeout(0.01, reactor)
    except BaseException as error:  # asyncio's CancelledError is a BaseException
        print("addTimeout of Deferred.fromFuture (Twisted's own):", qualified(error))
    try:
        await txaio.timeout(from_asyncio(slow()), 0.01)
    except TimeoutError as error:
        print("txaio.timeout of from_asyncio:", qualified(error))


async def unobserved_cancellations() -> None:
    """A from_asyncio Deferred cancelled from either side, watched by nobody, is not reported
    (a cancellation asked for is no error, as on asyncio); Twisted would log it at collection."""
    import gc

    from twisted.logger import globalLogPublisher

    reported = []

    def observer(event: dict) -> None:
        failure = event.get("log_failure")
        if failure is not None:
            reported.append(qualified(failure.value))

    globalLogPublisher.addObserver(observer)
    try:
        for side in ("twisted", "asyncio"):
            task = asyncio.ensure_future(asyncio.sleep(3600))
            deferred = from_asyncio(task)
            await txaio.sleep(0)
            if side == "twisted":
                txaio.cancel(deferred)
            else:
                task.cancel()
            await txaio.sleep(0.01)
            del deferred, task
            gc.collect()
    finally:
        globalLogPublisher.removeObserver(observer)
    print("unobserved cancellations reported:", reported)


async def main() -> None:
    await round_trip()
    await twisted_cancels_asyncio()
    await asyncio_cancels_twisted()
    await the_other_way_round()
    await timeout_of_an_asyncio_task()
    await unobserved_cancellations()
    from twisted.internet import reactor

    print("reactor:", type(reactor).__name__)


def refused() -> None:
    """Without the asyncio reactor, each bridge raises RuntimeError and installs nothing."""
    txaio.use_twisted()
    for bridge, argument in ((to_asyncio, txaio.create_future()), (from_asyncio, asyncio_fails())):
        try:
            bridge(argument)
        except RuntimeError as error:
            print(f"{bridge.__name__}:", error)
        print("a reactor installed:", "twisted.internet.reactor" in sys.modules)
    from twisted.internet import reactor

    try:
        to_asyncio(txaio.create_future())
    except RuntimeError as error:
        print(f"to_asyncio on {type(reactor).__name__}:", error)


if sys.argv[1] == "asyncioreactor":
    txaio.run(main, framework="twisted")
else:
    refused()
