"""SQL of login sessions: only a token's SHA-256 is stored (see :mod:`agent_tui.center.auth`)."""

from __future__ import annotations

import sqlite3


def create(db: sqlite3.Connection, sid: str, user: str, token_hash: str, created_at: float, expires_at: float,
           client: str) -> None:
    db.execute(
        "INSERT INTO sessions(id, user, token_hash, created_at, expires_at, client) VALUES (?,?,?,?,?,?)",
        (sid, user, token_hash, created_at, expires_at, client))


def by_token_hash(db: sqlite3.Connection, token_hash: str) -> sqlite3.Row | None:
    """``id, user, expires_at, revoked`` of the session with *token_hash*, or None."""
    return db.execute("SELECT id, user, expires_at, revoked FROM sessions WHERE token_hash = ?",
                      (token_hash,)).fetchone()


def extend(db: sqlite3.Connection, sid: str, expires_at: float) -> None:
    db.execute("UPDATE sessions SET expires_at = ? WHERE id = ?", (expires_at, sid))


def revoke(db: sqlite3.Connection, sid: str) -> None:
    db.execute("UPDATE sessions SET revoked = 1 WHERE id = ?", (sid,))
