"""How conversations and their messages look on the wire (read-only).

Offers, snapshots, events and the ingress all show a conversation the same way:
:meth:`ConversationViews.summary` (the conversation) and :meth:`ConversationViews.full`
(with a page of its messages). Reading only; the writes are in :mod:`agent_tui.center.conversations`.

Everything here fits a frame by construction (docs/protocol.md, "Frame sizes"): a message over
its channel's inline limit shows a preview (:func:`message`, the rest through :func:`text_part`),
and a transcript is a page of the newest messages within a byte budget with an ``older``
cursor (:meth:`ConversationViews.page`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from agent_tui.center.config import CenterConfig
from agent_tui.center.store import conversations as conv_store
from agent_tui.protocol import codec
from agent_tui.protocol import messages as m


def inline_limit(channel: str | None) -> int:
    """Bytes of JSON text one message of *channel* may carry whole."""
    return m.INLINE_TEXT_BYTES.get(channel or "", m.INLINE_TEXT_DEFAULT)


def message(r: sqlite3.Row, *, whole: bool = False) -> dict:
    """A stored message as the protocol shows it.

    Over its channel's inline limit (the row's ``channel``; the smallest limit without one) the
    text is a preview with ``truncated: true`` and ``length`` (code points of the whole text),
    unless *whole* (the customer's own outbox over HTTPS).
    """
    text = r["text"]
    out = {"id": r["id"], "conversation": r["conversation"], "seq": r["seq"], "at": r["at"],
           "direction": r["direction"],
           "author": {"kind": r["author_kind"], "id": r["author_id"], "name": r["author_name"]},
           "text": text}
    if r["subject"]:
        out["subject"] = r["subject"]
    if not whole:
        try:
            channel = r["channel"]
        except IndexError:  # a row without the conversation's channel: the smallest limit
            channel = None
        limit = inline_limit(channel)
        # Cheap bounds first (a code point is 1 to 6 bytes of JSON); encode only in between.
        if len(text) + 2 > limit or (6 * len(text) + 2 > limit and codec.frame_size(text) > limit):
            out["text"] = codec.fit_text(text, m.PREVIEW_BYTES)
            out["truncated"] = True
            out["length"] = len(text)
    return out


def text_part(r: sqlite3.Row, offset: int) -> dict:
    """``conv.text``: the message's text from *offset* (code points), at most one part."""
    text = r["text"]
    offset = min(offset, len(text))
    part = codec.fit_text(text[offset:offset + m.TEXT_PART_BYTES], m.TEXT_PART_BYTES)
    end = offset + len(part)
    return {"conversation": r["conversation"], "message": r["id"], "offset": offset, "text": part,
            "length": len(text), "next": end if end < len(text) else None}


def fill(rows: Iterable[sqlite3.Row], limit: int, budget: int) -> tuple[list[dict], int | None]:
    """The newest messages of *rows* (newest first) within *limit* and *budget* bytes, oldest
    first, and the ``older`` cursor (the ``before`` of the next page; None when none are left)."""
    out: list[dict] = []
    used = 0
    newest_seq: int | None = None
    for r in rows:
        if newest_seq is None:
            newest_seq = r["seq"]
        msg = message(r)
        size = codec.frame_size(msg) + 1
        if len(out) >= limit or used + size > budget:
            return out[::-1], (out[-1]["seq"] if out else newest_seq + 1)
        out.append(msg)
        used += size
    return out[::-1], None


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
        """Every message of *conv* (long ones as previews): for the center's own use, not a frame."""
        return [message(r) for r in conv_store.messages(self.db, conv)]

    def page(self, conv: str, before: int | None = None, limit: int = m.MAX_PAGE,
             budget: int = m.TRANSCRIPT_BUDGET) -> dict:
        """``{messages, older}``: the newest messages of *conv* before seq *before* within
        *limit* and *budget* bytes; ``older`` is the cursor for the page before (None: no more)."""
        msgs, older = fill(conv_store.messages_newest_first(self.db, conv, before), limit, budget)
        return {"messages": msgs, "older": older}

    def full(self, conv: str, before: int | None = None, limit: int = m.MAX_PAGE,
             budget: int = m.TRANSCRIPT_BUDGET) -> dict:
        """The summary with the newest page of messages (what an agent gets on assignment)."""
        return {**self.summary(self.known_row(conv)), **self.page(conv, before, limit, budget)}

    def history(self, customer: str, limit: int, before: str | None) -> dict:
        """``history.get``: *customer*'s conversations, newest first, from before conversation
        *before*; headers first, then each one's newest messages within an equal share of
        :data:`messages.HISTORY_BUDGET`. ``next`` is the cursor for older conversations."""
        rows = conv_store.of_customer_before(self.db, customer, before, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        heads = [self.summary(r) for r in rows]
        left = m.HISTORY_BUDGET - codec.frame_size(heads)
        while heads and left < 0:  # headers alone over budget: fewer conversations on this page
            left += codec.frame_size(heads.pop()) + 1
            rows.pop()
            more = True
        share = max(0, left) // max(1, len(heads))
        convs = [{**h, **self.page(r["id"], budget=share)} for h, r in zip(heads, rows)]
        return {"conversations": convs, "next": rows[-1]["id"] if more and rows else None}
