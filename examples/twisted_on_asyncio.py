"""Twisted on asyncio: txaio code under Twisted and plain asyncio code share one loop.

    python examples/twisted_on_asyncio.py twisted
    python examples/twisted_on_asyncio.py asyncio

With ``twisted``, Twisted's ``asyncioreactor`` runs on an asyncio loop: the
library below uses txaio on Twisted (Deferreds, the reactor's timers), the
application is plain ``async def`` asyncio code, and both run on that one
loop. With ``asyncio`` the same program runs with txaio on asyncio. Both print
the same lines.
"""

from __future__ import annotations

import asyncio
import sys

framework = sys.argv[1]

# -- setting up: one asyncio loop; under Twisted, the asyncio reactor on it ----

loop = asyncio.new_event_loop()
if framework == "twisted":
    from twisted.internet import asyncioreactor

    # First, before anything imports twisted.internet.reactor:
    asyncioreactor.install(loop)

# Importing txaio never imports the reactor; selecting Twisted may.
import txaio  # noqa: E402

if framework == "asyncio":
    txaio.config.loop = loop  # txaio.run runs this loop (under Twisted, the reactor)


# -- library code: txaio only, the same on both frameworks ---------------------


def countdown(count, step):
    """Count down on txaio timers; a future of the word said at the end."""
    done = txaio.create_future()

    def tick(remaining):
        print(f"library: {remaining}")
        if remaining:
            txaio.call_later(step, tick, remaining - 1)
        else:
            txaio.resolve(done, "liftoff")

    tick(count)
    return done


# -- bridging: txaio.tx's bridges under Twisted; on asyncio nothing to bridge ---

if framework == "twisted":
    # to_asyncio(deferred): an asyncio future; from_asyncio(awaitable): a Deferred.
    # Cancelling either side cancels the other, each seeing its own CancelledError.
    from txaio.tx import from_asyncio, to_asyncio
else:
    # txaio's futures are asyncio's own here: a txaio future is already an asyncio
    # future, and an asyncio task is already a txaio future.

    def to_asyncio(future):
        return future

    def from_asyncio(awaitable):
        return asyncio.ensure_future(awaitable, loop=loop)


# -- application code: plain asyncio -----------------------------------------


async def greeting():
    await asyncio.sleep(0.01)
    return "hello from asyncio"


async def application():
    word = await to_asyncio(countdown(3, 0.01))
    print(f"application: the library said {word!r}")
    both = txaio.gather([from_asyncio(greeting()), txaio.sleep(0.01)])
    print(f"application: gathered {await to_asyncio(both)!r}")


# -- running it: txaio.run runs the loop (or the reactor, on that loop) -------


def main():
    return from_asyncio(application())  # the asyncio application, as a txaio future


txaio.run(main, framework=framework)
