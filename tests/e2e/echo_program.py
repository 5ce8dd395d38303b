"""A TCP echo over 127.0.0.1, driven through txaio futures and timers, on a real loop.

Usage: ``python echo_program.py BACKEND`` with BACKEND one of ``asyncio``,
``asyncio-uvloop``, ``twisted`` (Twisted's default reactor) or
``twisted-asyncioreactor`` (Twisted on an asyncio loop). It prints what
happened, one line per fact; the lines are the same on every backend, plus
one line on the backends that have an asyncio loop, where plain asyncio code
talks to the same echo server on the same loop.

Only :class:`AsyncioNetwork` and :class:`TwistedNetwork` (starting a server,
connecting, running the loop) are framework code; :func:`echo_session` is
txaio code, the same on every backend. A watchdog timer rejects the session
after :data:`WATCHDOG_SECONDS`, so a broken backend fails instead of hanging.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import txaio

MESSAGES = [b"one", b"two", b"three"]
WATCHDOG_SECONDS = 10.0
REPLY_TIMEOUT_SECONDS = 5.0


class AsyncioNetwork:
    """Echo server and client on an asyncio loop (the stdlib one or uvloop)."""

    def __init__(self, loop: Any) -> None:
        self.loop = loop
        self.server: Any = None

    def start_echo_server(self) -> Any:
        """A future of the port the echo server listens on."""
        import asyncio

        class Echo(asyncio.Protocol):
            def connection_made(self, transport: Any) -> None:
                self.transport = transport

            def data_received(self, data: bytes) -> None:
                self.transport.write(data)

        async def start() -> int:
            self.server = await self.loop.create_server(Echo, "127.0.0.1", 0)
            port: int = self.server.sockets[0].getsockname()[1]
            return port

        return txaio.as_future(start)

    def connect(self, port: int, on_data: Callable[[bytes], None]) -> Any:
        """A future of a connected client, with ``write`` and ``close``."""
        import asyncio

        class Client(asyncio.Protocol):
            def data_received(self, data: bytes) -> None:
                on_data(data)

        async def connect() -> Any:
            transport, _ = await self.loop.create_connection(Client, "127.0.0.1", port)
            return transport

        return txaio.as_future(connect)

    def shared_loop(self) -> Any:
        return self.loop

    def run(self, session: Any) -> None:
        try:
            self.loop.run_until_complete(session)
        finally:
            if self.server is not None:
                self.server.close()
                self.loop.run_until_complete(self.server.wait_closed())
            self.loop.close()


class Connection:
    """A Twisted transport with the two methods the session uses, named as on asyncio."""

    def __init__(self, transport: Any) -> None:
        self.write = transport.write
        self.close = transport.loseConnection


class TwistedNetwork:
    """Echo server and client on the installed Twisted reactor."""

    def __init__(self, reactor: Any, loop: Any = None) -> None:
        self.reactor = reactor
        self.loop = loop
        self.listening: Any = None

    def start_echo_server(self) -> Any:
        from twisted.internet.protocol import Factory, Protocol

        class Echo(Protocol):
            def dataReceived(self, data: bytes) -> None:
                self.transport.write(data)

        self.listening = self.reactor.listenTCP(0, Factory.forProtocol(Echo), interface="127.0.0.1")
        return txaio.create_future_success(self.listening.getHost().port)

    def connect(self, port: int, on_data: Callable[[bytes], None]) -> Any:
        from twisted.internet.endpoints import TCP4ClientEndpoint
        from twisted.internet.protocol import Factory, Protocol

        class Client(Protocol):
            def dataReceived(self, data: bytes) -> None:
                on_data(data)

        endpoint = TCP4ClientEndpoint(self.reactor, "127.0.0.1", port)
        connecting = endpoint.connect(Factory.forProtocol(Client))
        return txaio.add_callbacks(connecting, lambda client: Connection(client.transport), None)

    def shared_loop(self) -> Any:
        return self.loop

    def run(self, session: Any) -> None:
        outcome: list[Any] = []

        def finished(result: Any) -> None:
            outcome.append(result)
            stopping = self.listening.stopListening() if self.listening else None
            txaio.add_callbacks(
                txaio.as_future(lambda: stopping), lambda _: self.reactor.stop(), None
            )

        txaio.add_callbacks(session, finished, finished)
        self.reactor.run()
        if outcome and isinstance(outcome[0], txaio.IFailedFuture):
            raise outcome[0].value


def asyncio_client_on_the_same_loop(loop: Any, port: int) -> Any:
    """Plain asyncio code (streams) echoing through the server, on txaio's loop."""
    import asyncio

    async def echo_once() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"shared")
        data = await reader.readexactly(len(b"shared"))
        writer.close()
        await writer.wait_closed()
        return data

    task = loop.create_task(echo_once())
    if txaio.using_twisted:
        from twisted.internet.defer import Deferred

        return Deferred.fromFuture(task)
    return task


