"""Operations 1-5 on asyncio (and uvloop): txaio against the loop's own API.

Every side runs as a task on the loop, as real code does: txaio then finds
the loop with ``asyncio._get_running_loop()``, and the native side uses the
``loop`` it got from ``asyncio.get_running_loop()`` once, before timing.

"Through one loop turn": every side runs its operations in batches of
:data:`BATCH`; after each batch the timed task does one ``await
asyncio.sleep(0)``, which lets the loop run every done-callback queued by the
batch (they were queued before the task's own wake-up). So each side pays the
same loop overhead: one loop iteration per batch.

The txaio sides are written against an ``api`` object, so the same code also
times the floor (``floors.AsyncioFloor``): the ``txaio`` module and the floor
have the same function names.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
from collections.abc import Callable, Coroutine
from typing import Any

from floors import AsyncioFloor
from harness import Result, Side, compare, now_ns
from ops_common import check, plain, unexpected

import txaio

#: Operations per loop turn, the same for every side.
BATCH = int(os.environ.get("TXAIO_BENCH_BATCH", "500"))

AsyncSide = Callable[[int], Coroutine[Any, Any, int]]


class AsyncioOps:
    """Runs each comparison as tasks on ``loop``."""

    def __init__(self, backend: str, loop: asyncio.AbstractEventLoop, scale: dict[str, int]):
        self.backend = backend
        self.loop = loop
        self.scale = scale
        rng = random.Random(5)
        # Delays of the outstanding and of the measured timers, the same for every side.
        self.delays = [1000.0 + 1000.0 * rng.random() for _ in range(scale["outstanding"])]

    def _side(self, coroutine: AsyncSide) -> Side:
        return lambda n: self.loop.run_until_complete(coroutine(n))

    def _compare(
        self,
        operation: str,
        sides: tuple[AsyncSide, AsyncSide, AsyncSide | None],
        n: int,
        rounds: int,
        unit: str = "ns",
    ) -> Result:
        txaio_side, native_side, floor_side = sides
        t, nat, floor = compare(
            self._side(txaio_side),
            self._side(native_side),
            n,
            rounds,
            floor_side=None if floor_side is None else self._side(floor_side),
        )
        return Result(self.backend, operation, t, nat, floor, target=1.10, unit=unit)

    def run(self, only: set[int]) -> list[Result]:
        """The comparisons of operations 1-5 whose numbers are in ``only``."""
        s = self.scale
        floor = AsyncioFloor()
        plan: list[tuple[int, str, Any, int, int, str]] = [
            (
                1,
                "1. create_future + add_callbacks + resolve",
                (self.resolve(txaio), self.native_resolve, self.resolve(floor)),
                s["ops"],
                s["rounds"],
                "ns",
            ),
            (
                1,
                "1. the same, with txaio.config.loop set",
                (
                    self.with_config_loop(self.resolve(txaio)),
                    self.native_resolve,
                    self.resolve(AsyncioFloor(self.loop)),
                ),
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
        results = [
            self._compare(operation, sides, n, rounds, unit)
            for number, operation, sides, n, rounds, unit in plan
            if number in only
        ]
        if results and results[0].operation.startswith("1."):
            results[0].note = self.loop_lookup_note()
        return results

    def loop_lookup_note(self) -> str:
        """What finding the running loop costs here: txaio does it once per call."""

        async def lookup(n: int) -> int:
            running_loop = asyncio._get_running_loop
            t0 = now_ns()
            for _ in range(n):
                running_loop()
            return now_ns() - t0

        def getpid(n: int) -> int:
            pid = os.getpid
            t0 = now_ns()
            for _ in range(n):
                pid()
            return now_ns() - t0

        looked_up, pids, _ = compare(self._side(lookup), getpid, 10_000, self.scale["rounds"])
        return (
            f"one asyncio._get_running_loop() in a running loop: {statistics.median(looked_up):.0f}"
            f" ns (a getpid() system call on Python <= 3.11; os.getpid(): "
            f"{statistics.median(pids):.0f} ns)"
        )

    def with_config_loop(self, side: AsyncSide) -> AsyncSide:
        """``side`` with ``txaio.config.loop`` set to the loop, as Autobahn's runner does."""

        async def configured(n: int) -> int:
            txaio.config.loop = asyncio.get_running_loop()
            try:
                return await side(n)
            finally:
                txaio.config.loop = None

        return configured

    # -- 1. resolve -------------------------------------------------------

    def resolve(self, api: Any) -> AsyncSide:
        async def side(n: int) -> int:
            sink: list[int] = []
            callback = sink.append
            t0 = now_ns()
            for _ in range(n // BATCH):
                for i in range(BATCH):
                    f = api.create_future()
                    api.add_callbacks(f, callback, unexpected)
                    api.resolve(f, i)
                await asyncio.sleep(0)
            elapsed = now_ns() - t0
            check(len(sink) == n, f"{api.__name__}: every callback ran")
            return elapsed

        return side

    async def native_resolve(self, n: int) -> int:
        loop = asyncio.get_running_loop()
        sink: list[int] = []
        callback = sink.append

        def on_done(future: asyncio.Future[int]) -> None:
            callback(future.result())

        t0 = now_ns()
        for _ in range(n // BATCH):
            for i in range(BATCH):
                f = loop.create_future()
                f.add_done_callback(on_done)
                f.set_result(i)
            await asyncio.sleep(0)
        elapsed = now_ns() - t0
        check(len(sink) == n, "native: every callback ran")
        return elapsed

    # -- 2. reject --------------------------------------------------------

    def reject(self, api: Any) -> AsyncSide:
        async def side(n: int) -> int:
            errors: list[Any] = []
            errback = errors.append
            error = ValueError("benchmark")
            t0 = now_ns()
            for _ in range(n // BATCH):
                for _ in range(BATCH):
                    f = api.create_future()
                    api.add_callbacks(f, None, errback)
                    api.reject(f, error)
                await asyncio.sleep(0)
            elapsed = now_ns() - t0
            check(len(errors) == n, f"{api.__name__}: every errback ran")
            return elapsed

        return side

    async def native_reject(self, n: int) -> int:
        loop = asyncio.get_running_loop()
        errors: list[Any] = []
        errback = errors.append
        error = ValueError("benchmark")

        def on_done(future: asyncio.Future[int]) -> None:
            exception = future.exception()
            if exception is not None:
                errback(exception)

        t0 = now_ns()
        for _ in range(n // BATCH):
            for _ in range(BATCH):
                f = loop.create_future()
                f.add_done_callback(on_done)
                f.set_exception(error)
            await asyncio.sleep(0)
        elapsed = now_ns() - t0
        check(len(errors) == n and errors[0] is error, "native: every errback ran")
        return elapsed

    # -- 3. as_future -----------------------------------------------------

    def as_future(self, api: Any) -> AsyncSide:
        async def side(n: int) -> int:
            sink: list[int] = []
            callback = sink.append
            t0 = now_ns()
            for _ in range(n // BATCH):
                for i in range(BATCH):
                    f = api.as_future(plain, i)
                    api.add_callbacks(f, callback, unexpected)
                await asyncio.sleep(0)
            elapsed = now_ns() - t0
            check(len(sink) == n, f"{api.__name__}: every callback ran")
            return elapsed

        return side

    async def native_as_future(self, n: int) -> int:
        loop = asyncio.get_running_loop()
        sink: list[int] = []
        callback = sink.append

        def on_done(future: asyncio.Future[int]) -> None:
            callback(future.result())

        t0 = now_ns()
        for _ in range(n // BATCH):
            for i in range(BATCH):
                f = loop.create_future()
                f.set_result(plain(i))
                f.add_done_callback(on_done)
            await asyncio.sleep(0)
        elapsed = now_ns() - t0
        check(len(sink) == n, "native: every callback ran")
        return elapsed

    # -- 4. call_later + cancel with many outstanding timers ---------------

    async def _with_outstanding(self, n: int, timed: Callable[[list[float]], int]) -> int:
        """Time ``timed`` while the loop holds ``outstanding`` timers (a fresh set per side)."""
        loop = asyncio.get_running_loop()
        outstanding = [loop.call_later(delay, unexpected, None) for delay in self.delays]
        elapsed = timed(self.delays[:n])
        for handle in outstanding:
            handle.cancel()
        await asyncio.sleep(0)  # the loop drops the cancelled timers from its heap
        return elapsed

    def call_later(self, api: Any) -> AsyncSide:
        async def side(n: int) -> int:
            def timed(delays: list[float]) -> int:
                t0 = now_ns()
                for delay in delays:
                    api.call_later(delay, unexpected, None).cancel()
                return now_ns() - t0

            return await self._with_outstanding(n, timed)

        return side

    async def native_call_later(self, n: int) -> int:
        loop = asyncio.get_running_loop()

        def timed(delays: list[float]) -> int:
            t0 = now_ns()
            for delay in delays:
                loop.call_later(delay, unexpected, None).cancel()
            return now_ns() - t0

        return await self._with_outstanding(n, timed)

    # -- 5. gather --------------------------------------------------------

    def _resolved(self) -> list[asyncio.Future[int]]:
        futures = []
        for i in range(self.scale["gather"]):
            future = self.loop.create_future()
            future.set_result(i)
            futures.append(future)
        return futures

    async def txaio_gather(self, n: int) -> int:
        futures = self._resolved()
        t0 = now_ns()
        results = await txaio.gather(futures)
        elapsed = now_ns() - t0
        check(len(results) == len(futures) and results[-1] == len(futures) - 1, "txaio: gathered")
        return elapsed

    async def native_gather(self, n: int) -> int:
        futures = self._resolved()
        t0 = now_ns()
        results = await asyncio.gather(*futures, return_exceptions=True)
        elapsed = now_ns() - t0
        check(len(results) == len(futures) and results[-1] == len(futures) - 1, "native: gathered")
        return elapsed
