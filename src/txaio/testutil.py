"""Tools for testing code that uses txaio, on each framework.

- :func:`replace_loop` points txaio at another loop/reactor for a while
  (typically a virtual clock).
- :func:`use_framework` selects a framework for a while: the supported way
  to run the same test under asyncio and under Twisted in one process.
- :class:`VirtualClockLoop` is an asyncio loop with virtual time and an
  ``advance(seconds)`` method, like Twisted's ``task.Clock``.
- :class:`ReactorClock` is Twisted's ``task.Clock`` that, like a real
  reactor, logs an error raised by a delayed call instead of raising it
  out of ``advance``.
- The pytest plugin (``txaio.pytest_plugin``) builds on these.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from txaio import _api, _selection
from txaio._api import API, config

if TYPE_CHECKING:
    from txaio._testing.reactor_clock import ReactorClock
    from txaio._testing.virtual_clock import VirtualClockLoop

__all__ = ["ReactorClock", "VirtualClockLoop", "replace_loop", "use_framework"]


@contextmanager
def replace_loop(new_loop: Any) -> Iterator[Any]:
    """Make txaio use ``new_loop`` inside the block, then restore the previous one.

    Pass an asyncio event loop under asyncio or a reactor (anything with
    ``IReactorTime``, such as ``twisted.internet.task.Clock``) under Twisted::

        with replace_loop(task.Clock()) as clock:
            txaio.call_later(5, foo)
            clock.advance(10)
    """
    previous = config.loop
    config.loop = new_loop
    try:
        yield new_loop
    finally:
        config.loop = previous


@contextmanager
def use_framework(framework: str | None) -> Iterator[API | None]:
    """Select ``framework`` ("asyncio", "twisted", or None for none) inside the block.

    Outside tests a process picks one framework for good and switching is an
    error; this context manager is the sanctioned exception, for test suites
    that run the same test under each framework. It yields the framework's
    API (None for None) and restores the previous selection afterwards.
    """
    previous = _api.selected()
    previous_loop = config.loop
    if previous is not None and framework not in (None, previous.framework):
        config.loop = None  # the other framework's loop is never right
    api: API | None = None
    if framework is None:
        _selection.unselect()
    else:
        api = _selection.select(framework, switch=True)
    try:
        yield api
    finally:
        if previous is None:
            _selection.unselect()
        else:
            _selection.select(previous.framework, switch=True)
        config.loop = previous_loop


def __getattr__(name: str) -> Any:
    # These import asyncio or Twisted, so they are loaded only when asked for.
    if name == "VirtualClockLoop":
        from txaio._testing.virtual_clock import VirtualClockLoop

        return VirtualClockLoop
    if name == "ReactorClock":
        from txaio._testing.reactor_clock import ReactorClock

        return ReactorClock
    raise AttributeError(f"module 'txaio.testutil' has no attribute {name!r}")
