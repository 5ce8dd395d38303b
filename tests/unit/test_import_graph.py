"""The modules of ``src/txaio`` import each other one way only: no cycle, no backend to backend.

The graph is read from the source with :mod:`ast`: every ``import`` and
``from ... import`` of a txaio module, at the top of a module and inside its
functions, and the backends that ``_selection`` imports by name
(``FRAMEWORK_MODULES``). Imports under ``if TYPE_CHECKING:`` are left out:
they never run, and a type checker reads cycles fine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import txaio
from txaio import _selection

SOURCE = Path(txaio.__file__).parent


def _module_name(path: Path) -> str:
    parts = ["txaio", *path.relative_to(SOURCE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in SOURCE.rglob("*.py")}


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` except those under ``if TYPE_CHECKING:`` (its ``else`` runs)."""
    found: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        if _is_type_checking_block(node):
            stack.extend(node.orelse)  # type: ignore[attr-defined]
        else:
            stack.extend(ast.iter_child_nodes(node))
    return found


def _imports_of(name: str) -> set[str]:
    """The txaio modules that module ``name`` imports when it runs."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    imported: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                imported.add(submodule if submodule in MODULES else base)
    if name == "txaio._selection":  # select() imports the backend of a framework by its name
        imported.update(_selection.FRAMEWORK_MODULES.values())
    return {module for module in imported if module in MODULES and module != name}


GRAPH = {name: _imports_of(name) for name in MODULES}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` (as a path that ends where it starts), or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph[node]):
            found = visit(target)
            if found:
                return found
        path.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        found = visit(node)
        if found:
            return found
    return None


def test_the_graph_sees_the_imports_it_must():
    # The reader above finds imports at the top, in functions and by name, and skips
    # TYPE_CHECKING ones: else the cycle test below could pass by seeing nothing.
    assert "txaio._api" in GRAPH["txaio"]  # top level
    assert "txaio._periodic" in GRAPH["txaio._api"]  # inside a method
    assert "txaio._log_output" in GRAPH["txaio._logging"]  # inside start_logging
    assert {"txaio.aio", "txaio.tx"} <= GRAPH["txaio._selection"]  # by name
    assert "txaio._api" not in GRAPH["txaio.interfaces"]  # only under TYPE_CHECKING


def test_no_txaio_module_imports_itself_through_others():
    assert _cycle(GRAPH) is None


def test_the_twisted_backend_does_not_import_the_asyncio_backend():
    assert "txaio.aio" not in GRAPH["txaio.tx"]
    assert "txaio.tx" not in GRAPH["txaio.aio"]


def test_the_backends_never_import_the_selection():
    # Selection imports the backends; a backend reads what is selected from _api.
    for backend in _selection.FRAMEWORK_MODULES.values():
        reachable, todo = set(), [backend]
        while todo:
            for target in GRAPH[todo.pop()] - reachable:
                reachable.add(target)
                todo.append(target)
        assert "txaio._selection" not in reachable, backend
