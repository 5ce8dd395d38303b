"""An application started with ``txaio.run``, for ``test_run.py``: one run per process.

Usage: ``python run_program.py BACKEND SCENARIO`` with BACKEND one of
``asyncio``, ``asyncio-uvloop`` (``loop_factory=uvloop.new_event_loop``),
``twisted`` (Twisted's default reactor) or ``twisted-asyncioreactor``
(installed before txaio is imported), and SCENARIO one of:

``result``
    ``main`` checks it runs on the loop txaio uses, leaves an asyncio task
    and an async generator pending (where there is an asyncio loop), and
    returns a value; the program prints what ``run`` returned and the state
    of the loop afterwards.
``error-after-await`` / ``error-at-once``
    ``main`` raises, after a loop turn or at once; ``run`` raises it.
``sigint``
    ``main`` prints "ready" and waits forever; the test sends SIGINT.
``twice``
    ``run`` twice in one process.
``before-run``
    A timer (five pings, each scheduling the next) and a future that a timer
    resolves are made before ``run``; ``main`` awaits the future through
    ``timeout`` and ``gather`` and waits for the pings. With
    ``loop_factory`` (``asyncio-uvloop``) ``run`` refuses, as that work waits
    on the thread's loop; the program prints why, then runs without it.
``loop-first``
    (``asyncio-uvloop``) The way to run such work on uvloop: its loop is made
    and set as the thread's loop before anything is scheduled, then ``run``
    without ``loop_factory``.
"""

from __future__ import annotations

import sys
from typing import Any

BACKEND, SCENARIO = sys.argv[1], sys.argv[2]
FRAMEWORK = BACKEND.split("-")[0]

if SCENARIO == "sigint":
    import signal

    # Ctrl-C as in a program started from a terminal: a test run started in the background
    # (`make test &`, some CI runners) leaves SIGINT ignored, and Python keeps it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)

if BACKEND == "twisted-asyncioreactor":
    import asyncio

    from twisted.internet import asyncioreactor

    asyncioreactor.install(asyncio.new_event_loop())

import txaio  # noqa: E402  (after the reactor is installed)

#: What main saw: the loop it ran on.
seen: dict[str, Any] = {}


def run(main: Any, *args: Any, **kwargs: Any) -> Any:
    """``txaio.run`` with the backend's framework (and loop factory)."""
    if BACKEND == "asyncio-uvloop":
        import uvloop

        kwargs["loop_factory"] = uvloop.new_event_loop
    return txaio.run(main, *args, framework=FRAMEWORK, **kwargs)


def the_asyncio_loop() -> Any:
    """The asyncio loop running now (under Twisted: the asyncio reactor's), or None."""
    if FRAMEWORK == "asyncio":
        import asyncio

        return asyncio.get_running_loop()
    if BACKEND == "twisted-asyncioreactor":
        from twisted.internet import reactor

        return reactor._asyncioEventloop
    return None


async def counting():
    try:
        for number in range(3):
            yield number
    finally:
        print("async generator closed")


async def pending_forever() -> None:
    import asyncio

    try:
        await asyncio.get_running_loop().create_future()
    finally:
        print("pending task cancelled")


async def main_result(word: str, *, times: int) -> str:
    await txaio.sleep(0)
    loop = the_asyncio_loop()
    seen["loop"] = loop
    if FRAMEWORK == "asyncio":
        future_loop = txaio.create_future().get_loop()
        print("txaio uses the running loop:", future_loop is loop)
        print("loop type:", type(loop).__module__)
    else:
        from twisted.internet import reactor

        timer = txaio.call_later(60, print)
        used = reactor.running and timer in reactor.getDelayedCalls()
        print("txaio uses the running reactor:", used)
        timer.cancel()
        print("reactor type:", type(reactor).__name__)
    if loop is not None:
        import asyncio

        seen["task"] = asyncio.ensure_future(pending_forever(), loop=loop)  # kept: tasks are weak
        await txaio.sleep(0)  # the task starts
        generator = counting()
        print("async generator gave", await generator.__anext__())
    return " ".join([word] * times)


async def main_error_after_await() -> None:
    await txaio.sleep(0)
    raise ValueError("main failed after a loop turn")


def main_error_at_once() -> None:
    raise LookupError("main failed at once")


async def main_sigint() -> None:
    waiting = txaio.create_future()
    print("ready", flush=True)
    try:
        await waiting
    finally:
        print("main cleaned up", flush=True)


def main_plain(value: int) -> int:
    return value * 2


def schedule_before_run() -> Any:
    """Work made before ``run``: five pings on a timer, and a future a timer resolves."""
    pings: list[int] = []
    pinged = txaio.create_future()
    later = txaio.create_future()

    def ping() -> None:
        pings.append(len(pings) + 1)
        if len(pings) < 5:
            txaio.call_later(0, ping)
        else:
            txaio.resolve(pinged, len(pings))

    txaio.call_later(0, ping)
    txaio.call_later(0, txaio.resolve, later, "resolved by a timer made before run")

    async def main_before_run() -> None:
        print("timeout gave:", await txaio.timeout(later, 20))
        print("gather gave:", await txaio.gather([later]))
        print("pings sent:", await txaio.timeout(pinged, 20))
        loop = the_asyncio_loop()
        if loop is not None:
            print("loop type:", type(loop).__module__)

    return main_before_run


def run_on_uvloop_with_work_made_before() -> None:
    import asyncio

    import uvloop

    asyncio.set_event_loop(uvloop.new_event_loop())  # or: txaio.config.loop = the loop
    txaio.use_asyncio()
    main = schedule_before_run()  # its futures and timers are on the uvloop loop
    txaio.run(main)  # no loop_factory: main runs on that loop too


if SCENARIO == "result":
    print("run returned:", run(main_result, "hop", times=2))
    loop = seen["loop"]
    if loop is not None:
        print("asyncio loop closed:", loop.is_closed())
    if FRAMEWORK == "twisted":
        from twisted.internet import reactor

        print("reactor running:", reactor.running)
elif SCENARIO == "error-after-await":
    run(main_error_after_await)
elif SCENARIO == "error-at-once":
    run(main_error_at_once)
elif SCENARIO == "sigint":
    run(main_sigint)
elif SCENARIO == "twice":
    print("first run:", run(main_plain, 1))
    try:
        print("second run:", run(main_plain, 2))
    except RuntimeError as exc:
        print("second run refused:", exc)
elif SCENARIO == "before-run":
    txaio.use_asyncio() if FRAMEWORK == "asyncio" else txaio.use_twisted()
    main_before_run = schedule_before_run()
    try:
        run(main_before_run)
    except RuntimeError as exc:
        print("run refused:", exc)
        txaio.run(main_before_run)
elif SCENARIO == "loop-first":
    run_on_uvloop_with_work_made_before()
else:
    raise SystemExit(f"unknown scenario {SCENARIO!r}")
