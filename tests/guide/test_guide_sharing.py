"""Libraries that share a process, as docs/guide/sharing.rst shows them.

The libraries are in ``tests/guide/sharing/``; the program that runs two of them
on Twisted's asyncio reactor runs in a process of its own (a reactor is
installed once per process).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import txaio
from txaio.testutil import use_framework

SHARING = Path(__file__).resolve().parent / "sharing"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"sharing_{name}", SHARING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("application_selects", ["none", "twisted", "asyncio"])
def test_a_twisted_library_and_an_asyncio_library_share_twisteds_asyncio_reactor(
    application_selects,
):
    process = subprocess.run(
        [sys.executable, "-W", "error", "two_libraries.py", application_selects],
        cwd=SHARING,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    selected = {"none": "False False", "twisted": "True False", "asyncio": "False True"}
    assert process.stdout.splitlines() == [
        "heartbeat: 3 beats",
        "fetched: [2, 4, 6]",
        "timed out: True",
        "asyncio library on the reactor's loop: True",
        f"selected: {selected[application_selects]}",
    ]


def test_a_library_imported_before_selection_selects_nothing():
    with use_framework(None):
        library = _load("neutral_lib")
        assert (txaio.using_asyncio, txaio.using_twisted) == (False, False)
        assert txaio.time_ns() >= library.STARTED_NS


def test_a_library_prefers_asyncio_when_the_application_chose_nothing():
    library = _load("neutral_lib")
    with use_framework(None):
        future = library.connect("example.org")
        assert txaio.using_asyncio
        assert txaio.is_future(future)


def test_a_library_keeps_the_framework_the_application_chose():
    library = _load("neutral_lib")
    with use_framework("twisted"):
        future = library.connect("example.org")
        assert txaio.using_twisted
        assert type(future).__name__ == "Deferred"
