"""The spec's first example, runnable on either framework.

    python examples/basic.py asyncio
    python examples/basic.py twisted

The code between "library code" markers is identical for both frameworks:
only the choice at the top and the way the loop is run differ.
"""

from __future__ import annotations

import sys

import txaio

framework = sys.argv[1] if len(sys.argv) > 1 else "asyncio"
if framework == "twisted":
    txaio.use_twisted()
else:
    txaio.use_asyncio()


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


# -- running it: the only framework-specific part -----------------------------

if framework == "twisted":
    from twisted.internet import task

    task.react(lambda reactor: main())
else:
    import asyncio

    async def run():
        await main()

    asyncio.run(run())
