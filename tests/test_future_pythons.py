"""No API that Python 3.14 or 3.15 deprecates, in txaio or its tests.

``-W error`` catches a deprecation only on a Python that warns about it and only in
code that a test reaches; this scan finds the ones that touch what txaio does on
every Python, 3.10 to 3.13 included, and in code paths that only another Python takes
(it runs on 3.14 and 3.15 too, in the matrix: docs/backends.rst).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: module -> names deprecated in Python 3.14 or 3.15 that code of ours could reach for.
DEPRECATED = {
    "asyncio": {
        "get_event_loop_policy",  # the policy system: deprecated in 3.14, removed in 3.16
        "set_event_loop_policy",
        "AbstractEventLoopPolicy",
        "DefaultEventLoopPolicy",
        "iscoroutinefunction",  # use inspect.iscoroutinefunction
    },
    "codecs": {"open"},  # deprecated in 3.14: use open()
}


def _uses(path):
    """(module, name) for each ``module.name`` and ``from module import name`` in ``path``."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            yield node.value.id, node.attr
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name


def _python_files():
    for folder in ("src", "tests", "tools", "bench", "examples"):
        yield from sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize(
    "path", list(_python_files()), ids=lambda path: str(path.relative_to(ROOT))
)
def test_no_api_deprecated_in_python_3_14_or_3_15(path):
    found = [
        f"{module}.{name}" for module, name in _uses(path) if name in DEPRECATED.get(module, ())
    ]
    assert found == []


def test_the_scan_finds_a_deprecated_call(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import asyncio\npolicy = asyncio.get_event_loop_policy()\n")
    assert ("asyncio", "get_event_loop_policy") in set(_uses(sample))
