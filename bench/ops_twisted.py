"""Operations 1-5 on Twisted: txaio against Deferred and the reactor.

Deferreds run their callbacks synchronously when they fire, so there is no
loop turn to wait for: each side runs its operations back to back. Timers use
the global reactor (not running); ``reactor.runUntilCurrent()`` between
rounds lets it drop the cancelled calls, as one reactor iteration would.

The txaio sides are written against an ``api`` object, so the same code also
times the floor (``floors.TwistedFloor``).
"""

from __future__ import annotations

import random
from typing import Any

from floors import TwistedFloor
from harness import Result, Side, compare, now_ns
from ops_common import check, plain, unexpected
from twisted.internet import reactor as _reactor
from twisted.internet.defer import Deferred, DeferredList, maybeDeferred, succeed
from twisted.python.failure import Failure

import txaio

reactor: Any = _reactor

__all__ = ["TwistedOps"]


class TwistedOps:
    """Runs each comparison synchronously against Deferreds and the global reactor."""

    def __init__(self, backend: str, scale: dict[str, int]):
        self.backend = backend
        self.scale = scale
        rng = random.Random(5)
        self.delays = [1000.0 + 1000.0 * rng.random() for _ in range(scale["outstanding"])]

    def run(self, only: set[int]) -> list[Result]:
        """The comparisons of operations 1-5 whose numbers are in ``only``."""
        s = self.scale
        floor = TwistedFloor()
        plan: list[tuple[int, str, tuple[Side, Side, Side | None], int, int, str]] = [
            (
                1,
                "1. create_future + add_callbacks + resolve",
                (self.resolve(txaio), self.native_resolve, self.resolve(floor)),
                s["ops"],
                s["rounds"],
                "ns",
            ),
            (
                2,
                "2. create_future + add_callbacks(None, errback) + reject",
                (self.reject(txaio), self.native_reject, self.reject(floor)),
                s["ops"],
                s["rounds"],
                "ns",
            ),
            (
                3,
                "3. as_future(plain function) + add_callbacks",
                (self.as_future(txaio), self.native_as_future, self.as_future(floor)),
                s["ops"],
                s["rounds"],
                "ns",
            ),
            (
                4,
                f"4. call_later + cancel, {s['outstanding']:,} outstanding",
                (self.call_later(txaio), self.native_call_later, self.call_later(floor)),
                s["timer_ops"],
                s["heavy_rounds"],
                "ns",
            ),
            (
                5,
                f"5. gather of {s['gather']:,} resolved futures",
                (self.txaio_gather, self.native_gather, None),
                1,
                s["heavy_rounds"],
                "ns/gather",
            ),
        ]
        results = []
        for number, operation, (txaio_side, native_side, floor_side), n, rounds, unit in plan:
            if number in only:
                t, nat, fl = compare(txaio_side, native_side, n, rounds, floor_side=floor_side)
                results.append(Result(self.backend, operation, t, nat, fl, target=1.10, unit=unit))
        return results

    # -- 1. resolve -------------------------------------------------------

    def resolve(self, api: Any) -> Side:
        def side(n: int) -> int:
            sink: list[int] = []
            callback = sink.append
            t0 = now_ns()
            for i in range(n):
                d = api.create_future()
                api.add_callbacks(d, callback, unexpected)
                api.resolve(d, i)
            elapsed = now_ns() - t0
            check(len(sink) == n, f"{api.__name__}: every callback ran")
            return elapsed

        return side

    def native_resolve(self, n: int) -> int:
        sink: list[int] = []
        callback = sink.append
        t0 = now_ns()
        for i in range(n):
            d: Deferred[int] = Deferred()
            d.addCallbacks(callback, unexpected)
            d.callback(i)
        elapsed = now_ns() - t0
        check(len(sink) == n, "native: every callback ran")
        return elapsed

    # -- 2. reject --------------------------------------------------------

    def reject(self, api: Any) -> Side:
        def side(n: int) -> int:
            errors: list[Any] = []
            errback = errors.append
            error = ValueError("benchmark")
            t0 = now_ns()
            for _ in range(n):
                d = api.create_future()
                api.add_callbacks(d, None, errback)
                api.reject(d, error)
            elapsed = now_ns() - t0
            check(len(errors) == n and errors[0].value is error, "every errback ran")
            return elapsed

        return side

    def native_reject(self, n: int) -> int:
        errors: list[Any] = []
        errback = errors.append
        error = ValueError("benchmark")
        t0 = now_ns()
        for _ in range(n):
            d: Deferred[int] = Deferred()
            d.addErrback(errback)
            d.errback(Failure(error))
        elapsed = now_ns() - t0
        check(len(errors) == n and errors[0].value is error, "native: every errback ran")
        return elapsed

    # -- 3. as_future -----------------------------------------------------

    def as_future(self, api: Any) -> Side:
        def side(n: int) -> int:
            sink: list[int] = []
            callback = sink.append
            t0 = now_ns()
            for i in range(n):
                d = api.as_future(plain, i)
                api.add_callbacks(d, callback, unexpected)
            elapsed = now_ns() - t0
            check(len(sink) == n, f"{api.__name__}: every callback ran")
            return elapsed

        return side

    def native_as_future(self, n: int) -> int:
        sink: list[int] = []
        callback = sink.append
        t0 = now_ns()
        for i in range(n):
            d = maybeDeferred(plain, i)
            d.addCallbacks(callback, unexpected)
        elapsed = now_ns() - t0
        check(len(sink) == n, "native: every callback ran")
        return elapsed

    # -- 4. call_later + cancel with many outstanding timers ---------------

    def _with_outstanding(self, n: int, timed: Any) -> int:
        outstanding = [reactor.callLater(delay, unexpected, None) for delay in self.delays]
        reactor.runUntilCurrent()  # moves the new calls into the reactor's heap
        elapsed: int = timed(self.delays[:n])
        for call in outstanding:
            call.cancel()
        reactor.runUntilCurrent()  # drops the cancelled calls
        return elapsed

    def call_later(self, api: Any) -> Side:
        def side(n: int) -> int:
            def timed(delays: list[float]) -> int:
                t0 = now_ns()
                for delay in delays:
                    api.call_later(delay, unexpected, None).cancel()
                return now_ns() - t0

            return self._with_outstanding(n, timed)

        return side

    def native_call_later(self, n: int) -> int:
        def timed(delays: list[float]) -> int:
            t0 = now_ns()
            for delay in delays:
                reactor.callLater(delay, unexpected, None).cancel()
            return now_ns() - t0

        return self._with_outstanding(n, timed)

    # -- 5. gather --------------------------------------------------------

    def _gathered(self, gathered: Any) -> list[Any]:  # txaio.gather: a Future to mypy
        results: list[Any] = []
        gathered.addCallback(results.append)
        check(len(results) == 1, "the gathered Deferred fired")
        return results[0]  # type: ignore[no-any-return]

    def txaio_gather(self, n: int) -> int:
        deferreds = [succeed(i) for i in range(self.scale["gather"])]
        t0 = now_ns()
        results = self._gathered(txaio.gather(deferreds))
        elapsed = now_ns() - t0
        check(len(results) == len(deferreds) and results[-1] == len(deferreds) - 1, "txaio")
        return elapsed

    def native_gather(self, n: int) -> int:
        deferreds = [succeed(i) for i in range(self.scale["gather"])]
        t0 = now_ns()
        results = self._gathered(DeferredList(deferreds, consumeErrors=True))
        elapsed = now_ns() - t0
        check(len(results) == len(deferreds) and results[-1][1] == len(deferreds) - 1, "native")
        return elapsed
