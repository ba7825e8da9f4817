"""Conversations: customer messages in, offers accepted or declined, replies out, transfer, wrap-up.

A conversation lives queued → offered → active → wrapup → closed. The way in:

- :meth:`Conversations.ingest` — a customer message (chat, e-mail, SMS, social) from the
  HTTPS ingress (``POST /v1/messages`` in :mod:`agent_tui.center.server`) or from
  ``center inject`` / the demo simulation: it continues the customer's open conversation on
  that channel or opens one (:meth:`Conversations.open_conversation`, also the voice bridge's
  entry for a call). Opening stores the customer, the conversation and the first message
  (:mod:`agent_tui.center.store.conversations`), puts it on the waiting list
  (:meth:`agent_tui.center.routing.Routing.enqueue`) and, after COMMIT, asks for a routing
  pass, which makes the offer.
- :meth:`Conversations.accept_offer` — the agent takes it: active, ``conv.assigned``.
- :meth:`Conversations.send_to_customer` — the agent's ``conv.send``: stored as an ``out``
  message (the ingress serves it at ``GET /v1/outbox``; listeners such as the voice bridge and
  the simulation hear "outgoing" after commit).
- :meth:`Conversations.end_conversation` (the customer left) → wrap-up → :meth:`wrapup` (or the
  wrap-up timer) → closed.
"""

from __future__ import annotations

import sqlite3

from agent_tui.center import auth
from agent_tui.center.config import CenterConfig
from agent_tui.center.events import Events, Listeners, notify
from agent_tui.center.model import Agent, DomainError
from agent_tui.center.presence import Presence
from agent_tui.center.routing import Routing
from agent_tui.center.store import conversations as conv_store
from agent_tui.center.timers import Timers
from agent_tui.center.views import ConversationViews, message, text_part
from agent_tui.protocol import messages as m

SYSTEM_AUTHOR = ("system", "center", "center")


