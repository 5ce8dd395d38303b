"""The public names: those of the published txaio, and the API reference (docs/api.rst)."""

from __future__ import annotations

import inspect

import pytest

import txaio
import txaio.aio
import txaio.tx
from txaio._api import PUBLIC_FUNCTIONS

SPEC_NAMES = [
    "using_twisted", "using_asyncio", "use_asyncio", "use_twisted", "create_future",
    "create_future_success", "create_future_error", "as_future", "is_future", "is_called",
    "resolve", "reject", "cancel", "add_callbacks", "gather", "create_failure",
    "failure_message", "failure_traceback", "failure_format_traceback", "call_later", "sleep",
    "time_ns", "perf_counter_ns", "make_batched_timer", "with_config", "config",
    "IFailedFuture", "ILogger", "IBatchedTimer",
]  # fmt: skip


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_spec_name_exists(name):
    assert hasattr(txaio, name)


def test_all_lists_exactly_the_public_names():
    # No stray names either: not the ``annotations`` a ``__future__`` import binds.
    public = {n for n in vars(txaio) if not n.startswith("_")}
    modules = {n for n in public if inspect.ismodule(getattr(txaio, n))}
    assert sorted(public - modules) == sorted(txaio.__all__)


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_backends_and_facade_share_each_signature(txaio_framework, name):
    def parameters(module):
        signature = inspect.signature(getattr(module, name))
        return [(p.name, p.kind, p.default) for p in signature.parameters.values()]

    assert parameters(txaio) == parameters(txaio.aio) == parameters(txaio.tx)


@pytest.mark.parametrize("module", [txaio.aio, txaio.tx])
def test_backend_modules_export_every_public_function(module):
    assert set(PUBLIC_FUNCTIONS) <= set(module.__all__)
    assert all(callable(getattr(module, name)) for name in PUBLIC_FUNCTIONS)
