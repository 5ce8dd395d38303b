"""Blocking code in threads, written once: run_in_thread and the calls back to the loop.

    python examples/threads.py asyncio
    python examples/threads.py twisted

A small "store" whose reads block (think of a database or a C library) is used
from an application through ``txaio.run_in_thread``; the blocking function
reports progress with ``txaio.call_from_thread`` and asks the loop for a value
with ``txaio.blocking_call_from_thread``. Shown in docs/guide/threads.rst;
tests/test_examples.py checks both outputs are identical.
"""

from __future__ import annotations

import contextvars
import sys
import threading

import txaio

# -- library code: the same on both frameworks --------------------------------

request_id = contextvars.ContextVar("request_id", default="-")


class Store:
    """A key-value store whose reads block: they run in the framework's thread pool."""

    def __init__(self, rows):
        self.rows = rows
        self.progress = []

    def _read_all(self, keys):
        """Blocking: runs in a worker thread, never on the loop's thread."""
        assert threading.current_thread() is not threading.main_thread()
        found = {}
        for key in keys:
            found[key] = self.rows[key]  # raises KeyError for a missing key
            # Back to the loop, in order, without waiting for it:
            txaio.call_from_thread(self.progress.append, key)
        # Ask the loop for something and wait for the answer (it may be a future):
        found["served by"] = txaio.blocking_call_from_thread(self._tag)
        return found

    async def _tag(self):
        await txaio.sleep(0)  # on the loop: any txaio call is fine here
        return f"request {request_id.get()}"  # the caller's context variables

    def read_all(self, keys):
        """A future of the rows of ``keys``, read off the loop's thread."""
        return txaio.run_in_thread(self._read_all, keys)


# -- the application: main, the same on both frameworks ----------------------


async def main():
    store = Store({"a": 1, "b": 2, "c": 3})
    request_id.set("42")
    print("read:", await store.read_all(["a", "b"]))
    print("progress, in order:", store.progress)
    try:
        await store.read_all(["c", "missing"])
    except KeyError as exc:
        print("error from the thread:", repr(exc))
    try:
        txaio.blocking_call_from_thread(print, "never")
    except RuntimeError as exc:
        print("on the loop's thread:", str(exc).split(",")[0])
    return "done"


# -- running it ----------------------------------------------------------------

print("txaio.run returned", txaio.run(main, framework=sys.argv[1]))
others = [t for t in threading.enumerate() if t is not threading.main_thread()]
print("worker threads left:", len(others))
try:
    txaio.call_from_thread(print, "never")
except RuntimeError as exc:
    print("after the loop stopped:", str(exc).split(",")[0])
