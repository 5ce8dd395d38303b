"""What a user's type checker sees: txaio's public futures and failures have useful types.

Runs mypy (strict) on a small user module and reads its ``reveal_type`` notes, and
checks ``tests/typing/user_types.py`` (``assert_type`` of every result) with mypy
--strict and, where pyright runs, pyright's strict mode.
"""

from __future__ import annotations

import importlib.util
import inspect
import pydoc
import re
import subprocess
import sys
from pathlib import Path

import pytest

import txaio
from txaio.testutil import use_framework

TYPING_CASES = Path(__file__).resolve().parent / "typing" / "user_types.py"

#: The last line of every pyright run that checked files ("0 errors, 0 warnings, 0 informations").
PYRIGHT_SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings?, \d+ informations?", re.M)

#: A result typed ``Any`` where a precise type is asserted: the checkers must refuse it.
ANY_RESULT = """\
from typing import Any
from typing_extensions import assert_type
from txaio import Future

def untyped() -> Any:
    return None

assert_type(untyped(), Future[int])
"""

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


def _mypy(path: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _pyright(path: Path) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec("pyright") is None:
        pytest.skip("pyright is not installed (pip install pyright)")
    process = subprocess.run(
        [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if not PYRIGHT_SUMMARY.search(process.stdout):
        # pyright did not check anything: it could not start (it needs Node.js, which nodeenv
        # downloads where none is installed, and a machine without the internet cannot).
        pytest.skip(f"pyright could not run here: {process.stderr.strip()[-300:]}")
    return process


def test_every_result_has_its_precise_type_under_mypy_strict(tmp_path):
    process = _mypy(TYPING_CASES, tmp_path / "cache")
    assert process.returncode == 0, process.stdout


def test_every_result_has_its_precise_type_under_pyright_strict():
    process = _pyright(TYPING_CASES)
    assert process.returncode == 0, process.stdout


def test_mypy_refuses_a_result_typed_any(tmp_path):
    (tmp_path / "any_result.py").write_text(ANY_RESULT)
    process = _mypy(tmp_path / "any_result.py", tmp_path / "cache")
    assert 'Expression is of type "Any", not "Future[int] | Deferred[int]"' in process.stdout


def test_pyright_refuses_a_result_typed_any(tmp_path):
    (tmp_path / "any_result.py").write_text("# pyright: strict\n" + ANY_RESULT)
    process = _pyright(tmp_path / "any_result.py")
    assert '"assert_type" mismatch' in process.stdout


@pytest.mark.parametrize("name", ["timeout", "create_future", "call_periodic", "gather"])
def test_before_selection_the_signature_is_the_real_one(name):
    with use_framework(None):
        shown = inspect.signature(getattr(txaio, name))
        assert next(iter(shown.parameters)) != "args"  # not (*args: P.args, **kwargs: P.kwargs)
        assert (
            list(shown.parameters)
            == list(inspect.signature(getattr(txaio.API, name)).parameters)[1:]
        )


def test_before_selection_help_shows_the_real_signature():
    with use_framework(None):
        text = pydoc.render_doc(txaio.timeout, renderer=pydoc.plaintext)
    # The annotations are txaio's; how pydoc lays them out is Python's: 3.13 wraps a long
    # signature over several lines, 3.14 does not quote annotations. Compare without either.
    compact = re.sub(r"\s+", "", text).replace("'", "")
    assert "timeout(future_or_coroutine:Future[T]|Coroutine[Any,Any,T],seconds:float)" in compact


def test_txaio_future_is_the_selected_frameworks_future_class(txaio_framework):
    future = txaio.create_future()
    assert isinstance(future, txaio.Future)
    assert txaio.Future is type(future)
    assert txaio.Future[int] is not None  # subscriptable at run time too


def test_before_selection_txaio_future_is_a_stand_in_for_annotations():
    with use_framework(None):
        assert txaio.Future[int] is txaio.Future
        assert not isinstance(42, txaio.Future)
        with pytest.raises(TypeError, match=r"txaio\.Future is for annotations"):
            txaio.Future()
