"""Write out txaio's public names where Python needs them spelled out, from one definition.

The public functions are the public methods of ``txaio._api.API``: the class
body is the only list (``_api.PUBLIC_FUNCTIONS`` and ``_api.LOGGING_FUNCTIONS``
are read off it). IDEs and mypy only see names bound statically, so several
modules bind each name: the facade (``txaio/__init__.py``: forwarders and
``__all__``), each backend module (``txaio.aio``, ``txaio.tx``: the default
API's bound methods) and ``LoopMixin``'s methods. This script writes those
lines, between ``# BEGIN GENERATED <region>`` and ``# END GENERATED
<region>`` markers. A name a file defines by hand outside its regions (the
facade's ``run``) is left to it.

Usage::

    python tools/generate_names.py          # rewrite stale regions
    python tools/generate_names.py --check  # only report them (exit 1); make lint runs this

Add a public function: define it on ``API`` (a logging function: bind it there as
``staticmethod(_logging.<name>)``), run this script.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "txaio"
sys.path.insert(0, str(ROOT / "src"))

from txaio import _api  # noqa: E402  (after the path is set)

API_FUNCTIONS: tuple[str, ...] = _api.PUBLIC_FUNCTIONS
LOGGING_FUNCTIONS: tuple[str, ...] = _api.LOGGING_FUNCTIONS

_REGION = re.compile(
    r"^(?P<indent>[ \t]*)# BEGIN GENERATED (?P<name>[\w ]+?) \(tools/generate_names\.py\)\n"
    r"(?P<body>.*?)"
    r"^(?P=indent)# END GENERATED (?P=name)\n",
    re.DOTALL | re.MULTILINE,
)


def _needs_no_framework(name: str) -> bool:
    """True for API functions that are static methods: the same before and after selection."""
    return isinstance(inspect.getattr_static(_api.API, name), staticmethod)


def _bindings(hand_written: set[str], framework: str, neutral: str, logging: str) -> list[str]:
    """``name = <form>`` for every public function but those bound by hand.

    ``framework`` is the form for functions that need a framework, ``neutral``
    for the API's static methods (the clocks), ``logging`` for the logging
    functions; each is a format string of ``{name}``.
    """
    lines = []
    for name in API_FUNCTIONS:
        if name not in hand_written:
            form = neutral if _needs_no_framework(name) else framework
            lines.append(f"{name} = {form.format(name=name)}")
    lines += [f"{name} = {logging.format(name=name)}" for name in LOGGING_FUNCTIONS]
    return lines


#: For type checkers the framework functions are the methods of an API object, so that they
#: keep their overloads and type variables (through a forwarder's ParamSpec they would not).
TYPED = "_typed_api().{name}"


def _typed_or(runtime: str, lines: list[str], hand_written: set[str]) -> list[str]:
    """``if TYPE_CHECKING:`` the typed methods, ``else:`` the framework functions as ``runtime``
    binds them; then ``lines`` (the functions that need no framework)."""
    framework = [
        name for name in API_FUNCTIONS if name not in hand_written and not _needs_no_framework(name)
    ]
    return [
        "if TYPE_CHECKING:  # API's methods, overloads and all (see _api.typed_api)",
        *(f"    {name} = {TYPED.format(name=name)}" for name in framework),
        "else:",
        *(f"    {name} = {runtime.format(name=name)}" for name in framework),
        *lines,
    ]


def _neutral(hand_written: set[str], neutral: str, logging: str) -> list[str]:
    """The bindings of the functions that need no framework (the clocks, logging)."""
    return [
        line for line in _bindings(hand_written, "", neutral, logging) if not line.endswith(" = ")
    ]


def facade(hand_written: set[str]) -> list[str]:
    """``txaio/__init__.py``: a forwarder per framework function, the rest bound as they are."""
    neutral = _neutral(hand_written, "API.{name}", "_logging.{name}")
    return _typed_or("_forwarder(API.{name})", neutral, hand_written)


def facade_all(hand_written: set[str]) -> list[str]:
    """``txaio/__init__.py``'s ``__all__``: every public name it binds, sorted."""
    names = sorted({*_public(hand_written), *API_FUNCTIONS, *LOGGING_FUNCTIONS})
    return ["__all__ = [", *(f'    "{name}",' for name in names), "]"]


def backend_module(hand_written: set[str]) -> list[str]:
    """``txaio.aio`` and ``txaio.tx``: the default API's methods as module functions."""
    return _bindings(hand_written, "_default.{name}", "_default.{name}", "_logging.{name}")


def mixin_methods(hand_written: set[str]) -> list[str]:
    """``LoopMixin``: a method per framework function; the framework-neutral ones static."""
    static = "staticmethod(API.{name})"
    return _typed_or("_method(API.{name})", _neutral(set(), static, static), set())


#: file -> region name -> what writes the region's lines.
TARGETS: dict[str, dict[str, Callable[[set[str]], list[str]]]] = {
    "__init__.py": {"functions": facade, "__all__": facade_all},
    "aio.py": {"module functions": backend_module},
    "tx.py": {"module functions": backend_module},
    "_loop_mixin.py": {"methods": mixin_methods},
}


def _public(names: set[str]) -> set[str]:
    return {name for name in names if not name.startswith("_")}


def hand_written_names(source: str) -> set[str]:
    """The names a module binds at its top level outside the generated regions.

    Names bound under an ``if`` (``TYPE_CHECKING`` imports) or deleted again
    with ``del`` do not count, but those its ``else`` branch assigns do (what
    runs instead of the type checker's view); ``__future__`` imports do not.
    """
    tree = ast.parse(_REGION.sub("", source))
    bound: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.Assign):
            bound.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            bound.add(node.target.id)
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            bound.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.If):  # ``if TYPE_CHECKING: ... else: <what runs>``
            for inner in node.orelse:
                if isinstance(inner, ast.Assign):
                    bound.update(t.id for t in inner.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Delete):
            bound.difference_update(t.id for t in node.targets if isinstance(t, ast.Name))
    return bound


def regenerate(source: str, writers: dict[str, Callable[[set[str]], list[str]]]) -> str:
    """``source`` with each of its generated regions written anew.

    A region named in ``writers`` but missing from ``source`` is a ``LookupError``.
    """
    hand_written = hand_written_names(source)
    found: set[str] = set()

    def write(match: re.Match[str]) -> str:
        name, indent = match["name"], match["indent"]
        if name not in writers:
            raise LookupError(f"unknown generated region {name!r}")
        found.add(name)
        body = "".join(f"{indent}{line}\n" for line in writers[name](hand_written))
        begin = f"{indent}# BEGIN GENERATED {name} (tools/generate_names.py)\n"
        return f"{begin}{body}{indent}# END GENERATED {name}\n"

    result = _REGION.sub(write, source)
    missing = set(writers) - found
    if missing:
        raise LookupError(f"generated regions not found: {', '.join(sorted(missing))}")
    return result


def stale_files(package: Path = PACKAGE) -> list[str]:
    """The files under ``package`` whose generated regions are not what this script writes."""
    return [
        file
        for file, writers in TARGETS.items()
        if regenerate((package / file).read_text(), writers) != (package / file).read_text()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    stale = stale_files()
    if args.check:
        for file in stale:
            print(f"stale: src/txaio/{file} (run: python tools/generate_names.py)")
        return 1 if stale else 0
    for file in stale:
        path = PACKAGE / file
        path.write_text(regenerate(path.read_text(), TARGETS[file]))
        print(f"wrote src/txaio/{file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
