"""Run a center: open the database, start the hub, the servers and (demo) the simulation.

:func:`run_center` is what ``agent-tui center serve`` runs; tests run it on a
thread of their own (see ``tests/conftest.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent_tui.center import store
from agent_tui.center.config import CenterConfig, load_center_config
from agent_tui.center.hub import Hub
from agent_tui.center.init import create_kb_schema, secure_center_files
from agent_tui.center.login_changes import POLL_S, LoginChanges
from agent_tui.center.memory import TRIM_EVERY_S, trim, tune_malloc
from agent_tui.center.server import CenterServer, write_run_file
from agent_tui.center.simulate import Simulation
from agent_tui.center.voice.bridge import VoiceBridge

log = logging.getLogger("agent_tui.center")


class RunningCenter:
    """What a started center exposes to its caller."""

    def __init__(self, cfg: CenterConfig, hub: Hub, server: CenterServer):
        self.cfg = cfg
        self.hub = hub
        self.server = server

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def ingress_url(self) -> str:
        return self.server.ingress_url


async def run_center(center_dir: str | Path, *, port: int | None = None, ingress_port: int | None = None,
                     host: str | None = None, quiet: bool = False, rate: float | None = None,
                     ready: Callable[[RunningCenter], None] | None = None,
                     stop: asyncio.Event | None = None) -> None:
    """Serve until *stop* is set. Calls *ready* once both endpoints listen."""
    cfg = load_center_config(center_dir)
    secure_center_files(cfg.dir)
    tune_malloc()  # memory returns after floods (see center/memory.py)
    conn = store.connect(cfg.db_path)
    store.create_schema(conn)
    create_kb_schema(conn)
    hub = Hub(cfg, conn)
    hub.start()
    hub.kb.prepare()  # the KB search index before agents search, not at the first search (issue 12)
    # `center user passwd|role|disable` from another process: close that user's sessions at once.
    hub.timers.every(POLL_S, LoginChanges(conn, hub.agents, hub.sessions).poll)
    hub.timers.every(TRIM_EVERY_S, trim)
    server = CenterServer(hub, cfg, host=host, port=port, ingress_port=ingress_port)
    extras: list[Any] = []
    try:
        await server.start()
        write_run_file(cfg, server)
        if cfg.demo:
            sim = Simulation(hub, customers=cfg.simulate_customers and not quiet and rate != 0,
                             colleagues=cfg.simulate_colleagues, rate=rate)
            sim.start()
            extras.append(sim)
        if isinstance(cfg.voice, dict) and cfg.voice.get("enabled"):
            extras.append(await _start_voice(hub, cfg, callers=not quiet and rate != 0))
        running = RunningCenter(cfg, hub, server)
        if ready is not None:
            ready(running)
        await (stop or asyncio.Event()).wait()
    finally:
        for extra in reversed(extras):
            if extra is None:
                continue
            with contextlib.suppress(Exception):
                res = extra.stop()
                if asyncio.iscoroutine(res):
                    await res
        await server.stop()
        await hub.stop()
        with contextlib.suppress(Exception):
            (cfg.dir / "run" / "center.json").unlink()
        conn.close()


async def _start_voice(hub: Hub, cfg: CenterConfig, *, callers: bool = True) -> Any:
    """Start the voice bridge (voice is enabled in center.yaml); None when it cannot start."""
    bridge = VoiceBridge(hub, cfg, simulate_callers=callers)
    try:
        await bridge.start()
    except Exception as exc:  # noqa: BLE001 — no phones must not mean no center: digital goes on
        log.error("voice is enabled in center.yaml but could not start: %s", exc)
        with contextlib.suppress(Exception):
            await bridge.stop()
        return None
    return bridge
