"""``txaio.tx.to_asyncio`` and ``from_asyncio`` on a real ``AsyncioSelectorReactor``.

``bridge_program.py`` in a process of its own (a reactor is installed once per process),
warnings as errors: what each side of the bridge sees, printed one line each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_backends import run_python

pytest.importorskip("twisted")

PROGRAM = Path(__file__).with_name("bridge_program.py")

TWISTED_CANCELLED = "twisted.internet.defer.CancelledError"
ASYNCIO_CANCELLED = "asyncio.exceptions.CancelledError"


def run_program(reactor: str) -> list[str]:
    finished = run_python(PROGRAM, reactor)
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    return finished.stdout.splitlines()


@pytest.fixture(scope="module")
def on_the_asyncio_reactor() -> list[str]:
    lines = run_program("asyncioreactor")
    assert "reactor: AsyncioSelectorReactor" in lines
    return lines


def test_a_value_and_an_error_cross_the_bridge_both_ways(on_the_asyncio_reactor):
    assert on_the_asyncio_reactor[:3] == [
        "twisted side got: 42",
        "twisted side got the error: builtins.LookupError from asyncio",
        "asyncio side got: hello, and the error builtins.KeyError 'from twisted'",
    ]


def test_cancelling_the_deferred_cancels_the_asyncio_task(on_the_asyncio_reactor):
    assert f"twisted cancels: asyncio task saw {ASYNCIO_CANCELLED}" in on_the_asyncio_reactor
    assert f"twisted cancels: twisted side saw {TWISTED_CANCELLED}" in on_the_asyncio_reactor


def test_the_deferred_fires_after_the_cancelled_task_cleaned_up(on_the_asyncio_reactor):
    assert "twisted cancels: clean-up before the Deferred fired: True" in on_the_asyncio_reactor


def test_cancelling_the_asyncio_future_cancels_the_deferred(on_the_asyncio_reactor):
    assert f"asyncio cancels: twisted Deferred saw {TWISTED_CANCELLED}" in on_the_asyncio_reactor
    assert f"asyncio cancels: asyncio side saw {ASYNCIO_CANCELLED}" in on_the_asyncio_reactor
    assert (
        f"asyncio cancels: its Deferred in txaio saw {TWISTED_CANCELLED}" in on_the_asyncio_reactor
    )


def test_a_deferred_cancelled_by_twisted_is_asyncio_cancelled_error_in_asyncio(
    on_the_asyncio_reactor,
):
    assert (
        f"twisted cancels the Deferred: asyncio code awaiting it saw {ASYNCIO_CANCELLED}"
        in on_the_asyncio_reactor
    )


def test_timeouts_of_an_asyncio_task_give_timeout_errors(on_the_asyncio_reactor):
    assert "addTimeout of from_asyncio: twisted.internet.defer.TimeoutError" in (
        on_the_asyncio_reactor
    )
    assert "txaio.timeout of from_asyncio: builtins.TimeoutError" in on_the_asyncio_reactor
    # What the bridge fixes: Twisted's own Deferred.fromFuture (Twisted ticket 9679,
    # docs/guide/applications.rst).
    assert (
        f"addTimeout of Deferred.fromFuture (Twisted's own): {ASYNCIO_CANCELLED}"
        in on_the_asyncio_reactor
    )


def test_a_cancellation_nobody_watches_is_not_reported(on_the_asyncio_reactor):
    # Nor printed: run_program checks that the program wrote nothing to stderr.
    assert "unobserved cancellations reported: []" in on_the_asyncio_reactor


def test_without_the_asyncio_reactor_both_bridges_refuse_and_install_nothing():
    *refused, on_the_default_reactor = run_program("default")
    install = "call twisted.internet.asyncioreactor.install() before anything imports the reactor"
    needs = "needs Twisted's asyncio reactor, and txaio uses"
    assert refused == [
        f"to_asyncio: to_asyncio() {needs} no reactor yet: {install}",
        "a reactor installed: False",
        f"from_asyncio: from_asyncio() {needs} no reactor yet: {install}",
        "a reactor installed: False",
    ]
    reactor = on_the_default_reactor.split()[2].rstrip(":")  # EPollReactor on Linux
    assert on_the_default_reactor == (
        f"to_asyncio on {reactor}: to_asyncio() {needs} {reactor}: {install}"
    )
