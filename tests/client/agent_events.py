"""Reading the client tests' ``agent.state`` events."""

from __future__ import annotations


def reasons(events: list[dict]) -> list[str]:
    """The ``reason`` of each ``agent.state`` event, in order (tests set distinct reasons as markers)."""
    return [e["data"]["reason"] for e in events if e["kind"] == "agent.state"]
