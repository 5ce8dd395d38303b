"""Packaging: ``python -m build`` makes a wheel and an sdist that are complete and install cleanly.

The build runs once for this module (about 10 seconds, with the fresh venv),
without build isolation so that it needs no network: the dev extra installs
the build backend.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str | Path, cwd: Path) -> str:
    """Run ``command`` in ``cwd``; its output, or a failure showing it."""
    process = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert process.returncode == 0, f"{command} failed:\n{process.stdout}\n{process.stderr}"
    return process.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory holding the freshly built sdist and wheel."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT, cwd=ROOT)
    return out


def only(directory: Path, pattern: str) -> Path:
    (found,) = directory.glob(pattern)
    return found


def test_build_makes_one_wheel_and_one_sdist(dist: Path) -> None:
    assert only(dist, "txaio-*-py3-none-any.whl").is_file()
    assert only(dist, "txaio-*.tar.gz").is_file()


def test_wheel_ships_py_typed_and_no_tests(dist: Path) -> None:
    names = zipfile.ZipFile(only(dist, "*.whl")).namelist()
    assert "txaio/py.typed" in names
    assert "txaio/__init__.py" in names
    assert not [name for name in names if name.startswith(("tests/", "docs/", "examples/"))]


def test_wheel_ships_the_test_tools_the_pytest_plugin_loads(dist: Path) -> None:
    # The plugin is loaded by every pytest run where txaio is installed; it imports the wing.
    names = zipfile.ZipFile(only(dist, "*.whl")).namelist()
    assert "txaio/pytest_plugin.py" in names
    assert "txaio/_testing/__init__.py" in names
    assert "txaio/_testing/backends.py" in names


def test_sdist_contains_tests_docs_and_examples(dist: Path) -> None:
    sdist = only(dist, "*.tar.gz")
    with tarfile.open(sdist) as archive:
        top = sdist.name.removesuffix(".tar.gz")
        names = {name.removeprefix(top + "/") for name in archive.getnames()}
    for expected in [
        "src/txaio/py.typed",
        "tests/test_packaging.py",
        "tests/contract/test_futures.py",
        "docs/conf.py",
        "docs/index.rst",
        "examples/basic.py",
        "CHANGELOG.md",
        "Makefile",
    ]:
        assert expected in names
    assert not [name for name in names if name.startswith("docs/_build/")]


def test_wheel_installs_into_a_fresh_venv_and_imports(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(
        python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
        "--disable-pip-version-check", only(dist, "*.whl"), cwd=tmp_path,
    )  # fmt: skip
    code = (
        "import txaio; txaio.use_asyncio(); "
        "print(txaio.__file__); print(txaio.failure_message(txaio.create_failure(KeyError('k'))))"
    )
    installed_at, message = run(python, "-c", code, cwd=tmp_path).splitlines()
    assert Path(installed_at).is_relative_to(venv)
    assert message == "KeyError: 'k'"


def _matrix_pythons() -> list[str]:
    """The Pythons ``make test-matrix`` runs: noxfile.py's ``PYTHONS`` and ``SID_PYTHONS``."""
    lists = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse((ROOT / "noxfile.py").read_text()).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    return [*lists["PYTHONS"], *lists["SID_PYTHONS"]]


def test_classifiers_name_the_pythons_the_matrix_runs_and_no_other() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    listed = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', pyproject)
    assert listed == _matrix_pythons()
