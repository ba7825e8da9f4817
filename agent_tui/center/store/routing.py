"""SQL of offers (a conversation offered to one agent, pending until accepted, declined or
timed out) and of re-offer exclusions (who is skipped for a conversation until when)."""

from __future__ import annotations

import sqlite3


def insert_offer(db: sqlite3.Connection, offer: str, conv: str, user: str, now: float, expires_at: float) -> None:
    db.execute("INSERT INTO offers(offer, conversation, user, created_at, expires_at) VALUES (?,?,?,?,?)",
               (offer, conv, user, now, expires_at))


def offer(db: sqlite3.Connection, offer_id: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM offers WHERE offer = ?", (offer_id,)).fetchone()


def set_offer_status(db: sqlite3.Connection, offer_id: str, status: str) -> None:
    """pending → accepted | declined | timeout | cancelled."""
    db.execute("UPDATE offers SET status=? WHERE offer=?", (status, offer_id))


def pending_offers(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM offers WHERE status = 'pending'").fetchall()


def pending_offers_of(db: sqlite3.Connection, user: str) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM offers WHERE user = ? AND status = 'pending' ORDER BY created_at",
                      (user,)).fetchall()


def pending_offers_for(db: sqlite3.Connection, conv: str) -> list[sqlite3.Row]:
    """``offer, user`` of the pending offers of conversation *conv*."""
    return db.execute("SELECT offer, user FROM offers WHERE conversation=? AND status='pending'", (conv,)).fetchall()


def exclusions(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM exclusions").fetchall()


def exclude(db: sqlite3.Connection, conv: str, user: str, until: float) -> None:
    db.execute("INSERT OR REPLACE INTO exclusions(conversation, user, until) VALUES (?,?,?)", (conv, user, until))


def prune_exclusions(db: sqlite3.Connection, now: float) -> None:
    db.execute("DELETE FROM exclusions WHERE until < ?", (now,))


# The center's last sign of life (meta ``alive_at``): written while offers are out, so that after
# a stop or a crash the offers' deadlines can move by the time the center was down.

def mark_alive(db: sqlite3.Connection, now: float) -> None:
    db.execute("INSERT INTO meta(key, value) VALUES ('alive_at', ?)"
               " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (repr(now),))


def last_alive(db: sqlite3.Connection) -> float | None:
    row = db.execute("SELECT value FROM meta WHERE key = 'alive_at'").fetchone()
    return float(row["value"]) if row is not None else None


def shift_pending_offers(db: sqlite3.Connection, by: float) -> None:
    """Move the deadline of every pending offer by *by* seconds (the center's downtime)."""
    db.execute("UPDATE offers SET expires_at = expires_at + ? WHERE status = 'pending'", (by,))
