"""An application written once: txaio.run starts it, txaio.timeout bounds its waits.

    python examples/application.py asyncio
    python examples/application.py twisted

``main`` is an ``async def`` like any application's; ``txaio.run`` selects the
framework named on the command line, runs ``main`` on that framework's loop
and returns what ``main`` returns. Shown in docs/guide/applications.rst;
tests/test_examples.py checks both outputs are identical.
"""

from __future__ import annotations

import sys

import txaio

# -- library code: the same on both frameworks --------------------------------


async def fetch(name, seconds):
    """Pretend to fetch ``name``, which takes ``seconds``."""
    await txaio.sleep(seconds)
    return f"{name} after {seconds} s"


# -- the application: main, the same on both frameworks ----------------------


async def main(limit):
    print(f"each fetch may take {limit} s")
    print("fast:", await txaio.timeout(fetch("fast", 0.001), limit))
    try:
        await txaio.timeout(fetch("slow", 60), limit)  # cancelled after `limit`
    except TimeoutError as exc:
        print("slow: TimeoutError:", exc)

    # A timeout is a future like any other: gather several.
    names = {"a": 0.002, "b": 0.001, "c": 60}
    fetching = [txaio.timeout(fetch(n, seconds), limit) for n, seconds in names.items()]
    results = await txaio.gather(fetching, consume_exceptions=True)
    for result in results:
        if isinstance(result, txaio.IFailedFuture):
            result = txaio.failure_message(result)
        print("gathered:", result)
    return len(results)


# -- running it ----------------------------------------------------------------

fetched = txaio.run(main, 0.5, framework=sys.argv[1])
print("txaio.run returned", fetched)
