"""SQL of the figures: queue waits, today's handled conversations and time per state."""

from __future__ import annotations

import sqlite3


def waiting_per_queue(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """``queue, n, oldest`` (oldest queued_at) of the conversations waiting in each queue."""
    return db.execute(
        "SELECT queue, COUNT(*) AS n, MIN(queued_at) AS oldest FROM conversations"
        " WHERE status IN ('queued','offered') GROUP BY queue").fetchall()


def handled_by(db: sqlite3.Connection, user: str, since: float) -> sqlite3.Row:
    """``n, aht``: conversations *user* closed since *since* and their average handling time."""
    return db.execute(
        "SELECT COUNT(*) AS n, AVG(closed_at - accepted_at) AS aht FROM conversations"
        " WHERE handled_by = ? AND status = 'closed' AND closed_at >= ? AND accepted_at IS NOT NULL",
        (user, since)).fetchone()


def state_log_since(db: sqlite3.Connection, user: str, since: float) -> list[sqlite3.Row]:
    """``state, since, until`` of *user*'s states that were still on at *since* or began later."""
    return db.execute("SELECT state, since, until FROM state_log WHERE user = ? AND"
                      " (until IS NULL OR until >= ?)", (user, since)).fetchall()


def created_since(db: sqlite3.Connection, since: float) -> int:
    return db.execute("SELECT COUNT(*) FROM conversations WHERE created_at >= ?", (since,)).fetchone()[0]


def waiting(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """The waiting conversations, most urgent first."""
    return db.execute("SELECT * FROM conversations WHERE status IN ('queued','offered')"
                      " ORDER BY priority DESC, queued_at").fetchall()
