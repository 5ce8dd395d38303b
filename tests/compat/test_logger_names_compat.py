"""How ``make_logger()`` names a logger: the published txaio's rules, which real users rely on.

A logger's name is the namespace of every record it makes. Crossbar.io prints it on its console
(``--loglevel debug``), and users filter, route and set levels by it. Each rule holds on every
backend and before a framework is selected; each test names the project and the call.
"""

from __future__ import annotations

from collections.abc import Callable

import txaio
from txaio.testutil import use_framework


def names(make: Callable[[], txaio.interfaces.ILogger]) -> set[str]:
    """The names of the loggers ``make()`` returns with the framework selected and before."""
    selected = make()
    with use_framework(None):
        before_selection = make()
    return {selected.namespace, before_selection.namespace}  # type: ignore[attr-defined]


class BaseSession:
    """Autobahn|Python's ``autobahn.wamp.protocol.BaseSession``."""

    def __init__(self) -> None:
        self.log = txaio.make_logger()


class RouterController(BaseSession):
    """Crossbar.io's ``crossbar.worker.router.RouterController``, a session subclass defined
    in another module than ``BaseSession``."""

    __module__ = "crossbar.worker.router"


class WorkerProcess:
    """Crossbar.io's ``crossbar.node.worker.WorkerProcess``."""

    def __init__(self) -> None:
        self._logger = txaio.make_logger()


class RouterWorkerProcess(WorkerProcess):
    pass


class ContainerWorkerProcess(WorkerProcess):
    pass


def test_a_logger_made_in_a_base_class_init_is_named_after_the_instances_class(txaio_framework):
    """Autobahn|Python's ``BaseSession.__init__`` does ``self.log = txaio.make_logger()``;
    Crossbar.io's controllers, workers and router services subclass it, and each one's log
    lines carry its own name ("crossbar.worker.router.RouterController", also for the warning
    "Native worker received SIGTERM"), not ``BaseSession``'s."""
    assert names(lambda: RouterController().log) == {"crossbar.worker.router.RouterController"}
    assert names(lambda: BaseSession().log) == {f"{__name__}.BaseSession"}


def test_each_subclass_instance_gets_its_own_name(txaio_framework):
    """Crossbar.io: ``WorkerProcess.__init__`` does ``self._logger = make_logger()``; the node
    controller forwards each worker's log lines through it, named after the worker's kind
    (``crossbar.node.worker.RouterWorkerProcess``, ``...ContainerWorkerProcess``)."""
    assert names(lambda: RouterWorkerProcess()._logger) == {f"{__name__}.RouterWorkerProcess"}
    assert names(lambda: ContainerWorkerProcess()._logger) == {f"{__name__}.ContainerWorkerProcess"}


def make_service_classes() -> tuple[type, type]:
    """Crossbar.io's ``class RouterServiceAgent(ApplicationSession): log = make_logger()`` (and
    136 more class bodies in Crossbar.io and Autobahn|Python), with a subclass of its own."""

    class RouterServiceAgent:
        log = txaio.make_logger()

    class ExtendedAgent(RouterServiceAgent):
        pass

    return RouterServiceAgent, ExtendedAgent


def test_a_class_attribute_logger_is_named_after_the_class_whose_body_makes_it(txaio_framework):
    """Crossbar.io: ``log = make_logger()`` in the body of ``RouterServiceAgent``,
    ``NodeController``, ``NativeProcess`` ...: the class that makes it, also when a subclass
    (which makes none) uses it."""
    assert names(lambda: make_service_classes()[0].log) == {f"{__name__}.RouterServiceAgent"}
    assert names(lambda: make_service_classes()[1].log) == {f"{__name__}.RouterServiceAgent"}


class NodeController:
    """Crossbar.io's ``crossbar.node.controller.NodeController``."""

    @staticmethod
    def _cleanup_worker() -> txaio.interfaces.ILogger:
        return txaio.make_logger()

    @classmethod
    def from_config(cls) -> txaio.interfaces.ILogger:
        return txaio.make_logger()


class RouterNodeController(NodeController):
    pass


def test_a_logger_made_in_a_staticmethod_is_named_module_dot_function(txaio_framework):
    """Crossbar.io: ``NodeController._cleanup_worker``, a staticmethod, does
    ``log = make_logger()``: its records are ``crossbar.node.controller._cleanup_worker``."""
    assert names(NodeController._cleanup_worker) == {f"{__name__}._cleanup_worker"}
    assert names(RouterNodeController()._cleanup_worker) == {f"{__name__}._cleanup_worker"}


def test_a_logger_made_in_a_classmethod_is_named_module_dot_function(txaio_framework):
    """The published txaio names a classmethod's logger like a staticmethod's, after the
    function, whatever ``cls`` is; Crossbar.io's and Autobahn|Python's subclass authors get
    the name they had there (neither project makes a logger in a classmethod itself)."""
    assert names(NodeController.from_config) == {f"{__name__}.from_config"}
    assert names(RouterNodeController.from_config) == {f"{__name__}.from_config"}


def install_optimal_reactor() -> txaio.interfaces.ILogger:
    """Autobahn|Python's ``autobahn.twisted.choosereactor.install_optimal_reactor``."""
    return txaio.make_logger()


def test_a_logger_made_in_a_module_function_is_named_module_dot_function(txaio_framework):
    """Autobahn|Python: ``install_optimal_reactor()`` and ``autobahn.asyncio.component.run()``
    do ``log = txaio.make_logger()`` (14 module functions in Autobahn|Python and Crossbar.io)."""
    assert names(install_optimal_reactor) == {f"{__name__}.install_optimal_reactor"}


def test_a_logger_made_at_module_level_is_named_after_the_module(txaio_framework):
    """Crossbar.io: ``crossbar/node/template.py`` does ``log = make_logger()`` at module level
    (8 modules of Crossbar.io): its records are ``crossbar.node.template``."""

    def run_module_body() -> txaio.interfaces.ILogger:
        module = {"__name__": "crossbar.node.template", "make_logger": txaio.make_logger}
        exec(compile("log = make_logger()", "template.py", "exec"), module)
        return module["log"]  # type: ignore[no-any-return]

    assert names(run_module_body) == {"crossbar.node.template"}
