"""gather refuses what is not a collection of futures, at once (docs/bad-input.rst).

A ``Deferred`` is iterable (over itself, endlessly, while it has no result),
an asyncio ``Future`` iterates once and then fails, a ``str`` iterates over
characters and a mapping over its keys: each of these is refused before any
iteration, with a ``TypeError`` that says to pass a list.
"""

from __future__ import annotations

import inspect

import pytest

import txaio


async def fetch() -> str:
    return "fetched"


def test_gather_of_one_future_raises_at_once_asking_for_a_list(txaio_framework):
    future = txaio.create_future()
    with pytest.raises(TypeError, match=r"pass gather\(\[f\]\) for one future") as caught:
        txaio.gather(future)
    assert str(caught.value).startswith(
        "futures must be a list (or other iterable) of futures or coroutines, got "
    )
    txaio.resolve(future, 1)  # the refused future is untouched and still usable
    assert txaio_framework.result(future) == 1


def test_gather_of_one_done_future_raises_too(txaio_framework):
    with pytest.raises(TypeError, match=r"pass gather\(\[f\]\) for one future"):
        txaio.gather(txaio.create_future_success([1, 2]))


def test_gather_of_one_coroutine_raises_and_closes_it(txaio_framework):
    coro = fetch()
    with pytest.raises(TypeError, match=r"got coroutine: pass gather\(\[coro\]\)"):
        txaio.gather(coro)
    assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED


@pytest.mark.parametrize(
    ("futures", "type_name"),
    [("fg", "str"), (b"fg", "bytes"), (bytearray(b"fg"), "bytearray")],
    ids=["str", "bytes", "bytearray"],
)
def test_gather_of_a_string_raises(txaio_framework, futures, type_name):
    with pytest.raises(TypeError, match=rf"futures must be a list .*, got {type_name}$"):
        txaio.gather(futures)


def test_gather_of_a_mapping_raises_saying_it_iterates_its_keys(txaio_framework):
    with pytest.raises(TypeError, match=r"got dict: a mapping iterates its keys"):
        txaio.gather({"a": txaio.create_future_success(1)})


def test_gather_still_takes_a_tuple_and_a_generator(txaio_framework):
    one, two = txaio.create_future_success(1), txaio.create_future_success(2)
    assert txaio_framework.result(txaio.gather((one, two))) == [1, 2]
    assert txaio_framework.result(txaio.gather(f for f in (one, two))) == [1, 2]


def test_a_bad_entry_closes_the_coroutines_gather_will_not_run(txaio_framework):
    coro = fetch()
    with pytest.raises(TypeError, match=r"futures\[0\] must be a"):
        txaio.gather([2, coro])
    assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED
