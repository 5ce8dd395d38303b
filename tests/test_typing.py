"""What a user's type checker sees: txaio's public futures and failures have useful types.

Runs mypy (strict) on a small user module and reads its ``reveal_type`` notes.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

USER_CODE = """\
import txaio
import txaio.aio
import txaio.tx
from txaio.interfaces import IFailedFuture

def errback(fail: IFailedFuture) -> None:
    reveal_type(fail.value)  # errback

reveal_type(txaio.aio.create_future())  # aio.create_future
reveal_type(txaio.tx.create_future())  # tx.create_future
reveal_type(txaio.aio.gather([]))  # aio.gather
reveal_type(txaio.tx.sleep(1))  # tx.sleep
reveal_type(txaio.create_failure())  # create_failure
reveal_type(txaio.failure_message)  # failure_message
txaio.create_future(reslt=1)  # misspelt argument
txaio.call_later("soon", print)  # wrong type
"""


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The notes and errors mypy gives for each commented line of ``USER_CODE``."""
    directory = tmp_path_factory.mktemp("typing")
    user = directory / "user.py"
    user.write_text(USER_CODE)
    process = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(directory / "cache"), user],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = USER_CODE.splitlines()
    report: dict[str, str] = {}
    for found in re.finditer(r"^user\.py:(\d+): (?:note|error): (.*)$", process.stdout, re.M):
        label = lines[int(found.group(1)) - 1].partition("# ")[2]
        report[label] = report.get(label, "") + found.group(2)
    return report


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("errback", 'Revealed type is "BaseException"'),
        ("aio.create_future", 'Revealed type is "_asyncio.Future[Any]"'),
        ("tx.create_future", 'Revealed type is "twisted.internet.defer.Deferred[Any]"'),
        ("aio.gather", 'Revealed type is "_asyncio.Future[list[Any]]"'),
        ("tx.sleep", 'Revealed type is "twisted.internet.defer.Deferred[None]"'),
        ("create_failure", 'Revealed type is "txaio.interfaces.IFailedFuture"'),
        ("failure_message", "(fail: txaio.interfaces.IFailedFuture) -> str"),
    ],
)
def test_user_type_checker_sees(mypy_report: dict[str, str], label: str, expected: str) -> None:
    assert expected in mypy_report[label]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("misspelt argument", 'Unexpected keyword argument "reslt"'),
        ("wrong type", 'incompatible type "str"; expected "float"'),
    ],
)
def test_facade_keeps_the_signatures_for_the_type_checker(
    mypy_report: dict[str, str], label: str, expected: str
) -> None:
    assert expected in mypy_report[label]
