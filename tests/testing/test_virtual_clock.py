"""Behaviour of VirtualClockLoop, the asyncio loop with a virtual clock."""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
from collections.abc import Iterator

import pytest

from txaio._testing.virtual_clock import VirtualClockLoop


@pytest.fixture
def loop() -> Iterator[VirtualClockLoop]:
    vloop = VirtualClockLoop()
    try:
        yield vloop
    finally:
        vloop.close()


def test_clock_starts_at_zero(loop: VirtualClockLoop) -> None:
    assert loop.time() == 0.0
    assert loop.seconds() == 0.0


def test_advance_moves_the_clock_by_exactly_the_given_amount(loop: VirtualClockLoop) -> None:
    loop.advance(1.5)
    loop.advance(2)
    assert loop.time() == 3.5


def test_call_later_does_not_run_before_its_time(loop: VirtualClockLoop) -> None:
    ran: list[float] = []
    loop.call_later(1.0, lambda: ran.append(loop.time()))
    loop.advance(0.999)
    assert ran == []


def test_call_later_runs_at_exactly_its_time(loop: VirtualClockLoop) -> None:
    ran: list[float] = []
    loop.call_later(1.0, lambda: ran.append(loop.time()))
    loop.advance(0.999)
    loop.advance(0.001)
    assert ran == [1.0]


def test_advance_past_several_timers_runs_each_at_its_own_time_in_order(
    loop: VirtualClockLoop,
) -> None:
    ran: list[tuple[str, float]] = []
    loop.call_later(3, lambda: ran.append(("c", loop.time())))
    loop.call_later(1, lambda: ran.append(("a", loop.time())))
    loop.call_at(2, lambda: ran.append(("b", loop.time())))
    loop.advance(10)
    assert ran == [("a", 1.0), ("b", 2.0), ("c", 3.0)]
    assert loop.time() == 10.0


def test_callbacks_scheduled_while_advancing_run_if_due_within_the_window(
    loop: VirtualClockLoop,
) -> None:
    ran: list[float] = []

    def tick() -> None:
        ran.append(loop.time())
        loop.call_later(1, tick)

    loop.call_later(1, tick)
    loop.advance(3.5)
    assert ran == [1.0, 2.0, 3.0]


def test_call_soon_callbacks_run_on_advance_zero(loop: VirtualClockLoop) -> None:
    ran: list[str] = []
    loop.call_soon(ran.append, "first")
    loop.call_soon(lambda: loop.call_soon(ran.append, "chained"))
    loop.advance(0)
    assert ran == ["first", "chained"]
    assert loop.time() == 0.0


def test_run_pending_runs_ready_callbacks_without_moving_the_clock(
    loop: VirtualClockLoop,
) -> None:
    ran: list[str] = []
    loop.call_soon(ran.append, "soon")
    loop.call_later(1, ran.append, "later")
    loop.run_pending()
    assert ran == ["soon"]
    assert loop.time() == 0.0


def test_future_done_callbacks_run_after_advance_zero(loop: VirtualClockLoop) -> None:
    fut = loop.create_future()
    got: list[object] = []
    fut.add_done_callback(lambda f: got.append(f.result()))
    fut.set_result(42)
    assert got == []
    loop.advance(0)
    assert got == [42]


def test_cancelled_call_later_does_not_run(loop: VirtualClockLoop) -> None:
    ran: list[str] = []
    loop.call_later(1, ran.append, "cancelled").cancel()
    loop.call_later(2, ran.append, "kept")
    loop.advance(5)
    assert ran == ["kept"]


def test_cancelled_call_soon_does_not_run(loop: VirtualClockLoop) -> None:
    ran: list[str] = []
    loop.call_soon(ran.append, "cancelled").cancel()
    loop.advance(0)
    assert ran == []


def test_asyncio_sleep_in_a_task_completes_only_after_advancing(
    loop: VirtualClockLoop,
) -> None:
    async def sleeper() -> float:
        await asyncio.sleep(5)
        return loop.time()

    task = loop.create_task(sleeper())
    loop.advance(4.9)
    assert not task.done()
    loop.advance(0.1)
    assert task.done()
    assert task.result() == 5.0


def test_wait_for_times_out_when_the_clock_reaches_the_timeout(
    loop: VirtualClockLoop,
) -> None:
    never = loop.create_future()
    task = loop.create_task(asyncio.wait_for(never, timeout=5))
    loop.advance(4.999)
    assert not task.done()
    loop.advance(0.001)
    assert task.done()
    with pytest.raises(asyncio.TimeoutError):
        task.result()
    assert never.cancelled()


