"""Testing code that runs work in threads, as docs/guide/testing.rst and threads.rst show it."""

from __future__ import annotations

import hashlib

import txaio


# -- library code: the same on both frameworks
def checksum(data: bytes) -> str:
    """Blocking work (a C library, a disk, a database): it runs in a worker thread."""
    return hashlib.sha256(data).hexdigest()[:12]


def checksum_later(data: bytes) -> object:
    """A future of the checksum, computed off the loop's thread."""
    return txaio.run_in_thread(checksum, data)


# -- its test: on every backend, with the virtual clock
def test_checksum_later_gives_the_checksum(txaio_framework):
    future = checksum_later(b"hello")
    txaio_framework.wait_for_threads()  # blocks until the thread is done; no sleep, no polling
    assert txaio_framework.result(future) == "2cf24dba5fb0"


def test_a_job_that_calls_back_to_the_loop(txaio_framework):
    progress = []

    def import_rows(rows: list[str]) -> int:
        for row in rows:
            txaio.call_from_thread(progress.append, row)  # in order, on the loop's thread
        return len(rows)

    future = txaio.run_in_thread(import_rows, ["a", "b", "c"])
    txaio_framework.wait_for_threads()
    assert progress == ["a", "b", "c"]
    assert txaio_framework.result(future) == 3
