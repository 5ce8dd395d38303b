"""Threads on the real loops, for ``test_threads.py``: one ``txaio.run`` per process.

Usage: ``python threads_program.py BACKEND SCENARIO`` with BACKEND as in
``run_program.py`` and SCENARIO one of:

``round-trip``
    ``main`` runs jobs in the framework's own pool: a result, an error, the
    caller's context variables, calls back to the loop from the job, a
    cancelled job whose late result is dropped, and a thread of the user's
    own given the loop with ``with_config``. Afterwards: the threads still
    alive, and ``call_from_thread`` once the loop has stopped.
``still-running``
    ``main`` returns while a job is still running; ``run`` waits for it
    (the pool is shut down) and no worker thread is left.
``stress``
    8 jobs each make 1,250 ``call_from_thread`` calls, and 10,000
    ``run_in_thread`` jobs run, in the real pools: the counts that arrived.
``before-run``
    ``run_in_thread`` and ``call_from_thread`` before ``txaio.run`` (Twisted:
    queued for the reactor; asyncio: on the configured loop).
"""

from __future__ import annotations

import contextvars
import sys
import threading
from collections import Counter
from typing import Any

BACKEND, SCENARIO = sys.argv[1], sys.argv[2]
FRAMEWORK = BACKEND.split("-")[0]

if BACKEND == "twisted-asyncioreactor":
    import asyncio

    from twisted.internet import asyncioreactor

    asyncioreactor.install(asyncio.new_event_loop())

import txaio  # noqa: E402  (after the reactor is installed)

txaio.use_asyncio() if FRAMEWORK == "asyncio" else txaio.use_twisted()

request = contextvars.ContextVar("request", default="unset")


def run(main: Any, *args: Any, **kwargs: Any) -> Any:
    """``txaio.run`` with the backend's framework (and loop factory)."""
    if BACKEND == "asyncio-uvloop":
        import uvloop

        kwargs["loop_factory"] = uvloop.new_event_loop
    return txaio.run(main, *args, framework=FRAMEWORK, **kwargs)


def running_loop() -> Any:
    """The loop running ``main``, found the framework's own way (as a user would)."""
    if FRAMEWORK == "asyncio":
        import asyncio

        return asyncio.get_running_loop()
    from twisted.internet import reactor

    return reactor


def other_threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t is not threading.main_thread())


def fail_in_thread() -> None:
    raise KeyError("from the worker")


def on_the_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def in_the_worker(word: str) -> str:
    txaio.call_from_thread(
        lambda: print("call_from_thread ran on the main thread:", on_the_main_thread())
    )
    on_loop = txaio.blocking_call_from_thread(threading.current_thread)
    return f"{word} / {request.get()} / loop thread is main: {on_loop is threading.main_thread()}"


async def main_round_trip() -> str:
    request.set("request 1")
    print("result:", await txaio.run_in_thread(in_the_worker, "job"))
    try:
        await txaio.run_in_thread(fail_in_thread)
    except KeyError as exc:
        print("error:", repr(exc), "raised in fail_in_thread:", _raised_in(exc, "fail_in_thread"))
    release = threading.Event()
    cancelled = txaio.run_in_thread(lambda: release.wait() and "late")
    txaio.add_callbacks(
        cancelled, print, lambda failure: print("cancelled:", failure.value.__class__.__name__)
    )
    txaio.cancel(cancelled)
    release.set()
    api = txaio.with_config(loop=running_loop())
    answers: list[Any] = []
    thread = threading.Thread(
        target=lambda: answers.append(api.blocking_call_from_thread(lambda: "from my thread"))
    )
    thread.start()
    await txaio.run_in_thread(thread.join)
    print("a thread of my own:", answers)
    return "done"


def _raised_in(exc: BaseException, name: str) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == name:
            return True
        tb = tb.tb_next
    return False


async def main_still_running() -> str:
    started, returned, release = threading.Event(), threading.Event(), threading.Event()

    def slow() -> None:
        started.set()
        release.wait()  # still waiting when main returns

    def release_once_main_returned() -> None:
        returned.wait()
        release.set()

    txaio.run_in_thread(slow)
    await txaio.run_in_thread(started.wait)
    # Not through the loop: on Twisted the reactor's pool is joined while it shuts down.
    threading.Thread(target=release_once_main_returned).start()
    returned.set()
    return "returned with a job running"


THREADS, CALLS, JOBS = 8, 1_250, 10_000


async def main_stress() -> str:
    calls: Counter[tuple[int, int]] = Counter()
    in_order: list[bool] = []

    def caller(thread: int) -> None:
        for number in range(CALLS):
            txaio.call_from_thread(calls.update, ((thread, number),))
        last: list[int] = []
        txaio.blocking_call_from_thread(lambda: last.append(0))  # all calls before it ran
        numbers = [n for (t, n) in calls if t == thread]
        in_order.append(numbers == list(range(CALLS)))

    await txaio.gather([txaio.run_in_thread(caller, thread) for thread in range(THREADS)])
    results = await txaio.gather([txaio.run_in_thread(int, n) for n in range(JOBS)])
    print(
        "calls arrived:", sum(calls.values()), "distinct:", len(calls), "in order:", all(in_order)
    )
    print("jobs:", len(results), "distinct results:", len(set(results)))
    return "done"


if SCENARIO == "round-trip":
    print("run returned:", run(main_round_trip))
    print("threads left:", other_threads())
    for call in (txaio.call_from_thread, txaio.blocking_call_from_thread):
        try:
            call(print, "never")
        except RuntimeError as exc:
            print("after the loop stopped:", exc)
elif SCENARIO == "still-running":
    print("run returned:", run(main_still_running))
    print("threads left:", other_threads())
elif SCENARIO == "stress":
    print("run returned:", run(main_stress))
    print("threads left:", other_threads())
elif SCENARIO == "before-run":
    if BACKEND == "asyncio":
        import asyncio

        txaio.config.loop = asyncio.new_event_loop()  # the loop txaio.run will run
    elif BACKEND == "asyncio-uvloop":
        import uvloop

        txaio.config.loop = uvloop.new_event_loop()
    early = txaio.run_in_thread(lambda: "ran in a thread before run")
    caller = threading.Thread(target=txaio.call_from_thread, args=(print, "queued from a thread"))
    caller.start()
    caller.join()

    async def main_before_run() -> str:
        return await early

    print("run returned:", txaio.run(main_before_run, framework=FRAMEWORK))
    print("threads left:", other_threads())
else:
    raise SystemExit(f"unknown scenario {SCENARIO!r}")
