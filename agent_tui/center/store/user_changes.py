"""SQL of login changes made by ``agent-tui center user`` while a center may be running.

Each change (a new password, a new role, an account disabled or enabled) is written in the
same transaction as a row of ``user_changes``; the running center polls the newest ``seq``
(:mod:`agent_tui.center.login_changes`) and closes that user's live sessions. The CLI is
another process, so the database — which both already share — carries the news.
"""

from __future__ import annotations

import sqlite3


def latest(db: sqlite3.Connection) -> int:
    """The seq of the newest change (0: none yet)."""
    row = db.execute("SELECT COALESCE(MAX(seq), 0) FROM user_changes").fetchone()
    return int(row[0])


def since(db: sqlite3.Connection, seq: int) -> list[sqlite3.Row]:
    """``seq, user, what`` of the changes after *seq*, oldest first."""
    return db.execute("SELECT seq, user, what FROM user_changes WHERE seq > ? ORDER BY seq", (seq,)).fetchall()


def _record(db: sqlite3.Connection, user: str, what: str, now: float) -> None:
    db.execute("INSERT INTO user_changes(user, what, at) VALUES (?,?,?)", (user, what, now))


def change_password(db: sqlite3.Connection, user: str, pw_hash: str, now: float) -> None:
    """A new password hash; every session token of the user revoked. One transaction."""
    # The connection autocommits, so the statements need their own transaction.
    db.execute("BEGIN IMMEDIATE")
    db.execute("UPDATE users SET pw_hash = ? WHERE user = ?", (pw_hash, user))
    db.execute("UPDATE sessions SET revoked = 1 WHERE user = ?", (user,))
    _record(db, user, "password", now)
    db.execute("COMMIT")


def set_role(db: sqlite3.Connection, user: str, role: str, now: float) -> None:
    """A new role (``agent`` or ``supervisor``); tokens stay valid, live sessions are closed."""
    db.execute("BEGIN IMMEDIATE")
    db.execute("UPDATE users SET role = ? WHERE user = ?", (role, user))
    _record(db, user, "role", now)
    db.execute("COMMIT")


def disable(db: sqlite3.Connection, user: str, now: float) -> None:
    """No password (nobody can log in as *user*) and every session token revoked.

    ``center user passwd`` enables the account again with a new password.
    """
    db.execute("BEGIN IMMEDIATE")
    db.execute("UPDATE users SET pw_hash = NULL WHERE user = ?", (user,))
    db.execute("UPDATE sessions SET revoked = 1 WHERE user = ?", (user,))
    _record(db, user, "disabled", now)
    db.execute("COMMIT")
