"""txaio: write async library code once, run it on Twisted or on asyncio.

Layout of the package:

- ``txaio/__init__.py`` (this file) is the public facade: it only names things.
- ``_selection.py`` binds the selected backend's functions into this module.
- ``_api.py`` is the backend contract (class ``API``) and the code shared by
  both backends; ``aio.py`` (asyncio) and ``tx.py`` (Twisted) implement it.
- ``_failure.py`` (errors), ``_batched.py`` (batched timers) and
  ``_logging.py`` (loggers) are framework-neutral cores; ``_log_output.py``
  writes the output of :func:`start_logging` (imported only by that call);
  ``_checks.py`` holds every argument check, ``_run.py`` what both backends'
  :func:`run` share.
- ``testutil.py`` and ``pytest_plugin.py`` help users test on both backends;
  ``_testing/`` holds the tools behind them (virtual clocks, the test backends).

The names below that stand for the public functions are generated from the
public methods of ``_api.API`` by ``tools/generate_names.py`` (so are those of
``aio.py``, ``tx.py`` and ``LoopMixin``).

Importing txaio imports neither asyncio nor Twisted: that happens when a
framework is selected with :func:`use_asyncio` or :func:`use_twisted`.
"""

from __future__ import annotations

from txaio import _api, _logging, _selection
from txaio._api import API, Config, InvalidStateError, config
from txaio._logging import InvalidLogLevel
from txaio._loop_mixin import LoopMixin
from txaio._selection import forwarder as _forwarder
from txaio.interfaces import IBatchedTimer, IFailedFuture, ILogger, IPeriodicCall, log_levels

TYPE_CHECKING = False  # importing typing is slow (make bench times it); mypy reads True
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from txaio._api import Future as Future
    from txaio._api import typed_api as _typed_api
else:
    #: ``txaio.Future[T]``: the selected framework's future of a ``T`` (``asyncio.Future``
    #: or ``Deferred``, bound at selection; a stand-in for annotations before it).
    Future = _selection.Future

#: The one place the version is written: pyproject.toml reads it from here.
__version__ = "26.11.0"

# -- selecting the framework --------------------------------------------------

#: True once Twisted is the selected framework.
using_twisted: bool = False
#: True once asyncio is the selected framework.
using_asyncio: bool = False
#: The selected framework's name ("twisted" or "asyncio"), None before selection.
_explicit_framework: str | None = None


def use_asyncio() -> None:
    """Select asyncio for this process (the standard library: nothing to install)."""
    _selection.select("asyncio")


def use_twisted() -> None:
    """Select Twisted for this process; ``ImportError`` if Twisted is not installed."""
    _selection.select("twisted")


def _use_framework(module: object) -> None:
    """Select the framework of ``module`` (``txaio.tx`` or ``txaio.aio``), switching if needed.

    The published txaio's private switch: Autobahn's, zlmdb's and cfxdb's
    documentation builds call it to import both of their framework halves
    in one process. Tests should use :func:`txaio.testutil.use_framework`.
    """
    _selection.select(_selection.framework_of(module), switch=True)


# -- the API ------------------------------------------------------------------
# The public functions, from the lists in _api.py and _logging (run
# tools/generate_names.py after changing them). Each framework function is a
# forwarder until a framework is selected; selection rebinds it to the
# backend's own function (see _selection.py). time_ns, perf_counter_ns and the
# logging functions need no framework: they work before selection too (before
# selection loggers write to the standard library's logging, afterwards to the
# selected framework's: see _logging).

# BEGIN GENERATED functions (tools/generate_names.py)
if TYPE_CHECKING:  # API's methods, overloads and all (see _api.typed_api)
    create_future = _typed_api().create_future
    create_future_success = _typed_api().create_future_success
    create_future_error = _typed_api().create_future_error
    as_future = _typed_api().as_future
    is_future = _typed_api().is_future
    is_called = _typed_api().is_called
    resolve = _typed_api().resolve
    reject = _typed_api().reject
    cancel = _typed_api().cancel
    add_callbacks = _typed_api().add_callbacks
    gather = _typed_api().gather
    create_failure = _typed_api().create_failure
    failure_message = _typed_api().failure_message
    failure_traceback = _typed_api().failure_traceback
    failure_format_traceback = _typed_api().failure_format_traceback
    call_later = _typed_api().call_later
    sleep = _typed_api().sleep
    timeout = _typed_api().timeout
    call_periodic = _typed_api().call_periodic
    make_batched_timer = _typed_api().make_batched_timer
    with_config = _typed_api().with_config
    run_in_thread = _typed_api().run_in_thread
    call_from_thread = _typed_api().call_from_thread
    blocking_call_from_thread = _typed_api().blocking_call_from_thread
