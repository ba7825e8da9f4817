"""SQL of the team lead's figures: the conversations of a time window, the state log of a day,
and announcement read receipts.

The figures themselves (service level, AHT, first-contact resolution, buckets) are computed in
:mod:`agent_tui.center.lead` from these rows, so one pass serves the live view and ``ctl report``.
"""

from __future__ import annotations

import sqlite3

REOPEN_WINDOW_S = 7 * 86400.0  # first-contact resolution: not reopened by the same customer within 7 days


def conversations_in(db: sqlite3.Connection, start: float, end: float) -> list[sqlite3.Row]:
    """Conversations created, answered or closed in ``[start, end)``, with ``reopened`` (1 when the
    same customer came back within 7 days after it closed)."""
    return db.execute(
        "SELECT c.id, c.channel, c.queue, c.customer, c.status, c.priority, c.created_at, c.queued_at,"
        " c.accepted_at, c.closed_at, c.handled_by,"
        " EXISTS(SELECT 1 FROM conversations d WHERE d.customer = c.customer AND d.id != c.id"
        "        AND c.closed_at IS NOT NULL AND d.created_at > c.closed_at AND d.created_at <= c.closed_at + ?)"
        "   AS reopened"
        " FROM conversations c"
        " WHERE (c.created_at >= ? AND c.created_at < ?) OR (c.closed_at >= ? AND c.closed_at < ?)"
        "    OR (c.accepted_at >= ? AND c.accepted_at < ?)",
        (REOPEN_WINDOW_S, start, end, start, end, start, end)).fetchall()


def waiting(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Conversations waiting now (queued or offered), the most urgent first."""
    return db.execute("SELECT * FROM conversations WHERE status IN ('queued','offered')"
                      " ORDER BY priority DESC, queued_at").fetchall()


def active(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Conversations being handled now (active), for the SLA watch."""
    return db.execute("SELECT * FROM conversations WHERE status = 'active' ORDER BY accepted_at").fetchall()


def state_log(db: sqlite3.Connection, users: list[str], start: float, end: float) -> list[sqlite3.Row]:
    """``user, state, since, until`` of *users*' states overlapping ``[start, end)``."""
    if not users:
        return []
    marks = ", ".join("?" for _ in users)
    return db.execute(
        f"SELECT user, state, since, until FROM state_log WHERE user IN ({marks})"
        " AND since < ? AND (until IS NULL OR until >= ?) ORDER BY user, since",
        (*users, end, start)).fetchall()


def mark_announcement_read(db: sqlite3.Connection, announcement: int, user: str, at: float) -> bool:
    """Record that *user* read *announcement*; False if it was already recorded."""
    cur = db.execute("INSERT OR IGNORE INTO announcement_reads(announcement, user, at) VALUES (?,?,?)",
                     (announcement, user, at))
    return cur.rowcount > 0


def announcement(db: sqlite3.Connection, announcement: int) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM announcements WHERE id = ?", (announcement,)).fetchone()


def announcement_reads(db: sqlite3.Connection, announcement: int) -> list[sqlite3.Row]:
    return db.execute("SELECT user, at FROM announcement_reads WHERE announcement = ? ORDER BY at",
                      (announcement,)).fetchall()


def recent_announcements(db: sqlite3.Connection, limit: int = 10) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM announcements ORDER BY id DESC LIMIT ?", (limit,)).fetchall()


def announcements_read_by(db: sqlite3.Connection, user: str) -> set[int]:
    return {r[0] for r in db.execute("SELECT announcement FROM announcement_reads WHERE user = ?", (user,))}
