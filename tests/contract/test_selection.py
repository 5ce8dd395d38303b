"""Selecting a framework (docs/contract.rst, "Selecting the framework")."""

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


def test_importing_txaio_loads_no_standard_library_module_beyond_two_small_ones():
    """CONTRIBUTING.md, "Import time": ``import txaio`` loads its own modules and, of the
    standard library, only ``__future__`` and ``_string`` (a C module); each other module
    (``types``, ``typing``, ``logging`` ...) would cost hundreds of microseconds."""
    code = (
        "import sys; before = set(sys.modules); import txaio\n"
        "print(' '.join(sorted(n for n in set(sys.modules) - before"
        " if n.split('.')[0] != 'txaio')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert set(out.split()) <= {"__future__", "_string"}


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


def _conflict_in_a_process(tmp_path, first_library, second_library):
    """Run a program importing two libraries; the error its second import raises."""
    (tmp_path / "first_library.py").write_text(first_library)
    (tmp_path / "second_library.py").write_text(second_library)
    (tmp_path / "app.py").write_text(
        "import first_library\n"
        "try:\n"
        "    import second_library\n"
        "except RuntimeError as error:\n"
        "    print(error)\n"
    )
    return subprocess.run(
        [sys.executable, "app.py"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_conflict_error_names_where_each_framework_was_asked_for(tmp_path):
    message = _conflict_in_a_process(
        tmp_path,
        "import txaio\n\ntxaio.use_asyncio()\n",
        "import txaio\n\n\ntxaio.use_twisted()\n",
    )
    first, second = tmp_path / "first_library.py", tmp_path / "second_library.py"
    assert message.startswith(
        "txaio already uses asyncio; it cannot switch to twisted in the same process. "
        f"asyncio was selected at {first}:3; twisted is asked for at {second}:4. "
    )


def test_the_conflict_error_says_what_to_do(tmp_path):
    message = _conflict_in_a_process(
        tmp_path, "import txaio\ntxaio.use_twisted()\n", "import txaio\ntxaio.use_asyncio()\n"
    )
    assert "let the application select it, once, before it imports libraries" in message
    assert "let libraries select nothing when they are imported" in message
    assert "'Writing a library that shares a process'" in message


def test_the_conflict_error_names_the_import_of_a_with_module(tmp_path):
    message = _conflict_in_a_process(
        tmp_path, "import txaio.with_twisted\n", "import txaio\n\nimport txaio.with_asyncio\n"
    )
    first, second = tmp_path / "first_library.py", tmp_path / "second_library.py"
    assert f"twisted was selected at {first}:1; asyncio is asked for at {second}:3." in message
