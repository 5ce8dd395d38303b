"""Tests of the timeouts library, each run on asyncio and on Twisted.

The ``txaio_framework`` fixture comes from txaio's pytest plugin: a test that
takes it runs once per framework, with that framework selected and a virtual
clock as txaio's loop, so the timeouts below take no real time.
"""

from __future__ import annotations

import pytest
from timeouts import DeadlineExceeded, Watchdog, deadline

import txaio
from txaio.testutil import VirtualClockLoop


def test_deadline_passes_a_result_through(txaio_framework):
    future = txaio.create_future()
    limited = deadline(future, 10)
    txaio_framework.advance(5)
    txaio.resolve(future, "answer")
    assert txaio_framework.result(limited) == "answer"


def test_deadline_fails_when_the_time_is_up(txaio_framework):
    limited = deadline(txaio.create_future(), 10)
    txaio_framework.advance(9.9)
    assert not txaio.is_called(limited)
    txaio_framework.advance(0.1)
    with pytest.raises(DeadlineExceeded, match="no result within 10 s"):
        txaio_framework.result(limited)


def test_deadline_cancels_the_late_future(txaio_framework):
    late = txaio.create_future()
    limited = deadline(late, 10)
    txaio_framework.advance(10)
    with pytest.raises(DeadlineExceeded):
        txaio_framework.result(limited)
    assert txaio.is_called(late)


def test_deadline_needs_a_positive_number_of_seconds(txaio_framework):
    with pytest.raises(ValueError, match="seconds must be > 0"):
        deadline(txaio.create_future(), 0)


def test_watchdog_expires_after_its_timeout(txaio_framework):
    expired = []
    Watchdog(3, lambda: expired.append(True)).kick()
    txaio_framework.advance(2.9)
    assert expired == []
    txaio_framework.advance(0.1)
    assert expired == [True]


def test_kick_starts_the_countdown_again(txaio_framework):
    expired = []
    watchdog = Watchdog(3, lambda: expired.append(True))
    watchdog.kick()
    txaio_framework.advance(2)
    watchdog.kick()
    txaio_framework.advance(2)
    assert expired == []
    txaio_framework.advance(1)
    assert expired == [True]


def test_stop_means_no_expiry(txaio_framework):
    expired = []
    watchdog = Watchdog(3, lambda: expired.append(True))
    watchdog.kick()
    watchdog.stop()
    txaio_framework.advance(10)
    assert expired == []


def test_error_in_on_expire_is_reported_by_the_framework(txaio_framework):
    def on_expire():
        raise RuntimeError("alarm bell broke")

    Watchdog(1, on_expire).kick()
    txaio_framework.advance(1)
    reported = txaio_framework.reported_errors()
    assert [str(error) for error in reported] == ["alarm bell broke"]


@pytest.mark.txaio_frameworks("asyncio")
def test_watchdog_given_a_loop_counts_down_on_that_loop(txaio_framework):
    own_loop = VirtualClockLoop()
    expired = []
    Watchdog(3, lambda: expired.append(True), loop=own_loop).kick()
    txaio_framework.advance(3)
    assert expired == []
    own_loop.advance(3)
    assert expired == [True]
    own_loop.close()
