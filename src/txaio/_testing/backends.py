"""The backend matrix: every loop a ``txaio_framework`` test can run on.

A *backend* is a framework plus the loop (or reactor) txaio is pointed at
during the test. All of them keep time virtual, so a contract test reads the
same and stays deterministic on each:

``asyncio``
    :class:`~txaio.testutil.VirtualClockLoop`, asyncio's own selector loop
    with a virtual clock.
``asyncio-uvloop``
    :class:`~txaio._testing.uvloop_clock.UvloopClock`: a real ``uvloop`` loop
    (libuv runs every callback; futures and tasks are bound to it) whose
    timers alone are virtual, since libuv's clock cannot be moved by hand.
``twisted``
    :class:`~txaio.testutil.ReactorClock`, Twisted's ``task.Clock``.
``twisted-asyncioreactor``
    :class:`~txaio._testing.asyncio_reactor_clock.AsyncioReactorClock`: Twisted's
    real ``AsyncioSelectorReactor`` running on a ``VirtualClockLoop`` --
    Twisted on asyncio, with the reactor's clock tied to the loop's.

End-to-end tests (``tests/e2e``) run the same backends on real loops and real
sockets; Twisted there needs a process of its own, because a reactor is
installed once per process.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BACKENDS",
    "Backend",
    "make_asyncio_reactor_clock",
    "make_uvloop_clock",
]


@dataclass(frozen=True)
class Backend:
    """One entry of the matrix: which framework, on which virtual-time loop."""

    #: The test id, e.g. ``"asyncio-uvloop"``.
    name: str
    #: ``"asyncio"`` or ``"twisted"``: what ``use_framework`` selects.
    framework: str
    #: Modules that must be importable for this backend.
    requires: tuple[str, ...]
    #: Makes the clock txaio is pointed at; it has ``advance(seconds)`` and ``seconds()``.
    make_clock: Callable[[], Any]
    #: Releases what ``make_clock`` made.
    close_clock: Callable[[Any], None]
    #: The command that installs what ``requires`` names.
    install: str = ""

    def is_installed(self) -> bool:
        """True when every module the backend needs can be imported."""
        return all(importlib.util.find_spec(module) is not None for module in self.requires)


# -- the clocks ----------------------------------------------------------------
# Each is imported only when a test asks for it: they import optional packages.


def make_uvloop_clock() -> Any:
    """A new :class:`txaio._testing.uvloop_clock.UvloopClock`."""
    from txaio._testing.uvloop_clock import UvloopClock

    return UvloopClock()


def make_asyncio_reactor_clock() -> Any:
    """A new :class:`txaio._testing.asyncio_reactor_clock.AsyncioReactorClock`."""
    from txaio._testing.asyncio_reactor_clock import AsyncioReactorClock

    return AsyncioReactorClock()


def _close_loop(loop: Any) -> None:
    loop.close()


# -- the matrix ---------------------------------------------------------------


def _make_virtual_clock_loop() -> Any:
    from txaio._testing.virtual_clock import VirtualClockLoop

    return VirtualClockLoop()


def _make_reactor_clock() -> Any:
    from txaio._testing.reactor_clock import ReactorClock

    return ReactorClock()


def _nothing_to_close(clock: Any) -> None:
    return None


#: Every backend, by name, in the order tests are parametrized.
BACKENDS: dict[str, Backend] = {
    backend.name: backend
    for backend in (
        Backend("asyncio", "asyncio", (), _make_virtual_clock_loop, _close_loop),
        Backend(
            "asyncio-uvloop",
            "asyncio",
            ("uvloop",),
            make_uvloop_clock,
            _close_loop,
            install="pip install uvloop",
        ),
        Backend(
            "twisted",
            "twisted",
            ("twisted",),
            _make_reactor_clock,
            _nothing_to_close,
            install='pip install "txaio[twisted]"',
        ),
        Backend(
            "twisted-asyncioreactor",
            "twisted",
            ("twisted",),
            make_asyncio_reactor_clock,
            _close_loop,
            install='pip install "txaio[twisted]"',
        ),
    )
}
