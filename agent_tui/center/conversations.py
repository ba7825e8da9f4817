"""Conversations: open, ingest customer messages, offers accepted/declined, replies, transfer, wrap-up, history.

Part of :class:`agent_tui.center.hub.Hub` (a mixin: it uses the hub's database, transactions and events).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING, Any

from agent_tui.center import auth
from agent_tui.center.model import Agent, DomainError
from agent_tui.protocol import messages as m

if TYPE_CHECKING:  # the hub's other parts, for mypy; at run time the base is object
    from agent_tui.center.hub_base import HubBase
else:
    HubBase = object

log = logging.getLogger("agent_tui.center")


class ConversationsMixin(HubBase):
    """Conversation life: queued → offered → active → wrapup → closed."""

    def _conv_row(self, conv: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM conversations WHERE id = ?", (conv,)).fetchone()

    def _known_conv_row(self, conv: str) -> sqlite3.Row:
        """The row of a conversation the hub itself holds (its absence is a bug, not bad input)."""
        row = self._conv_row(conv)
        assert row is not None, f"conversation {conv} vanished"
        return row

    def summary(self, row: sqlite3.Row) -> dict:
        cust = self.db.execute("SELECT name FROM customers WHERE id = ?", (row["customer"],)).fetchone()
        out = {
            "id": row["id"], "channel": row["channel"], "status": row["status"],
            "customer": {"id": row["customer"], "name": cust["name"] if cust else row["customer"],
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

    def messages(self, conv: str) -> list[dict]:
        return [self._msg(r) for r in self.db.execute(
            "SELECT * FROM messages WHERE conversation = ? ORDER BY seq", (conv,))]

    def full(self, conv: str) -> dict:
        return {**self.summary(self._known_conv_row(conv)), "messages": self.messages(conv)}

    @staticmethod
    def _msg(r: sqlite3.Row) -> dict:
        out = {"id": r["id"], "conversation": r["conversation"], "seq": r["seq"], "at": r["at"],
               "direction": r["direction"],
               "author": {"kind": r["author_kind"], "id": r["author_id"], "name": r["author_name"]},
               "text": r["text"]}
        if r["subject"]:
            out["subject"] = r["subject"]
        return out

    def _add_message(self, conv: str, direction: str, author: tuple[str, str, str], text: str,
                     subject: str | None = None) -> dict:
        now = self.clock()
        # No UPDATE … RETURNING: it needs SQLite 3.35, older than some Python 3.10 builds ship.
        self.db.execute(
            "UPDATE conversations SET msg_seq = msg_seq + 1, last_message_at = ?,"
            " unread = unread + ? WHERE id = ?",
            (now, 1 if direction == "in" else 0, conv))
        row = self.db.execute("SELECT msg_seq FROM conversations WHERE id = ?", (conv,)).fetchone()
        mid = auth.new_id("m")
        self.db.execute(
            "INSERT INTO messages(id, conversation, seq, at, direction, author_kind, author_id, author_name, text,"
            " subject) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (mid, conv, row[0], now, direction, author[0], author[1], author[2], text, subject))
        return self._msg(self.db.execute("SELECT * FROM messages WHERE id = ?", (mid,)).fetchone())

    def _system_message(self, conv: str, text: str) -> dict:
        return self._add_message(conv, "system", ("system", "center", "center"), text)

    def add_system_message(self, conv: str, text: str) -> dict:
        """Public: a system line in a conversation (e.g. DTMF digits, "call ended"); sent to the agent."""
        with self.tx():
            msg = self._system_message(conv, text)
            row = self._known_conv_row(conv)
            if row["assigned_to"] and row["status"] in ("active", "wrapup"):
                self.emit(row["assigned_to"], "conv.message", {"conversation": conv, "message": msg})
        return msg

    def _notify(self, listeners: list, what: str, data: dict) -> None:
        for fn in list(listeners):
            try:
                fn(what, data)
            except Exception:
                log.exception("listener failed")

    def _notify_conv(self, conv: str) -> None:
        """After commit, tell conversation listeners (voice bridge, simulation) the new summary."""
        def fire() -> None:
            row = self._conv_row(conv)
            if row is not None:
                self._notify(self.conversation_listeners, row["status"], self.summary(row))
        self.after_commit(fire)

    def _default_queue(self, channel: str, queue: str | None) -> str:
        if queue and queue in self.queues:
            return queue
        if queue:
            raise DomainError("not_found", f"no queue {queue!r}")
        q = self.cfg.default_queues.get(channel)
        if q in self.queues and self.queues[q]["channel"] == channel:
            return q
        for qid, qd in sorted(self.queues.items()):
            if qd["channel"] == channel:
                return qid
        raise DomainError("not_found", f"no queue serves channel {channel!r}")

    def open_conversation(self, channel: str, customer: str, *, name: str | None = None, text: str | None = None,
                          subject: str | None = None, queue: str | None = None, priority: int = 0) -> dict:
        """Open a new conversation for *customer* on *channel* and queue it for routing.

        The entry point for the voice bridge (channel ``voice``, customer = caller number).
        Returns the conversation summary; listen on ``conversation_listeners`` to learn
        when it is offered/active (``assigned_to``), in wrap-up or closed.
        """
        if channel not in m.CHANNELS:
            raise DomainError("bad_args", f"unknown channel {channel!r}")
        qid = self._default_queue(channel, queue)
        now = self.clock()
        conv = auth.new_id("c")
        with self.tx():
            self._upsert_customer(customer, name)
            self.db.execute(
                "INSERT INTO conversations(id, channel, status, customer, subject, queue, priority, created_at,"
                " queued_at, last_message_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (conv, channel, "queued", customer, subject, qid, priority, now, now, now))
            if text:
                self._add_message(conv, "in", ("customer", customer, name or customer), text, subject)
            elif channel == "voice":
                self._system_message(conv, f"Incoming call from {name or customer}")
            self.queued[conv] = self._waiting(conv, channel, qid, priority, now)
            self._notify_conv(conv)
            self.after_commit(self.schedule_route)
        return self.summary(self._known_conv_row(conv))

    def _upsert_customer(self, customer: str, name: str | None) -> None:
        self.db.execute(
            "INSERT INTO customers(id, name, first_seen) VALUES (?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET name = CASE WHEN ? IS NOT NULL THEN ? ELSE name END",
            (customer, name or customer, self.clock(), name, name))

    def ingest(self, channel: str, customer: str, text: str, *, name: str | None = None,
               subject: str | None = None, queue: str | None = None, priority: int = 0) -> dict:
        """A customer message from the ingress: continue the open conversation or open one.

        Returns ``{conversation: summary, message}``.
        """
        if channel not in m.DIGITAL_CHANNELS:
            raise DomainError("bad_args", f"channel must be one of {', '.join(sorted(m.DIGITAL_CHANNELS))}")
        with self.tx():
            row = self.db.execute(
                "SELECT * FROM conversations WHERE customer = ? AND channel = ? AND status != 'closed'"
                " ORDER BY created_at DESC LIMIT 1", (customer, channel)).fetchone()
            if row is None:
                summary = self.open_conversation(channel, customer, name=name, text=text, subject=subject,
                                                 queue=queue, priority=priority)
                msgs = self.messages(summary["id"])
                return {"conversation": summary, "message": msgs[-1]}
            conv = row["id"]
            self._upsert_customer(customer, name)
            msg = self._add_message(conv, "in", ("customer", customer, name or row["customer"]), text, subject)
            if priority > row["priority"]:
                self.db.execute("UPDATE conversations SET priority=? WHERE id=?", (priority, conv))
                for waiting in (self.queued.get(conv), self.offered.get(conv)):
                    if waiting is not None:
                        waiting.priority = priority
            agent = row["assigned_to"]
            if agent and row["status"] == "wrapup":
                # The customer came back during wrap-up: the conversation is live again.
                self._disarm(("wrapup", conv))
                self.db.execute("UPDATE conversations SET status='active', wrapup_deadline=NULL,"
                                " wrapup_started_at=NULL WHERE id=?", (conv,))
                a = self.agents[agent]
                a.convs[conv] = (channel, "active")
                self.emit(agent, "conv.updated", {"conversation": self.summary(self._known_conv_row(conv))})
                self._refresh_contact_state(a)
            if agent and row["status"] in ("active", "wrapup"):
                self.emit(agent, "conv.message", {"conversation": conv, "message": msg})
            self._notify_conv(conv)
            return {"conversation": self.summary(self._known_conv_row(conv)), "message": msg}

    def end_conversation(self, conv: str, reason: str = "customer-left") -> None:
        """The customer side ended (left the chat, hung up): active → wrap-up; waiting → closed."""
        row = self._conv_row(conv)
        if row is None or row["status"] in ("closed", "wrapup"):
            return
        now = self.clock()
        with self.tx():
            if row["status"] in ("queued", "offered"):
                for o in self.db.execute("SELECT offer, user FROM offers WHERE conversation=? AND status='pending'",
                                         (conv,)).fetchall():
                    self._revoke_offer(self.agents[o["user"]], o["offer"], conv, "cancelled", exclude=False)
                self.queued.pop(conv, None)
                self.offered.pop(conv, None)
                self.db.execute("UPDATE conversations SET status='closed', closed_at=?, close_reason=? WHERE id=?",
                                (now, reason, conv))
                self._notify_conv(conv)
                return
            deadline = now + self.cfg.acw_seconds
            self.db.execute("UPDATE conversations SET status='wrapup', wrapup_started_at=?, wrapup_deadline=?"
                            " WHERE id=?", (now, deadline, conv))
            msg = self._system_message(conv, "The customer left the conversation" if reason == "customer-left"
                                       else f"Conversation ended ({reason})")
            agent = row["assigned_to"]
            if agent:
                a = self.agents[agent]
                a.convs[conv] = (row["channel"], "wrapup")
                self.emit(agent, "conv.message", {"conversation": conv, "message": msg})
                self.emit(agent, "conv.updated", {"conversation": self.summary(self._known_conv_row(conv))})
                self._refresh_contact_state(a)
                self._arm(("wrapup", conv), self.cfg.acw_seconds, self._wrapup_expired, conv)
            self._notify_conv(conv)

    def _wrapup_expired(self, conv: str) -> None:
        row = self._conv_row(conv)
        if row is None or row["status"] != "wrapup" or not row["assigned_to"]:
            return
        with self.tx():
            self._close(conv, self.agents[row["assigned_to"]], "wrapup", code="auto", notes="wrap-up time over")

    def _close(self, conv: str, a: Agent, reason: str, *, code: str | None = None, notes: str | None = None) -> dict:
        now = self.clock()
        self._disarm(("wrapup", conv))
        self.db.execute(
            "UPDATE conversations SET status='closed', closed_at=?, close_reason=?, wrapup_code=?, wrapup_notes=?,"
            " handled_by=?, wrapup_started_at=COALESCE(wrapup_started_at, ?) WHERE id=?",
            (now, reason, code, notes, a.user, now, conv))
        a.convs.pop(conv, None)
        if not a.convs:
            a.idle_since = now
        self.emit(a.user, "conv.closed", {"conversation": conv, "reason": reason})
        self._refresh_contact_state(a)
        self._notify_conv(conv)
        self.after_commit(self.schedule_route)
        return self.summary(self._known_conv_row(conv))

    def _open_offer(self, user: str, offer: str) -> sqlite3.Row:
        """The row of *offer* if it is *user*'s and still pending; else the DomainError to answer."""
        row = self.db.execute("SELECT * FROM offers WHERE offer = ?", (offer,)).fetchone()
        if row is None:
            raise DomainError("not_found", f"no offer {offer}")
        if row["user"] != user:
            raise DomainError("forbidden", "that offer is not yours")
        if row["status"] != "pending":
            raise DomainError("conflict", f"offer is no longer open ({row['status']})")
        return row

    def accept_offer(self, user: str, offer: str) -> dict:
        """Accept *offer* for *user* (also for the voice bridge when the agent answers the call)."""
        a = self.agents[user]
        row = self._open_offer(user, offer)
        conv = row["conversation"]
        now = self.clock()
        with self.tx():
            self._disarm(("offer", offer))
            self.db.execute("UPDATE offers SET status='accepted' WHERE offer=?", (offer,))
            self.db.execute("UPDATE conversations SET status='active', assigned_to=?, accepted_at=?, handled_by=?"
                            " WHERE id=?", (user, now, user, conv))
            self.db.execute("INSERT OR IGNORE INTO conv_agents(conversation, user) VALUES (?,?)", (conv, user))
            ch = a.offers.pop(offer, (conv, "chat"))[1]
            self.offered.pop(conv, None)
            self.exclusions.pop(conv, None)
            a.convs[conv] = (ch, "active")
            full = self.full(conv)
            self.emit(user, "conv.assigned", {"conversation": full, "offer": offer})
            self._refresh_contact_state(a)
            self._notify_conv(conv)
        return {"conversation": full}

    def decline_offer(self, user: str, offer: str, reason: str | None = None) -> dict:
        """Decline *offer*: the conversation goes to the next agent."""
        a = self.agents[user]
        row = self._open_offer(user, offer)
        with self.tx():
            self._revoke_offer(a, offer, row["conversation"], "declined", exclude=True)
        return {}

    def _own_conv(self, user: str, conv: str, *, read: bool = False) -> sqlite3.Row:
        row = self._conv_row(conv)
        if row is None:
            raise DomainError("not_found", f"no conversation {conv}")
        if row["assigned_to"] != user or row["status"] not in ("active", "wrapup"):
            if read and self.agents[user].role == "supervisor":
                return row
            raise DomainError("forbidden", f"conversation {conv} is not assigned to you")
        return row

    def send_to_customer(self, user: str, conv: str, text: str, subject: str | None = None, *,
                         note: bool = False) -> dict:
        row = self._own_conv(user, conv)
        a = self.agents[user]
        with self.tx():
            msg = self._add_message(conv, "note" if note else "out", ("agent", user, a.name), text, subject)
            if not note:
                # Replying means the agent has read what came before.
                self.db.execute("UPDATE conversations SET unread = 0 WHERE id = ?", (conv,))
            self.emit(user, "conv.message", {"conversation": conv, "message": msg})
            if not note:
                self.after_commit(lambda: self._notify(self.conversation_listeners, "outgoing",
                                                       {**self.summary(row), "message": msg}))
        return {"message": msg}

    def transfer(self, user: str, conv: str, *, agent: str | None, queue: str | None, note: str | None) -> dict:
        row = self._own_conv(user, conv)
        if bool(agent) == bool(queue):
            raise DomainError("bad_args", "conv.transfer needs exactly one of 'agent' or 'queue'")
        a = self.agents[user]
        now = self.clock()
        if agent:
            b = self.agents.get(agent)
            if b is None or b.simulated:
                raise DomainError("not_found", f"no agent {agent!r}")
            if b.user == user:
                raise DomainError("bad_args", "cannot transfer to yourself")
            if not b.present or b.state == "offline":
                raise DomainError("conflict", f"{b.name} is not logged in")
        elif queue not in self.queues:
            raise DomainError("not_found", f"no queue {queue!r}")
        elif self.queues[queue]["channel"] != row["channel"]:
            raise DomainError("bad_args", f"queue {queue} serves {self.queues[queue]['channel']}, "
                                          f"not {row['channel']}")
        with self.tx():
            a.convs.pop(conv, None)
            if note:
                self._add_message(conv, "note", ("agent", user, a.name), note)
            if agent:
                b = self.agents[agent]
                self._system_message(conv, f"Transferred from {a.name} to {b.name}")
                self.db.execute("UPDATE conversations SET assigned_to=?, status='active', accepted_at=?, handled_by=?,"
                                " wrapup_deadline=NULL WHERE id=?", (b.user, now, b.user, conv))
                self.db.execute("INSERT OR IGNORE INTO conv_agents(conversation, user) VALUES (?,?)", (conv, b.user))
                b.convs[conv] = (row["channel"], "active")
                self.emit(b.user, "conv.assigned", {"conversation": self.full(conv)})
                self._refresh_contact_state(b)
            else:
                assert queue is not None  # exactly one of agent/queue, checked above
                self._system_message(conv, f"Transferred from {a.name} to queue {self.queues[queue]['name']}")
                self.db.execute("UPDATE conversations SET assigned_to=NULL, status='queued', queue=?, queued_at=?,"
                                " wrapup_deadline=NULL WHERE id=?", (queue, now, conv))
                until = now + self.cfg.reoffer_after_s
                self.exclusions.setdefault(conv, {})[user] = until
                self.db.execute("INSERT OR REPLACE INTO exclusions(conversation, user, until) VALUES (?,?,?)",
                                (conv, user, until))
                self.queued[conv] = self._waiting(conv, row["channel"], queue, row["priority"], now)
                self.after_commit(self.schedule_route)
            self._disarm(("wrapup", conv))
            if not a.convs:
                a.idle_since = now
            self.emit(user, "conv.closed", {"conversation": conv, "reason": "transferred"})
            self._refresh_contact_state(a)
            self._notify_conv(conv)
        return {}

    def wrapup(self, user: str, conv: str, code: str, notes: str | None) -> dict:
        self._own_conv(user, conv)
        if self.db.execute("SELECT 1 FROM wrapup_codes WHERE code = ?", (code,)).fetchone() is None:
            raise DomainError("bad_args", f"unknown wrap-up code {code!r}; see wrapup.codes")
        with self.tx():
            summary = self._close(conv, self.agents[user], "wrapup", code=code, notes=notes)
        return {"conversation": summary}

    def history(self, user: str, customer: str, limit: int = 20) -> dict:
        a = self.agents[user]
        cust = self.db.execute("SELECT * FROM customers WHERE id = ?", (customer,)).fetchone()
        if cust is None:
            raise DomainError("not_found", f"no customer {customer!r}")
        if a.role != "supervisor" and self.db.execute(
                "SELECT 1 FROM conversations c WHERE c.customer = ? AND (c.assigned_to = ? OR EXISTS"
                " (SELECT 1 FROM conv_agents ca WHERE ca.conversation = c.id AND ca.user = ?))",
                (customer, user, user)).fetchone() is None:
            raise DomainError("forbidden", "you can see the history of your own customers only")
        rows = self.db.execute("SELECT * FROM conversations WHERE customer = ? ORDER BY created_at DESC LIMIT ?",
                               (customer, limit)).fetchall()
        return {"customer": {"id": cust["id"], "name": cust["name"]},
                "conversations": [{**self.summary(r), "messages": self.messages(r["id"])} for r in rows]}

    def outbox(self, customer: str | None, since: float | None = None) -> list[dict]:
        """What agents sent to customers (for the ingress ``GET /v1/outbox``)."""
        sql = ("SELECT m.*, c.customer, c.channel FROM messages m JOIN conversations c ON c.id = m.conversation"
               " WHERE m.direction = 'out'")
        params: list[Any] = []
        if customer:
            sql += " AND c.customer = ?"
            params.append(customer)
        if since is not None:
            sql += " AND m.at > ?"
            params.append(since)
        sql += " ORDER BY m.at, m.seq LIMIT 1000"
        return [{**self._msg(r), "customer": r["customer"], "channel": r["channel"]}
                for r in self.db.execute(sql, params)]
