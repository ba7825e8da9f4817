"""SQL that fills a new center database: teams, people, queues, wrap-up codes, canned replies.

Used by ``agent-tui center init`` (see :mod:`agent_tui.center.seed_demo`).  Every insert is
``INSERT OR IGNORE``: seeding an existing database keeps what is there.  The functions do not
open a transaction; the caller runs them inside one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from agent_tui.center.store import dumps


def add_teams(conn: sqlite3.Connection, teams: Iterable[tuple[str, str, str]]) -> None:
    """Rows of ``(team, name, kind)``."""
    conn.executemany("INSERT OR IGNORE INTO teams(team, name, kind) VALUES (?,?,?)", teams)


def add_login_user(
    conn: sqlite3.Connection,
    *,
    user: str,
    name: str,
    role: str,
    team: str,
    teams: Sequence[str],
    skills: Sequence[str],
    lang: str,
    pw_hash: str,
    now: float,
) -> None:
    """Someone who logs in with a password; offline, idle since ``now``."""
    conn.execute(
        "INSERT OR IGNORE INTO users(user, name, role, team, teams, skills, lang, pw_hash, state_since,"
        " idle_since) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (user, name, role, team, dumps(list(teams)), dumps(list(skills)), lang, pw_hash, now, now),
    )


def add_simulated_colleague(
    conn: sqlite3.Connection,
    *,
    user: str,
    name: str,
    team: str,
    skills: Sequence[str],
    lang: str,
    now: float,
) -> None:
    """A simulated agent of one team: no password (cannot log in), available since ``now``."""
    conn.execute(
        "INSERT OR IGNORE INTO users(user, name, role, team, teams, skills, lang, pw_hash, simulated, state,"
        " reason, state_since) VALUES (?,?,'agent',?,?,?,?,NULL,1,'available','',?)",
        (user, name, team, dumps([team]), dumps(list(skills)), lang, now),
    )


def add_queues(conn: sqlite3.Connection, queues: Iterable[tuple[str, str, str, str]]) -> None:
    """Rows of ``(queue, name, channel, skill)``."""
    conn.executemany("INSERT OR IGNORE INTO queues(queue, name, channel, skill) VALUES (?,?,?,?)", queues)


def add_wrapup_codes(conn: sqlite3.Connection, codes: Iterable[tuple[str, str]]) -> None:
    """Rows of ``(code, label)``."""
    conn.executemany("INSERT OR IGNORE INTO wrapup_codes(code, label) VALUES (?,?)", codes)


def add_canned_replies(conn: sqlite3.Connection, replies: Iterable[tuple[str, str, str, str]]) -> None:
    """Rows of ``(shortcut, lang, title, text)``."""
    conn.executemany("INSERT OR IGNORE INTO canned(shortcut, lang, title, text) VALUES (?,?,?,?)", replies)
