"""How conversations and their messages look on the wire (read-only).

Offers, snapshots, events and the ingress all show a conversation the same way:
:meth:`ConversationViews.summary` (the conversation) and :meth:`ConversationViews.full`
(with its messages). Reading only; the writes are in :mod:`agent_tui.center.conversations`.
"""

from __future__ import annotations

import sqlite3

from agent_tui.center.config import CenterConfig
from agent_tui.center.store import conversations as conv_store


def message(r: sqlite3.Row) -> dict:
    """A stored message as the protocol shows it."""
    out = {"id": r["id"], "conversation": r["conversation"], "seq": r["seq"], "at": r["at"],
           "direction": r["direction"],
           "author": {"kind": r["author_kind"], "id": r["author_id"], "name": r["author_name"]},
           "text": r["text"]}
    if r["subject"]:
        out["subject"] = r["subject"]
    return out


class ConversationViews:
    """Conversation rows and their wire shapes."""

    def __init__(self, cfg: CenterConfig, db: sqlite3.Connection):
        self.cfg = cfg
        self.db = db

    def row(self, conv: str) -> sqlite3.Row | None:
        return conv_store.get(self.db, conv)

    def known_row(self, conv: str) -> sqlite3.Row:
        """The row of a conversation the center itself holds (its absence is a bug, not bad input)."""
        row = conv_store.get(self.db, conv)
        assert row is not None, f"conversation {conv} vanished"
        return row

    def summary(self, row: sqlite3.Row) -> dict:
        name = conv_store.customer_name(self.db, row["customer"])
        out = {
            "id": row["id"], "channel": row["channel"], "status": row["status"],
            "customer": {"id": row["customer"], "name": name if name is not None else row["customer"],
                         "handle": row["customer"]},
            "subject": row["subject"], "queue": row["queue"], "priority": row["priority"],
            "created_at": row["created_at"], "queued_at": row["queued_at"], "assigned_to": row["assigned_to"],
            "last_message_at": row["last_message_at"], "unread": row["unread"],
            "sla_s": self.cfg.sla_s.get(row["channel"], 0),
        }
        if row["wrapup_deadline"] is not None and row["status"] == "wrapup":
            out["wrapup_deadline"] = row["wrapup_deadline"]
        if row["status"] == "closed":
            out["closed_at"] = row["closed_at"]
            out["wrapup_code"] = row["wrapup_code"]
        return out

    def summary_of(self, conv: str) -> dict:
        return self.summary(self.known_row(conv))

    def messages(self, conv: str) -> list[dict]:
        return [message(r) for r in conv_store.messages(self.db, conv)]

    def full(self, conv: str) -> dict:
        """The summary with every message (what an agent gets on assignment)."""
        return {**self.summary(self.known_row(conv)), "messages": self.messages(conv)}
