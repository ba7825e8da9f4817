"""Desk test helpers: build the real desk against the real center, wait on conditions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent_tui.app import DeskApp, LoginInfo
from agent_tui.core.config import Config
from tests.kit.waiting import until, until_in_thread

WAIT = 10.0


async def wait_for(pilot: Any, cond: Callable[[], Any], timeout: float = WAIT, what: str = "") -> Any:
    """Let the app run until ``cond()`` is truthy; fail after ``timeout`` seconds."""
    return await until(cond, timeout, what or repr(cond), pause=pilot.pause, interval=0.05)


async def wait_thread(fn: Callable[[], Any], cond: Callable[[Any], bool], timeout: float = WAIT,
                      what: str = "") -> Any:
    """Poll a blocking ``fn`` (e.g. the ingress outbox) in a thread until ``cond(result)``."""
    return await until_in_thread(fn, cond, timeout, what or "condition")


def make_desk(server: str, ca_file: Path, user: str = "agent1", *, language: str = "en",
              initial_state: str | None = None, **kw: Any) -> DeskApp:
    """The desk, logged in with the demo password (seed data), as `agent-tui demo` does."""
    cfg = Config(language=language)
    login = LoginInfo(server, ca_file, user, password="demo")
    return DeskApp(cfg, login=login, initial_state=initial_state, remember_login=False,
                   cursor_blink=False, **kw)


