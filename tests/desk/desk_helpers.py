"""Desk test helpers: build the real desk against the real center, wait on conditions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent_tui.app import DeskApp, LoginInfo
from agent_tui.core.config import Config

WAIT = 10.0


async def wait_for(pilot: Any, cond: Callable[[], Any], timeout: float = WAIT, what: str = "") -> Any:
    """Let the app run until ``cond()`` is truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or cond}")
        await pilot.pause(0.05)


async def wait_thread(fn: Callable[[], Any], cond: Callable[[Any], bool], timeout: float = WAIT,
                      what: str = "") -> Any:
    """Poll a blocking ``fn`` (e.g. the ingress outbox) in a thread until ``cond(result)``."""
    deadline = time.monotonic() + timeout
    while True:
        value = await asyncio.to_thread(fn)
        if cond(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: last {value!r}")
        await asyncio.sleep(0.1)


def make_desk(server: str, ca_file: Path, user: str = "agent1", *, language: str = "en",
              initial_state: str | None = None, **kw: Any) -> DeskApp:
    """The desk, logged in with the demo password (seed data), as `agent-tui demo` does."""
    cfg = Config(language=language)
    login = LoginInfo(server, ca_file, user, password="demo")
    return DeskApp(cfg, login=login, initial_state=initial_state, remember_login=False,
                   cursor_blink=False, **kw)


