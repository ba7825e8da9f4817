"""Sessions: login tokens, live connections, resume, the grace period and going offline.

A desk logs in with a password (checked by :mod:`agent_tui.center.server` against
:meth:`Sessions.check_password_row`) or a session token (:meth:`Sessions.check_token`).
:meth:`Sessions.attach` then sends the ``welcome``: either the missed events since the
desk's last seq (a resume, from :mod:`agent_tui.center.store.events`) or a fresh
snapshot. When the last connection of an agent drops, a grace period starts; only when
it ends (or on ``logout``/``bye``) does the agent go offline: offers are withdrawn and
digital conversations go back to the queue.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from agent_tui.center import auth
from agent_tui.center.config import CenterConfig
from agent_tui.center.conversations import Conversations
from agent_tui.center.events import Events
from agent_tui.center.model import Agent, Conn, DomainError
from agent_tui.center.presence import Presence
from agent_tui.center.routing import Routing
from agent_tui.center.stats import Stats
from agent_tui.center.store import events as event_store
from agent_tui.center.store import sessions as session_store
from agent_tui.center.teamchat import TeamChat
from agent_tui.center.timers import Timers
from agent_tui.center.views import ConversationViews
from agent_tui.protocol import codec
from agent_tui.protocol import messages as m

log = logging.getLogger("agent_tui.center")


class Sessions:
    """Logins, connections and their end (see the module docstring)."""

    def __init__(self, cfg: CenterConfig, db: sqlite3.Connection, events: Events, timers: Timers,
                 presence: Presence, routing: Routing, conversations: Conversations, teamchat: TeamChat,
                 stats: Stats, views: ConversationViews):
        self.cfg = cfg
        self.db = db
        self.events = events
        self.clock = events.clock
        self.timers = timers
        self.presence = presence
        self.agents = presence.agents
        self.routing = routing
        self.conversations = conversations
        self.teamchat = teamchat
        self.stats = stats
        self.views = views
        # Extra welcome fields (welcome["voice"]: where softphones register; set by the voice bridge).
        self.welcome_extras: dict[str, Any] = {}

    # ------------------------------------------------------------------ login

    def check_password_row(self, user: str) -> str | None:
        """The stored hash of *user* (None if unknown). Picks up users added while running."""
        return self.presence.password_hash(user)

    def create_session(self, user: str, client: str = "") -> tuple[str, str]:
        """A new session token for *user* (after a good password). Returns (session id, token)."""
        token = auth.new_token()
        sid = auth.new_id("s")
        now = self.clock()
        with self.events.tx(essential=True):  # logins work in read-only mode too (the reserve)
            session_store.create(self.db, sid, user, auth.token_hash(token), now,
                                 now + self.cfg.token_ttl_hours * 3600, client[:128])
        return sid, token

    def check_token(self, token: str) -> tuple[str, str]:
        """Return (user, session id) for a valid token, sliding its expiry; else DomainError."""
        now = self.clock()
        row = session_store.by_token_hash(self.db, auth.token_hash(token))
        if row is None or row["revoked"] or row["expires_at"] < now or row["user"] not in self.agents:
            raise DomainError("token_invalid", "session token unknown, expired or revoked; log in with your password")
        with self.events.tx(essential=True):
            session_store.extend(self.db, row["id"], now + self.cfg.token_ttl_hours * 3600)
        return row["user"], row["id"]

    # ------------------------------------------------------------------ connections

    def attach(self, conn: Conn, token: str, resume_since: int | None) -> dict:
        """Register a live session; queue the ``welcome`` (and replay) on it. Returns the welcome."""
        a = self.agents[conn.user]
        was_present = a.present
        if a.grace is not None:
            a.grace.cancel()
            a.grace = None
        if a.state == "offline":
            # Logged in but not ready until the agent says so (as office desks do).
            with self.events.tx(essential=True):
                self.presence.set_state(a.user, "break", "login")
        last_seq = a.last_seq
        resumed = False
        replay: list[dict] = []
        if resume_since is not None and was_present and resume_since <= last_seq:
            oldest = event_store.oldest_seq(self.db, a.user)
            resumed = resume_since == last_seq or (oldest is not None and resume_since >= oldest - 1)
            if resumed:
                replay = event_store.since(self.db, a.user, resume_since)
                # An event too big for this peer (stored by an older center) would fail the resume
                # at every retry: a snapshot instead.
                resumed = all(codec.frame_size(f) <= conn.max_frame for f in replay)
        welcome: dict[str, Any] = {
            "type": "welcome", "v": m.PROTOCOL_VERSION, "session": conn.session_id, "token": token,
            "user": a.info(), "last_seq": last_seq, "resumed": resumed, "grace_s": self.cfg.grace_seconds,
            "max_frame": m.MAX_FRAME_BYTES,
        }
        for key, value in self.welcome_extras.items():
            welcome.setdefault(key, value)
        if not resumed:
            welcome["snapshot"] = self.snapshot(a.user, snapshot_budget(conn.max_frame))
            over = codec.frame_size(welcome) - conn.max_frame
            if over > 0:  # the headers alone do not fit (a huge team): no messages at all
                log.warning("welcome for %s over its frame limit by %d bytes; headers only", a.user, over)
                welcome["snapshot"] = self.snapshot(a.user, 0)
        conn.send(welcome)
        if resumed:
            for frame in replay:
                conn.send(frame)
        a.conns.add(conn)
        if not was_present:
            self.routing.schedule()
        return welcome

    def detach(self, conn: Conn, *, bye: bool = False) -> None:
        """A session ended. The last one starts the grace period (or ends everything on bye)."""
        a = self.agents.get(conn.user)
        if a is None or conn not in a.conns:
            return
        a.conns.discard(conn)
        if a.conns:
            return
        if bye:
            self.go_offline(a.user, "logout")
        else:
            self.start_grace(a)

    def ack(self, conn: Conn, seq: int) -> None:
        """Cumulative ack. Kept for figures; retention is by age, not by ack."""
        a = self.agents.get(conn.user)
        if a is not None and seq <= a.last_seq and not self.events.read_only:
            try:
                event_store.record_ack(self.db, a.user, seq)
            except sqlite3.OperationalError as exc:  # full disk: acks are for figures only
                log.warning("ack of %s not stored: %s", a.user, exc)

    def start_grace(self, a: Agent) -> None:
        """*a* has no connection left: they stay present for ``grace_seconds`` to come back."""
        if a.grace is not None:
            a.grace.cancel()

        def expire() -> None:
            a.grace = None
            if not a.conns:
                try:
                    self.go_offline(a.user, "connection lost")
                except Exception:
                    log.exception("grace expiry for %s failed", a.user)

        a.grace = self.timers.call_later(self.cfg.grace_seconds, expire)

    def go_offline(self, user: str, why: str) -> None:
        """The agent is gone: withdraw offers, re-queue digital conversations, state offline."""
        a = self.agents[user]
        if a.grace is not None:
            a.grace.cancel()
            a.grace = None
        with self.events.tx():
            self.routing.withdraw_all(a)
            self.conversations.release_agent(a, why)
            self.presence.set_state(user, "offline", why)
            for c in list(a.conns):
                c.close(1000, "logged out")
            a.conns.clear()
        self.routing.schedule()

    def logout(self, conn: Conn) -> dict:
        """``logout``: end this session; the agent goes offline when it was their last one."""
        session_store.revoke(self.db, conn.session_id)
        agent = self.agents[conn.user]

        def finish() -> None:
            for other in list(agent.conns):
                if other.session_id == conn.session_id:
                    agent.conns.discard(other)
                    other.close(1000, "logged out")
            if not agent.conns:
                self.go_offline(conn.user, "logout")

        def finish_soon() -> None:
            # Run after the result is queued on the connection, so the client still gets it.
            self.timers.call_soon(finish)

        self.events.after_commit(finish_soon)
        return {}

    def stop(self) -> None:
        """The center stops: end grace periods and close every connection."""
        for a in self.agents.values():
            if a.grace is not None:
                a.grace.cancel()
                a.grace = None
            for c in list(a.conns):
                c.close(1001, "center stopping")

    # ------------------------------------------------------------------ the picture for a fresh session

    def snapshot(self, user: str, budget: int = m.SNAPSHOT_BUDGET) -> dict:
        """The current truth for a fresh session (``welcome.snapshot``) in about *budget* bytes:
        everything but the messages first, then each conversation's newest messages within an
        equal share of what is left, plus what shorter conversations did not use (``older`` is the
        cursor to page back with ``conv.get``)."""
        a = self.agents[user]
        heads = [self.views.summary_of(c) for c in a.convs]
        snap = {
            "state": {"state": a.state, "reason": a.reason, "since": a.since},
            "presence": self.presence.listing(),
            "offers": self.routing.pending_offers(user),
            "conversations": heads,
            "rooms": self.teamchat.rooms(user),
            "queues": self.stats.queue_figures(),
            "announcements": self.teamchat.announcements_for(user),
        }
        left = max(0, budget - codec.frame_size(snap))
        share = left // max(1, len(heads))
        pages = [self.views.page(h["id"], budget=share) for h in heads]
        used = [codec.frame_size(p["messages"]) for p in pages]
        # What short conversations left over goes, in equal parts, to those with more to show.
        longer = [i for i, p in enumerate(pages) if p["older"] is not None]
        spare = left - sum(u for i, u in enumerate(used) if i not in longer) - share * len(longer)
        for i in longer:
            pages[i] = self.views.page(heads[i]["id"], budget=share + spare // len(longer))
        snap["conversations"] = [{**h, **p} for h, p in zip(heads, pages)]
        return snap


def snapshot_budget(peer_max_frame: int) -> int:
    """The snapshot's byte budget for a peer that accepts *peer_max_frame*: the protocol's budget,
    plus what a larger announced limit adds (up to 1 MiB more)."""
    return m.SNAPSHOT_BUDGET + min(peer_max_frame - m.MAX_FRAME_BYTES, 1024 * 1024)
