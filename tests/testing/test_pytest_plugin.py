"""The pytest plugin, as a library author uses it in their own suite (run with pytester).

Each test writes a small test file of a user's suite, runs pytest on it, and
checks what pytest reports: which tests ran, under which framework, and why
one failed.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

import txaio
from txaio._testing.backends import TEST_BACKENDS
from txaio.pytest_plugin import available_frameworks

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = available_frameworks()


@pytest.fixture
def suite(pytester):
    """A user's project: warnings are errors there too.

    Hypothesis's plugin is left out: pytester forgets the modules each run
    imports, so every run would import (and assertion-rewrite) it again.
    """
    pytester.makeini(
        "[pytest]\nfilterwarnings = error\naddopts = -p no:cacheprovider -p no:hypothesispytest\n"
    )
    return pytester


def passed_ids(result):
    """The ids of the tests that passed, from a ``-v`` run."""
    return sorted(re.findall(r"::(\S+) PASSED", result.stdout.str()))


def test_test_taking_the_fixture_runs_once_per_framework(suite):
    suite.makepyfile(
        """
        def test_timeout(txaio_framework):
            pass
        """
    )
    result = suite.runpytest("-v")
    result.assert_outcomes(passed=len(FRAMEWORKS))
    assert passed_ids(result) == sorted(f"test_timeout[{name}]" for name in FRAMEWORKS)


def test_each_run_has_its_framework_selected(suite):
    suite.makepyfile(
        """
        import txaio

        def test_selected(txaio_framework):
            assert txaio.using_twisted == (txaio_framework.name == "twisted")
            assert txaio.using_asyncio == (txaio_framework.name == "asyncio")
            future = txaio.create_future()
            assert txaio_framework.api.is_future(future)
            assert type(future).__name__ == {"asyncio": "Future", "twisted": "Deferred"}[
                txaio_framework.name
            ]
        """
    )
    suite.runpytest().assert_outcomes(passed=len(FRAMEWORKS))


def test_each_run_has_a_virtual_clock(suite):
    suite.makepyfile(
        """
        import txaio

        def test_an_hour_passes_at_once(txaio_framework):
            fired = []
            txaio.call_later(3600, fired.append, "late")
            txaio_framework.advance(3599.5)
            assert fired == []
            txaio_framework.advance(0.5)
            assert fired == ["late"]
        """
    )
    suite.runpytest().assert_outcomes(passed=len(FRAMEWORKS))


def test_now_reads_the_virtual_time_on_every_backend(txaio_framework):
    seen = []
    assert txaio_framework.now() == 0.0
    txaio.call_later(1.5, lambda: seen.append(txaio_framework.now()))
    txaio_framework.advance(2.5)
    assert seen == [1.5]
    assert txaio_framework.now() == 2.5
    assert type(txaio_framework.now()) is float


def test_now_is_what_txaio_loop_reads(txaio_framework):
    txaio_framework.advance(7)
    clock = txaio.config.loop
    loop_time = clock.time() if txaio_framework.name == "asyncio" else clock.seconds()
    assert txaio_framework.now() == loop_time == 7.0


def test_now_in_a_users_suite_on_every_backend(suite):
    suite.makepyfile(
        """
        import txaio

        def test_clock(txaio_framework):
            timer = txaio.make_batched_timer(1)
            fired = []
            timer.call_later(2, lambda: fired.append(txaio_framework.now()))
            txaio_framework.advance(3)
            assert fired == [2.0]
            assert txaio_framework.now() == 3.0
        """
    )
    installed = [name for name, backend in TEST_BACKENDS.items() if backend.is_installed()]
    result = suite.runpytest("--txaio-backends", "all")
    result.assert_outcomes(passed=len(installed), skipped=len(TEST_BACKENDS) - len(installed))


def test_test_without_the_fixture_runs_once(suite):
    suite.makepyfile(
        """
        def test_plain():
            pass
        """
    )
    result = suite.runpytest("-v")
    result.assert_outcomes(passed=1)
    assert passed_ids(result) == ["test_plain"]


def test_selection_is_restored_after_each_test(suite):
    suite.makepyfile(
        """
        import txaio

        BEFORE = txaio._explicit_framework

        def test_a(txaio_framework):
            pass

        def test_b():
            assert txaio._explicit_framework == BEFORE
        """
    )
    suite.runpytest().assert_outcomes(passed=len(FRAMEWORKS) + 1)


def test_marker_restricts_a_test_to_the_named_framework(suite):
    suite.makepyfile(
        """
        import pytest

        @pytest.mark.txaio_frameworks("twisted")
        def test_twisted_only(txaio_framework):
            assert txaio_framework.name == "twisted"
        """
    )
    result = suite.runpytest("-v")
    result.assert_outcomes(passed=1)
    assert passed_ids(result) == ["test_twisted_only[twisted]"]


def test_marker_with_an_unknown_name_fails_collection_naming_it(suite):
    suite.makepyfile(
        """
        import pytest

        @pytest.mark.txaio_frameworks("asynco")
        def test_typo(txaio_framework):
            pass
        """
    )
    result = suite.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*txaio_frameworks takes framework or backend names*'asynco'*"])


def test_marker_without_names_fails_collection(suite):
    suite.makepyfile(
        """
        import pytest

        @pytest.mark.txaio_frameworks
        def test_nothing(txaio_framework):
            pass
        """
    )
    result = suite.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*txaio_frameworks takes framework or backend names*got none*"])


TWO_TEST_FILES = {
    "test_one": "def test_one(txaio_framework):\n    pass\n",
    "test_two": "def test_two(txaio_framework):\n    pass\n",
}


def assert_one_usage_error(result, expected):
    """The run stopped at start-up with one clean ``ERROR:`` line, saying ``expected``."""
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert len(errors) == 1, result.stderr.lines
    assert expected in errors[0]
    output = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in output
    assert "collected" not in output


def test_unknown_backend_is_one_usage_error_listing_the_backends(suite):
    suite.makepyfile(**TWO_TEST_FILES)
    result = suite.runpytest("--txaio-backends", "uvlop")
    assert_one_usage_error(result, "--txaio-backends: unknown backend 'uvlop'")
    assert ", ".join(TEST_BACKENDS) in result.stderr.str()


def test_unknown_backend_in_the_ini_file_is_one_usage_error(suite):
    suite.makeini(
        "[pytest]\naddopts = -p no:cacheprovider -p no:hypothesispytest\n"
        "txaio_backends = asyncio twsted\n"
    )
    suite.makepyfile(**TWO_TEST_FILES)
    result = suite.runpytest()
    assert_one_usage_error(result, "the txaio_backends ini value: unknown backend 'twsted'")


@pytest.mark.parametrize(
    ("backend", "command"),
    [
        ("twisted", 'pip install "txaio[twisted]"'),
        ("twisted-asyncioreactor", 'pip install "txaio[twisted]"'),
        ("asyncio-uvloop", "pip install uvloop"),
    ],
)
def test_backend_named_but_not_installed_fails_the_run_with_the_install_command(
    suite, monkeypatch, backend, command
):
    uninstalled = dataclasses.replace(TEST_BACKENDS[backend], requires=("txaio_no_such_module",))
    monkeypatch.setitem(TEST_BACKENDS, backend, uninstalled)
    suite.makepyfile(**TWO_TEST_FILES)
    result = suite.runpytest("--txaio-backends", f"asyncio,{backend}")
    assert_one_usage_error(result, f"backend '{backend}' needs txaio_no_such_module")
    assert f"install it with: {command}" in result.stderr.str()


def test_all_skips_a_backend_that_is_not_installed_saying_how_to_install_it(suite, monkeypatch):
    uninstalled = dataclasses.replace(
        TEST_BACKENDS["asyncio-uvloop"], requires=("txaio_no_such_module",)
    )
    monkeypatch.setitem(TEST_BACKENDS, "asyncio-uvloop", uninstalled)
    suite.makepyfile(**TWO_TEST_FILES)
    result = suite.runpytest("--txaio-backends", "all", "-rs")
    installed = [name for name, backend in TEST_BACKENDS.items() if backend.is_installed()]
    result.assert_outcomes(
        passed=2 * len(installed), skipped=2 * (len(TEST_BACKENDS) - len(installed))
    )
    result.stdout.fnmatch_lines(
        ["*backend asyncio-uvloop needs*(not installed: pip install uvloop)*"]
    )


def test_usefixtures_runs_every_test_of_a_module_per_framework(suite):
    suite.makepyfile(
        """
        import pytest
        import txaio

        pytestmark = pytest.mark.usefixtures("txaio_framework")

        def test_one():
            assert txaio.is_future(txaio.create_future())

        def test_two():
            assert txaio.is_future(txaio.create_future())
        """
    )
    suite.runpytest().assert_outcomes(passed=2 * len(FRAMEWORKS))


def test_a_fixture_built_on_txaio_framework_is_run_per_framework_too(suite):
    suite.makepyfile(
        """
        import pytest
        import txaio

        @pytest.fixture
        def client(txaio_framework):
            return txaio_framework.name

        def test_client(client):
            assert client == ("twisted" if txaio.using_twisted else "asyncio")
        """
    )
    suite.runpytest().assert_outcomes(passed=len(FRAMEWORKS))


def test_error_reported_by_the_framework_and_not_claimed_fails_the_test(suite):
    suite.makepyfile(
        """
        import txaio

        def broken():
            raise RuntimeError("timer broke")

        def test_forgets_the_error(txaio_framework):
            txaio.call_later(1, broken)
            txaio_framework.advance(1)
        """
    )
    result = suite.runpytest()
    result.assert_outcomes(passed=len(FRAMEWORKS), errors=len(FRAMEWORKS))
    result.stdout.fnmatch_lines(["*errors were reported under * and not claimed*timer broke*"])


INSTALLED_BACKENDS = [name for name, backend in TEST_BACKENDS.items() if backend.is_installed()]


def test_an_unobserved_cancellation_passes_on_every_backend(suite):
    suite.makepyfile(
        """
        import txaio

        def test_cancels_a_future_nobody_watches(txaio_framework):
            txaio.cancel(txaio.create_future())
        """
    )
    result = suite.runpytest("--txaio-backends=all")
    result.assert_outcomes(passed=len(INSTALLED_BACKENDS))


def test_an_unhandled_rejection_fails_on_every_backend(suite):
    suite.makepyfile(
        """
        import txaio

        def test_rejects_a_future_nobody_watches(txaio_framework):
            txaio.reject(txaio.create_future(), RuntimeError("nobody handled me"))
        """
    )
    result = suite.runpytest("--txaio-backends=all")
    result.assert_outcomes(passed=len(INSTALLED_BACKENDS), errors=len(INSTALLED_BACKENDS))
    result.stdout.fnmatch_lines(
        ["*errors were reported under * and not claimed*nobody handled me*"]
    )


def test_error_claimed_with_reported_errors_passes(suite):
    suite.makepyfile(
        """
        import txaio

        def broken():
            raise RuntimeError("timer broke")

        def test_claims_the_error(txaio_framework):
            txaio.call_later(1, broken)
            txaio_framework.advance(1)
            assert [str(e) for e in txaio_framework.reported_errors()] == ["timer broke"]
        """
    )
    suite.runpytest().assert_outcomes(passed=len(FRAMEWORKS))


def test_plugin_can_be_switched_off(suite):
    suite.makepyfile(
        """
        def test_needs_it(txaio_framework):
            pass
        """
    )
    result = suite.runpytest("-p", "no:txaio")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'txaio_framework' not found*"])


def test_plugin_can_be_named_when_plugin_autoloading_is_off(suite, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    suite.makepyfile(
        """
        def test_needs_it(txaio_framework):
            pass
        """
    )
    suite.runpytest_subprocess("-p", "txaio").assert_outcomes(passed=len(FRAMEWORKS))


def test_the_tested_library_example_passes_on_every_framework():
    example = ROOT / "examples" / "tested_library"
    process = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-W", "error"],
        cwd=example,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    for framework in FRAMEWORKS:
        assert f"[{framework}] PASSED" in process.stdout


def test_plugin_code_names_no_framework():
    # What differs per framework lives in the test-backend records (txaio._testing.backends);
    # the plugin only looks them up. Docstrings and comments may name frameworks.
    tree = ast.parse((ROOT / "src" / "txaio" / "pytest_plugin.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            body.remove(first)  # a docstring
    code = ast.unparse(tree).lower()
    assert "asyncio" not in code
    assert "twisted" not in code
