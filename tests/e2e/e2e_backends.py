"""The backends an end-to-end test runs on: one pytest param each, skipped when not installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from txaio._testing.backends import TEST_BACKENDS


def backend_params(
    *, frameworks: tuple[str, ...] = ("asyncio", "twisted"), exclude: tuple[str, ...] = ()
) -> list[object]:
    """Each backend of ``frameworks`` but ``exclude``; a missing one is skipped, naming why."""
    return [
        pytest.param(
            name,
            marks=()
            if backend.is_installed()
            else pytest.mark.skip(reason=f"needs {', '.join(backend.requires)}"),
        )
        for name, backend in TEST_BACKENDS.items()
        if backend.framework in frameworks and name not in exclude
    ]


#: How long an end-to-end program may run: generous, nothing here measures time.
PROCESS_LIMIT_SECONDS = 60


def run_python(program: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``program`` with this Python to its end, warnings as errors; its output as text."""
    return subprocess.run(
        [sys.executable, "-W", "error", str(program), *args],
        capture_output=True,
        text=True,
        timeout=PROCESS_LIMIT_SECONDS,
        check=False,
    )
