"""Choosing the framework: the one place that binds a backend into ``txaio``.

Until a framework is selected, each public function in ``txaio`` is a small
forwarder that raises a clear ``RuntimeError``. Selecting binds the
backend's functions directly into the ``txaio`` namespace, so a call through
``txaio.create_future`` costs no extra indirection. A forwarder imported
before selection (``from txaio import create_future``) keeps working: it
looks up the selected backend on each call.

Imports go one way: this module imports the backends (by name, in
:func:`select`), and no backend imports it. What is selected is kept in
``txaio._api`` (``selected()``, ``current()``, ``backend_config()``), which
the backends read and this module alone writes; ``API.run`` selects its own
framework through ``_api.select_framework``, which this module sets to
:func:`select`. ``tests/unit/test_import_graph.py`` holds the graph to that.
"""

from __future__ import annotations

import sys

from txaio import _api, _logging
from txaio._api import PUBLIC_FUNCTIONS, backend_config, current
from txaio._checks import FRAMEWORKS, check_framework

TYPE_CHECKING = False  # importing typing is slow (make bench times it); mypy reads True
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Concatenate, ParamSpec, TypeVar

    from txaio._api import API

    P = ParamSpec("P")
    R = TypeVar("R")

#: Each framework txaio runs on, by name, and the backend module that implements it.
FRAMEWORK_MODULES: dict[str, str] = dict(zip(FRAMEWORKS, ("txaio.aio", "txaio.tx"), strict=True))

_forwarders: dict[str, Any] = {}
#: Where the selected framework was selected ("file:line" of the caller), for the conflict error.
_selected_at: str | None = None
#: Code of these modules (and their submodules) stands between txaio and its caller.
_NOT_THE_CALLER = ("txaio", "importlib", "contextlib")


class Future:
    """``txaio.Future[T]`` before selection: the selected framework's future of a ``T``.

    A type checker reads ``txaio.Future`` as ``asyncio.Future[T] | Deferred[T]``.
    At run time selection binds ``txaio.Future`` to the framework's class
    (``asyncio.Future``, ``Deferred``); before it, this stand-in keeps
    ``txaio.Future[T]`` in an annotation working (``isinstance`` of it is
    always False: use :func:`txaio.is_future`). Futures are made with
    :func:`txaio.create_future`, not with this class.
    """

    __slots__ = ()

    def __class_getitem__(cls, item: object) -> type[Future]:
        return cls

    def __new__(cls) -> Future:
        raise TypeError(
            "txaio.Future is for annotations and isinstance(): make a future with "
            "txaio.create_future()"
        )


#: What a forwarder's ``__wrapped__`` is bound to: it is only ever read for its signature.
_SIGNATURE_ONLY = object()


def forwarder(method: Callable[Concatenate[API, P], R]) -> Callable[P, R]:
    """A stand-in for ``txaio.<name>`` that calls the selected backend's function."""
    name = method.__name__

    def forward(*args: P.args, **kwargs: P.kwargs) -> R:
        function: Callable[P, R] = getattr(current(), name)
        return function(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = method.__doc__
    # help() and inspect.signature() show the method's parameters (without self), not
    # (*args, **kwargs): they follow __wrapped__, here the method bound to a stand-in.
    forward.__wrapped__ = method.__get__(_SIGNATURE_ONLY)  # type: ignore[attr-defined]
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


def caller_location() -> str:
    """``file:line`` of the code that called into txaio: the first frame outside txaio (and
    outside the import system and ``contextlib``, through which selection is often reached)."""
    frame = sys._getframe(1)
    while frame.f_back is not None:
        module = frame.f_globals.get("__name__", "")
        if module.partition(".")[0] not in _NOT_THE_CALLER:
            break
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def _conflict(selected: str, framework: str) -> RuntimeError:
    """The error for selecting ``framework`` while ``selected`` is: where each was asked for."""
    return RuntimeError(
        f"txaio already uses {selected}; it cannot switch to {framework} in the same process. "
        f"{selected} was selected at {_selected_at}; {framework} is asked for at "
        f"{caller_location()}. A process runs one framework: let the application select it, "
        "once, before it imports libraries that use txaio, and let libraries select nothing "
        "when they are imported (txaio's guide: 'Writing a library that shares a process')"
    )


def select(framework: str, *, switch: bool = False) -> API:
    """Select ``framework`` ("asyncio" or "twisted") for the whole process.

    Selecting the framework already selected does nothing; selecting another
    one is an error unless ``switch`` is true (for test tools only, see
    :func:`txaio.testutil.use_framework`). The error names the file and line
    of both selections.
    """
    global _selected_at
    check_framework(framework)
    chosen = _api._selected
    if chosen is not None and chosen.framework != framework:
        if not switch:
            raise _conflict(chosen.framework, framework)
    elif chosen is not None:
        return chosen  # already selected: nothing to do
    module_name = FRAMEWORK_MODULES[framework]
    __import__(module_name)
    api: API = sys.modules[module_name]._default
    _selected_at = caller_location()
    _bind(api)
    return api


def unselect() -> None:
    """Go back to no framework (for test tools only): the forwarders are bound again."""
    _bind(None)


def _bind(api: API | None) -> None:
    """Bind ``api``'s functions (or the forwarders, for None) into ``txaio``."""
    namespace = sys.modules["txaio"].__dict__
    if api is None:
        namespace.update(_forwarders)
    else:
        namespace.update({name: getattr(api, name) for name in PUBLIC_FUNCTIONS})
    framework = None if api is None else api.framework
    namespace["using_asyncio"] = framework == "asyncio"
    namespace["using_twisted"] = framework == "twisted"
    namespace["_explicit_framework"] = framework
    namespace["Future"] = Future if api is None else api._future_type
    _api._selected = api
    for backend_framework, module_name in FRAMEWORK_MODULES.items():
        module = sys.modules.get(module_name)
        default = getattr(module, "_default", None)  # None while the module is being imported
        if default is not None:
            default.config = backend_config(backend_framework)
    _logging.use_framework_sink(framework)  # loggers follow the selection


_api.select_framework = select  # API.run selects through it (see _api.select_framework)
