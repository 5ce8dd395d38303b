"""``LoopMixin``: the txaio API as methods of an object, bound to that object's loop.

A library class that lets its users "pass your own loop" (docs/guide/loops.rst, "LoopMixin")
inherits :class:`LoopMixin` and calls ``self.create_future()``,
``self.call_later()``, ``self.gather()`` … instead of ``txaio.*``. Each call
goes to the API of the loop the object was given with :meth:`LoopMixin.use_loop`
(``txaio.with_config(loop=...)`` of the selected framework), or to the global
``txaio.config`` when it was given none.

One implementation serves both frameworks: the mixin only ever asks the
selected backend for an API object, and reaches its loop through that object
(stored on the instance), never through module state bound to a default loop.

Speed: each method is a small non-data descriptor. For an object with its own
loop, the first access stores the API's bound method in the instance
``__dict__``, so later calls are a plain attribute lookup plus the backend call.
An object without a loop looks the selected framework up on each access, so
it follows ``txaio.config`` and a test-time framework switch.
"""

from __future__ import annotations

from txaio import _api
from txaio._api import API, PUBLIC_FUNCTIONS

TYPE_CHECKING = False  # importing typing is slow (make bench times it); mypy reads True
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Concatenate, ParamSpec, TypeVar

    from txaio._api import typed_api as _typed_api

    P = ParamSpec("P")
    R = TypeVar("R")

__all__ = ["LoopMixin"]

#: Where an instance keeps the API object of the loop it was given.
_API_ATTRIBUTE = "_txaio_api"


class _ApiMethod:
    """``obj.<name>`` is ``<name>`` of the txaio API ``obj`` uses (see module docstring)."""

    def __init__(self, name: str, doc: str | None) -> None:
        self.name = name
        self.__doc__ = doc

    def __repr__(self) -> str:
        return f"<txaio.LoopMixin method {self.name}>"

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        namespace = obj.__dict__
        api = namespace.get(_API_ATTRIBUTE)
        if api is None:
            return getattr(_api.current(), self.name)
        method = getattr(api, self.name)
        namespace[self.name] = method  # later lookups skip this descriptor
        return method


def _method(function: Callable[Concatenate[API, P], R]) -> Callable[Concatenate[Any, P], R]:
    """A LoopMixin method with the signature of ``API.<function>``, for type checkers."""
    return _ApiMethod(function.__name__, function.__doc__)  # type: ignore[return-value]


class LoopMixin:
    """Gives an object the whole txaio API as methods, bound to the object's own loop.

    Call :meth:`use_loop` (typically from ``__init__``) with the loop a user
    passed in: an asyncio event loop under asyncio, the reactor under Twisted
    (where a reactor other than the configured one is a ``RuntimeError``).
    Until then, or after ``use_loop(None)``, the object follows the global
    ``txaio.config`` like ``txaio.*`` does::

        class Pinger(txaio.LoopMixin):
            def __init__(self, interval, loop=None):
                self.use_loop(loop)
                self.interval = interval

            def start(self):
                self.call_later(self.interval, self.ping)

    The methods have the signatures of the ``txaio`` functions. A subclass
    that defines a method of the same name (``cancel``, say) overrides the
    mixin's for its own code; ``self.txaio_api.cancel`` is still there.
    """

    def use_loop(self, loop: Any = None) -> None:
        """Bind this object's txaio methods to ``loop``; ``None`` follows ``txaio.config``.

        The loop is checked now (``TypeError`` for something that is not a
        loop of the selected framework, ``RuntimeError`` for a second reactor
        on Twisted), and a framework must already be selected.
        """
        namespace = self.__dict__
        previous = namespace.pop(_API_ATTRIBUTE, None)
        if previous is not None:
            for name in PUBLIC_FUNCTIONS:
                cached = namespace.get(name)
                if cached is not None and getattr(cached, "__self__", None) is previous:
                    del namespace[name]
        if loop is not None:
            namespace[_API_ATTRIBUTE] = _api.current().with_config(loop=loop)

    @property
    def txaio_api(self) -> API:
        """The txaio API this object uses: its own loop's, else the selected framework's."""
        api: API | None = self.__dict__.get(_API_ATTRIBUTE)
        return api if api is not None else _api.current()

    # -- the txaio API, from the public methods of API (tools/generate_names.py);
    # the framework-neutral functions are the same whatever the loop, also before selection

    # BEGIN GENERATED methods (tools/generate_names.py)
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
        run = _typed_api().run
        run_in_thread = _typed_api().run_in_thread
        call_from_thread = _typed_api().call_from_thread
        blocking_call_from_thread = _typed_api().blocking_call_from_thread
    else:
        create_future = _method(API.create_future)
        create_future_success = _method(API.create_future_success)
        create_future_error = _method(API.create_future_error)
        as_future = _method(API.as_future)
        is_future = _method(API.is_future)
        is_called = _method(API.is_called)
        resolve = _method(API.resolve)
        reject = _method(API.reject)
        cancel = _method(API.cancel)
        add_callbacks = _method(API.add_callbacks)
        gather = _method(API.gather)
        create_failure = _method(API.create_failure)
        failure_message = _method(API.failure_message)
        failure_traceback = _method(API.failure_traceback)
        failure_format_traceback = _method(API.failure_format_traceback)
        call_later = _method(API.call_later)
        sleep = _method(API.sleep)
        timeout = _method(API.timeout)
        call_periodic = _method(API.call_periodic)
        make_batched_timer = _method(API.make_batched_timer)
        with_config = _method(API.with_config)
        run = _method(API.run)
        run_in_thread = _method(API.run_in_thread)
        call_from_thread = _method(API.call_from_thread)
        blocking_call_from_thread = _method(API.blocking_call_from_thread)
    is_cancelled = staticmethod(API.is_cancelled)
    time_ns = staticmethod(API.time_ns)
    perf_counter_ns = staticmethod(API.perf_counter_ns)
    make_logger = staticmethod(API.make_logger)
    start_logging = staticmethod(API.start_logging)
    set_global_log_level = staticmethod(API.set_global_log_level)
    get_global_log_level = staticmethod(API.get_global_log_level)
    add_log_categories = staticmethod(API.add_log_categories)
    # END GENERATED methods
