"""A library class with the txaio API as methods, bound to the loop it is given.

    python examples/loop_mixin.py asyncio
    python examples/loop_mixin.py twisted

``Heartbeat`` inherits :class:`txaio.LoopMixin` and calls ``self.call_later``,
``self.create_future``, ``self.gather`` … instead of ``txaio.*``. A user who
passes ``loop=`` gets every timer and future on that loop (their asyncio loop,
or the reactor); a user who passes nothing gets ``txaio.config``, like
``txaio.*``. The class is the same on both frameworks.
"""

from __future__ import annotations

import sys

import txaio

# -- library code: the same on both frameworks --------------------------------


class Heartbeat(txaio.LoopMixin):
    """A beat every ``interval`` seconds; ``beats(n)`` is a future of beats 1 to n."""

    def __init__(self, interval, loop=None):
        self.use_loop(loop)  # None: follow txaio.config
        self.interval = interval
        self.count = 0
        self._waiting = []  # (beat number, future)
        self._timer = None

    def start(self):
        self._timer = self.call_later(self.interval, self._beat)

    def stop(self):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def beats(self, count):
        """A future that resolves with the list of beat numbers 1..count."""
        futures = []
        for number in range(1, count + 1):
            future = self.create_future()
            self._waiting.append((number, future))
            futures.append(future)
        return self.gather(futures)

    def _beat(self):
        self.count += 1
        # Re-arm before resolving: on Twisted, resolving runs the waiters at once.
        self._timer = self.call_later(self.interval, self._beat)
        due = [entry for entry in self._waiting if entry[0] <= self.count]
        self._waiting = [entry for entry in self._waiting if entry[0] > self.count]
        for number, future in due:
            self.resolve(future, number)


async def main():
    loop = running_loop()  # what a user of Heartbeat would pass: their loop
    heartbeat = Heartbeat(0.001, loop=loop)
    heartbeat.start()
    print("beats:", await heartbeat.beats(3))
    heartbeat.stop()
    print("stopped after", heartbeat.count, "beats")
    print("uses the loop it was given:", heartbeat.txaio_api.config.loop is loop)


# -- running it: the loop is the only framework-specific part ------------------


def running_loop():
    """The loop main runs on: asyncio's running loop, or Twisted's reactor."""
    if txaio.using_twisted:
        from twisted.internet import reactor

        return reactor
    import asyncio

    return asyncio.get_running_loop()


txaio.run(main, framework=sys.argv[1])
