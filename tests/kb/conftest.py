"""Fixtures for the knowledge-base tests: real SQLite FTS5 databases, in memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from agent_tui.center import seed_demo
from agent_tui.center.kb import KnowledgeBase

NOW = 1_790_000_000.0  # a fixed "now" so review ages are exact


class Clock:
    """A settable clock: tests move time instead of sleeping."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def empty_kb(clock: Clock) -> Iterator[KnowledgeBase]:
    conn = sqlite3.connect(":memory:")
    KnowledgeBase.create_schema(conn)
    yield KnowledgeBase(conn, clock=clock)
    conn.close()


@pytest.fixture(scope="module")
def demo_kb() -> Iterator[KnowledgeBase]:
    """The seeded demo knowledge base (read-only for the tests that use it)."""
    conn = sqlite3.connect(":memory:")
    seed_demo.seed_kb(conn, now=NOW)
    yield KnowledgeBase(conn, clock=lambda: NOW)
    conn.close()
