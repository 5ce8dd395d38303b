"""The spec's first example, runnable on either framework.

    python examples/basic.py asyncio
    python examples/basic.py twisted

Nothing in it depends on the framework: ``txaio.run`` selects the one named on
the command line and runs ``main`` on that framework's loop.
"""

from __future__ import annotations

import sys

import txaio

# -- library code: the same on both frameworks --------------------------------


def callback(value):
    print("Callback:", value)
    return value


def errback(fail):
    print("Errback:", txaio.failure_message(fail))
    return None


def some_func(a, b, key=None):
    return f"{a} + {b} ({key})"


def main():
    f0 = txaio.create_future()
    f1 = txaio.as_future(some_func, 1, 2, key="word")
    txaio.add_callbacks(f0, callback, errback)
    txaio.add_callbacks(f1, callback, errback)

    f2 = txaio.create_future()
    txaio.add_callbacks(f2, callback, errback)
    txaio.resolve(f0, "value")
    txaio.reject(f2, RuntimeError("it failed"))

    async def later():
        await txaio.sleep(0.01)
        return "slept, then gathered: " + repr(await txaio.gather([f0, f1]))

    return txaio.add_callbacks(txaio.as_future(later), callback, errback)


# -- running it: txaio.run selects the framework and runs its loop ----------

txaio.run(main, framework=sys.argv[1])
