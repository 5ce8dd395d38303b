"""Choosing the framework: the one place that binds a backend into ``txaio``.

Until a framework is selected, each public function in ``txaio`` is a small
forwarder that raises a clear ``RuntimeError``. Selecting binds the
backend's functions directly into the ``txaio`` namespace, so a call through
``txaio.create_future`` costs no extra indirection. A forwarder imported
before selection (``from txaio import create_future``) keeps working: it
looks up the selected backend on each call.
"""

from __future__ import annotations

import sys

from txaio import _logging
from txaio._api import PUBLIC_FUNCTIONS

TYPE_CHECKING = False  # importing typing is slow (make bench times it); mypy reads True
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Concatenate, ParamSpec, TypeVar

    from txaio._api import API

    P = ParamSpec("P")
    R = TypeVar("R")

#: Each framework txaio runs on, by name, and the backend module that implements it.
FRAMEWORK_MODULES: dict[str, str] = {"asyncio": "txaio.aio", "twisted": "txaio.tx"}

_selected: API | None = None
_forwarders: dict[str, Any] = {}


def selected() -> API | None:
    """The selected backend's default API, or None before selection."""
    return _selected


def current() -> API:
    """The selected backend's default API; a clear error before selection."""
    if _selected is None:
        raise RuntimeError(
            "txaio has no framework yet: call txaio.use_asyncio() or txaio.use_twisted() first"
        )
    return _selected


def forwarder(method: Callable[Concatenate[API, P], R]) -> Callable[P, R]:
    """A stand-in for ``txaio.<name>`` that calls the selected backend's function."""
    name = method.__name__

    def forward(*args: P.args, **kwargs: P.kwargs) -> R:
        function: Callable[P, R] = getattr(current(), name)
        return function(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = method.__doc__
    forward.__module__ = "txaio"
    _forwarders[name] = forward
    return forward


def framework_of(module: object) -> str:
    """The framework a backend module (``txaio.tx``, ``txaio.aio``) or a name stands for."""
    name = getattr(module, "__name__", module)
    for framework, module_name in FRAMEWORK_MODULES.items():
        if name in (framework, module_name):
            return framework
    raise ValueError(
        f"module must be txaio.aio or txaio.tx (or a framework name: {sorted(FRAMEWORK_MODULES)}), "
        f"got {module!r}"
    )


def stand_in(function: Callable[P, R]) -> Callable[P, R]:
    """Register ``function`` as ``txaio.<its name>`` before selection (and after unselect)."""
    _forwarders[function.__name__] = function
    return function


def check_framework(framework: object) -> str:
    """Return ``framework`` if it names a backend ("asyncio", "twisted"); else raise."""
    if not isinstance(framework, str):
        raise TypeError(
            f"framework must be a string, one of {sorted(FRAMEWORK_MODULES)}, "
            f"got {type(framework).__name__}"
        )
    if framework not in FRAMEWORK_MODULES:
        raise ValueError(f"framework must be one of {sorted(FRAMEWORK_MODULES)}, got {framework!r}")
    return framework


def select(framework: str, *, switch: bool = False) -> API:
    """Select ``framework`` ("asyncio" or "twisted") for the whole process.

    Selecting the framework already selected does nothing; selecting another
    one is an error unless ``switch`` is true (for test tools only, see
    :func:`txaio.testutil.use_framework`).
    """
    check_framework(framework)
    if _selected is not None and _selected.framework != framework and not switch:
        raise RuntimeError(
            f"txaio already uses {_selected.framework}; it cannot switch to {framework} "
            "in the same process"
        )
    module_name = FRAMEWORK_MODULES[framework]
    __import__(module_name)
    api: API = sys.modules[module_name]._default
    _bind(api)
    return api


def unselect() -> None:
    """Go back to no framework (for test tools only): the forwarders are bound again."""
    _bind(None)


def _bind(api: API | None) -> None:
    """Bind ``api``'s functions (or the forwarders, for None) into ``txaio``."""
    global _selected
    namespace = sys.modules["txaio"].__dict__
    if api is None:
        namespace.update(_forwarders)
    else:
        namespace.update({name: getattr(api, name) for name in PUBLIC_FUNCTIONS})
    framework = None if api is None else api.framework
    namespace["using_asyncio"] = framework == "asyncio"
    namespace["using_twisted"] = framework == "twisted"
    namespace["_explicit_framework"] = framework
    _selected = api
    _logging.use_framework_sink(framework)  # loggers follow the selection
