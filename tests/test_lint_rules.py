"""The rules ``make lint`` holds that a test once scanned for: ruff says them now.

``pyproject.toml`` bans the APIs that Python 3.14 or 3.15 deprecates (flake8-tidy-imports'
``banned-api``, every file) and ``assert`` in ``src/`` (S101: txaio checks arguments with
real errors, docs/bad-input.rst). These tests make sure the settings still catch a sample,
so a rule dropped from the configuration fails here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ruff_codes(source: str, as_path: str) -> set[str]:
    """The rule codes ruff, with this project's settings, reports for ``source`` at ``as_path``."""
    found = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--output-format",
            "concise",
            "--stdin-filename",
            as_path,
            "-",
        ],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    ).stdout
    return {
        word for line in found.splitlines() for word in line.split() if word in {"TID251", "S101"}
    }


@pytest.mark.parametrize(
    "source",
    [
        "import asyncio\npolicy = asyncio.get_event_loop_policy()\n",
        "import asyncio as aio\naio.set_event_loop_policy(None)\n",
        "from asyncio import iscoroutinefunction\n",
        "import codecs\ncodecs.open('f')\n",
    ],
)
def test_an_api_deprecated_in_python_3_14_or_3_15_fails_lint_in_every_folder(source):
    for folder in ("src/txaio", "tests", "tools", "bench", "examples"):
        assert _ruff_codes(source, f"{folder}/sample.py") == {"TID251"}


def test_assert_fails_lint_in_the_library_and_not_in_tests():
    assert _ruff_codes("assert True\n", "src/txaio/sample.py") == {"S101"}
    assert _ruff_codes("assert True\n", "tests/sample.py") == set()
