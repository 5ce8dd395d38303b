"""Errors: failures, their text and tracebacks, the same on asyncio and on Twisted.

    python examples/errors.py asyncio
    python examples/errors.py twisted

Shown in docs/guide/futures.rst; tests/test_examples.py checks both outputs are
identical.
"""

from __future__ import annotations

import os
import sys

import txaio

# -- an errback receives an IFailedFuture -----------------------------------------


def parse_port(text):
    return int(text)


def errback(fail):
    assert isinstance(fail, txaio.IFailedFuture)
    print("exception:", repr(fail.value))  # .value is the only portable attribute
    print("message:", txaio.failure_message(fail))
    # A normal Python traceback on both frameworks (file paths shortened here).
    here = os.path.dirname(os.path.abspath(__file__)) + os.sep
    print(txaio.failure_format_traceback(fail).replace(here, ""), end="")
    return None  # handled: nothing more is reported


def failing_with_the_current_exception():
    port = txaio.create_future()
    txaio.add_callbacks(port, None, errback)
    try:
        parse_port("eighty")
    except ValueError:
        txaio.reject(port)  # no error given: the exception being handled
    return port


def failing_with_a_failure():
    try:
        parse_port("")
    except ValueError:
        fail = txaio.create_failure()  # keep the exception and its traceback for later
    print("created:", txaio.failure_message(fail))
    return txaio.create_future_error(fail)


def errback_for_a_missing_key(fail):
    if isinstance(fail.value, KeyError):
        print("no such key:", txaio.failure_message(fail))
        return None  # handled
    # Not handled here: passed on, and reported if nobody handles it. Raise the
    # exception, not `fail`: a Twisted Failure can be raised, the asyncio one cannot.
    raise fail.value


# -- resolving twice is an error -----------------------------------------------------


def resolving_twice():
    done = txaio.create_future()
    txaio.resolve(done, "first")
    try:
        txaio.resolve(done, "second")
    except txaio.InvalidStateError:
        print("resolving twice raised InvalidStateError")


# -- gather: collect failures, or fail with the first ---------------------------------


def gathering():
    good = txaio.create_future_success("good")
    bad = txaio.create_future_error(LookupError("bad"))
    collected = txaio.gather([good, bad], consume_exceptions=True)

    def show(results):
        texts = [
            txaio.failure_message(r) if isinstance(r, txaio.IFailedFuture) else r
            for r in results
        ]
        print("gather collected:", texts)
        return results

    txaio.add_callbacks(collected, show, None)

    first_only = txaio.create_future_error(KeyError("first"))
    failed = txaio.gather([first_only], consume_exceptions=False)
    txaio.add_callbacks(failed, None, lambda fail: print("gather failed:", fail.value))
    # The input keeps its error too: handle it there, or Twisted reports it as unhandled
    # when the Deferred is collected.
    txaio.add_callbacks(first_only, None, lambda fail: None)
    return collected


def main():
    # Plain prints come first: callbacks run at once on Twisted but on a later loop turn
    # on asyncio, so the output is the same only if nothing is printed between them.
    resolving_twice()
    second = failing_with_a_failure()
    txaio.add_callbacks(second, None, errback)
    first = failing_with_the_current_exception()
    missing = txaio.create_future_error(KeyError("port"))
    txaio.add_callbacks(missing, None, errback_for_a_missing_key)
    return txaio.gather([second, first, gathering()])


# -- running it: txaio.run selects the framework and runs its loop ----------

txaio.run(main, framework=sys.argv[1])