def test_wait_for_returns_the_result_when_it_comes_before_the_timeout(
    loop: VirtualClockLoop,
) -> None:
    fut = loop.create_future()
    task = loop.create_task(asyncio.wait_for(fut, timeout=5))
    loop.advance(3)
    fut.set_result("ok")
    loop.advance(0)
    assert task.result() == "ok"
    loop.advance(10)  # the cancelled timeout must not disturb anything


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout is 3.11+")
def test_asyncio_timeout_context_manager_expires_on_virtual_time(
    loop: VirtualClockLoop,
) -> None:
    async def guarded() -> str:
        try:
            async with asyncio.timeout(2):  # type: ignore[attr-defined,unused-ignore]
                await asyncio.sleep(10)
        except TimeoutError:
            return f"timed out at {loop.time()}"
        return "not timed out"

    task = loop.create_task(guarded())
    loop.advance(2)
    assert task.result() == "timed out at 2.0"


def test_run_until_complete_jumps_the_clock_instead_of_sleeping(
    loop: VirtualClockLoop,
) -> None:
    async def main() -> float:
        await asyncio.sleep(3600)
        await asyncio.sleep(0.5)
        return loop.time()

    assert loop.run_until_complete(main()) == 3600.5


def test_run_until_complete_waits_for_a_thread_when_nothing_is_scheduled(
    loop: VirtualClockLoop,
) -> None:
    fut = loop.create_future()
    worker = threading.Thread(target=loop.call_soon_threadsafe, args=(fut.set_result, "done"))

    async def main() -> object:
        worker.start()
        return await fut

    assert loop.run_until_complete(main()) == "done"
    worker.join()
    assert loop.time() == 0.0


def test_stop_called_by_a_callback_does_not_cut_advance_short(
    loop: VirtualClockLoop,
) -> None:
    ran: list[float] = []
    loop.call_later(1, loop.stop)
    loop.call_later(2, lambda: ran.append(loop.time()))
    loop.advance(3)
    assert ran == [2.0]


def test_many_cancelled_timers_are_forgotten(loop: VirtualClockLoop) -> None:
    handles = [loop.call_later(100 + i, lambda: None) for i in range(5000)]
    for handle in handles:
        handle.cancel()
    ran: list[float] = []
    loop.call_later(1, lambda: ran.append(loop.time()))
    loop.advance(200)
    assert ran == [1.0]


@pytest.mark.parametrize(
    ("value", "error"),
    [(-1, ValueError), (float("nan"), ValueError), (float("inf"), ValueError), ("1", TypeError)],
)
def test_advance_rejects_bad_seconds(
    loop: VirtualClockLoop, value: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match="seconds must be a"):
        loop.advance(value)  # type: ignore[arg-type]


def test_advance_from_inside_the_running_loop_is_refused(loop: VirtualClockLoop) -> None:
    errors: list[BaseException] = []

    def nested() -> None:
        try:
            loop.advance(1)
        except RuntimeError as exc:
            errors.append(exc)

    loop.call_soon(nested)
    loop.advance(0)
    assert len(errors) == 1
    assert "inside the running loop" in str(errors[0])


def test_close_is_clean_and_leaves_nothing_to_warn_about() -> None:
    vloop = VirtualClockLoop()
    vloop.call_later(5, lambda: None)
    vloop.advance(1)
    vloop.close()
    assert vloop.is_closed()
    del vloop
    gc.collect()  # -W error turns a ResourceWarning from __del__ into a failure


def test_works_as_asyncio_run_loop_factory() -> None:
    if sys.version_info < (3, 12):
        pytest.skip("asyncio.run(loop_factory=...) is 3.12+")

    async def main() -> float:
        await asyncio.sleep(30)
        return asyncio.get_running_loop().time()

    assert asyncio.run(main(), loop_factory=VirtualClockLoop) == 30.0  # type: ignore[call-arg,unused-ignore]


def test_a_timer_rearmed_until_its_deadline_runs_once_at_its_time(loop: VirtualClockLoop) -> None:
    seen: list[float] = []

    def rearm_until_deadline() -> None:
        seen.append(loop.time())
        if loop.time() < 2.1 and len(seen) < 5:
            loop.call_at(2.1, rearm_until_deadline)

    loop.call_at(2.1, rearm_until_deadline)
    for _ in range(210):  # added as floats, 210 x 0.01 is a hair below 2.1; exactly, 2.1
        loop.advance(0.01)
    assert seen == [2.1]


def test_a_timer_a_hair_after_the_clock_does_not_run(loop: VirtualClockLoop) -> None:
    # asyncio's own loop runs a timer within its clock resolution (~1e-9 s) early.
    ran: list[float] = []
    loop.call_at(1.0, lambda: ran.append(loop.time()))
    loop.advance(1.0 - 1e-12)
    assert ran == []
    assert loop.time() == 1.0 - 1e-12


def test_run_until_complete_runs_a_due_timer_at_its_own_time(loop: VirtualClockLoop) -> None:
    async def main() -> float:
        await asyncio.sleep(0.1)
        await asyncio.sleep(0.2)
        return loop.time()

    assert loop.run_until_complete(main()) == 0.1 + 0.2  # each sleep from the time it began
