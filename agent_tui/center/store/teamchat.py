"""SQL of team chat: messages of team rooms and direct messages, read marks, announcements.

Rooms are stored as ``team:<team>`` or ``dm:<a>|<b>`` (the two users sorted).
"""

from __future__ import annotations

import sqlite3

from agent_tui.center.store import dumps


def insert_message(db: sqlite3.Connection, room: str, at: float, from_user: str, text: str,
                   mentions: list[str]) -> sqlite3.Row:
    cur = db.execute("INSERT INTO team_messages(room, at, from_user, text, mentions) VALUES (?,?,?,?,?)",
                     (room, at, from_user, text, dumps(mentions)))
    return db.execute("SELECT * FROM team_messages WHERE id = ?", (cur.lastrowid,)).fetchone()


def mark_read(db: sqlite3.Connection, user: str, room: str, last_id: int) -> None:
    db.execute("INSERT OR REPLACE INTO room_reads(user, room, last_id) VALUES (?,?,?)", (user, room, last_id))


def read_mark(db: sqlite3.Connection, user: str, room: str) -> int:
    """The id of the last message of *room* that *user* has read (0: none)."""
    row = db.execute("SELECT last_id FROM room_reads WHERE user = ? AND room = ?", (user, room)).fetchone()
    return int(row["last_id"]) if row else 0


def last_message_id(db: sqlite3.Connection, room: str) -> int:
    return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM team_messages WHERE room = ?", (room,)).fetchone()[0])


def dm_rooms_of(db: sqlite3.Connection, user: str) -> list[str]:
    """The stored keys of the direct-message rooms *user* is in."""
    keys = []
    for row in db.execute("SELECT DISTINCT room FROM team_messages WHERE room LIKE 'dm:%' AND"
                          " (room LIKE ? OR room LIKE ?)", (f"dm:{user}|%", f"dm:%|{user}")):
        # LIKE only narrows the search: "_" and "%" in a user name are wildcards there, so
        # "dm:a_1|%" also matches other people's "dm:ab1|…". Keep the user's own pairs only.
        if user in row["room"][3:].split("|", 1):
            keys.append(row["room"])
    return keys


def last_message_at(db: sqlite3.Connection, room: str) -> float | None:
    return db.execute("SELECT MAX(id) AS id, MAX(at) AS at FROM team_messages WHERE room = ?",
                      (room,)).fetchone()["at"]


def unread_count(db: sqlite3.Connection, user: str, room: str) -> int:
    """Messages in *room* from others after *user*'s read mark."""
    read = db.execute("SELECT last_id FROM room_reads WHERE user = ? AND room = ?", (user, room)).fetchone()
    return db.execute("SELECT COUNT(*) FROM team_messages WHERE room = ? AND id > ? AND from_user != ?",
                      (room, read["last_id"] if read else 0, user)).fetchone()[0]


def messages_before(db: sqlite3.Connection, room: str, before: int | None, limit: int) -> list[sqlite3.Row]:
    """The newest *limit* messages of *room* older than id *before*, oldest first."""
    rows = db.execute("SELECT * FROM team_messages WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?",
                      (room, before if before is not None else 2**62, limit)).fetchall()
    rows.reverse()
    return rows


def insert_announcement(db: sqlite3.Connection, team: str | None, from_user: str, text: str, at: float) -> int:
    """Store an announcement (to *team*, or everyone when None); returns its id."""
    cur = db.execute("INSERT INTO announcements(team, from_user, text, at) VALUES (?,?,?,?)",
                     (team, from_user, text, at))
    assert cur.lastrowid is not None
    return cur.lastrowid


def recent_announcements(db: sqlite3.Connection, limit: int = 50) -> list[sqlite3.Row]:
    """The newest announcements first."""
    return db.execute("SELECT * FROM announcements ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
