"""Small helpers shared by the client tests: condition waits with a deadline (never a bare sleep)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(pred: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    """Poll *pred* until it holds (a condition wait with a deadline, not a sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not pred():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def reasons(events: list[dict]) -> list[str]:
    """The ``reason`` of each ``agent.state`` event, in order (tests set distinct reasons as markers)."""
    return [e["data"]["reason"] for e in events if e["kind"] == "agent.state"]
