"""txaio.testutil and the plugin, the public faces of the test-tools wing (txaio._testing)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import txaio.testutil


@pytest.mark.parametrize(
    "module", ["txaio.testutil", "txaio.pytest_plugin", "txaio._testing", "txaio._testing.backends"]
)
def test_importing_a_test_tool_imports_no_framework(module):
    # pytest is imported first: what it loads itself is not the tool's doing.
    code = (
        "import sys, pytest; before = set(sys.modules)\n"
        f"import {module}\n"
        "loaded = {name.partition('.')[0] for name in set(sys.modules) - before}\n"
        "print(sorted(loaded & {'asyncio', 'twisted', 'uvloop'}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_testutil_gives_the_virtual_clock_loop_of_the_wing():
    from txaio._testing.virtual_clock import VirtualClockLoop

    assert txaio.testutil.VirtualClockLoop is VirtualClockLoop


def test_testutil_gives_the_reactor_clock_of_the_wing():
    from txaio._testing.reactor_clock import ReactorClock

    assert txaio.testutil.ReactorClock is ReactorClock


def test_testutil_names_what_it_lacks():
    with pytest.raises(AttributeError, match=r"'txaio\.testutil' has no attribute 'UvloopClock'"):
        txaio.testutil.UvloopClock  # noqa: B018
