"""SQL of the people and the organisation: users, teams, queues and the state log.

Also the ``agent-tui center user list|add`` administration (``passwd``, ``role`` and ``disable``:
:mod:`.user_changes`), which runs
without the hub (the center may be stopped) and so opens its own transactions.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence


def teams(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM teams").fetchall()


def queues(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM queues ORDER BY queue").fetchall()


def users(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM users").fetchall()


def user(db: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM users WHERE user = ?", (name,)).fetchone()


def save_state(db: sqlite3.Connection, name: str, state: str, reason: str, since: float,
               idle_since: float) -> None:
    """Close the open state-log entry, open one for *state*, and keep the user's row current."""
    db.execute("UPDATE state_log SET until = ? WHERE user = ? AND until IS NULL", (since, name))
    db.execute("INSERT INTO state_log(user, state, since) VALUES (?,?,?)", (name, state, since))
    db.execute("UPDATE users SET state=?, reason=?, state_since=?, idle_since=? WHERE user=?",
               (state, reason, since, idle_since, name))


# ---------------------------------------------------------------- `center user` administration


def list_login_users(db: sqlite3.Connection) -> list[dict]:
    """The people who can log in (not the simulated colleagues), by name."""
    return [dict(r) for r in db.execute(
        "SELECT user, name, role, team, skills FROM users WHERE simulated = 0 ORDER BY user")]


def user_exists(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM users WHERE user = ?", (name,)).fetchone() is not None


def add_login_user(db: sqlite3.Connection, *, name: str, display_name: str, role: str, team: str,
                   skills: Sequence[str], lang: str, pw_hash: str, now: float) -> None:
    """A new user in *team* (made, named after its id, if missing), in one transaction."""
    db.execute("BEGIN")
    db.execute("INSERT OR IGNORE INTO teams(team, name, kind) VALUES (?,?, 'front')", (team, team.capitalize()))
    db.execute(
        "INSERT INTO users(user, name, role, team, teams, skills, lang, pw_hash, state_since, idle_since)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        # json.dumps with its default spacing, as `center user add` always wrote (`user list` shows it).
        (name, display_name, role, team, json.dumps([team]), json.dumps(list(skills)), lang, pw_hash, now, now))
    db.execute("COMMIT")
