"""SQL of the per-agent event streams and of the commands' idempotency keys.

Each user has one stream (``events``: seq 1, 2, 3 … without gaps); ``users.last_seq``
is the newest seq and ``users.acked_seq`` what the desk acknowledged. ``idem`` keeps each
command's answer under its (user, id), with the op and the hash of its arguments, so a retry
gets the same answer and a reuse of the id for another command can be told apart.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from agent_tui.center.store import dumps, loads


def append(db: sqlite3.Connection, user: str, seq: int, ts: float, kind: str, data: dict) -> None:
    """Store event *seq* of *user*'s stream (inside the transaction of what caused it)."""
    db.execute("INSERT INTO events(user, seq, ts, kind, data) VALUES (?,?,?,?,?)",
               (user, seq, ts, kind, dumps(data)))
    db.execute("UPDATE users SET last_seq = ? WHERE user = ?", (seq, user))


def append_many(db: sqlite3.Connection, seqs: list[tuple[str, int]], ts: float, kind: str, data_json: str) -> None:
    """Store one event for many users at once (``(user, seq)`` each; *data_json* already encoded).

    The data is stored once (``event_blobs``) and each stream's row points at it (``#<id>``):
    a presence change fanned out to 500 agents writes one copy, not 500.
    """
    data = data_json
    if len(seqs) > 1:
        blob = db.execute("INSERT INTO event_blobs(ts, data) VALUES (?,?)", (ts, data_json)).lastrowid
        data = f"{BLOB_MARK}{blob}"
    db.executemany("INSERT INTO events(user, seq, ts, kind, data) VALUES (?,?,?,?,?)",
                   [(user, seq, ts, kind, data) for user, seq in seqs])
    db.executemany("UPDATE users SET last_seq = ? WHERE user = ?", [(seq, user) for user, seq in seqs])


BLOB_MARK = "#"  # events.data "#<id>": the data is event_blobs row <id> (JSON never starts with "#")


def _data(db: sqlite3.Connection, text: str, blobs: dict[str, Any]) -> Any:
    if not text.startswith(BLOB_MARK):
        return loads(text)
    if text not in blobs:
        row = db.execute("SELECT data FROM event_blobs WHERE id = ?", (int(text[1:]),)).fetchone()
        blobs[text] = loads(row["data"]) if row is not None else {}
    return blobs[text]


def oldest_seq(db: sqlite3.Connection, user: str) -> int | None:
    """The oldest seq still kept for *user* (older ones fell out of retention)."""
    return db.execute("SELECT MIN(seq) FROM events WHERE user = ?", (user,)).fetchone()[0]


def since(db: sqlite3.Connection, user: str, seq: int) -> list[dict]:
    """*user*'s events after *seq*, oldest first, as ``event`` frames."""
    blobs: dict[str, Any] = {}
    return [{"type": "event", "seq": r["seq"], "ts": r["ts"], "kind": r["kind"], "data": _data(db, r["data"], blobs)}
            for r in db.execute("SELECT seq, ts, kind, data FROM events WHERE user = ? AND seq > ? ORDER BY seq",
                                (user, seq))]


def record_ack(db: sqlite3.Connection, user: str, seq: int) -> None:
    db.execute("UPDATE users SET acked_seq = MAX(acked_seq, ?) WHERE user = ?", (seq, user))


def stored_answer(db: sqlite3.Connection, user: str, command_id: str) -> tuple[dict, str | None, str | None] | None:
    """The answer already given to command *command_id* of *user* with the op and the arguments'
    hash it was given for (both None for answers stored before keys were bound), or None."""
    row = db.execute("SELECT response FROM idem WHERE user = ? AND id = ?", (user, command_id)).fetchone()
    if row is None:
        return None
    stored = loads(row["response"])
    if isinstance(stored, dict) and "answer" in stored:
        return stored["answer"], stored.get("op"), stored.get("args")
    return stored, None, None


def store_answer(db: sqlite3.Connection, user: str, command_id: str, answer: dict, at: float,
                 op: str | None = None, args_hash: str | None = None) -> None:
    """Keep *answer* under (user, id), bound to *op* and the hash of its arguments."""
    db.execute("INSERT INTO idem(user, id, response, at) VALUES (?,?,?,?)",
               (user, command_id, dumps({"op": op, "args": args_hash, "answer": answer}), at))


def prune(db: sqlite3.Connection, events_before: float, answers_before: float) -> None:
    """Retention: drop events and stored answers older than the given times."""
    db.execute("DELETE FROM events WHERE ts < ?", (events_before,))
    db.execute("DELETE FROM event_blobs WHERE ts < ?", (events_before,))
    db.execute("DELETE FROM idem WHERE at < ?", (answers_before,))