def echo_session(network: Any) -> Any:
    """Echo :data:`MESSAGES` through the network, printing each step; a future of the end."""
    done = txaio.create_future()

    def give_up() -> None:
        if not txaio.is_called(done):
            txaio.reject(done, TimeoutError(f"no echo within {WATCHDOG_SECONDS} s"))

    watchdog = txaio.call_later(WATCHDOG_SECONDS, give_up)
    replies = [txaio.create_future() for _ in MESSAGES]
    received = bytearray()

    def on_data(data: bytes) -> None:
        received.extend(data)
        for message, reply in zip(MESSAGES, replies, strict=True):
            if txaio.is_called(reply):
                continue
            if not received.startswith(message):
                return
            del received[: len(message)]
            txaio.resolve(reply, bytes(message))

    def with_timeout(reply: Any, message: bytes) -> None:
        def expire() -> None:
            if not txaio.is_called(reply):
                txaio.reject(reply, TimeoutError(f"no reply to {message!r}"))

        timer = txaio.call_later(REPLY_TIMEOUT_SECONDS, expire)

        def stop_timer(value: bytes) -> bytes:
            timer.cancel()
            return value  # as txaio asks of every callback: Twisted passes it on

        txaio.add_callbacks(reply, stop_timer, None)

    def connected(client: Any, port: int) -> None:
        print("connected over 127.0.0.1")
        batched = txaio.make_batched_timer(0.01)
        for index, (message, reply) in enumerate(zip(MESSAGES, replies, strict=True)):
            with_timeout(reply, message)
            batched.call_later(0.005 * index, client.write, message)
        extra = []
        loop = network.shared_loop()
        if loop is not None:
            extra.append(asyncio_client_on_the_same_loop(loop, port))
        everything = txaio.gather([*replies, *extra], consume_exceptions=False)
        txaio.add_callbacks(everything, lambda results: finish(client, results), fail)

    def finish(client: Any, results: list[Any]) -> None:
        for message in results[: len(MESSAGES)]:
            print(f"echoed {message!r}")
        for data in results[len(MESSAGES) :]:
            print(f"asyncio code on the same loop echoed {data!r}")
        client.close()
        slept = txaio.sleep(0.02)
        txaio.add_callbacks(slept, lambda _: print("slept on the real clock"), None)
        txaio.add_callbacks(slept, lambda _: end(), fail)

    def end() -> None:
        watchdog.cancel()
        if not txaio.is_called(done):
            txaio.resolve(done, None)

    def fail(failure: Any) -> None:
        watchdog.cancel()
        if not txaio.is_called(done):
            txaio.reject(done, failure)

    def listening(port: int) -> None:
        connecting = network.connect(port, on_data)
        txaio.add_callbacks(connecting, lambda client: connected(client, port), fail)

    txaio.add_callbacks(network.start_echo_server(), listening, fail)
    return done


def network_for(backend: str) -> Any:
    """Select the framework and install the loop/reactor ``backend`` names."""
    if backend in ("asyncio", "asyncio-uvloop"):
        import asyncio

        if backend == "asyncio-uvloop":
            import uvloop

            loop = uvloop.new_event_loop()
        else:
            loop = asyncio.new_event_loop()
        txaio.use_asyncio()
        txaio.config.loop = loop
        return AsyncioNetwork(loop)
    if backend == "twisted-asyncioreactor":
        import asyncio

        from twisted.internet import asyncioreactor

        loop = asyncio.new_event_loop()
        asyncioreactor.install(loop)  # before anything imports twisted.internet.reactor
        txaio.use_twisted()
        from twisted.internet import reactor

        return TwistedNetwork(reactor, loop)
    if backend == "twisted":
        txaio.use_twisted()
        from twisted.internet import reactor

        return TwistedNetwork(reactor)
    raise SystemExit(f"unknown backend {backend!r}")


def main() -> None:
    network = network_for(sys.argv[1])
    running = getattr(network, "reactor", None) or network.loop
    print(f"running on {type(running).__module__}.{type(running).__name__}")
    network.run(echo_session(network))
    print("done")


if __name__ == "__main__":
    main()
