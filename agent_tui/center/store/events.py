"""SQL of the per-agent event streams and of the commands' idempotency keys.

Each user has one stream (``events``: seq 1, 2, 3 … without gaps); ``users.last_seq``
is the newest seq and ``users.acked_seq`` what the desk acknowledged. ``idem`` keeps each
command's answer under its (user, id) so a retry gets the same answer.
"""

from __future__ import annotations

import sqlite3

from agent_tui.center.store import dumps, loads


def append(db: sqlite3.Connection, user: str, seq: int, ts: float, kind: str, data: dict) -> None:
    """Store event *seq* of *user*'s stream (inside the transaction of what caused it)."""
    db.execute("INSERT INTO events(user, seq, ts, kind, data) VALUES (?,?,?,?,?)",
               (user, seq, ts, kind, dumps(data)))
    db.execute("UPDATE users SET last_seq = ? WHERE user = ?", (seq, user))


def append_many(db: sqlite3.Connection, seqs: list[tuple[str, int]], ts: float, kind: str, data_json: str) -> None:
    """Store one event for many users at once (``(user, seq)`` each; *data_json* already encoded)."""
    db.executemany("INSERT INTO events(user, seq, ts, kind, data) VALUES (?,?,?,?,?)",
                   [(user, seq, ts, kind, data_json) for user, seq in seqs])
    db.executemany("UPDATE users SET last_seq = ? WHERE user = ?", [(seq, user) for user, seq in seqs])


def oldest_seq(db: sqlite3.Connection, user: str) -> int | None:
    """The oldest seq still kept for *user* (older ones fell out of retention)."""
    return db.execute("SELECT MIN(seq) FROM events WHERE user = ?", (user,)).fetchone()[0]


def since(db: sqlite3.Connection, user: str, seq: int) -> list[dict]:
    """*user*'s events after *seq*, oldest first, as ``event`` frames."""
    return [{"type": "event", "seq": r["seq"], "ts": r["ts"], "kind": r["kind"], "data": loads(r["data"])}
            for r in db.execute("SELECT seq, ts, kind, data FROM events WHERE user = ? AND seq > ? ORDER BY seq",
                                (user, seq))]


def record_ack(db: sqlite3.Connection, user: str, seq: int) -> None:
    db.execute("UPDATE users SET acked_seq = MAX(acked_seq, ?) WHERE user = ?", (seq, user))


def stored_answer(db: sqlite3.Connection, user: str, command_id: str) -> dict | None:
    """The answer already given to command *command_id* of *user*, or None."""
    row = db.execute("SELECT response FROM idem WHERE user = ? AND id = ?", (user, command_id)).fetchone()
    return None if row is None else loads(row["response"])


def store_answer(db: sqlite3.Connection, user: str, command_id: str, answer: dict, at: float) -> None:
    db.execute("INSERT INTO idem(user, id, response, at) VALUES (?,?,?,?)", (user, command_id, dumps(answer), at))


def prune(db: sqlite3.Connection, events_before: float, answers_before: float) -> None:
    """Retention: drop events and stored answers older than the given times."""
    db.execute("DELETE FROM events WHERE ts < ?", (events_before,))
    db.execute("DELETE FROM idem WHERE at < ?", (answers_before,))
