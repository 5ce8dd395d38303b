"""End to end on real loops: the echo program (``echo_program.py``) on each backend.

Each backend runs in a process of its own: Twisted's reactor is installed
once per process (and ``asyncioreactor`` must be installed before anything
imports ``twisted.internet.reactor``), and a real reactor cannot be restarted.
The program has a watchdog timer of its own; the process gets a hard limit too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_backends import backend_params, run_python

PROGRAM = Path(__file__).with_name("echo_program.py")

#: What the loop or reactor running each backend is (module and class name prefix).
RUNNING_ON = {
    "asyncio": "asyncio.",
    "asyncio-uvloop": "uvloop.",
    "twisted": "twisted.internet.",
    "twisted-asyncioreactor": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
}

ECHOED = [
    "connected over 127.0.0.1",
    "echoed b'one'",
    "echoed b'two'",
    "echoed b'three'",
]
SHARED_LOOP = "asyncio code on the same loop echoed b'shared'"
ENDING = ["slept on the real clock", "done"]


@pytest.mark.parametrize("backend", backend_params())
def test_tcp_echo_over_loopback_on_a_real_loop(backend):
    finished = run_python(PROGRAM, backend)
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    running_on, *lines = finished.stdout.splitlines()
    assert running_on.startswith(f"running on {RUNNING_ON[backend]}")
    if backend == "twisted":
        assert "asyncioreactor" not in running_on
        assert lines == [*ECHOED, *ENDING]
    else:
        assert lines == [*ECHOED, SHARED_LOOP, *ENDING]
