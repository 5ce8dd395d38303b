"""Threads on the real loops: ``threads_program.py`` on each backend, one ``txaio.run`` per process.

The program prints what happened; the tests read it. Nothing here waits on
time: the program's threads wait on events, and the process has a generous
limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_backends import backend_params, run_python

PROGRAM = Path(__file__).with_name("threads_program.py")
STOPPED = (
    ": the event loop has stopped or closed, so nothing would run the call "
    "(an application's loop stops when txaio.run returns)"
)


def run_program(backend: str, scenario: str) -> list[str]:
    """The lines the program printed; it must succeed, with nothing on stderr."""
    finished = run_python(PROGRAM, backend, scenario)
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    return finished.stdout.splitlines()


@pytest.mark.parametrize("backend", backend_params())
def test_a_job_round_trip_reads_the_same_on_every_backend(backend):
    assert run_program(backend, "round-trip") == [
        "call_from_thread ran on the main thread: True",
        "result: job / request 1 / loop thread is main: True",
        "error: KeyError('from the worker') raised in fail_in_thread: True",
        "cancelled: CancelledError",
        "a thread of my own: ['from my thread']",
        "run returned: done",
        "threads left: []",
        "after the loop stopped: call_from_thread()" + STOPPED,
        "after the loop stopped: blocking_call_from_thread()" + STOPPED,
    ]


@pytest.mark.parametrize("backend", backend_params())
def test_run_waits_for_a_job_still_running_and_leaves_no_thread(backend):
    assert run_program(backend, "still-running") == [
        "run returned: returned with a job running",
        "threads left: []",
    ]


@pytest.mark.parametrize("backend", backend_params())
def test_stress_in_the_real_pools_loses_and_doubles_nothing(backend):
    assert run_program(backend, "stress") == [
        "calls arrived: 10000 distinct: 10000 in order: True",
        "jobs: 10000 distinct results: 10000",
        "run returned: done",
        "threads left: []",
    ]


@pytest.mark.parametrize("backend", backend_params())
def test_thread_work_given_before_run_runs_once_the_loop_runs(backend):
    assert run_program(backend, "before-run") == [
        "queued from a thread",
        "run returned: ran in a thread before run",
        "threads left: []",
    ]
