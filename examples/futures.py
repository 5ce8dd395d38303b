"""Futures and callbacks: the same code, the same output on asyncio and on Twisted.

    python examples/futures.py asyncio
    python examples/futures.py twisted

Shown in docs/guide/futures.rst; tests/test_examples.py checks both outputs are
identical.
"""

from __future__ import annotations

import sys

import txaio

# -- callbacks ------------------------------------------------------------------


def printed(label):
    """A callback that prints the value and returns it (so chaining never matters)."""

    def callback(value):
        print(f"{label}: {value!r}")
        return value

    return callback


def reported(label):
    """An errback that prints the error; returning None says "handled"."""

    def errback(fail):
        print(f"{label} failed: {txaio.failure_message(fail)}")
        return None

    return errback


# -- creating and resolving futures -----------------------------------------------


def futures():
    pending = txaio.create_future()
    txaio.add_callbacks(pending, printed("pending"), reported("pending"))
    txaio.resolve(pending, "resolved later")

    ready = txaio.create_future(result=42)
    txaio.add_callbacks(ready, printed("create_future(result=42)"), None)

    failed = txaio.create_future(error=KeyError("no such key"))
    txaio.add_callbacks(failed, None, reported("create_future(error=...)"))
    return [pending, ready]


# -- as_future: call anything, always get a future ---------------------------------


def add(a, b):
    return a + b


def divide(a, b):
    return a / b


def as_futures():
    total = txaio.as_future(add, 1, b=2)
    txaio.add_callbacks(total, printed("add(1, b=2)"), None)

    quotient = txaio.as_future(divide, 1, 0)  # the ZeroDivisionError fails the future
    txaio.add_callbacks(quotient, printed("divide(1, 0)"), reported("divide(1, 0)"))
    return [total]


# -- cancel and gather --------------------------------------------------------------


def cancelling():
    job = txaio.create_future(canceller=lambda future: print("canceller called"))
    txaio.add_callbacks(job, printed("job"), reported("job"))
    txaio.cancel(job)  # the errback gets a CancelledError
    return []


def gathering():
    first, second = txaio.create_future(), txaio.create_future()
    both = txaio.gather([first, second])
    txaio.add_callbacks(both, printed("gathered"), None)
    # Results come in input order, whatever the order the inputs finish in.
    txaio.resolve(second, "second")
    txaio.resolve(first, "first")
    return [both]


def main():
    return txaio.gather(futures() + as_futures() + cancelling() + gathering())


# -- running it: txaio.run selects the framework and runs its loop ----------

txaio.run(main, framework=sys.argv[1])
