"""The center's composition root: builds the services and is what the rest of the center uses.

Everything here runs on one asyncio event loop thread, and every public operation is
synchronous: a command is handled from start to commit without an ``await`` in between,
so two commands never interleave and no locks are needed. The network shell
(:mod:`agent_tui.center.server`) only moves frames.

The parts, each built with what it needs passed in (they call each other through public
methods only):

- :mod:`.events` — transactions, savepoints, after-commit hooks and the per-agent event
  streams (stored before sent, sent after COMMIT); :mod:`.timers` — timers on the loop
- :mod:`.presence` — the live picture (users, teams, queues) and agent states
- :mod:`.routing` — the waiting list, the routing pass (:mod:`.router` decides) and offers
- :mod:`.conversations` — customer messages in, replies out, transfer, wrap-up
  (:mod:`.views` shows a conversation on the wire)
- :mod:`.teamchat`, :mod:`.stats`, :mod:`.knowledge` (the ``kb.*`` ops over :mod:`.kb`)
- :mod:`.sessions` — logins, connections, resume, grace period, going offline
- :mod:`.commands` — the op table (op → service method, with its role) and idempotent runs
- :mod:`.store` — all SQL, one module per area

A customer message, end to end: ``POST /v1/messages`` (:meth:`CenterServer._route_http`)
→ :meth:`Conversations.ingest` → :func:`store.conversations.insert_queued` /
:func:`store.conversations.add_message` → :meth:`Routing.enqueue`, and after COMMIT
:meth:`Routing.schedule` → :meth:`Routing._make_offer` (:func:`store.routing.insert_offer`,
``offer.new`` via :meth:`Events.emit`) → after that COMMIT, ``Conn.send`` on the agent's
sessions. The reply: ``cmd conv.send`` → :meth:`Commands.run` → :meth:`Conversations.send_to_customer`.

The :class:`Hub` keeps the methods the server, the voice bridge, the simulation and the
tests use as thin delegations to the services.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from agent_tui.center import storage
from agent_tui.center.commands import Commands, Op, Role, Services
from agent_tui.center.config import CenterConfig
from agent_tui.center.conversations import Conversations
from agent_tui.center.events import Events, Listeners
from agent_tui.center.kb import KnowledgeBase
from agent_tui.center.knowledge import Knowledge
from agent_tui.center.lead import Lead
from agent_tui.center.model import (
    DAY,
    IDEM_KEEP_S,
    MAX_CONN_BACKLOG,
    Agent,
    Conn,
    DomainError,
    Handler,
)
from agent_tui.center.presence import Presence
from agent_tui.center.routing import Routing
from agent_tui.center.sessions import Sessions
from agent_tui.center.stats import Stats
from agent_tui.center.store import events as event_store
from agent_tui.center.tasks import Tasks
from agent_tui.center.teamchat import TeamChat
from agent_tui.center.timers import Timers
from agent_tui.center.views import ConversationViews
from agent_tui.protocol import messages as m

__all__ = ["MAX_CONN_BACKLOG", "Agent", "Conn", "DomainError", "Hub"]

RETENTION_EVERY_S = 3600.0  # how often old events and idempotency keys are dropped while running


class Hub:
    """The center's domain API, built from its services. See the module docstring."""

    def __init__(self, cfg: CenterConfig, conn: sqlite3.Connection, *, clock: Callable[[], float] = time.time):
        self.cfg = cfg
        self.db = conn
        self.clock = clock
        self.agents: dict[str, Agent] = {}
        self.listeners = Listeners()
        self.events = Events(conn, self.agents, clock)
        self.timers = Timers()
        self.views = ConversationViews(cfg, conn)
        # Presence asks for a routing pass when someone becomes routable; routing is built
        # next and needs presence, so presence gets a function that finds it then.
        self.presence = Presence(cfg, conn, self.events, self.agents, route_soon=lambda: self.routing.schedule(),
                                 withdraw_offers=lambda a: self.routing.withdraw_all(a))
        self.routing = Routing(cfg, conn, self.events, self.timers, self.presence, self.views, self.listeners)
        self.conversations = Conversations(cfg, conn, self.events, self.timers, self.presence, self.routing,
                                           self.views, self.listeners)
        self.teamchat = TeamChat(conn, self.events, self.presence, self.listeners)
        self.stats = Stats(cfg, conn, self.events, self.presence, self.views)
        self.sessions = Sessions(cfg, conn, self.events, self.timers, self.presence, self.routing,
                                 self.conversations, self.teamchat, self.stats, self.views)
        self.kb = KnowledgeBase(conn)
        self.knowledge = Knowledge(self.kb, self.events, self.presence, self.conversations)
        self.tasks = Tasks(conn, self.events, self.presence, self.conversations)  # the team lead's desk
        self.lead = Lead(cfg, conn, self.events, self.presence, self.routing, self.conversations, self.views,
                         self.tasks)
        self.commands = Commands(self.events, Services(
            presence=self.presence, sessions=self.sessions, conversations=self.conversations,
            teamchat=self.teamchat, stats=self.stats, knowledge=self.knowledge, tasks=self.tasks, lead=self.lead))
        self._last_retention = clock()
        # What the voice bridge and the simulation hook into (called after commit).
        self.conversation_listeners = self.listeners.conversation
        self.team_listeners = self.listeners.team
        self.offer_listeners = self.listeners.offer
        self.password_listeners = self.listeners.password
        self.welcome_extras = self.sessions.welcome_extras
        self.events.on_storage.append(self._storage_changed)

    # ------------------------------------------------------------------ the live picture

    @property
    def queues(self) -> dict[str, dict[str, str]]:
        return self.presence.queues

    @property
    def ops(self) -> dict[str, Op]:
        """The op table in use: op name → :class:`agent_tui.center.commands.Op`."""
        return self.commands.ops

    # ------------------------------------------------------------------ lifecycle

    def load(self) -> None:
        """Load users, teams and queues from the database (enough for :meth:`ingest` offline)."""
        self.presence.load()

    def start(self) -> None:
        """Load the picture from the database and arm timers. Call on the running loop."""
        self.timers.start()
        self.load()
        now = self.clock()
        with self.events.tx():
            self._drop_old(now)
            self.routing.load_exclusions(now)
        self.conversations.restore(now)
        self.routing.restore_offers(now)
        # Agents who were logged in when the center stopped get a grace period, as if their
        # connection had dropped: they can resume and nothing of theirs is lost.
        for a in self.agents.values():
            if a.state != "offline" and not a.simulated:
                self.sessions.start_grace(a)
        self.timers.every(self.cfg.presence_batch_s, self.presence.flush)
        self.timers.every(self.cfg.stats_tick_s, self.stats.tick)
        self.timers.every(1.0, self._housekeeping)
        self.routing.schedule()

    async def stop(self) -> None:
        """Stop timers and periodic work (the database stays consistent at any point)."""
        await self.timers.stop()
        self.sessions.stop()

    def _drop_old(self, now: float) -> None:
        """Retention: events 7 days (the resume window), idempotency keys 24 h."""
        event_store.prune(self.db, now - self.cfg.event_retention_days * DAY, now - IDEM_KEEP_S)

    def _storage_changed(self, ok: bool) -> None:
        """Read-only mode (disk full) begins or ends: a fresh login's welcome says so too."""
        if ok:
            self.welcome_extras.pop("storage", None)
            self.routing.schedule()
        else:
            self.welcome_extras["storage"] = {"ok": False, "message": storage.READ_ONLY_MESSAGE}

    def _housekeeping(self) -> None:
        self.events.check_storage()
        self.routing.housekeeping()
        now = self.clock()
        if now - self._last_retention > RETENTION_EVERY_S:
            self._last_retention = now
            with self.events.tx():
                self._drop_old(now)

    # ------------------------------------------------------------------ events and commands

    def emit_voice(self, user: str, kind: str, data: dict) -> int:
        """For the voice bridge: emit a reserved ``voice.*`` event to *user*."""
        if not kind.startswith("voice.") or kind not in m.EVENT_KINDS:
            raise ValueError(f"not a voice event kind: {kind}")
        with self.events.tx():
            return self.events.emit(user, kind, data)

    def register_op(self, op: str, handler: Handler, role: Role) -> None:
        """Add or replace a command handler (e.g. ``voice.dial``); *role* ("agent" or "supervisor") is required."""
        self.commands.register_op(op, handler, role)

    def command(self, conn: Conn, frame: dict) -> dict:
        """Run one validated ``cmd`` frame for *conn*; return its ``result`` or ``error`` frame."""
        return self.commands.run(conn, frame)

    # ------------------------------------------------------------------ sessions (for the server)

    def check_password_row(self, user: str) -> str | None:
        return self.sessions.check_password_row(user)

    def create_session(self, user: str, client: str = "") -> tuple[str, str]:
        return self.sessions.create_session(user, client)

    def check_token(self, token: str) -> tuple[str, str]:
        return self.sessions.check_token(token)

    def attach(self, conn: Conn, token: str, resume_since: int | None) -> dict:
        return self.sessions.attach(conn, token, resume_since)

    def detach(self, conn: Conn, *, bye: bool = False) -> None:
        self.sessions.detach(conn, bye=bye)

    def ack(self, conn: Conn, seq: int) -> None:
        self.sessions.ack(conn, seq)


    # ------------------------------------------------------------------ the domain API

    def set_state(self, user: str, state: str, reason: str = "") -> dict:
        return self.presence.set_state(user, state, reason)

    def open_conversation(self, channel: str, customer: str, *, name: str | None = None, text: str | None = None,
                          subject: str | None = None, queue: str | None = None, priority: int = 0) -> dict:
        return self.conversations.open_conversation(channel, customer, name=name, text=text, subject=subject,
                                                    queue=queue, priority=priority)

    def ingest(self, channel: str, customer: str, text: str, *, name: str | None = None,
               subject: str | None = None, queue: str | None = None, priority: int = 0) -> dict:
        return self.conversations.ingest(channel, customer, text, name=name, subject=subject, queue=queue,
                                         priority=priority)

    def end_conversation(self, conv: str, reason: str = "customer-left") -> None:
        self.conversations.end_conversation(conv, reason)

    def leave(self, channel: str, customer: str) -> str:
        return self.conversations.leave(channel, customer)

    def add_system_message(self, conv: str, text: str) -> dict:
        return self.conversations.add_system_message(conv, text)

    def accept_offer(self, user: str, offer: str) -> dict:
        return self.conversations.accept_offer(user, offer)

    def decline_offer(self, user: str, offer: str, reason: str | None = None) -> dict:
        return self.conversations.decline_offer(user, offer, reason)

    def transfer(self, user: str, conv: str, *, agent: str | None, queue: str | None, note: str | None) -> dict:
        return self.conversations.transfer(user, conv, agent=agent, queue=queue, note=note)

    def outbox(self, customer: str | None, since: float | None = None) -> list[dict]:
        return self.conversations.outbox(customer, since)

    def team_send(self, user: str, room: str, text: str) -> dict:
        return self.teamchat.send(user, room, text)
