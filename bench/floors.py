"""The floor: the thinnest Python functions with txaio's signatures, without any check.

Each function below does only what the API shape forces on any pure-Python
txaio: one Python call per API function, the per-call loop lookup on asyncio
(txaio follows the running loop), carrying ``(callback, errback)`` to the
done-callback, and forwarding ``*args``/``**kwargs`` (as cheaply as txaio does:
by position when there is one argument and no keyword). They check nothing and
convert nothing, so they are not a usable API: they are the lower bound of its
cost. When the floor itself is more than 1.10x native, the 1.10 target cannot
be met by a Python implementation, whatever it does; the report shows the
floor next to txaio so the distance that is txaio's own is visible.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MethodType
from typing import Any


class AsyncioFloor:
    """Floors for asyncio and uvloop."""

    __name__ = "floor"

    def __init__(self, loop: Any = None) -> None:
        """With ``loop``, the floor of txaio with ``txaio.config.loop`` set: no loop lookup."""
        import asyncio

        running_loop: Callable[[], Any] = (
            asyncio._get_running_loop if loop is None else lambda: loop
        )

        def _done(callbacks: tuple[Any, Any], future: Any) -> None:
            error = future.exception()
            if error is None:
                callbacks[0](future.result())
            else:
                callbacks[1](error)

        def create_future(result: Any = None, error: Any = None, canceller: Any = None) -> Any:
            return running_loop().create_future()

        def add_callbacks(future: Any, callback: Any, errback: Any) -> Any:
            future.add_done_callback(MethodType(_done, (callback, errback)))
            return future

        def resolve(future: Any, value: Any = None) -> None:
            future.set_result(value)

        def reject(future: Any, error: Any = None) -> None:
            future.set_exception(error)

        def as_future(fn: Any, *args: Any, **kwargs: Any) -> Any:
            future = running_loop().create_future()
            future.set_result(fn(*args, **kwargs) if kwargs else fn(*args))
            return future

        def call_later(delay: float, fn: Any, *args: Any, **kwargs: Any) -> Any:
            if len(args) == 1 and not kwargs:
                return running_loop().call_later(delay, fn, args[0])
            return running_loop().call_later(delay, fn, *args)

        self.create_future = create_future
        self.add_callbacks = add_callbacks
        self.resolve = resolve
        self.reject = reject
        self.as_future = as_future
        self.call_later = call_later


class TwistedFloor:
    """Floors for Twisted."""

    __name__ = "floor"

    def __init__(self) -> None:
        from twisted.internet import reactor as global_reactor
        from twisted.internet.defer import Deferred, succeed
        from twisted.python.failure import Failure

        reactor: Any = global_reactor

        def create_future(result: Any = None, error: Any = None, canceller: Any = None) -> Any:
            return Deferred(canceller)

        def add_callbacks(future: Any, callback: Any, errback: Any) -> Any:
            if callback is None:
                future.addErrback(errback)
            elif errback is None:
                future.addCallback(callback)
            else:
                future.addCallbacks(callback, errback)
            return future

        def resolve(future: Any, value: Any = None) -> None:
            future.callback(value)

        def reject(future: Any, error: Any = None) -> None:
            future.errback(Failure(error))

        def as_future(fn: Any, *args: Any, **kwargs: Any) -> Any:
            return succeed(fn(*args, **kwargs) if kwargs else fn(*args))

        def call_later(delay: float, fn: Any, *args: Any, **kwargs: Any) -> Any:
            if len(args) == 1 and not kwargs:
                return reactor.callLater(delay, fn, args[0])
            return reactor.callLater(delay, fn, *args, **kwargs)

        self.create_future = create_future
        self.add_callbacks = add_callbacks
        self.resolve = resolve
        self.reject = reject
        self.as_future = as_future
        self.call_later = call_later
