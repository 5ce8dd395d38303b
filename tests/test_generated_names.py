"""Public functions are defined once, on ``txaio._api.API``; their spelled-out names are generated.

``tools/generate_names.py`` writes the static bindings (the facade's forwarders
and ``__all__``, the backend modules' functions, LoopMixin's methods) from the
public methods of ``API`` (``_api.PUBLIC_FUNCTIONS`` and ``_api.LOGGING_FUNCTIONS``
are read off the class). These tests fail when the class changed and the script
was not run.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location(
        "generate_names", ROOT / "tools/generate_names.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_names"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["generate_names"]


def test_generated_names_are_up_to_date(generator):
    assert generator.stale_files() == [], "run: python tools/generate_names.py"


def test_a_function_missing_from_a_generated_region_makes_its_file_stale(generator, tmp_path):
    for file in generator.TARGETS:
        (tmp_path / file).write_text((generator.PACKAGE / file).read_text())
    aio = tmp_path / "aio.py"
    aio.write_text(aio.read_text().replace("gather = _default.gather\n", ""))
    assert generator.stale_files(tmp_path) == ["aio.py"]


def test_a_name_defined_by_hand_is_left_out_of_the_generated_region(generator):
    source = (
        "def run():\n    pass\n"
        "# BEGIN GENERATED module functions (tools/generate_names.py)\n"
        "# END GENERATED module functions\n"
    )
    written = generator.regenerate(source, {"module functions": generator.backend_module})
    assert "run = _default.run" not in written
    assert "gather = _default.gather\n" in written


def test_a_missing_region_is_an_error(generator):
    with pytest.raises(LookupError, match="module functions"):
        generator.regenerate("x = 1\n", {"module functions": generator.backend_module})


@pytest.mark.parametrize("module_name", ["txaio", "txaio.aio", "txaio.tx"])
def test_every_listed_function_is_a_public_name_of_the_module(generator, module_name):
    module = importlib.import_module(module_name)
    listed = {*generator.API_FUNCTIONS, *generator.LOGGING_FUNCTIONS}
    assert listed <= set(module.__all__)
    assert all(callable(getattr(module, name)) for name in listed)


def test_the_public_functions_are_the_public_methods_of_api_in_class_order():
    from txaio import _api, _logging

    class Toy:
        __slots__ = ("config",)

        def first(self) -> None: ...

        def _helper(self) -> None: ...

        second = staticmethod(len)

        make_logger = staticmethod(_logging.make_logger)

    assert _api._public_names(Toy) == (("first", "second"), ("make_logger",))
    assert _api.PUBLIC_FUNCTIONS[:2] == ("create_future", "create_future_success")
    assert "config" not in _api.PUBLIC_FUNCTIONS


def test_the_logging_functions_are_the_api_names_bound_from_logging():
    from txaio import _api

    assert _api.LOGGING_FUNCTIONS == (
        "make_logger",
        "start_logging",
        "set_global_log_level",
        "get_global_log_level",
        "add_log_categories",
    )
    assert not set(_api.LOGGING_FUNCTIONS) & set(_api.PUBLIC_FUNCTIONS)
