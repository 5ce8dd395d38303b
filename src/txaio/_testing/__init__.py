"""The test-tools wing: virtual clocks and the table of test backends.

Nothing here is runtime code; it serves tests only, txaio's own and its
users'. The public faces are :mod:`txaio.testutil` (``replace_loop``,
``use_framework``, ``VirtualClockLoop``, ``ReactorClock``) and
:mod:`txaio.pytest_plugin` (the ``txaio_framework`` fixture); the modules
here are private and may change.

- ``virtual_clock`` -- ``VirtualClockLoop``, asyncio's selector loop
  with a virtual clock;
- ``reactor_clock`` -- ``ReactorClock``, Twisted's ``task.Clock`` that
  logs a delayed call's error as a reactor does;
- ``uvloop_clock`` -- ``UvloopClock``, a real uvloop loop whose timers are
  virtual;
- ``asyncio_reactor_clock`` -- ``AsyncioReactorClock``, Twisted's asyncio
  reactor on a ``VirtualClockLoop``;
- ``virtual_time`` -- the one rule of every clock (``advance`` steps add up
  exactly, no timer runs early) and the timers of the two asyncio clocks;
- ``backends`` -- ``TEST_BACKENDS``: each backend a test can run on, with
  what differs between them (its clock, how it reports errors, what it
  needs installed).

Importing this package (or ``backends``) imports neither asyncio, Twisted
nor uvloop: each clock module is imported only when a test makes its clock,
so loading the pytest plugin costs nothing.
"""
