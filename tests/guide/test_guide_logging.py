"""Logging as docs/guide/logging.rst shows it, on every backend.

Each test is a snippet of the guide, using only txaio and the plugin's
``txaio_framework`` fixture. ``clean_logging`` (autouse, not part of the
snippets) gives txaio's suite its logging state back after each test.
"""

from __future__ import annotations

import txaio
from contract.test_logging import clean_logging  # noqa: F401  (autouse)


def test_a_log_category_gives_the_message_its_format(txaio_framework):
    import io

    out = io.StringIO()
    txaio.add_log_categories({"TX100": "{name} joined realm {realm}"})
    txaio.start_logging(out=out)
    txaio.make_logger().info(log_category="TX100", name="Jack", realm="r1")

    line = out.getvalue()  # "<local time> <message>"
    assert line.split(" ", 1)[1] == "Jack joined realm r1\n"
