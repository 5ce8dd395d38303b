"""The test clocks' one rule at float edges, on every backend (docs/contract.rst).

``advance`` steps add up exactly (the clock reads the correctly rounded sum of
the steps), a timer runs once the clock reaches its time, and never before.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import txaio
from txaio._testing.backends import TEST_BACKENDS
from txaio.testutil import replace_loop, use_framework


def test_sixty_steps_of_a_tenth_reach_six(txaio_framework):
    for _ in range(60):
        txaio_framework.advance(0.1)
    assert txaio_framework.now() == 6.0  # adding the floats one by one: 5.999999999999995


def test_sixty_steps_of_a_tenth_fire_the_timer_due_at_six(txaio_framework):
    calls = []
    txaio.call_later(6, calls.append, "due at 6")
    for _ in range(60):
        txaio_framework.advance(0.1)
    assert calls == ["due at 6"]


def test_sixty_steps_of_a_tenth_end_a_timeout_of_six(txaio_framework):
    bounded = txaio.timeout(txaio.create_future(), 6)
    for _ in range(59):
        txaio_framework.advance(0.1)
    assert not txaio.is_called(bounded)
    txaio_framework.advance(0.1)
    with pytest.raises(TimeoutError):
        txaio_framework.result(bounded)


def test_a_timer_does_not_fire_a_hair_before_its_time(txaio_framework):
    # A real asyncio loop runs a timer up to one clock resolution (about 1e-9 s) early.
    calls = []
    txaio.call_later(6, calls.append, "due at 6")
    txaio_framework.advance(6 - 1e-10)
    assert txaio_framework.now() < 6
    assert calls == []
    txaio_framework.advance(1e-9)
    assert calls == ["due at 6"]


def test_a_timer_sees_the_clock_at_its_own_time(txaio_framework):
    seen = []
    txaio.call_later(0.3, lambda: seen.append(txaio_framework.now()))
    for _ in range(5):
        txaio_framework.advance(0.1)
    assert seen == [0.3]
    assert txaio_framework.now() == 0.5


def test_steps_add_up_exactly_after_a_timer_moved_the_clock(txaio_framework):
    txaio.call_later(0.25, lambda: None)
    for _ in range(30):
        txaio_framework.advance(0.1)
    assert txaio_framework.now() == 3.0


def test_fraction_steps_add_up_exactly(txaio_framework):
    for _ in range(3):
        txaio_framework.advance(Fraction(1, 3))
    assert txaio_framework.now() == 1.0


# -- the rule for any steps and delays, on every installed backend ------------------------

_BACKENDS = [name for name, backend in TEST_BACKENDS.items() if backend.is_installed()]

_steps = st.lists(
    st.one_of(
        st.sampled_from([0.1, 0.2, 0.3, 0.01, 1e-9, 1 / 3, 0.7]),
        st.floats(min_value=0, max_value=3, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=40,
)


def _fired_on(backend_name, steps, delays):
    """Advance a new clock of the backend by ``steps`` with a timer per delay; what fired."""
    backend = TEST_BACKENDS[backend_name]
    with use_framework(backend.framework):
        clock = backend.make_clock()
        try:
            with replace_loop(clock):
                fired = []
                for delay in delays:
                    txaio.call_later(delay, fired.append, delay)
                for step in steps:
                    clock.advance(step)
                return float(clock.seconds()), sorted(fired)
        finally:
            backend.close_clock(clock)


@settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(steps=_steps, data=st.data())
def test_the_clock_reads_the_exact_sum_and_fires_exactly_what_is_due(steps, data):
    total = math.fsum(steps)
    near = st.sampled_from([total, math.nextafter(total, 0), math.nextafter(total, math.inf)])
    delays = data.draw(st.lists(near | st.floats(0, 3 * len(steps)), max_size=4))
    expected = (total, sorted(delay for delay in delays if delay <= total))
    for backend_name in _BACKENDS:
        assert _fired_on(backend_name, steps, delays) == expected, backend_name
