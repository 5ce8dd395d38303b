"""Every example runs on asyncio and on Twisted and prints the same thing on both.

The documentation shows its code by including these files, so this is also
what makes every code example in the docs a test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.py"))
#: Every Python file under examples/, the tested library included: the docs show them.
EXAMPLE_FILES = sorted(EXAMPLES_DIR.rglob("*.py"))
#: The widest line the docs show without a scroll bar.
MAX_COLUMNS = 88


def run_example(example: Path, framework: str) -> str:
    """Run ``example`` on ``framework`` with warnings as errors; its standard output."""
    process = subprocess.run(
        [sys.executable, "-W", "error", str(example), framework],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == 0, (
        f"{example.name} on {framework} exited with {process.returncode}:\n{process.stderr}"
    )
    assert process.stderr == "", f"{example.name} on {framework} wrote to stderr"
    return process.stdout


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_example_prints_the_same_on_asyncio_and_twisted(example: Path) -> None:
    on_asyncio = run_example(example, "asyncio")
    on_twisted = run_example(example, "twisted")
    assert on_asyncio.strip(), f"{example.name} printed nothing"
    assert on_asyncio == on_twisted


@pytest.mark.parametrize(
    "example", EXAMPLE_FILES, ids=[str(e.relative_to(EXAMPLES_DIR)) for e in EXAMPLE_FILES]
)
def test_example_lines_fit_in_88_columns(example: Path) -> None:
    lines = example.read_text(encoding="utf-8").splitlines()
    too_wide = [
        f"{example.name}:{number}: {len(line)} columns"
        for number, line in enumerate(lines, 1)
        if len(line) > MAX_COLUMNS
    ]
    assert too_wide == []
