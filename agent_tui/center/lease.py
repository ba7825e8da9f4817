"""The demo center's lifetime: it runs while any desk uses it.

Each `agent-tui demo` holds a *shared* lock on ``DIR/run/desks.lock`` for as long as its desk
runs (agent_tui/desk_cli.py). A center served with ``--stop-when-unused`` tries for an
*exclusive* lock now and then; it gets one only when no desk holds the file, and then stops.
The kernel drops a lock when its process ends in any way (quit, crash, kill -9, a closed
terminal), so a demo center never outlives its last desk and never stops under a live one.
The center keeps its exclusive lock until it has exited, so a desk starting meanwhile waits
and then starts a fresh center rather than joining one that is going away.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_FILE = "desks.lock"  # under DIR/run/; the same name in agent_tui/desk_cli.py
CHECK_EVERY = 1.0


def lock_path(center_dir: Path) -> Path:
    return Path(center_dir) / "run" / LOCK_FILE


async def stop_when_unused(path: Path, stop: asyncio.Event, every: float = CHECK_EVERY) -> None:
    """Set *stop* once no process holds a lock on *path*; the lock is then kept (never closed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    while not stop.is_set():
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                await asyncio.wait_for(stop.wait(), every)
            except asyncio.TimeoutError:
                pass
            continue
        log.warning("no desk uses this demo center any more: stopping")
        stop.set()
        return
    os.close(fd)