class Conversations:
    """Conversation life (see the module docstring)."""

    def __init__(self, cfg: CenterConfig, db: sqlite3.Connection, events: Events, timers: Timers,
                 presence: Presence, routing: Routing, views: ConversationViews, listeners: Listeners):
        self.cfg = cfg
        self.db = db
        self.events = events
        self.clock = events.clock
        self.timers = timers
        self.presence = presence
        self.agents = presence.agents
        self.routing = routing
        self.views = views
        self.listeners = listeners
        events.on_rollback.append(self.rebuild)

    # ------------------------------------------------------------------ start

    def restore(self, now: float) -> None:
        """At start: waiting conversations back on the waiting list, handled ones back with their agents."""
        for row in conv_store.not_closed(self.db):
            if row["status"] in ("queued", "offered"):
                self.routing.enqueue(row["id"], row["channel"], row["queue"], row["priority"],
                                     row["queued_at"] or now)
            elif row["assigned_to"] in self.agents:
                self.agents[row["assigned_to"]].convs[row["id"]] = (row["channel"], row["status"])
                if row["status"] == "wrapup" and self.timers.running:
                    self.timers.arm(("wrapup", row["id"]), max(0.0, (row["wrapup_deadline"] or now) - now),
                                    self._wrapup_expired, row["id"])

    def rebuild(self) -> None:
        """After a rollback that undid rows: the in-memory picture (states, waiting list, who
        handles what, offers) again exactly as the database has it — memory never keeps a
        change the database did not."""
        now = self.clock()
        self.presence.reload_states()
        for a in self.agents.values():
            a.convs.clear()
            a.offers.clear()
        self.routing.queued.clear()
        self.routing.offered.clear()
        self.restore(now)
        self.routing.rebuild_offers(now)

    # ------------------------------------------------------------------ messages and notices

    def _add_message(self, conv: str, direction: str, author: tuple[str, str, str], text: str,
                     subject: str | None = None) -> dict:
        row = conv_store.add_message(self.db, conv, auth.new_id("m"), direction, author, text, subject, self.clock())
        return message(row)

    def _system_message(self, conv: str, text: str) -> dict:
        return self._add_message(conv, "system", SYSTEM_AUTHOR, text)

    def add_system_message(self, conv: str, text: str) -> dict:
        """A system line in a conversation (e.g. DTMF digits, "call ended"); sent to the agent."""
        with self.events.tx():
            msg = self._system_message(conv, text)
            row = self.views.known_row(conv)
            if row["assigned_to"] and row["status"] in ("active", "wrapup"):
                self.events.emit(row["assigned_to"], "conv.message", {"conversation": conv, "message": msg})
        return msg

    def _notify_conv(self, conv: str) -> None:
        """After commit, tell conversation listeners (voice bridge, simulation) the new summary."""
        def fire() -> None:
            row = self.views.row(conv)
            if row is not None:
                notify(self.listeners.conversation, row["status"], self.views.summary(row))
        self.events.after_commit(fire)

    # ------------------------------------------------------------------ customers in

    def _default_queue(self, channel: str, queue: str | None) -> str:
        queues = self.presence.queues
        if queue and queue in queues:
            return queue
        if queue:
            raise DomainError("not_found", f"no queue {queue!r}")
        q = self.cfg.default_queues.get(channel)
        if q in queues and queues[q]["channel"] == channel:
            return q
        for qid, qd in sorted(queues.items()):
            if qd["channel"] == channel:
                return qid
        raise DomainError("not_found", f"no queue serves channel {channel!r}")

    def open_conversation(self, channel: str, customer: str, *, name: str | None = None, text: str | None = None,
                          subject: str | None = None, queue: str | None = None, priority: int = 0) -> dict:
        """Open a new conversation for *customer* on *channel* and queue it for routing.

        The entry point for the voice bridge (channel ``voice``, customer = caller number).
        Returns the conversation summary; listen on ``Listeners.conversation`` to learn
        when it is offered/active (``assigned_to``), in wrap-up or closed.
        """
        if channel not in m.CHANNELS:
            raise DomainError("bad_args", f"unknown channel {channel!r}")
        qid = self._default_queue(channel, queue)
        now = self.clock()
        conv = auth.new_id("c")
        with self.events.tx():
            conv_store.upsert_customer(self.db, customer, name, self.clock())
            conv_store.insert_queued(self.db, conv, channel, customer, subject, qid, priority, now)
            if text:
                self._add_message(conv, "in", ("customer", customer, name or customer), text, subject)
            elif channel == "voice":
                self._system_message(conv, f"Incoming call from {name or customer}")
            # Into the in-memory waiting list only once it is stored (issue 9 §5).
            self.events.after_commit(lambda: self.routing.enqueue(conv, channel, qid, priority, now))
            self._notify_conv(conv)
            self.events.after_commit(self.routing.schedule)
        return self.views.summary_of(conv)

    def ingest(self, channel: str, customer: str, text: str, *, name: str | None = None,
               subject: str | None = None, queue: str | None = None, priority: int = 0) -> dict:
        """A customer message from the ingress: continue the open conversation or open one.

        Returns ``{conversation: summary, message}``.
        """
        if channel not in m.DIGITAL_CHANNELS:
            raise DomainError("bad_args", f"channel must be one of {', '.join(sorted(m.DIGITAL_CHANNELS))}")
        with self.events.tx():
            row = conv_store.open_of(self.db, customer, channel)
            if row is None:
                summary = self.open_conversation(channel, customer, name=name, text=text, subject=subject,
                                                 queue=queue, priority=priority)
                msgs = self.views.messages(summary["id"])
                return {"conversation": summary, "message": msgs[-1]}
            conv = row["id"]
            conv_store.upsert_customer(self.db, customer, name, self.clock())
            # A follow-up without a name carries the stored one, so every client shows the name.
            known = name or conv_store.customer_name(self.db, customer) or customer
            msg = self._add_message(conv, "in", ("customer", customer, known), text, subject)
            if priority > row["priority"]:
                conv_store.raise_priority(self.db, conv, priority)
                self.routing.raise_priority(conv, priority)
            agent = row["assigned_to"]
            if agent and row["status"] == "wrapup":
                # The customer came back during wrap-up: the conversation is live again.
                self.timers.disarm(("wrapup", conv))
                conv_store.reopen(self.db, conv)
                a = self.agents[agent]
                a.convs[conv] = (channel, "active")
                self.events.emit(agent, "conv.updated", {"conversation": self.views.summary_of(conv)})
                self.presence.refresh_contact_state(a)
            if agent and row["status"] in ("active", "wrapup"):
                self.events.emit(agent, "conv.message", {"conversation": conv, "message": msg})
            self._notify_conv(conv)
            return {"conversation": self.views.summary_of(conv), "message": msg}

    def leave(self, channel: str, customer: str) -> str:
        """The customer left their open conversation on *channel* (ingress ``POST /v1/leave``)."""
        row = conv_store.open_of(self.db, customer, channel)
        if row is None:
            raise DomainError("not_found", "no open conversation for that customer on that channel")
        self.end_conversation(row["id"], "customer-left")
        return row["id"]

    def end_conversation(self, conv: str, reason: str = "customer-left") -> None:
        """The customer side ended (left the chat, hung up): active → wrap-up; waiting → closed."""
        row = self.views.row(conv)
        if row is None or row["status"] in ("closed", "wrapup"):
            return
        now = self.clock()
        with self.events.tx():
            if row["status"] in ("queued", "offered"):
                self.routing.forget(conv)
                conv_store.close_unanswered(self.db, conv, now, reason)
                self._notify_conv(conv)
                return
            conv_store.start_wrapup(self.db, conv, now, now + self.cfg.acw_seconds)
            msg = self._system_message(conv, "The customer left the conversation" if reason == "customer-left"
                                       else f"Conversation ended ({reason})")
            agent = row["assigned_to"]
            if agent:
                a = self.agents[agent]
                a.convs[conv] = (row["channel"], "wrapup")
                self.events.emit(agent, "conv.message", {"conversation": conv, "message": msg})
                self.events.emit(agent, "conv.updated", {"conversation": self.views.summary_of(conv)})
                self.presence.refresh_contact_state(a)
                self.timers.arm(("wrapup", conv), self.cfg.acw_seconds, self._wrapup_expired, conv)
            self._notify_conv(conv)

    # ------------------------------------------------------------------ closing

    def _wrapup_expired(self, conv: str) -> None:
        row = self.views.row(conv)
        if row is None or row["status"] != "wrapup" or not row["assigned_to"]:
            return
        if self.events.read_only:  # the close cannot be stored now: try again in a moment
            self.timers.arm(("wrapup", conv), 1.0, self._wrapup_expired, conv)
            return
        with self.events.tx():
            self._close(conv, self.agents[row["assigned_to"]], "wrapup", code="auto", notes="wrap-up time over")

    def _close(self, conv: str, a: Agent, reason: str, *, code: str | None = None, notes: str | None = None) -> dict:
        now = self.clock()
        self.timers.disarm(("wrapup", conv))
        conv_store.close_handled(self.db, conv, a.user, now, reason, code, notes)
        a.convs.pop(conv, None)
        if not a.convs:
            a.idle_since = now
        self.events.emit(a.user, "conv.closed", {"conversation": conv, "reason": reason})
        self.presence.refresh_contact_state(a)
        self._notify_conv(conv)
        self.events.after_commit(self.routing.schedule)
        return self.views.summary_of(conv)

    def release_agent(self, a: Agent, why: str) -> None:
        """*a* went offline (inside a tx): close their wrap-ups, re-queue digital conversations
        and end calls."""
        now = self.clock()
        for conv, (ch, status) in list(a.convs.items()):
            if status == "wrapup":
                self._close(conv, a, "wrapup", code="auto", notes=f"agent {why}")
            elif ch in m.DIGITAL_CHANNELS:
                conv_store.requeue(self.db, conv, now)
                self._system_message(conv, f"{a.name} went offline; back in the queue")
                a.convs.pop(conv, None)
                row = self.views.known_row(conv)
                self.routing.enqueue(conv, ch, row["queue"], row["priority"], now)
                self.events.emit(a.user, "conv.closed", {"conversation": conv, "reason": "requeued"})
                self._notify_conv(conv)
            else:
                self.end_conversation(conv, "agent-left")

    # ------------------------------------------------------------------ the agent's side

    def accept_offer(self, user: str, offer: str) -> dict:
        """Accept *offer* for *user* (also for the voice bridge when the agent answers the call)."""
        a = self.agents[user]
        row = self.routing.open_offer(user, offer)
        conv = row["conversation"]
        now = self.clock()
        with self.events.tx():
            channel = self.routing.take(a, offer, conv)
            conv_store.assign(self.db, conv, user, now)
            a.convs[conv] = (channel, "active")
            full = self.views.full(conv)
            self.events.emit(user, "conv.assigned", {"conversation": full, "offer": offer})
            self.presence.refresh_contact_state(a)
            self._notify_conv(conv)
        return {"conversation": full}

    def decline_offer(self, user: str, offer: str, reason: str | None = None) -> dict:
        """Decline *offer*: the conversation goes to the next agent."""
        a = self.agents[user]
        row = self.routing.open_offer(user, offer)
        with self.events.tx():
            self.routing.revoke(a, offer, row["conversation"], "declined", exclude=True)
        return {}

    def own_conv(self, user: str, conv: str, *, read: bool = False) -> sqlite3.Row:
        """The row of *conv* if *user* handles it (or, with *read*, leads its agent's team); else DomainError."""
        row = self.views.row(conv)
        if row is None:
            raise DomainError("not_found", f"no conversation {conv}")
        if row["assigned_to"] != user or row["status"] not in ("active", "wrapup"):
            if read and self.presence.leads(user, row["assigned_to"]):
                return row  # a lead reads the conversations of their own team(s)
            raise DomainError("forbidden", f"conversation {conv} is not assigned to you")
        return row

    def list_of(self, user: str) -> list[dict]:
        """The summaries of *user*'s conversations (``conv.list``)."""
        return [self.views.summary_of(x) for x in self.agents[user].convs]

    def get(self, user: str, conv: str, before: int | None = None, limit: int = m.MAX_PAGE) -> dict:
        """``conv.get``: a conversation with a page of its messages (newest first within the byte
        budget; ``before``/``older`` page back), for its agent, a supervisor or a history reader."""
        self._readable(user, conv)
        return self.views.full(conv, before, limit)

    def text_part(self, user: str, conv: str, mid: str, offset: int) -> dict:
        """``conv.text``: one part of a long message's text, for whoever may read the conversation."""
        self._readable(user, conv)
        row = conv_store.message_of(self.db, conv, mid)
        if row is None:
            raise DomainError("not_found", f"no message {mid} in conversation {conv}")
        return text_part(row, offset)

    def _readable(self, user: str, conv: str) -> sqlite3.Row:
        """*conv* if *user* may read it: its agent, a supervisor, or someone who may see the
        customer's history (the same rule as ``history.get``); else DomainError."""
        try:
            return self.own_conv(user, conv, read=True)
        except DomainError as exc:
            row = self.views.row(conv)
            if exc.code != "forbidden" or row is None or not conv_store.has_handled_customer(
                    self.db, row["customer"], user):
                raise
            return row

    def typing(self, user: str, conv: str) -> dict:
        """``conv.typing``: checked, not forwarded (no customer channel shows typing)."""
        self.own_conv(user, conv)
        return {}

    def mark_read(self, user: str, conv: str, upto: int) -> dict:
        """``conv.read``: once the agent has read up to the customer's last message, unread is 0."""
        row = self.own_conv(user, conv)
        last_in = conv_store.last_inbound_seq(self.db, row["id"])
        if upto >= last_in and row["unread"]:
            conv_store.mark_read(self.db, row["id"])
            self.events.emit(user, "conv.updated", {"conversation": self.views.summary_of(row["id"])})
        return {}

    def send_to_customer(self, user: str, conv: str, text: str, subject: str | None = None, *,
                         note: bool = False) -> dict:
        """The agent's reply (``conv.send``) or internal note (``conv.note``)."""
        row = self.own_conv(user, conv)
        a = self.agents[user]
        with self.events.tx():
            msg = self._add_message(conv, "note" if note else "out", ("agent", user, a.name), text, subject)
            if not note:
                # Replying means the agent has read what came before.
                conv_store.mark_read(self.db, conv)
            self.events.emit(user, "conv.message", {"conversation": conv, "message": msg})
            if not note:
                self.events.after_commit(lambda: notify(self.listeners.conversation, "outgoing",
                                                        {**self.views.summary(row), "message": msg}))
        return {"message": msg}

    def transfer(self, user: str, conv: str, *, agent: str | None, queue: str | None, note: str | None) -> dict:
        row = self.own_conv(user, conv)
        if bool(agent) == bool(queue):
            raise DomainError("bad_args", "conv.transfer needs exactly one of 'agent' or 'queue'")
        a = self.agents[user]
        queues = self.presence.queues
        now = self.clock()
        if agent:
            b = self.agents.get(agent)
            if b is None or b.simulated:
                raise DomainError("not_found", f"no agent {agent!r}")
            if b.user == user:
                raise DomainError("bad_args", "cannot transfer to yourself")
            if not b.present or b.state == "offline":
                raise DomainError("conflict", f"{b.name} is not logged in")
        elif queue not in queues:
            raise DomainError("not_found", f"no queue {queue!r}")
        elif queues[queue]["channel"] != row["channel"]:
            raise DomainError("bad_args", f"queue {queue} serves {queues[queue]['channel']}, "
                                          f"not {row['channel']}")
        with self.events.tx():
            a.convs.pop(conv, None)
            if note:
                self._add_message(conv, "note", ("agent", user, a.name), note)
            if agent:
                b = self.agents[agent]
                self._system_message(conv, f"Transferred from {a.name} to {b.name}")
                conv_store.assign(self.db, conv, b.user, now, transfer=True)
                b.convs[conv] = (row["channel"], "active")
                self.events.emit(b.user, "conv.assigned", {"conversation": self.views.full(conv)})
                self.presence.refresh_contact_state(b)
            else:
                assert queue is not None  # exactly one of agent/queue, checked above
                self._system_message(conv, f"Transferred from {a.name} to queue {queues[queue]['name']}")
                conv_store.requeue_to(self.db, conv, queue, now)
                self.routing.exclude(conv, user)
                self.routing.enqueue(conv, row["channel"], queue, row["priority"], now)
                self.events.after_commit(self.routing.schedule)
            self.timers.disarm(("wrapup", conv))
            if not a.convs:
                a.idle_since = now
            self.events.emit(user, "conv.closed", {"conversation": conv, "reason": "transferred"})
            self.presence.refresh_contact_state(a)
            self._notify_conv(conv)
        return {}

    def wrapup(self, user: str, conv: str, code: str, notes: str | None) -> dict:
        self.own_conv(user, conv)
        if not conv_store.wrapup_code_exists(self.db, code):
            raise DomainError("bad_args", f"unknown wrap-up code {code!r}; see wrapup.codes")
        with self.events.tx():
            summary = self._close(conv, self.agents[user], "wrapup", code=code, notes=notes)
        return {"conversation": summary}

    # ------------------------------------------------------------------ reading

    def history(self, user: str, customer: str, limit: int = 20, before: str | None = None) -> dict:
        a = self.agents[user]
        cust = conv_store.customer(self.db, customer)
        if cust is None:
            raise DomainError("not_found", f"no customer {customer!r}")
        if a.role != "supervisor" and not conv_store.has_handled_customer(self.db, customer, user):
            raise DomainError("forbidden", "you can see the history of your own customers only")
        return {"customer": {"id": cust["id"], "name": cust["name"]},
                **self.views.history(customer, limit, before)}

    def outbox(self, customer: str | None, since: float | None = None) -> list[dict]:
        """What agents sent to customers (for the ingress ``GET /v1/outbox``)."""
        return [{**message(r, whole=True), "customer": r["customer"], "channel": r["channel"]}
                for r in conv_store.outbox(self.db, customer, since)]

    def wrapup_codes(self) -> dict:
        return {"codes": conv_store.wrapup_codes(self.db)}

    def canned_answers(self) -> dict:
        return {"canned": conv_store.canned_answers(self.db)}

    def recent_customer_text(self, user: str, conv: str) -> list[str]:
        """The customer's last three messages and the subject, oldest first (for KB suggestions)."""
        row = self.own_conv(user, conv, read=True)
        texts = conv_store.recent_inbound_texts(self.db, row["id"], 3)
        if row["subject"]:
            texts.append(row["subject"])
        return list(reversed(texts))
