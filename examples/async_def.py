"""``async def`` library code that runs unchanged on asyncio and on Twisted.

    python examples/async_def.py asyncio
    python examples/async_def.py twisted

A coroutine may await txaio futures, ``txaio.sleep()`` and ``txaio.gather()``;
``txaio.as_future()`` turns it into a native future (an asyncio Task, or a
Deferred via ``Deferred.fromCoroutine``). Shown in docs/guide/futures.rst;
tests/test_examples.py checks both outputs are identical.
"""

from __future__ import annotations

import sys

import txaio

# -- library code: async def, the same on both frameworks --------------------------


async def fetch_greeting(name, delay):
    # txaio.sleep, never asyncio.sleep: it must work on Twisted too
    await txaio.sleep(delay)
    if not name:
        raise ValueError("a name is needed")
    return f"hello, {name}"


async def greet_everyone(names):
    # gather accepts coroutines as well as futures; results come in input order.
    return await txaio.gather(
        [fetch_greeting(name, 0.03 - 0.01 * i) for i, name in enumerate(names)]
    )


async def wait_for(signal):
    value = await signal  # a future from txaio.create_future() can be awaited
    return f"signal: {value}"


async def careful():
    try:
        await fetch_greeting("", 0)
    except ValueError as exc:  # an awaited failure raises in the coroutine, as usual
        return f"caught: {exc}"


# -- using it from callback-style code ------------------------------------------------


def show(value):
    print(value)
    return value


def main():
    signal = txaio.create_future()
    txaio.call_later(0.05, txaio.resolve, signal, "go")

    everyone = txaio.as_future(greet_everyone, ["ada", "bob", "cy"])
    txaio.add_callbacks(everyone, show, None)

    caught = txaio.as_future(careful)
    txaio.add_callbacks(caught, show, None)

    failing = txaio.as_future(fetch_greeting, "", 0.04)  # the error fails the future
    txaio.add_callbacks(
        failing, None, lambda fail: print("failed:", txaio.failure_message(fail))
    )

    waited = txaio.as_future(wait_for, signal)
    txaio.add_callbacks(waited, show, None)
    return txaio.gather([everyone, caught, failing, waited])


# -- running it: txaio.run selects the framework and runs its loop ----------

txaio.run(main, framework=sys.argv[1])
