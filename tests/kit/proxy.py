"""A TCP proxy that can break the link for real, for reconnect tests.

It runs on its own thread and event loop, so it works the same from async tests
(the client in the test's loop) and from tests that run ``agent-tui ctl`` as a
subprocess. The faults are real TCP events, not simulated ones:

- :meth:`cut` aborts every open connection (both sides see a reset);
- :meth:`down` cuts and then refuses new connections until :meth:`up`
  (a link that is gone for a while);
- :meth:`pause` stops moving bytes without closing anything (a link that
  stalls for seconds), :meth:`resume` lets them flow again.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.accepted = 0  # connections accepted and forwarded
        self.refused = 0   # connections turned away while down
        self.bytes = {"up": 0, "down": 0}  # payload bytes forwarded (TLS records included)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._down = False
        # One gate per direction: "up" is client -> center, "down" center -> client.
        self._gates: dict[str, asyncio.Event] = {}

    # -- life ---------------------------------------------------------------------

    def start(self) -> TcpProxy:
        self._thread.start()
        self._call(self._start())
        return self

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- faults ---------------------------------------------------------------------

    def cut(self) -> int:
        """Abort all open connections now; returns how many were cut."""
        return self._call(self._cut())

    def down(self) -> int:
        """Cut everything and refuse new connections until :meth:`up`."""
        self._down = True
        return self.cut()

    def up(self) -> None:
        self._down = False

    def pause(self, direction: str = "both") -> None:
        """Stall traffic ("up": client to center, "down": center to client, or
        "both"); connections stay open. Pausing "down" lets a command reach the
        center while its answer is held back: the lost-answer case."""
        self._call(self._set_flow(direction, False))

    def resume(self, direction: str = "both") -> None:
        self._call(self._set_flow(direction, True))

    @property
    def open_links(self) -> int:
        return len(self._links)

    # -- inside the proxy's loop ---------------------------------------------------------

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    async def _start(self) -> None:
        self._gates = {"up": asyncio.Event(), "down": asyncio.Event()}
        for gate in self._gates.values():
            gate.set()
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        await self._cut()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _cut(self) -> int:
        links = list(self._links)
        for a, b in links:
            a.transport.abort()
            b.transport.abort()
        self._links.clear()
        return len(links)

    async def _set_flow(self, direction: str, on: bool) -> None:
        for name in (("up", "down") if direction == "both" else (direction,)):
            if on:
                self._gates[name].set()
            else:
                self._gates[name].clear()

    async def _handle(self, c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        if self._down:
            self.refused += 1
            c_writer.transport.abort()
            return
        try:
            s_reader, s_writer = await asyncio.open_connection(*self.target)
        except OSError:
            c_writer.transport.abort()
            return
        self.accepted += 1
        link = (c_writer, s_writer)
        self._links.add(link)
        pumps = [asyncio.ensure_future(self._pump(c_reader, s_writer, "up")),
                 asyncio.ensure_future(self._pump(s_reader, c_writer, "down"))]
        for p in pumps:
            self._tasks.add(p)
            p.add_done_callback(self._tasks.discard)
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        for p in pumps:
            p.cancel()
        self._links.discard(link)
        for w in (c_writer, s_writer):
            w.transport.abort()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    direction: str) -> None:
        gate = self._gates[direction]
        while True:
            data = await reader.read(65536)
            if not data:
                return
            await gate.wait()
            self.bytes[direction] += len(data)
            writer.write(data)
            await writer.drain()
