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
