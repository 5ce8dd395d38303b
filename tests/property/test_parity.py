"""Property-based parity: a random program of txaio operations does the same on every backend.

See ``programs.py`` for the operations and for what "the same" means. The
number of examples comes from the hypothesis profile named by
``TXAIO_HYPOTHESIS_PROFILE``: ``txaio-ci`` (the default, used by ``make
test``) or ``txaio-matrix`` (``make test-matrix`` and ``make soak``). Both are
derandomized, so a run is repeatable; a counterexample found once is kept in
``test_parity_regressions.py``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings

from .programs import (
    PARITY_BACKENDS,
    AddCallbacks,
    Advance,
    CallLater,
    Create,
    Gather,
    Reject,
    Resolve,
    observable,
    programs,
    run_program,
)

settings.register_profile(
    "txaio-ci",
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "txaio-matrix",
    max_examples=600,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = settings.get_profile(os.environ.get("TXAIO_HYPOTHESIS_PROFILE", "txaio-ci"))


@settings(PROFILE)
@given(programs)
def test_a_program_does_the_same_on_every_backend(program):
    reference = observable(run_program(program, PARITY_BACKENDS[0]))
    for backend in PARITY_BACKENDS[1:]:
        assert observable(run_program(program, backend)) == reference, backend


def test_parity_compares_asyncio_with_twisted():
    assert PARITY_BACKENDS[0] == "asyncio"
    assert "twisted" in PARITY_BACKENDS


def test_the_trace_shows_callbacks_timers_gather_and_outcomes():
    program = [
        Create(with_canceller=False),
        AddCallbacks(0, "return", "return"),
        Create(with_canceller=False),
        Gather((0, 1), consume_exceptions=True),
        CallLater(1.0, resolves=0),
        Advance(2.0),
        Reject(1, error=7),
        Resolve(0, value=5),
    ]
    steps = run_program(program, "asyncio")["steps"]
    assert steps[5]["timers"] == [("timer", 0, 1.0 + 1 / 1024, 0, "ok")]
    assert steps[5]["events"] == {0: [("callback", 1, "from timer 0")]}
    assert steps[6]["events"] == {}
    assert steps[6]["called"] == [True, True, True]
    assert steps[7]["outcome"] == "InvalidStateError"


def test_the_trace_shows_the_gather_result():
    program = [
        Create(with_canceller=False),
        Create(with_canceller=False),
        Gather((0, 1), consume_exceptions=True),
        AddCallbacks(2, "return", None),
        Resolve(0, value=1),
        Reject(1, error=2),
    ]
    steps = run_program(program, "twisted")["steps"]
    assert steps[5]["events"] == {2: [("callback", 3, [1, "failure(KeyError: 'error 2')"])]}
