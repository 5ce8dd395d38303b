"""Switching the framework in tests, as docs/guide/testing.rst shows it."""

from __future__ import annotations

import pytest

import txaio

pytest.importorskip("twisted")


def test_use_framework_selects_a_framework_inside_the_block_only():
    from twisted.internet.defer import Deferred

    from txaio.testutil import use_framework

    before = txaio.using_twisted
    with use_framework("asyncio"):
        assert not txaio.is_future(Deferred())  # not a future on asyncio
    with use_framework("twisted"):
        assert txaio.is_future(Deferred())
    assert txaio.using_twisted == before  # the previous selection is back
