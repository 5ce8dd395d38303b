"""The timing harness: txaio, native (and floor) sides, interleaved round by round.

Each side of a comparison is a function ``side(n) -> nanoseconds`` that runs
``n`` operations and times only them (its own setup stays outside the timed
part). :func:`interleave` runs the sides one after the other in the same
process, rotating which goes first each round (txaio, native, floor; then
native, floor, txaio; ...), so slow drift of the machine (other processes,
CPU frequency) hits every side alike. Each round gives one ratio
txaio/native from neighbouring measurements; the reported ratio is the median
of those paired ratios, which is far less noisy on a shared machine than a
ratio of two separately taken medians.

The garbage collector is collected before and disabled during each timed
section (as :mod:`timeit` does), so a collection triggered by one side's
allocations does not land at random inside another side's timing.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: One side of a comparison: runs ``n`` operations, returns the elapsed nanoseconds.
Side = Callable[[int], int]


@dataclass
class Result:
    """Per-round figures of one operation, in nanoseconds per operation."""

    backend: str
    operation: str
    txaio: list[float]
    native: list[float] = field(default_factory=list)
    #: The thinnest possible Python wrapper (see ``floors.py``), where one is measured.
    floor: list[float] = field(default_factory=list)
    #: The largest ratio that meets the target, or None when the row has no target.
    target: float | None = None
    #: What the numbers count, when it is not "ns per operation".
    unit: str = "ns"
    note: str = ""

    @property
    def ratios(self) -> list[float]:
        """txaio/native for each round (paired measurements)."""
        return [t / n for t, n in zip(self.txaio, self.native, strict=True) if n > 0]

    def summary(self) -> dict[str, object]:
        """The figures the report prints, as plain JSON-able values."""
        ratios = self.ratios
        return {
            "backend": self.backend,
            "operation": self.operation,
            "unit": self.unit,
            "txaio": statistics.median(self.txaio) if self.txaio else None,
            "txaio_best": min(self.txaio) if self.txaio else None,
            "native": statistics.median(self.native) if self.native else None,
            "native_best": min(self.native) if self.native else None,
            "ratio": statistics.median(ratios) if ratios else None,
            "ratio_best": min(self.txaio) / min(self.native) if ratios else None,
            "floor_ratio": statistics.median(
                [f / n for f, n in zip(self.floor, self.native, strict=True)]
            )
            if self.floor
            else None,
            "rounds": len(self.txaio),
            "target": self.target,
            "note": self.note,
        }


def timed(side: Side, n: int, keep_gc: bool = False) -> float:
    """Run ``side`` once with a clean, paused garbage collector; ns per operation."""
    gc.collect()
    if not keep_gc:
        gc.disable()
    try:
        elapsed = side(n)
    finally:
        gc.enable()
    return elapsed / n


def compare(
    txaio_side: Side,
    native_side: Side,
    n: int,
    rounds: int,
    *,
    floor_side: Side | None = None,
    keep_gc: bool = False,
) -> tuple[list[float], list[float], list[float]]:
    """Per-round ns/op of txaio, native (and floor) sides, interleaved after a warm-up round."""
    sides = [txaio_side, native_side] + ([floor_side] if floor_side is not None else [])
    per_side = interleave(sides, n, rounds, keep_gc=keep_gc)
    return per_side[0], per_side[1], per_side[2] if floor_side is not None else []


def interleave(
    sides: list[Side], n: int, rounds: int, *, keep_gc: bool = False
) -> list[list[float]]:
    """Per-round ns/op of several sides, rotating which one goes first each round.

    One untimed warm-up round first (it also lets the interpreter specialise
    the code of every side).
    """
    for side in sides:
        timed(side, n, keep_gc)
    per_side: list[list[float]] = [[] for _ in sides]
    for round_number in range(rounds):
        shift = round_number % len(sides)
        for index in list(range(shift, len(sides))) + list(range(shift)):
            per_side[index].append(timed(sides[index], n, keep_gc))
    return per_side


now_ns = time.perf_counter_ns
