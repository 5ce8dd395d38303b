"""One process, Twisted's asyncio reactor, two single-framework libraries.

``python two_libraries.py none|twisted|asyncio``: what the application selects.
"""

import asyncio
import sys

from twisted.internet import asyncioreactor

asyncioreactor.install()

import txaio  # noqa: E402

if sys.argv[1] != "none":
    getattr(txaio, f"use_{sys.argv[1]}")()

import fetcher_aio  # noqa: E402
from heartbeat_tx import Heartbeat  # noqa: E402
from twisted.internet import defer, reactor  # noqa: E402


async def asyncio_side() -> tuple[list[int], bool, bool]:
    fetched = await fetcher_aio.fetch_all([1, 2, 3])
    timed_out = await fetcher_aio.hangs()
    return fetched, timed_out, fetcher_aio.running_loop() is asyncio.get_running_loop()


@defer.inlineCallbacks
def main():
    heartbeat = Heartbeat(0.01, beats=3)
    outcome = defer.Deferred.fromFuture(asyncio.ensure_future(asyncio_side()))
    (fetched, timed_out, same_loop), _ = yield defer.gatherResults([outcome, heartbeat.stopped])
    print("heartbeat:", heartbeat.count, "beats")
    print("fetched:", fetched)
    print("timed out:", timed_out)
    print("asyncio library on the reactor's loop:", same_loop)
    print("selected:", txaio.using_twisted, txaio.using_asyncio)


def run() -> None:
    failures = []
    done = main()
    done.addErrback(failures.append)
    done.addBoth(lambda _: reactor.stop())
    reactor.run()
    if failures:
        failures[0].raiseException()


run()
