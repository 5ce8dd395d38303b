"""Operation 9: a ``run_in_thread`` round trip against the framework's own, on each backend.

One round trip is: hand a plain function to the framework's thread pool, and
have its result back on the loop. The native sides are ``asyncio.to_thread``
(the loop's default executor) and Twisted's ``deferToThread`` (the reactor's
pool); txaio's side is ``txaio.run_in_thread`` on the same pool. Round trips
run one after the other, so each figure is a latency: thread hand-offs and
wake-ups dominate it, and the ratio shows what txaio adds to them (the
caller's context copied on Twisted, the worker thread told its loop).
"""

from __future__ import annotations

from typing import Any

from harness import Result, Side, compare, now_ns
from ops_common import check, plain

import txaio

OPERATION = "9. run_in_thread round trip (one at a time)"


def asyncio_results(backend: str, scale: dict[str, int], loop: Any) -> list[Result]:
    """txaio.run_in_thread against asyncio.to_thread on ``loop``'s default executor."""
    import asyncio

    def side(start: Any) -> Side:
        async def round_trips(n: int) -> int:
            total = 0
            t0 = now_ns()
            for i in range(n):
                total += await start(plain, i)
            elapsed = now_ns() - t0
            check(total == n * (n - 1) // 2, "every result came back")
            return elapsed

        return lambda n: loop.run_until_complete(round_trips(n))

    return _compare(backend, scale, side(txaio.run_in_thread), side(asyncio.to_thread))


def twisted_results(backend: str, scale: dict[str, int]) -> list[Result]:
    """txaio.run_in_thread against deferToThread on the reactor's pool, the reactor iterated."""
    from twisted.internet import reactor as _reactor
    from twisted.internet.threads import deferToThread

    reactor: Any = _reactor
    pool = reactor.getThreadPool()
    pool.start()  # the reactor does not run here: start its pool by hand

    def side(start: Any) -> Side:
        def round_trips(n: int) -> int:
            results: list[int] = []
            t0 = now_ns()
            for i in range(n):
                start(plain, i).addCallback(results.append)
                while len(results) <= i:
                    reactor.doIteration(1.0)  # wakes as soon as a thread hands a call over
                    reactor.runUntilCurrent()  # and runs it
            elapsed = now_ns() - t0
            check(results == list(range(n)), "every result came back, in order")
            return elapsed

        return round_trips

    try:
        return _compare(backend, scale, side(txaio.run_in_thread), side(deferToThread))
    finally:
        pool.stop()


def _compare(
    backend: str, scale: dict[str, int], txaio_side: Side, native_side: Side
) -> list[Result]:
    t, nat, _ = compare(txaio_side, native_side, scale["thread_ops"], scale["thread_rounds"])
    return [Result(backend, OPERATION, t, nat, target=1.10, unit="ns")]
