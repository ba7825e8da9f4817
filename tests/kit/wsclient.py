"""A raw test client for the center: websockets + the protocol codec, nothing else.

Deliberately independent of ``agent_tui.core.client`` so center tests check the
wire contract itself. Every wait has a timeout; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from agent_tui.protocol import codec
from agent_tui.protocol import messages as m
from agent_tui.secure.tls import client_ssl_context

TIMEOUT = 10.0


class WsClient:
    """One session: ``await WsClient.login(url, ca, user, password="demo")``."""

    def __init__(self, ws: Any):
        self.ws = ws
        self.welcome: dict = {}
        self.events: list[dict] = []
        self.results: dict[str, dict] = {}
        self.errors: list[dict] = []
        self.last_seq = 0
        self.duplicates = 0  # events whose seq was not above the last one (must stay 0)
        self.failure: BaseException | None = None  # why the reader stopped, if it broke
        self._since = 0
        self._frames: list[dict] = []  # every frame not yet taken by wait_frame
        self._cond = asyncio.Condition()
        self._reader = asyncio.get_running_loop().create_task(self._read())
        self.closed = asyncio.Event()

    @classmethod
    async def open(cls, url: str, ca_file: str | Path, **kw: Any) -> WsClient:
        ws = await connect(url, ssl=client_ssl_context(ca_file), subprotocols=[m.SUBPROTOCOL],
                           compression="deflate", max_size=None, open_timeout=TIMEOUT, **kw)
        return cls(ws)

    @classmethod
    async def login(cls, url: str, ca_file: str | Path, user: str, password: str | None = "demo", *,
                    token: str | None = None, since: int | None = None, **kw: Any) -> WsClient:
        """Open and log in; *kw* goes to ``websockets.connect`` (e.g. ``local_addr=("127.0.0.2", 0)``)."""
        c = await cls.open(url, ca_file, **kw)
        try:
            await c.hello(user, password, token=token, since=since)
        except BaseException:
            # Do not leak the socket: a center that stops later would wait for its close handshake.
            await c.close()
            raise
        return c

    async def hello(self, user: str, password: str | None = "demo", *, token: str | None = None,
                    since: int | None = None) -> dict:
        auth = {"token": token} if token else {"user": user, "password": password}
        frame: dict = {"type": "hello", "v": 1, "auth": auth, "client": "test"}
        if since is not None:
            frame["resume"] = {"since": since}
        self._since = since or 0
        await self.send(frame)
        w = await self.wait_frame(lambda f: f["type"] in ("welcome", "error"))
        if w["type"] == "error":
            raise LoginError(w["code"], w["message"])
        self.welcome = w
        return w

    async def send(self, frame: dict) -> None:
        await self.ws.send(codec.encode(frame))

    async def send_raw(self, text: Any) -> None:
        await self.ws.send(text)

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                frame = json.loads(text)
                async with self._cond:
                    t = frame.get("type")
                    if t == "welcome":
                        # Set here, before any replayed event is read.
                        self.last_seq = frame["last_seq"] if not frame["resumed"] else self._since
                    if t == "event":
                        # The wire contract: strictly increasing by one.
                        if frame["seq"] <= self.last_seq:
                            self.duplicates += 1
                        else:
                            assert frame["seq"] == self.last_seq + 1, (frame["seq"], self.last_seq)
                            self.last_seq = frame["seq"]
                            self.events.append(frame)
                    elif t in ("result", "error") and frame.get("re"):
                        self.results[frame["re"]] = frame
                        if t == "error":
                            self.errors.append(frame)
                    elif t == "error":
                        self.errors.append(frame)
                    self._frames.append(frame)
                    self._cond.notify_all()
        except Exception as exc:  # noqa: BLE001 - kept: a broken contract must fail the test visibly
            self.failure = exc
        finally:
            self.closed.set()
            async with self._cond:
                self._cond.notify_all()

    async def wait_frame(self, pred: Any, timeout: float = TIMEOUT) -> dict:
        async def find() -> dict:
            async with self._cond:
                while True:
                    for f in self._frames:
                        if pred(f):
                            self._frames.remove(f)
                            return f
                    if self.closed.is_set():
                        raise ConnectionError("connection closed")
                    await self._cond.wait()
        return await asyncio.wait_for(find(), timeout)

    async def cmd_frame(self, op: str, _id: str | None = None, **args: Any) -> dict:
        cid = _id or str(uuid.uuid4())
        await self.send({"type": "cmd", "id": cid, "op": op, "args": args})
        return await self.wait_frame(lambda f: f.get("re") == cid and f["type"] in ("result", "error"))

    async def cmd(self, op: str, **args: Any) -> dict:
        """Run a command; return its data or raise CmdError."""
        f = await self.cmd_frame(op, **args)
        if f["type"] == "error":
            raise CmdError(f["code"], f["message"])
        return f["data"]

    async def wait_event(self, kind: str, pred: Any = None, timeout: float = TIMEOUT, start: int = 0) -> dict:
        """The first event of *kind* (matching *pred* on data) received so far or later."""
        async def find() -> dict:
            async with self._cond:
                while True:
                    for e in self.events[start:]:
                        if e["kind"] == kind and (pred is None or pred(e["data"])):
                            return e
                    if self.closed.is_set():
                        raise ConnectionError(f"closed while waiting for {kind}: {self.failure!r}")
                    await self._cond.wait()
        return await asyncio.wait_for(find(), timeout)

    def kinds(self) -> list[str]:
        return [e["kind"] for e in self.events]

    async def ack(self) -> None:
        await self.send({"type": "ack", "seq": self.last_seq})

    async def close(self, bye: bool = False) -> None:
        if bye:
            # Best effort: the link may be gone already, which is what some tests arrange.
            with contextlib.suppress(Exception):
                await self.send({"type": "bye"})
        await self.ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader

    async def drop(self) -> None:
        """Cut the TCP connection without a close handshake (a dropped link)."""
        self.ws.transport.abort()
        await asyncio.wait_for(self.closed.wait(), TIMEOUT)


class LoginError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code


class CmdError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
