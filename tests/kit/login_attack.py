"""Hostile logins: many connections from one address guessing a password, for as long as asked.

Used by ``tests/center/test_center_login_attack.py`` (it asserts that a real login from another
address still works) and ``bench/login_attack.py`` (it measures how long real logins take).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import secrets
from pathlib import Path

from websockets.asyncio.client import connect

from agent_tui.protocol import codec
from agent_tui.protocol import messages as m
from agent_tui.secure.tls import client_ssl_context


class Attack:
    """*n* connections from *source* guessing *user*'s password (every third one a made-up user)."""

    def __init__(self, url: str, ca_file: Path, *, n: int = 150, user: str = "agent1", source: str = "127.0.0.1",
                 pause: float = 0.5):
        self.url = url
        self.ssl = client_ssl_context(ca_file)
        self.n = n
        self.user = user
        self.source = source
        self.pause = pause  # after a refused or closed connection, before the next one
        self.answers: collections.Counter[str] = collections.Counter()  # error codes, "closed", "welcome"
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.get_running_loop().create_task(self._one(i)) for i in range(self.n)]

    async def stop(self) -> None:
        self._stop.set()
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _one(self, i: int) -> None:
        while not self._stop.is_set():
            try:
                async with connect(self.url, ssl=self.ssl, subprotocols=[m.SUBPROTOCOL],  # type: ignore[list-item]
                                   local_addr=(self.source, 0), open_timeout=10, close_timeout=1) as ws:
                    while not self._stop.is_set():
                        user = self.user if i % 3 else f"nobody-{secrets.token_hex(3)}"
                        await ws.send(codec.encode({"type": "hello", "v": 1, "client": "guess",
                                                    "auth": {"user": user, "password": secrets.token_hex(6)}}))
                        frame = json.loads(await ws.recv())
                        self.answers[frame.get("code", frame.get("type", "?"))] += 1
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 — refused, closed, timed out: a hostile client just tries again
                self.answers["closed"] += 1
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.pause)  # a breath between reconnects
