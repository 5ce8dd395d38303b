"""Several event loops, one txaio API object per loop (spec §3.1).

    python examples/multiloop.py asyncio
    python examples/multiloop.py twisted

A library that accepts a loop keeps ``txaio.with_config(loop=loop)`` and makes
every call through it (or through the ``txaio`` module when given no loop).
On asyncio the two workers below run on two event loops in two threads, side
by side. Twisted has one reactor: both workers share it, ``with_config`` with
the configured reactor works and with any other reactor raises RuntimeError.
Both runs print the same lines; the last one is printed only after checking
the rule of the framework in use. ``txaio.run`` runs the reactor; on asyncio
each thread runs its own loop with ``txaio.with_config(loop=loop).run``.
"""

from __future__ import annotations

import sys

import txaio

# -- library code: the same on both frameworks --------------------------------


class Worker:
    """Ticks a few times, then reports, using only the loop it was given."""

    def __init__(self, name, loop=None):
        self.name = name
        self._txa = txaio if loop is None else txaio.with_config(loop=loop)

    def run(self, ticks):
        """A future of the worker's log, after ``ticks`` timer ticks and a sleep."""

        async def ticking():
            log = []
            timers_done = self._txa.create_future()

            def tick(number):
                log.append(f"tick {number}")
                if number < ticks:
                    self._txa.call_later(0.001, tick, number + 1)
                else:
                    self._txa.resolve(timers_done, None)

            self._txa.call_later(0.001, tick, 1)
            await timers_done
            await self._txa.sleep(0.001)
            log.append("slept")
            return log

        return self._txa.as_future(ticking)


def report(name, log):
    print(f"worker {name}: {', '.join(log)}")


def check_another_loop(make_api):
    """Ask ``with_config`` for a second loop: asyncio gives an API, Twisted refuses."""
    try:
        make_api()
        outcome = "accepted"
    except RuntimeError:
        outcome = "RuntimeError"
    expected = "RuntimeError" if txaio.using_twisted else "accepted"
    if outcome != expected:
        raise SystemExit(f"with_config on another loop: {outcome}, expected {expected}")
    rules = "asyncio accepts it, Twisted raises RuntimeError"
    print("with_config(loop=<another loop>):", rules)


# -- running it: one reactor under Twisted, a loop per thread under asyncio ---


async def on_the_reactor():
    """Twisted: both workers on the one reactor, which txaio.run runs."""
    from twisted.internet import reactor, task

    txaio.config.loop = reactor  # the one reactor txaio is configured with
    logs = await txaio.gather([Worker(name, loop=reactor).run(3) for name in "ab"])
    for name, log in zip("ab", logs, strict=True):
        report(name, log)
    print("with_config(loop=<the loop in use>): accepted")
    check_another_loop(lambda: txaio.with_config(loop=task.Clock()))


def in_threads():
    """asyncio: each worker on a loop of its own, in a thread of its own."""
    import asyncio
    import threading

    logs = {}

    def in_own_thread(name):
        loop = asyncio.new_event_loop()
        # run() of an API bound to a loop: the worker runs on that loop, closed after.
        logs[name] = txaio.with_config(loop=loop).run(Worker(name, loop=loop).run, 3)

    threads = [threading.Thread(target=in_own_thread, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in "ab":
        report(name, logs[name])
    print("with_config(loop=<the loop in use>): accepted")
    other_loop = asyncio.new_event_loop()
    check_another_loop(lambda: txaio.with_config(loop=other_loop))
    other_loop.close()


if sys.argv[1] == "twisted":
    txaio.run(on_the_reactor, framework="twisted")
else:
    txaio.use_asyncio()
    in_threads()
