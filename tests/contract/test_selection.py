"""Selecting a framework (contract points 1 and 10)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import txaio
from txaio.testutil import use_framework


@pytest.fixture
def unselected():
    with use_framework(None):
        yield


@pytest.mark.usefixtures("unselected")
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("create_future", ()),
        ("as_future", (print,)),
        ("resolve", (None, 1)),
        ("call_later", (1, print)),
        ("gather", ([],)),
        ("create_failure", ()),
        ("with_config", ()),
    ],
)
def test_api_call_before_selection_raises_runtime_error_naming_the_fix(name, args):
    with pytest.raises(RuntimeError, match=r"use_asyncio\(\) or txaio.use_twisted\(\)"):
        getattr(txaio, name)(*args)


@pytest.mark.usefixtures("unselected")
def test_nothing_is_selected_before_use():
    assert (txaio.using_asyncio, txaio.using_twisted, txaio._explicit_framework) == (
        False,
        False,
        None,
    )


def test_use_asyncio_sets_the_flags():
    with use_framework(None):
        txaio.use_asyncio()
        assert (txaio.using_asyncio, txaio.using_twisted, txaio._explicit_framework) == (
            True,
            False,
            "asyncio",
        )


def test_use_twisted_sets_the_flags():
    with use_framework(None):
        txaio.use_twisted()
        assert (txaio.using_asyncio, txaio.using_twisted, txaio._explicit_framework) == (
            False,
            True,
            "twisted",
        )


@pytest.mark.parametrize(("first", "second"), [("asyncio", "twisted"), ("twisted", "asyncio")])
def test_selecting_the_other_framework_raises_runtime_error(first, second):
    with use_framework(first), pytest.raises(RuntimeError, match=f"cannot switch to {second}"):
        getattr(txaio, f"use_{second}")()


@pytest.mark.parametrize("name", ["asyncio", "twisted"])
def test_selecting_the_same_framework_twice_is_harmless(name):
    with use_framework(name):
        getattr(txaio, f"use_{name}")()
        assert txaio._explicit_framework == name


def test_use_twisted_without_twisted_says_how_to_install_it():
    code = (
        "import sys; sys.modules['twisted'] = None\n"
        "import txaio\n"
        "try:\n"
        "    txaio.use_twisted()\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert 'pip install "txaio[twisted]"' in out


def test_importing_txaio_imports_neither_asyncio_nor_twisted():
    code = "import sys, txaio; print(sorted({'asyncio', 'twisted'} & set(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", ["asyncio", "twisted"])
def test_importing_with_module_selects_that_framework(name):
    code = f"import txaio, txaio.with_{name} as t; print(txaio._explicit_framework, t.is_future)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith(name)


@pytest.mark.parametrize("name", ["asyncio", "twisted"])
def test_name_imported_before_selection_works_after_it(name):
    with use_framework(None):
        from txaio import create_future_success, is_called

        with use_framework(name) as api:
            future = create_future_success(7)
            assert is_called(future)
            assert api.is_future(future)


def test_loop_configured_before_selection_is_kept():
    import asyncio

    loop = asyncio.new_event_loop()
    try:
        with use_framework(None):
            txaio.config.loop = loop
            try:
                with use_framework("asyncio"):
                    assert txaio.create_future().get_loop() is loop
            finally:
                txaio.config.loop = None
    finally:
        loop.close()