else:
    create_future = _forwarder(API.create_future)
    create_future_success = _forwarder(API.create_future_success)
    create_future_error = _forwarder(API.create_future_error)
    as_future = _forwarder(API.as_future)
    is_future = _forwarder(API.is_future)
    is_called = _forwarder(API.is_called)
    resolve = _forwarder(API.resolve)
    reject = _forwarder(API.reject)
    cancel = _forwarder(API.cancel)
    add_callbacks = _forwarder(API.add_callbacks)
    gather = _forwarder(API.gather)
    create_failure = _forwarder(API.create_failure)
    failure_message = _forwarder(API.failure_message)
    failure_traceback = _forwarder(API.failure_traceback)
    failure_format_traceback = _forwarder(API.failure_format_traceback)
    call_later = _forwarder(API.call_later)
    sleep = _forwarder(API.sleep)
    timeout = _forwarder(API.timeout)
    call_periodic = _forwarder(API.call_periodic)
    make_batched_timer = _forwarder(API.make_batched_timer)
    with_config = _forwarder(API.with_config)
    run_in_thread = _forwarder(API.run_in_thread)
    call_from_thread = _forwarder(API.call_from_thread)
    blocking_call_from_thread = _forwarder(API.blocking_call_from_thread)
is_cancelled = API.is_cancelled
time_ns = API.time_ns
perf_counter_ns = API.perf_counter_ns
make_logger = _logging.make_logger
start_logging = _logging.start_logging
set_global_log_level = _logging.set_global_log_level
get_global_log_level = _logging.get_global_log_level
add_log_categories = _logging.add_log_categories
# END GENERATED functions
del TYPE_CHECKING, annotations  # not public names (the __future__ import binds annotations)


@_selection.stand_in
def run(
    main: Callable[..., Any],
    /,
    *args: Any,
    framework: str | None = None,
    loop_factory: Callable[[], Any] | None = None,
    **kwargs: Any,
) -> Any:
    # Before selection ``run`` is the one function that can select: with
    # ``framework=`` it selects, then calls the backend's run (see API.run).
    if framework is None:
        api = _api.selected()
        if api is None:
            raise RuntimeError(
                "txaio.run() needs a framework: pass framework='asyncio' or "
                "framework='twisted', or call txaio.use_asyncio() or txaio.use_twisted() first"
            )
    else:
        api = _selection.select(framework)
    return api.run(main, *args, framework=framework, loop_factory=loop_factory, **kwargs)


run.__doc__ = API.run.__doc__

# BEGIN GENERATED __all__ (tools/generate_names.py)
__all__ = [
    "API",
    "Config",
    "Future",
    "IBatchedTimer",
    "IFailedFuture",
    "ILogger",
    "IPeriodicCall",
    "InvalidLogLevel",
    "InvalidStateError",
    "LoopMixin",
    "add_callbacks",
    "add_log_categories",
    "as_future",
    "blocking_call_from_thread",
    "call_from_thread",
    "call_later",
    "call_periodic",
    "cancel",
    "config",
    "create_failure",
    "create_future",
    "create_future_error",
    "create_future_success",
    "failure_format_traceback",
    "failure_message",
    "failure_traceback",
    "gather",
    "get_global_log_level",
    "is_called",
    "is_cancelled",
    "is_future",
    "log_levels",
    "make_batched_timer",
    "make_logger",
    "perf_counter_ns",
    "reject",
    "resolve",
    "run",
    "run_in_thread",
    "set_global_log_level",
    "sleep",
    "start_logging",
    "time_ns",
    "timeout",
    "use_asyncio",
    "use_twisted",
    "using_asyncio",
    "using_twisted",
    "with_config",
]
# END GENERATED __all__
