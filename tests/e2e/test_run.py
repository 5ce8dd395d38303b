"""``txaio.run`` on real loops: ``run_program.py`` on each backend, one run per process.

A process per run: ``run`` starts the framework's own loop (a reactor runs
once per process), and Ctrl-C is a real SIGINT sent to the child. Nothing
here measures time: the child says "ready" from inside ``main`` before the
signal is sent, and every wait has a generous limit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from e2e_backends import PROCESS_LIMIT_SECONDS, backend_params, run_python

PROGRAM = Path(__file__).with_name("run_program.py")

#: What the framework reports on stderr when work is dropped on the floor.
LOST_WORK = ["Task was destroyed but it is pending", "Unhandled error in Deferred", "Warning"]


def run_program(backend: str, scenario: str) -> subprocess.CompletedProcess[str]:
    """Run the program to its end, warnings as errors."""
    return run_python(PROGRAM, backend, scenario)


def assert_no_lost_work(stderr: str) -> None:
    for complaint in LOST_WORK:
        assert complaint not in stderr


@pytest.mark.parametrize("backend", backend_params())
def test_run_returns_what_main_returns(backend):
    finished = run_program(backend, "result")
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    assert "run returned: hop hop" in finished.stdout.splitlines()


@pytest.mark.parametrize("backend", backend_params(frameworks=("asyncio",)))
def test_main_runs_on_the_loop_txaio_uses(backend):
    lines = run_program(backend, "result").stdout.splitlines()
    assert "txaio uses the running loop: True" in lines
    loop_module = "uvloop" if backend == "asyncio-uvloop" else "asyncio."
    assert any(line.startswith(f"loop type: {loop_module}") for line in lines)


@pytest.mark.parametrize("backend", backend_params(frameworks=("twisted",)))
def test_main_runs_on_the_installed_reactor(backend):
    lines = run_program(backend, "result").stdout.splitlines()
    assert "txaio uses the running reactor: True" in lines
    on_asyncio = "reactor type: AsyncioSelectorReactor" in lines
    assert on_asyncio == (backend == "twisted-asyncioreactor")


@pytest.mark.parametrize(
    "backend", backend_params(exclude=("twisted",))
)  # those with an asyncio loop
def test_run_cancels_pending_tasks_shuts_down_async_generators_and_closes_the_loop(backend):
    finished = run_program(backend, "result")
    lines = finished.stdout.splitlines()
    assert "pending task cancelled" in lines
    assert "async generator closed" in lines
    assert "asyncio loop closed: True" in lines
    assert_no_lost_work(finished.stderr)


@pytest.mark.parametrize("backend", backend_params(frameworks=("twisted",)))
def test_run_leaves_the_reactor_stopped(backend):
    assert "reactor running: False" in run_program(backend, "result").stdout.splitlines()


@pytest.mark.parametrize("backend", backend_params())
def test_run_raises_mains_exception_with_its_traceback(backend):
    finished = run_program(backend, "error-after-await")
    assert finished.returncode == 1
    assert finished.stderr.rstrip().endswith("ValueError: main failed after a loop turn")
    assert 'raise ValueError("main failed after a loop turn")' in finished.stderr
    assert_no_lost_work(finished.stderr)


@pytest.mark.parametrize("backend", backend_params())
def test_run_raises_the_exception_of_a_plain_main_with_its_traceback(backend):
    finished = run_program(backend, "error-at-once")
    assert finished.returncode == 1
    assert finished.stderr.rstrip().endswith("LookupError: main failed at once")
    assert 'raise LookupError("main failed at once")' in finished.stderr
    assert_no_lost_work(finished.stderr)


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill(pid, SIGINT) is POSIX")
@pytest.mark.parametrize("backend", backend_params())
def test_sigint_cancels_main_and_ends_the_process_with_keyboard_interrupt(backend):
    child = subprocess.Popen(
        [sys.executable, "-W", "error", str(PROGRAM), backend, "sigint"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"  # printed by main, on the running loop
        os.kill(child.pid, signal.SIGINT)
        stdout, stderr = child.communicate(timeout=PROCESS_LIMIT_SECONDS)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    # An uncaught KeyboardInterrupt ends Python by SIGINT: status 130 in a shell.
    assert child.returncode == -signal.SIGINT, stderr
    assert stdout == "main cleaned up\n"
    assert stderr.rstrip().endswith("KeyboardInterrupt")
    assert_no_lost_work(stderr)


@pytest.mark.parametrize("backend", backend_params(frameworks=("twisted",)))
def test_a_second_run_on_twisted_is_refused_because_a_reactor_cannot_restart(backend):
    finished = run_program(backend, "twice")
    assert finished.returncode == 0, finished.stderr
    first, second = finished.stdout.splitlines()
    assert first == "first run: 2"
    assert second.startswith("second run refused: the Twisted reactor cannot be restarted")


@pytest.mark.parametrize("backend", backend_params(frameworks=("asyncio",)))
def test_a_second_run_on_asyncio_runs_on_a_new_loop(backend):
    finished = run_program(backend, "twice")
    assert finished.stdout.splitlines() == ["first run: 2", "second run: 4"]


WORK_MADE_BEFORE_RUN = [
    "timeout gave: resolved by a timer made before run",
    "gather gave: ['resolved by a timer made before run']",
    "pings sent: 5",
]


@pytest.mark.parametrize("backend", backend_params(exclude=("asyncio-uvloop",)))
def test_timers_and_futures_made_before_run_run_on_the_loop_that_runs_main(backend):
    finished = run_program(backend, "before-run")
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""  # no ResourceWarning for a loop left behind
    assert finished.stdout.splitlines()[:3] == WORK_MADE_BEFORE_RUN


@pytest.mark.parametrize("backend", backend_params(frameworks=("asyncio",), exclude=("asyncio",)))
def test_run_with_a_loop_factory_refuses_while_work_waits_on_the_thread_loop(backend):
    finished = run_program(backend, "before-run")
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    refused, *rest = finished.stdout.splitlines()
    assert refused.startswith(
        "run refused: txaio.run() with a loop_factory would run main on a new loop, but txaio "
        "already handed out this thread's loop"
    )
    assert rest[:3] == WORK_MADE_BEFORE_RUN  # the work was not lost: run without the factory


@pytest.mark.parametrize("backend", backend_params(frameworks=("asyncio",), exclude=("asyncio",)))
def test_work_made_before_run_on_a_uvloop_loop_set_first_runs_on_uvloop(backend):
    finished = run_program(backend, "loop-first")
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    assert finished.stdout.splitlines() == [*WORK_MADE_BEFORE_RUN, "loop type: uvloop"]
