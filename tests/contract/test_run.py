"""txaio.run: choosing the framework and the loop, and bad input (in this process).

Running a real loop to the end, Ctrl-C and the reactor's one run per process
are tested in subprocesses: tests/e2e/test_run.py.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

import txaio
from txaio.testutil import VirtualClockLoop, replace_loop, use_framework


def main():
    return "ran"


def test_run_without_a_framework_before_selection_is_a_runtime_error():
    with use_framework(None), pytest.raises(RuntimeError, match="framework='asyncio'"):
        txaio.run(main)


def test_run_before_selection_with_an_unknown_framework_raises_value_error():
    with use_framework(None), pytest.raises(ValueError, match="framework must be one of"):
        txaio.run(main, framework="trio")
    assert txaio._explicit_framework is None


def test_run_before_selection_with_a_framework_not_a_string_raises_type_error():
    with use_framework(None), pytest.raises(TypeError, match="framework must be a string"):
        txaio.run(main, framework=["asyncio"])


def test_run_of_a_backend_module_before_selection_selects_its_framework():
    import txaio.aio

    loop = VirtualClockLoop()

    def on_the_loop():
        return txaio._explicit_framework, txaio.is_future(txaio.create_future())

    with use_framework(None):
        assert txaio.aio.with_config(loop=loop).run(on_the_loop) == ("asyncio", True)
        assert txaio.using_asyncio


def test_run_with_the_other_framework_than_the_selected_one_is_a_runtime_error(txaio_framework):
    other = "asyncio" if txaio_framework.name == "twisted" else "twisted"
    with pytest.raises(RuntimeError, match=f"txaio uses {txaio_framework.name}"):
        txaio.run(main, framework=other)


def test_run_with_main_not_callable_raises_type_error_naming_main(txaio_framework):
    with pytest.raises(TypeError, match="main must be callable, got str"):
        txaio.run("main")


def test_run_with_loop_factory_not_callable_raises_type_error(txaio_framework):
    with pytest.raises(TypeError, match="loop_factory must be callable, got int"):
        txaio.run(main, loop_factory=1)


@pytest.mark.txaio_frameworks("twisted")
def test_run_on_twisted_with_a_loop_factory_raises_value_error(txaio_framework):
    with pytest.raises(ValueError, match="loop_factory is for asyncio"):
        txaio.run(main, loop_factory=asyncio.new_event_loop)


@pytest.mark.txaio_frameworks("asyncio")
def test_run_with_a_loop_factory_while_a_loop_is_configured_raises_value_error(txaio_framework):
    with pytest.raises(ValueError, match="loop_factory cannot be used while txaio is configured"):
        txaio.run(main, loop_factory=asyncio.new_event_loop)


@pytest.mark.txaio_frameworks("twisted")
def test_run_on_twisted_configured_with_a_clock_that_cannot_run_is_a_runtime_error(
    txaio_framework,
):
    with (
        replace_loop(txaio.testutil.ReactorClock()),
        pytest.raises(RuntimeError, match="cannot run"),
    ):
        txaio.run(main)


def test_run_on_asyncio_runs_main_on_the_configured_loop_and_closes_it():
    loop = VirtualClockLoop()
    seen = []

    async def on_the_loop():
        await txaio.sleep(3600)  # virtual time: no wait
        seen.append(asyncio.get_running_loop())
        return "slept"

    with use_framework("asyncio"), replace_loop(loop):
        assert txaio.run(on_the_loop) == "slept"
    assert seen == [loop]
    assert loop.is_closed()


def test_with_config_run_runs_main_on_that_loop():
    loop = VirtualClockLoop()
    seen = []

    def on_the_loop(value):
        seen.append(asyncio.get_running_loop())
        return value

    with use_framework("asyncio"):
        assert txaio.with_config(loop=loop).run(on_the_loop, 7) == 7
    assert seen == [loop]


def test_run_on_a_loop_other_than_the_configured_one_is_a_runtime_error():
    configured, other = VirtualClockLoop(), VirtualClockLoop()
    try:
        with (
            use_framework("asyncio"),
            replace_loop(configured),
            pytest.raises(RuntimeError, match="would not use the loop that runs it"),
        ):
            txaio.with_config(loop=other).run(main)
    finally:
        configured.close()
        other.close()


def test_run_inside_a_running_loop_is_a_runtime_error():
    async def nested():
        with pytest.raises(RuntimeError, match="cannot be called from a running event loop"):
            txaio.run(main)
        return "checked"

    with use_framework("asyncio"):
        assert asyncio.run(nested()) == "checked"


def test_run_passes_arguments_but_not_framework_or_loop_factory_to_main():
    def echo(*args, **kwargs):
        return args, kwargs

    with use_framework("asyncio"), replace_loop(VirtualClockLoop()):
        result = txaio.run(echo, 1, 2, framework="asyncio", key="word")
    assert result == ((1, 2), {"key": "word"})


def _in_a_new_thread(function):
    """``function()``'s outcome in a thread of its own: a thread whose loop txaio made there."""
    outcome = []

    def target():
        try:
            outcome.append((True, function()))
        except BaseException as exc:
            outcome.append((False, exc))

    worker = threading.Thread(target=target)
    worker.start()
    worker.join(timeout=60)
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value


def test_run_on_asyncio_runs_timers_and_futures_made_before_it_on_the_thread_loop():
    def program():
        made_before = txaio.create_future()
        calls = []
        txaio.call_later(0, calls.append, "timer")
        txaio.call_later(0, txaio.resolve, made_before, "resolved")

        async def waits_for_them():
            value = await txaio.timeout(made_before, 30)
            return value, await txaio.gather([made_before]), calls, asyncio.get_running_loop()

        loop = made_before.get_loop()
        return loop, txaio.run(waits_for_them)

    with use_framework("asyncio"):
        loop, (value, gathered, calls, running) = _in_a_new_thread(program)
    assert (value, gathered, calls) == ("resolved", ["resolved"], ["timer"])
    assert running is loop
    assert loop.is_closed()  # cleaned up and closed as asyncio.run does


def test_run_on_asyncio_after_the_thread_loop_was_closed_runs_on_a_new_loop():
    def program():
        first = txaio.create_future().get_loop()
        first.close()
        return first, txaio.run(asyncio.get_running_loop)

    with use_framework("asyncio"):
        first, running = _in_a_new_thread(program)
    assert running is not first


def test_run_with_a_loop_factory_while_the_thread_loop_is_open_is_a_runtime_error():
    def program():
        txaio.create_future()  # txaio hands out the thread's loop
        made = []

        def factory():
            made.append(asyncio.new_event_loop())
            return made[-1]

        try:
            txaio.run(main, loop_factory=factory)
        finally:
            txaio.create_future().get_loop().close()
        return made

    with (
        use_framework("asyncio"),
        pytest.raises(RuntimeError, match=r"would never run\. Make the loop first"),
    ):
        _in_a_new_thread(program)


def test_run_with_a_loop_factory_when_txaio_handed_out_no_loop_uses_the_factory():
    def program():
        made = []

        def factory():
            made.append(VirtualClockLoop())
            return made[-1]

        return made, txaio.run(asyncio.get_running_loop, loop_factory=factory)

    with use_framework("asyncio"):
        made, running = _in_a_new_thread(program)
    assert made == [running]
