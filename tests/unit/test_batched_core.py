"""Behaviour of the framework-neutral BatchedTimer, driven by a fake clock."""

from __future__ import annotations

import asyncio
import gc
import heapq
import itertools
import math
import sys
import tracemalloc
import weakref
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from txaio._batched import BatchedCall, BatchedTimer


class FakeCall:
    """A delayed call of FakeScheduler; cancel() is strict like Twisted's."""

    def __init__(self, when: float, func: Callable[[], None]) -> None:
        self.when = when
        self.func = func
        self.cancelled = False
        self.called = False

    def cancel(self) -> None:
        if self.cancelled or self.called:
            raise AssertionError("cancel() of a delayed call that is no longer pending")
        self.cancelled = True


class FakeScheduler:
    """Deterministic virtual clock with a heap of delayed calls."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._heap: list[tuple[float, int, FakeCall]] = []
        self._seq = itertools.count()
        self._early_by = 0.0
        self.scheduled_count = 0

    def seconds(self) -> float:
        return self.now

    def call_later(self, delay: float, func: Callable[[], None]) -> FakeCall:
        if delay < 0:
            raise AssertionError(f"negative delay {delay!r}")
        call = FakeCall(self.now + delay, func)
        heapq.heappush(self._heap, (call.when, next(self._seq), call))
        self.scheduled_count += 1
        return call

    def pending(self) -> list[FakeCall]:
        return [c for _, _, c in sorted(self._heap) if not (c.cancelled or c.called)]

    def fire_next_early(self, by: float) -> None:
        """Make the next fired call see the clock ``by`` seconds before its time."""
        self._early_by = by

    def _next(self) -> FakeCall | None:
        while self._heap and (self._heap[0][2].cancelled or self._heap[0][2].called):
            heapq.heappop(self._heap)
        return self._heap[0][2] if self._heap else None

    def step(self) -> bool:
        """Run the single earliest pending call; False if there is none."""
        call = self._next()
        if call is None:
            return False
        heapq.heappop(self._heap)
        self.now = max(self.now, call.when - self._early_by)
        self._early_by = 0.0
        call.called = True
        call.func()
        return True

    def advance(self, seconds: float) -> None:
        target = self.now + seconds
        while (call := self._next()) is not None and call.when <= target:
            self.step()
        self.now = max(self.now, target)

    def run_all(self) -> None:
        while self.step():
            pass


def make_timer(
    sched: FakeScheduler,
    bucket: float = 1.0,
    chunk_size: int = 100,
    errors: list[BaseException] | None = None,
) -> BatchedTimer:
    def report(exc: BaseException) -> None:
        if errors is None:
            raise AssertionError(f"unexpected error {exc!r}")
        errors.append(exc)

    return BatchedTimer(
        bucket,
        chunk_size,
        call_later=sched.call_later,
        seconds=sched.seconds,
        report_error=report,
    )


def recorder(sched: FakeScheduler, log: list[tuple[object, float]]) -> Callable[[object], None]:
    def record(tag: object) -> None:
        log.append((tag, sched.now))

    return record


# -- timing -----------------------------------------------------------------


def test_call_does_not_run_before_its_delay() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, bucket=1.0)
    log: list[tuple[object, float]] = []
    timer.call_later(2.5, recorder(sched, log), "a")
    sched.advance(2.49)
    assert log == []


def test_call_runs_at_the_end_of_its_bucket() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, bucket=1.0)
    log: list[tuple[object, float]] = []
    timer.call_later(2.5, recorder(sched, log), "a")
    sched.advance(3.0)
    assert log == [("a", 3.0)]


@pytest.mark.parametrize("bucket", [0.1, 0.25, 0.3, 1.0, 7.5])
@pytest.mark.parametrize("start", [0.0, 0.1, 0.7, 1e6 + 0.3])
@pytest.mark.parametrize("delay", [0.0, 0.1, 0.2, 0.3, 0.7, 1.05, 2.9999999, 3.0])
def test_call_runs_no_earlier_than_delay_and_within_one_bucket(
    bucket: float, start: float, delay: float
) -> None:
    sched = FakeScheduler(start)
    timer = make_timer(sched, bucket=bucket)
    log: list[tuple[object, float]] = []
    due = sched.now + delay
    timer.call_later(delay, recorder(sched, log), "a")
    sched.run_all()
    [(_, fired)] = log
    assert fired >= due
    assert fired - due <= bucket * (1 + 1e-9) + 1e-9 * abs(due)


def test_bucket_fired_early_by_the_loop_is_rescheduled_not_run() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, bucket=1.0)
    log: list[tuple[object, float]] = []
    timer.call_later(1.0, recorder(sched, log), "a")
    sched.fire_next_early(1e-6)
    assert sched.step()  # the bucket's timer fires with the clock 1us short
    assert log == []
    assert [c.when for c in sched.pending()] == [1.0]
    sched.run_all()
    assert log == [("a", 1.0)]


def test_bucket_time_rounded_below_due_does_not_make_the_call_early() -> None:
    # ceil(14.4 / 0.3) == 48, but 48 * 0.3 == 14.399999999999999 < 14.4.
    sched = FakeScheduler()
    timer = make_timer(sched, bucket=0.3)
    log: list[tuple[object, float]] = []
    timer.call_later(14.4, recorder(sched, log), "a")
    sched.run_all()
    [(_, fired)] = log
    assert fired >= 14.4


def test_delay_handed_to_the_loop_lands_exactly_on_the_bucket_time() -> None:
    # With now = 4.15845470850572 the naive delay 13.4 - now gives
    # now + delay == 13.399999999999999, one ulp before the bucket.
    sched = FakeScheduler(4.15845470850572)
    timer = make_timer(sched, bucket=0.1)
    log: list[tuple[object, float]] = []
    timer.call_later(13.35 - sched.now, recorder(sched, log), "a")
    [underlying] = sched.pending()
    assert underlying.when >= 134 * 0.1
    sched.run_all()
    assert log == [("a", underlying.when)]
    assert sched.scheduled_count == 1  # no early fire, so no reschedule


# -- one underlying call per bucket -------------------------------------------


def test_loop_sees_one_delayed_call_per_non_empty_bucket() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, bucket=1.0)
    for i in range(300):
        timer.call_later(0.5 + (i % 3), lambda: None)
    assert sorted(c.when for c in sched.pending()) == [1.0, 2.0, 3.0]


def test_cancelling_last_call_of_a_bucket_cancels_its_delayed_call() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, bucket=1.0)
    a = timer.call_later(0.5, lambda: None)
    b = timer.call_later(0.6, lambda: None)
    a.cancel()
    assert len(sched.pending()) == 1
    b.cancel()
    assert sched.pending() == []


def test_bucket_emptied_by_cancel_accepts_new_calls() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, bucket=1.0)
    log: list[tuple[object, float]] = []
    timer.call_later(0.5, lambda: None).cancel()
    timer.call_later(0.5, recorder(sched, log), "again")
    sched.run_all()
    assert log == [("again", 1.0)]


# -- cancel -------------------------------------------------------------------


def test_cancelled_call_does_not_run() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched)
    log: list[tuple[object, float]] = []
    keep = recorder(sched, log)
    timer.call_later(1, keep, "kept")
    timer.call_later(1, keep, "cancelled").cancel()
    sched.run_all()
    assert [tag for tag, _ in log] == ["kept"]


def test_cancel_twice_is_a_no_op() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched)
    call = timer.call_later(1, lambda: None)
    call.cancel()
    call.cancel()
    assert sched.pending() == []


def test_cancel_after_the_call_ran_is_a_no_op() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched)
    log: list[tuple[object, float]] = []
    call = timer.call_later(1, recorder(sched, log), "a")
    sched.run_all()
    call.cancel()
    assert log == [("a", 1.0)]


def test_call_cancelled_by_an_earlier_call_of_the_same_bucket_does_not_run() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, chunk_size=1)
    log: list[tuple[object, float]] = []
    victims: list[BatchedCall] = []
    timer.call_later(1, lambda: victims[0].cancel())
    victims.append(timer.call_later(1, recorder(sched, log), "victim"))
    timer.call_later(1, recorder(sched, log), "survivor")
    sched.run_all()
    assert [tag for tag, _ in log] == ["survivor"]


def test_call_cancelling_itself_while_running_is_harmless() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched)
    log: list[tuple[object, float]] = []
    me: list[BatchedCall] = []

    def cancel_self() -> None:
        me[0].cancel()
        log.append(("ran", sched.now))

    me.append(timer.call_later(1, cancel_self))
    sched.run_all()
    assert log == [("ran", 1.0)]


# -- order and chunking -------------------------------------------------------


def test_calls_of_a_bucket_run_in_scheduling_order() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, bucket=1.0, chunk_size=3)
    log: list[tuple[object, float]] = []
    rec = recorder(sched, log)
    for i, delay in enumerate([0.9, 0.1, 0.5, 0.2, 0.7, 0.3, 0.05]):
        timer.call_later(delay, rec, i)
    sched.run_all()
    assert [tag for tag, _ in log] == list(range(7))


def test_bucket_runs_chunk_size_calls_per_loop_turn() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, chunk_size=2)
    log: list[tuple[object, float]] = []
    rec = recorder(sched, log)
    for i in range(5):
        timer.call_later(1, rec, i)
    ran_per_turn = []
    while sched.step():
        ran_per_turn.append(len(log))
    assert ran_per_turn == [2, 4, 5]


def test_next_chunk_is_scheduled_with_zero_delay() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, chunk_size=1)
    for _ in range(2):
        timer.call_later(1, lambda: None)
    sched.step()
    assert [c.when for c in sched.pending()] == [1.0]


def test_earlier_bucket_finishes_before_a_later_bucket_starts() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, bucket=0.1, chunk_size=1)
    order: list[str] = []

    def slow(tag: str) -> None:
        order.append(tag)
        sched.now += 0.15  # the work takes longer than a bucket

    for tag in ("a1", "a2", "a3"):
        timer.call_later(0.1, slow, tag)
    timer.call_later(0.2, order.append, "b1")
    sched.run_all()
    assert order == ["a1", "a2", "a3", "b1"]


def test_call_scheduled_by_a_running_call_runs_later() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched)
    log: list[tuple[object, float]] = []
    rec = recorder(sched, log)

    def parent() -> None:
        timer.call_later(0, rec, "child")
        rec("parent")

    timer.call_later(1, parent)
    sched.run_all()
    assert [tag for tag, _ in log] == ["parent", "child"]


def test_kwargs_are_passed_to_func() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched)
    got: list[tuple[object, ...]] = []
    timer.call_later(1, lambda *a, **kw: got.append((a, kw)), 1, 2, x=3)
    sched.run_all()
    assert got == [((1, 2), {"x": 3})]


# -- errors -------------------------------------------------------------------


def test_raising_call_does_not_stop_the_rest_of_its_bucket() -> None:
    sched = FakeScheduler()
    errors: list[BaseException] = []
    timer = make_timer(sched, errors=errors)
    log: list[tuple[object, float]] = []
    rec = recorder(sched, log)

    def boom() -> None:
        raise ValueError("boom")

    timer.call_later(1, rec, "before")
    timer.call_later(1, boom)
    timer.call_later(1, rec, "after")
    sched.run_all()
    assert [tag for tag, _ in log] == ["before", "after"]


def test_each_error_is_reported_separately_from_inside_the_except_block() -> None:
    sched = FakeScheduler()
    seen: list[tuple[BaseException, bool]] = []

    def report(exc: BaseException) -> None:
        seen.append((exc, sys.exc_info()[1] is exc and exc.__traceback__ is not None))

    timer = BatchedTimer(1, call_later=sched.call_later, seconds=sched.seconds, report_error=report)
    first, second = ValueError("one"), KeyError("two")

    def raiser(exc: BaseException) -> None:
        raise exc

    timer.call_later(1, raiser, first)
    timer.call_later(1, raiser, second)
    sched.run_all()
    assert seen == [(first, True), (second, True)]


def test_keyboard_interrupt_propagates_and_remaining_calls_still_run() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched)
    log: list[tuple[object, float]] = []

    def interrupt() -> None:
        raise KeyboardInterrupt

    timer.call_later(1, interrupt)
    timer.call_later(1, recorder(sched, log), "rest")
    with pytest.raises(KeyboardInterrupt):
        sched.run_all()
    sched.run_all()
    assert log == [("rest", 1.0)]


# -- argument checking ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (0, ValueError),
        (-1.0, ValueError),
        (math.nan, ValueError),
        (math.inf, ValueError),
        ("1", TypeError),
        (None, TypeError),
        (True, TypeError),
    ],
)
def test_bad_bucket_seconds_is_rejected(value: object, error: type[Exception]) -> None:
    sched = FakeScheduler()
    with pytest.raises(error, match=r"bucket_seconds must be a (finite )?number of seconds"):
        BatchedTimer(
            value,  # type: ignore[arg-type]
            call_later=sched.call_later,
            seconds=sched.seconds,
            report_error=lambda e: None,
        )


@pytest.mark.parametrize(
    ("value", "error"),
    [(0, ValueError), (-3, ValueError), (1.5, TypeError), ("2", TypeError), (True, TypeError)],
)
def test_bad_chunk_size_is_rejected(value: object, error: type[Exception]) -> None:
    sched = FakeScheduler()
    with pytest.raises(error, match="chunk_size must be an int >= 1"):
        BatchedTimer(
            1,
            value,  # type: ignore[arg-type]
            call_later=sched.call_later,
            seconds=sched.seconds,
            report_error=lambda e: None,
        )


@pytest.mark.parametrize("name", ["call_later", "seconds", "report_error"])
def test_non_callable_loop_hook_is_rejected(name: str) -> None:
    sched = FakeScheduler()
    hooks: dict[str, object] = {
        "call_later": sched.call_later,
        "seconds": sched.seconds,
        "report_error": lambda e: None,
    }
    hooks[name] = 42
    with pytest.raises(TypeError, match=f"{name} must be callable"):
        BatchedTimer(1, **hooks)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (-0.001, ValueError),
        (math.nan, ValueError),
        (math.inf, ValueError),
        ("1", TypeError),
        (None, TypeError),
    ],
)
def test_bad_delay_is_rejected(value: object, error: type[Exception]) -> None:
    timer = make_timer(FakeScheduler())
    with pytest.raises(error, match="delay must be a"):
        timer.call_later(value, lambda: None)  # type: ignore[arg-type]


def test_non_callable_fn_is_rejected() -> None:
    timer = make_timer(FakeScheduler())
    with pytest.raises(TypeError, match="fn must be callable"):
        timer.call_later(1, "not callable")  # type: ignore[arg-type]


def test_rejected_call_leaves_no_delayed_call_behind() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched)
    with pytest.raises(ValueError, match="delay"):
        timer.call_later(-1, lambda: None)
    assert sched.pending() == []


# -- memory -------------------------------------------------------------------


class _Payload:
    pass


def test_handle_object_is_smaller_than_an_asyncio_timer_handle() -> None:
    loop = asyncio.new_event_loop()
    try:
        native = loop.call_later(10, lambda: None)
        timer = BatchedTimer(
            1, call_later=loop.call_later, seconds=loop.time, report_error=lambda e: None
        )
        batched = timer.call_later(10, lambda: None)
        assert not hasattr(batched, "__dict__")
        assert sys.getsizeof(batched) < sys.getsizeof(native)
        native.cancel()
        batched.cancel()
    finally:
        loop.close()


def _bytes_per_call(schedule: Callable[[], object], n: int = 2000) -> float:
    keep: list[object] = []
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(n):
            keep.append(schedule())
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / n


def test_pending_batched_call_costs_less_memory_than_a_native_asyncio_timer() -> None:
    loop = asyncio.new_event_loop()
    try:

        def noop() -> None:
            pass

        timer = BatchedTimer(
            1, call_later=loop.call_later, seconds=loop.time, report_error=lambda e: None
        )
        timer.call_later(10, noop)  # create the bucket outside the measurement
        native = _bytes_per_call(lambda: loop.call_later(10, noop))
        batched = _bytes_per_call(lambda: timer.call_later(10, noop))
        assert batched < native
    finally:
        loop.close()


def test_fired_call_releases_its_function_and_arguments() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched)
    payload = _Payload()
    ref = weakref.ref(payload)
    handle = timer.call_later(1, lambda p: None, payload)
    del payload
    sched.run_all()
    gc.collect()
    assert ref() is None
    assert handle is not None


def test_cancelled_call_releases_its_function_and_arguments() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched)
    payload = _Payload()
    ref = weakref.ref(payload)
    handle = timer.call_later(1, lambda p: None, payload)
    timer.call_later(1, lambda: None)  # keeps the bucket alive
    del payload
    handle.cancel()
    gc.collect()
    assert ref() is None


def test_timer_retains_no_memory_after_its_calls_ran() -> None:
    sched = FakeScheduler()
    timer = make_timer(sched, chunk_size=64)

    def noop() -> None:
        pass

    def cycle() -> None:
        handles = [timer.call_later(i % 5, noop) for i in range(5000)]
        for h in handles[::3]:
            h.cancel()
        del handles
        sched.run_all()
        gc.collect()

    cycle()  # warm up interpreter caches
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        cycle()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 4096


# -- property -----------------------------------------------------------------

_op = st.one_of(
    st.tuples(st.just("schedule"), st.floats(0, 5, allow_nan=False, allow_infinity=False)),
    st.tuples(st.just("cancel"), st.integers(0, 40)),
    st.tuples(st.just("advance"), st.floats(0, 3, allow_nan=False, allow_infinity=False)),
)


@settings(max_examples=300, deadline=None)
@given(
    bucket=st.one_of(
        st.sampled_from([0.001, 0.1, 0.25, 0.3, 1.0, 7.5]),
        st.floats(0.001, 10, allow_nan=False, allow_infinity=False),
    ),
    chunk_size=st.integers(1, 5),
    start=st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
    program=st.lists(_op, max_size=40),
)
def test_property_never_early_never_over_a_bucket_late_cancelled_never_run(
    bucket: float,
    chunk_size: int,
    start: float,
    program: list[tuple[str, float]],
) -> None:
    sched = FakeScheduler(start)
    timer = make_timer(sched, bucket=bucket, chunk_size=chunk_size)
    handles: list[BatchedCall] = []
    due: list[float] = []
    fired: dict[int, float] = {}
    cancelled: set[int] = set()

    def fire(i: int) -> None:
        assert i not in fired, "a call ran twice"
        fired[i] = sched.now

    for op, arg in program:
        if op == "schedule":
            due.append(sched.now + arg)
            handles.append(timer.call_later(arg, fire, len(handles)))
        elif op == "cancel" and handles:
            i = int(arg) % len(handles)
            handles[i].cancel()
            if i not in fired:
                cancelled.add(i)
        else:
            sched.advance(arg)
    sched.run_all()

    assert cancelled.isdisjoint(fired)
    assert set(fired) | cancelled == set(range(len(handles)))
    tolerance = 1e-9 * max(1.0, abs(sched.now))
    for i, at in fired.items():
        assert at >= due[i], "ran early"
        assert at - due[i] <= bucket + tolerance, "ran more than one bucket late"
    assert sched.pending() == []


# -- real schedulers ------------------------------------------------------------


def test_works_on_twisted_task_clock() -> None:
    task = pytest.importorskip("twisted.internet.task")
    clock = task.Clock()
    timer = BatchedTimer(
        0.25, call_later=clock.callLater, seconds=clock.seconds, report_error=lambda e: None
    )
    log: list[float] = []
    timer.call_later(0.3, lambda: log.append(clock.seconds()))
    timer.call_later(0.4, lambda: log.append(clock.seconds())).cancel()
    timer.call_later(0.6, lambda: None).cancel()  # last of its bucket: DelayedCall cancelled
    clock.advance(0.49)
    assert log == []
    clock.advance(0.01)
    assert log == [0.5]
    assert clock.getDelayedCalls() == []
