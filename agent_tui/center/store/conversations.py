"""SQL of customers, conversations and their messages (plus wrap-up codes and canned answers).

A conversation's ``status`` moves queued → offered → active → wrapup → closed; these
functions only write what the conversations service decides (see
:mod:`agent_tui.center.conversations`). None of them opens a transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

# ---------------------------------------------------------------- reading


def get(db: sqlite3.Connection, conv: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM conversations WHERE id = ?", (conv,)).fetchone()


def open_of(db: sqlite3.Connection, customer: str, channel: str) -> sqlite3.Row | None:
    """The newest conversation of *customer* on *channel* that is not closed, or None."""
    return db.execute(
        "SELECT * FROM conversations WHERE customer = ? AND channel = ? AND status != 'closed'"
        " ORDER BY created_at DESC LIMIT 1", (customer, channel)).fetchone()


def not_closed(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every conversation still going (to rebuild the live picture at start)."""
    return db.execute(
        "SELECT id, channel, status, queue, priority, queued_at, assigned_to, wrapup_deadline"
        " FROM conversations WHERE status != 'closed'").fetchall()


def of_customer_before(db: sqlite3.Connection, customer: str, before: str | None, limit: int) -> list[sqlite3.Row]:
    """*customer*'s conversations, newest first, older than conversation *before* (a paging cursor;
    an id that is not this customer's starts from the newest)."""
    cursor = None if before is None else db.execute(
        "SELECT created_at, id FROM conversations WHERE id = ? AND customer = ?", (before, customer)).fetchone()
    if cursor is None:
        return db.execute("SELECT * FROM conversations WHERE customer = ? ORDER BY created_at DESC, id DESC"
                          " LIMIT ?", (customer, limit)).fetchall()
    return db.execute(
        "SELECT * FROM conversations WHERE customer = ? AND (created_at < ? OR (created_at = ? AND id < ?))"
        " ORDER BY created_at DESC, id DESC LIMIT ?",
        (customer, cursor["created_at"], cursor["created_at"], cursor["id"], limit)).fetchall()


