"""The documentation's code is tested code, and its API reference is complete.

``make docs`` builds the pages with warnings as errors; these tests check what
a build cannot: Python shown in the docs comes from files that run as tests
(``examples/*.py`` on both frameworks, see ``test_examples.py``, or test
files), the example outputs printed in the docs are what the examples print,
and every public name has an entry in the API reference.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import itertools
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import txaio

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.rst"))
PAGE_IDS = [str(page.relative_to(DOCS)) for page in PAGES]

#: Directives that show Python typed into the page, which nothing would run.
_INLINE_PYTHON = re.compile(
    r"^\s*\.\. (code-block|code|sourcecode|testcode|doctest|highlight)::\s*(python3?|py|pycon)?\s*$"
    r"|^\s*>>> "
)
_DIRECTIVE = re.compile(r"^\s*\.\. [\w:-]+::")
_LITERALINCLUDE = re.compile(r"^\s*\.\. literalinclude:: +(\S+)")
_CONSOLE = re.compile(r"^( *)\.\. code-block:: console\s*$")
_RUN_EXAMPLE = re.compile(r"^\$ python (examples/\w+\.py) (asyncio|twisted)$")


def inline_python(page: Path) -> list[str]:
    """The lines of ``page`` that start Python not taken from a file."""
    found = []
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        language = _INLINE_PYTHON.match(line)
        bare_literal = line.rstrip().endswith("::") and not _DIRECTIVE.match(line)
        if (language and (language.group(2) or language.group(1) != "highlight")) or bare_literal:
            found.append(f"{page.relative_to(DOCS)}:{number}: {line.strip()}")
    return found


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_python_in_the_docs_is_included_from_files_that_run(page: Path) -> None:
    assert inline_python(page) == [], (
        "show Python with '.. literalinclude::' of a file in examples/ (run on both frameworks "
        "by tests/test_examples.py) or tests/; a bare '::' block is Python to Sphinx, so show "
        "output and commands with '.. code-block:: text' or 'console'"
    )


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_literalincludes_show_examples_or_tests(page: Path) -> None:
    for line in page.read_text(encoding="utf-8").splitlines():
        match = _LITERALINCLUDE.match(line)
        if match:
            target = (page.parent / match.group(1)).resolve()
            assert target.is_file(), f"{page.name} includes a missing file {match.group(1)}"
            # examples/tested_library runs in tests/testing/test_pytest_plugin.py.
            tested_library = ROOT / "examples" / "tested_library"
            assert (
                target.parent.name == "examples"
                or ROOT / "tests" in target.parents
                or target.parent == tested_library
            ), f"{page.name} includes {match.group(1)}, which no test runs"


def included_files() -> list[Path]:
    """Every file a docs page shows with ``literalinclude``, once each."""
    found = {
        (page.parent / match.group(1)).resolve()
        for page in PAGES
        for match in map(_LITERALINCLUDE.match, page.read_text(encoding="utf-8").splitlines())
        if match
    }
    return sorted(path for path in found if path.suffix == ".py")


#: What an errback's parameter is called: ``fail``, ``failure``, ``reason`` (Twisted's word).
_FAILURE_NAME = re.compile(r"fail|reason")


def raised_failures(path: Path, root: Path = ROOT) -> tuple[list[str], list[str]]:
    """``raise`` statements of ``path`` that raise an errback's failure parameter: the failure
    itself (``raise fail``) and its exception (``raise fail.value``), as ``file:line``."""
    itself, value = [], []
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        failures = {
            argument.arg
            for argument in ast.walk(function.args)
            if isinstance(argument, ast.arg) and _FAILURE_NAME.search(argument.arg)
        }
        for node in ast.walk(function):
            if not isinstance(node, ast.Raise):
                continue
            for raised in (node.exc, node.cause):
                where = f"{path.relative_to(root)}:{node.lineno}"
                if isinstance(raised, ast.Name) and raised.id in failures:
                    itself.append(where)
                elif (
                    isinstance(raised, ast.Attribute)
                    and raised.attr == "value"
                    and isinstance(raised.value, ast.Name)
                    and raised.value.id in failures
                ):
                    value.append(where)
    return itself, value


def test_errbacks_shown_in_the_docs_raise_fail_value_not_the_failure() -> None:
    # A Twisted Failure can be raised; txaio's asyncio failure cannot (a TypeError there).
    itself, value = [], []
    for path in included_files():
        found = raised_failures(path)
        itself += found[0]
        value += found[1]
    assert itself == [], "an errback passes its error on with `raise fail.value`"
    assert value, "the guide shows an errback that passes its error on with `raise fail.value`"


def test_the_raise_check_finds_a_raised_failure(tmp_path: Path) -> None:
    shown = tmp_path / "shown.py"
    shown.write_text("def errback(fail):\n    raise fail\n", encoding="utf-8")
    itself, value = raised_failures(shown, root=tmp_path)
    assert (itself, value) == (["shown.py:2"], [])


def console_runs(page: Path) -> list[tuple[str, str, str]]:
    """``(example, framework, shown output)`` for each example run shown in ``page``."""
    runs: list[tuple[str, str, str]] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    for start, line in enumerate(lines):
        block = _CONSOLE.match(line)
        if not block:
            continue
        body = []
        for text in lines[start + 1 :]:
            if text.strip() and len(text) - len(text.lstrip()) <= len(block.group(1)):
                break
            body.append(text.strip("\n")[len(block.group(1)) + 3 :].rstrip())
        command: re.Match[str] | None = None
        output: list[str] = []
        for text in [*body, "$ end"]:
            if text.startswith("$ "):
                if command:
                    runs.append((command.group(1), command.group(2), "\n".join(output).strip()))
                command, output = _RUN_EXAMPLE.match(text), []
            else:
                output.append(text)
    return runs


RUNS = [(page, *run) for page in PAGES for run in console_runs(page)]


def test_the_docs_show_example_runs() -> None:
    assert len(RUNS) >= 3


@pytest.mark.parametrize(
    ("page", "example", "framework", "shown"),
    RUNS,
    ids=[f"{page.name}-{example}-{framework}" for page, example, framework, _ in RUNS],
)
def test_example_output_shown_in_the_docs_is_what_it_prints(
    page: Path, example: str, framework: str, shown: str
) -> None:
    printed = subprocess.run(
        [sys.executable, example, framework],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert without_carets(shown) == without_carets(printed)


def without_carets(text: str) -> str:
    """``text`` without the ``^^^``/``~~~`` marker lines some Pythons add to tracebacks."""
    lines = (line.rstrip() for line in text.splitlines())
    return "\n".join(line for line in lines if line.strip(" ^~")).strip()


def test_make_demo_runs_every_example() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"for example in ([^;]*);", makefile)
    assert listed is not None
    examples = sorted(f"examples/{path.name}" for path in (ROOT / "examples").glob("*.py"))
    assert sorted(word for word in listed.group(1).split() if word != "\\") == examples


def resolve(target: str) -> object:
    """The object a dotted name like ``txaio.testutil.replace_loop`` names."""
    module_name, _, attribute = target.rpartition(".")
    try:
        return importlib.import_module(target)
    except ImportError:
        return getattr(resolve(module_name), attribute)


def documented() -> tuple[set[str], list[object]]:
    """The fully qualified names the API reference documents, and their objects."""
    names: set[str] = set()
    module = "txaio"
    for line in (DOCS / "api.rst").read_text(encoding="utf-8").splitlines():
        directive = re.match(r"^\.\. (auto)?(\w+):: +(\S+)", line)
        if directive is None:
            continue
        auto, kind, target = directive.groups()
        if kind in ("module", "currentmodule"):
            module = target
            if auto:
                public = getattr(importlib.import_module(target), "__all__", ())
                names.update(f"{target}.{name}" for name in public)
        elif auto:
            names.add(target if "." in target else f"{module}.{target}")
    return names, [resolve(name) for name in names]


@pytest.mark.parametrize("name", txaio.__all__)
def test_api_reference_documents_every_public_name(name: str) -> None:
    names, objects = documented()
    obj = getattr(txaio, name)
    assert f"txaio.{name}" in names or any(obj is other for other in objects if other is not None)


def sphinx_conf() -> Any:
    """``docs/conf.py`` as a module, for its hooks."""
    spec = importlib.util.spec_from_file_location("txaio_docs_conf", DOCS / "conf.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_code_included_from_a_file_starts_and_ends_without_blank_lines() -> None:
    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    shown = "\n\ndef callback(value):\n    return value\n\n"
    document = new_document("page", get_default_settings(Parser))
    document += nodes.literal_block(shown, shown, source="examples/basic.py")
    sphinx_conf()._trim_included_blank_lines(None, document)
    assert document.astext() == "def callback(value):\n    return value"


def section_ids(page: Path) -> set[str]:
    """The ids docutils gives the section headings of ``page`` (its URL anchors)."""
    from docutils.nodes import make_id

    lines = page.read_text(encoding="utf-8").splitlines()
    return {
        make_id(title)
        for title, underline in itertools.pairwise(lines)
        if title.strip() and re.fullmatch(r"([=\-~^\"'`#*+])\1{2,}", underline)
    }


README_DOCS_LINKS = re.findall(
    r"\]\((docs/[\w/-]+\.rst)#([\w-]+)\)", (ROOT / "README.md").read_text(encoding="utf-8")
)


def test_the_readme_links_to_the_documented_native_differences() -> None:
    assert ("docs/contract.rst", "decisions-where-the-frameworks-differ") in README_DOCS_LINKS


@pytest.mark.parametrize(("page", "anchor"), README_DOCS_LINKS)
def test_readme_links_into_the_docs_name_existing_sections(page: str, anchor: str) -> None:
    assert anchor in section_ids(ROOT / page)


def test_the_matrix_duration_is_stated_once_in_backends_page_and_only_referenced_elsewhere():
    """A measured duration kept in two places drifts apart: docs/backends.rst holds it."""
    duration = re.compile(r"(matrix|four sessions)[^.]{0,80}?\b\d+ minutes", re.S)
    backends = (DOCS / "backends.rst").read_text(encoding="utf-8")
    assert len(duration.findall(backends)) == 1
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert duration.findall(readme) == []
    assert "docs/backends.rst" in readme.split("the matrix", 1)[1][:200]