def customer(db: sqlite3.Connection, customer_id: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM customers WHERE id = ?", (customer_id,)).fetchone()


def customer_name(db: sqlite3.Connection, customer_id: str) -> str | None:
    row = db.execute("SELECT name FROM customers WHERE id = ?", (customer_id,)).fetchone()
    return None if row is None else row["name"]


def has_handled_customer(db: sqlite3.Connection, customer_id: str, user: str) -> bool:
    """Whether *user* ever had a conversation of *customer_id* (now or before a transfer)."""
    return db.execute(
        "SELECT 1 FROM conversations c WHERE c.customer = ? AND (c.assigned_to = ? OR EXISTS"
        " (SELECT 1 FROM conv_agents ca WHERE ca.conversation = c.id AND ca.user = ?))",
        (customer_id, user, user)).fetchone() is not None


def messages(db: sqlite3.Connection, conv: str) -> list[sqlite3.Row]:
    return db.execute("SELECT m.*, c.channel FROM messages m JOIN conversations c ON c.id = m.conversation"
                      " WHERE m.conversation = ? ORDER BY m.seq", (conv,)).fetchall()


def messages_newest_first(db: sqlite3.Connection, conv: str, before: int | None) -> Iterator[sqlite3.Row]:
    """*conv*'s messages before seq *before* (all when None), newest first, with the channel.
    A lazy cursor: a page stops reading once its byte budget is spent."""
    return iter(db.execute(
        "SELECT m.*, c.channel FROM messages m JOIN conversations c ON c.id = m.conversation"
        " WHERE m.conversation = ? AND m.seq < ? ORDER BY m.seq DESC",
        (conv, 2**62 if before is None else before)))


def message_of(db: sqlite3.Connection, conv: str, mid: str) -> sqlite3.Row | None:
    """Message *mid* of *conv* (None if it is not there)."""
    return db.execute("SELECT * FROM messages WHERE id = ? AND conversation = ?", (mid, conv)).fetchone()


def last_inbound_seq(db: sqlite3.Connection, conv: str) -> int:
    """The seq of the customer's newest message in *conv* (0 if none)."""
    return db.execute("SELECT MAX(seq) FROM messages WHERE conversation = ? AND direction = 'in'",
                      (conv,)).fetchone()[0] or 0


# Knowledge suggestions read the start of each recent customer message: a megabyte e-mail would
# otherwise hold the center's loop while it is analysed (0.3 s for 300 KB).
SUGGEST_TEXT_CHARS = 4000


def recent_inbound_texts(db: sqlite3.Connection, conv: str, n: int) -> list[str]:
    """The start (:data:`SUGGEST_TEXT_CHARS`) of the customer's last *n* messages in *conv*, newest first."""
    return [r["text"] for r in db.execute(
        "SELECT substr(text, 1, ?) AS text FROM messages WHERE conversation = ? AND direction = 'in'"
        " ORDER BY seq DESC LIMIT ?", (SUGGEST_TEXT_CHARS, conv, n))]


def outbox(db: sqlite3.Connection, customer_id: str | None, since: float | None) -> list[sqlite3.Row]:
    """Messages agents sent to customers (with the conversation's customer and channel), oldest first."""
    sql = ("SELECT m.*, c.customer, c.channel FROM messages m JOIN conversations c ON c.id = m.conversation"
           " WHERE m.direction = 'out'")
    params: list[Any] = []
    if customer_id:
        sql += " AND c.customer = ?"
        params.append(customer_id)
    if since is not None:
        sql += " AND m.at > ?"
        params.append(since)
    sql += " ORDER BY m.at, m.seq LIMIT 1000"
    return db.execute(sql, params).fetchall()


def wrapup_code_exists(db: sqlite3.Connection, code: str) -> bool:
    return db.execute("SELECT 1 FROM wrapup_codes WHERE code = ?", (code,)).fetchone() is not None


def wrapup_codes(db: sqlite3.Connection) -> list[dict]:
    return [dict(x) for x in db.execute("SELECT code, label FROM wrapup_codes ORDER BY rowid")]


def canned_answers(db: sqlite3.Connection) -> list[dict]:
    return [dict(x) for x in db.execute("SELECT shortcut, title, text, lang FROM canned ORDER BY shortcut, lang")]


# ---------------------------------------------------------------- writing


def upsert_customer(db: sqlite3.Connection, customer_id: str, name: str | None, now: float) -> None:
    """Make the customer known; a given *name* replaces the stored one."""
    db.execute(
        "INSERT INTO customers(id, name, first_seen) VALUES (?,?,?)"
        " ON CONFLICT(id) DO UPDATE SET name = CASE WHEN ? IS NOT NULL THEN ? ELSE name END",
        (customer_id, name or customer_id, now, name, name))


def insert_queued(db: sqlite3.Connection, conv: str, channel: str, customer_id: str, subject: str | None,
                  queue: str, priority: int, now: float) -> None:
    """A new conversation, waiting in *queue*."""
    db.execute(
        "INSERT INTO conversations(id, channel, status, customer, subject, queue, priority, created_at,"
        " queued_at, last_message_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (conv, channel, "queued", customer_id, subject, queue, priority, now, now, now))


def add_message(db: sqlite3.Connection, conv: str, mid: str, direction: str, author: tuple[str, str, str],
                text: str, subject: str | None, now: float) -> sqlite3.Row:
    """Append a message (next seq of *conv*; inbound ones count as unread). Returns its row."""
    # No UPDATE … RETURNING: it needs SQLite 3.35, older than some Python 3.10 builds ship.
    db.execute(
        "UPDATE conversations SET msg_seq = msg_seq + 1, last_message_at = ?,"
        " unread = unread + ? WHERE id = ?",
        (now, 1 if direction == "in" else 0, conv))
    seq = db.execute("SELECT msg_seq FROM conversations WHERE id = ?", (conv,)).fetchone()[0]
    db.execute(
        "INSERT INTO messages(id, conversation, seq, at, direction, author_kind, author_id, author_name, text,"
        " subject) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (mid, conv, seq, now, direction, author[0], author[1], author[2], text, subject))
    return db.execute("SELECT m.*, c.channel FROM messages m JOIN conversations c ON c.id = m.conversation"
                      " WHERE m.id = ?", (mid,)).fetchone()


def set_status(db: sqlite3.Connection, conv: str, status: str) -> None:
    """queued ↔ offered: an offer went out or came back."""
    db.execute("UPDATE conversations SET status=? WHERE id=?", (status, conv))


def raise_priority(db: sqlite3.Connection, conv: str, priority: int) -> None:
    db.execute("UPDATE conversations SET priority=? WHERE id=?", (priority, conv))


def mark_read(db: sqlite3.Connection, conv: str) -> None:
    db.execute("UPDATE conversations SET unread = 0 WHERE id = ?", (conv,))


def assign(db: sqlite3.Connection, conv: str, user: str, now: float, *, transfer: bool = False) -> None:
    """*user* handles *conv* from now on (accepted an offer, or got it by *transfer*)."""
    if transfer:  # it may come out of wrap-up: the wrap-up deadline goes
        db.execute("UPDATE conversations SET assigned_to=?, status='active', accepted_at=?, handled_by=?,"
                   " wrapup_deadline=NULL WHERE id=?", (user, now, user, conv))
    else:
        db.execute("UPDATE conversations SET status='active', assigned_to=?, accepted_at=?, handled_by=?"
                   " WHERE id=?", (user, now, user, conv))
    db.execute("INSERT OR IGNORE INTO conv_agents(conversation, user) VALUES (?,?)", (conv, user))


def requeue(db: sqlite3.Connection, conv: str, now: float) -> None:
    """Back in its queue, assigned to nobody (its agent went offline)."""
    db.execute("UPDATE conversations SET status='queued', assigned_to=NULL, queued_at=? WHERE id=?", (now, conv))


def requeue_to(db: sqlite3.Connection, conv: str, queue: str, now: float) -> None:
    """Into *queue*, assigned to nobody (transferred to a queue)."""
    db.execute("UPDATE conversations SET assigned_to=NULL, status='queued', queue=?, queued_at=?,"
               " wrapup_deadline=NULL WHERE id=?", (queue, now, conv))


def reopen(db: sqlite3.Connection, conv: str) -> None:
    """wrapup → active: the customer came back during wrap-up."""
    db.execute("UPDATE conversations SET status='active', wrapup_deadline=NULL,"
               " wrapup_started_at=NULL WHERE id=?", (conv,))


def start_wrapup(db: sqlite3.Connection, conv: str, now: float, deadline: float) -> None:
    db.execute("UPDATE conversations SET status='wrapup', wrapup_started_at=?, wrapup_deadline=?"
               " WHERE id=?", (now, deadline, conv))


def close_unanswered(db: sqlite3.Connection, conv: str, now: float, reason: str) -> None:
    """Closed while still waiting (the customer left before an agent took it)."""
    db.execute("UPDATE conversations SET status='closed', closed_at=?, close_reason=? WHERE id=?",
               (now, reason, conv))


def close_handled(db: sqlite3.Connection, conv: str, user: str, now: float, reason: str, code: str | None,
                  notes: str | None) -> None:
    """Closed by (or on behalf of) *user*, with the wrap-up code and notes."""
    db.execute(
        "UPDATE conversations SET status='closed', closed_at=?, close_reason=?, wrapup_code=?, wrapup_notes=?,"
        " handled_by=?, wrapup_started_at=COALESCE(wrapup_started_at, ?) WHERE id=?",
        (now, reason, code, notes, user, now, conv))
