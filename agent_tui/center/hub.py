"""The center's domain core: agents, sessions, event streams, conversations, routing.

Everything here runs on one asyncio event loop thread, and every public
operation is synchronous: a command is handled from start to commit without
an ``await`` in between, so two commands never interleave and no locks are
needed. The network shell (:mod:`agent_tui.center.server`) only moves frames.

Persistence rules (what makes restarts and crashes safe):

- every operation runs in one SQLite transaction together with the events it
  emits; events are written **before** anything is sent, and only after
  ``COMMIT`` are they handed to the live sessions;
- each agent has one event stream (seq 1, 2, 3 … without gaps) shared by all
  of the agent's sessions; a resuming session gets the missed events from the
  database, so a center restart replays too;
- command results are stored with the command's idempotency key in the same
  transaction as the command's effect, so a retry returns the stored answer.

The in-memory picture (agent states, loads, waiting conversations) is a cache
of the database rebuilt by :meth:`Hub.start`.

This module holds the core (lifecycle, transactions and events, sessions,
state and presence, routing and offers); the rest of the domain lives in
mixins: :mod:`.conversations`, :mod:`.teamchat`, :mod:`.stats`, :mod:`.commands`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from typing import Any

from agent_tui.center import auth, router
from agent_tui.center.commands import CommandsMixin
from agent_tui.center.config import CenterConfig
from agent_tui.center.conversations import ConversationsMixin
from agent_tui.center.model import (
    ACW_REASON,
    DAY,
    IDEM_KEEP_S,
    MAX_CONN_BACKLOG,
    Agent,
    Conn,
    DomainError,
    Handler,
)
from agent_tui.center.stats import StatsMixin
from agent_tui.center.store import Tx, dumps, loads
from agent_tui.center.teamchat import TeamChatMixin
from agent_tui.protocol import messages as m

try:  # the knowledge base is its own module (KB engineer); the center runs without it
    from agent_tui.center.kb import KnowledgeBase
except ImportError:  # pragma: no cover - only before kb.py exists
    KnowledgeBase = None  # type: ignore[assignment,misc]

log = logging.getLogger("agent_tui.center")

__all__ = ["MAX_CONN_BACKLOG", "Agent", "Conn", "DomainError", "Hub"]

class Hub(ConversationsMixin, TeamChatMixin, StatsMixin, CommandsMixin):
    """The center's domain API. See the module docstring for the rules."""

    def __init__(self, cfg: CenterConfig, conn: sqlite3.Connection, *, clock: Callable[[], float] = time.time):
        self.cfg = cfg
        self.db = conn
        self.clock = clock
        self._tx = Tx(conn)
        self._out: list[tuple[str, dict]] = []
        self._after: list[Callable[[], None]] = []
        self._txseq: dict[str, int] = {}
        self.agents: dict[str, Agent] = {}
        self.teams: dict[str, dict[str, str]] = {}
        self.queues: dict[str, dict[str, str]] = {}
        self.queued: dict[str, router.Waiting] = {}  # waiting for an offer
        self.offered: dict[str, router.Waiting] = {}  # an offer is out
        self.exclusions: dict[str, dict[str, float]] = {}
        self._timers: dict[tuple[str, str], asyncio.TimerHandle] = {}
        self._presence_dirty: dict[str, dict] = {}
        self._route_pending = False
        self._last_figures: Any = None
        self._last_cleanup = clock()
        self._tasks: list[asyncio.Task] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self.kb = KnowledgeBase(conn) if KnowledgeBase is not None else None
        self.ops: dict[str, tuple[Handler, str | None]] = {}
        # Listeners (voice bridge, simulation): called after commit, never inside a transaction.
        self.conversation_listeners: list[Callable[[str, dict], None]] = []
        self.team_listeners: list[Callable[[str, dict], None]] = []
        self.offer_listeners: list[Callable[[str, dict], None]] = []
        # Voice bridge: told of each good password login (Kamailio's HA1 follows the real password),
        # and extra welcome fields (welcome["voice"]: where softphones register).
        self.password_listeners: list[Callable[[str, str], None]] = []
        self.welcome_extras: dict[str, Any] = {}
        self._register_ops()

    # ------------------------------------------------------------------ lifecycle

    def load(self) -> None:
        """Load users, teams and queues from the database (enough for :meth:`ingest` offline)."""
        now = self.clock()
        for row in self.db.execute("SELECT * FROM teams"):
            self.teams[row["team"]] = {"team": row["team"], "name": row["name"], "kind": row["kind"]}
        for row in self.db.execute("SELECT * FROM queues ORDER BY queue"):
            self.queues[row["queue"]] = dict(row)
        for row in self.db.execute("SELECT * FROM users"):
            self._load_user(row, now)

    def _load_user(self, row: sqlite3.Row, now: float) -> None:
        cap = dict(self.cfg.capacity)
        cap.update(loads(row["capacity"], {}) or {})
        self.agents[row["user"]] = Agent(
            user=row["user"], name=row["name"], role=row["role"], team=row["team"],
            teams=loads(row["teams"], []) or [row["team"]], skills=loads(row["skills"], []),
            capacity=cap, lang=row["lang"], simulated=bool(row["simulated"]), state=row["state"],
            reason=row["reason"], since=row["state_since"] or now, idle_since=row["idle_since"] or 0.0,
            last_seq=row["last_seq"],
        )

    def start(self) -> None:
        """Load the picture from the database and arm timers. Call on the running loop."""
        self.loop = asyncio.get_running_loop()
        self.load()
        now = self.clock()
        with self.tx():
            self.db.execute("DELETE FROM events WHERE ts < ?", (now - self.cfg.event_retention_days * DAY,))
            self.db.execute("DELETE FROM idem WHERE at < ?", (now - IDEM_KEEP_S,))
            self.db.execute("DELETE FROM exclusions WHERE until < ?", (now,))
        for row in self.db.execute("SELECT * FROM exclusions"):
            self.exclusions.setdefault(row["conversation"], {})[row["user"]] = row["until"]
        for row in self.db.execute(
            "SELECT id, channel, status, queue, priority, queued_at, assigned_to, wrapup_deadline"
            " FROM conversations WHERE status != 'closed'"
        ):
            if row["status"] in ("queued", "offered"):
                self.queued[row["id"]] = self._waiting(row["id"], row["channel"], row["queue"],
                                                        row["priority"], row["queued_at"] or now)
            elif row["assigned_to"] in self.agents:
                self.agents[row["assigned_to"]].convs[row["id"]] = (row["channel"], row["status"])
                if row["status"] == "wrapup":
                    self._arm(("wrapup", row["id"]), max(0.0, (row["wrapup_deadline"] or now) - now),
                              self._wrapup_expired, row["id"])
        # Offers that were out when the center stopped: keep them, with their remaining time.
        for row in self.db.execute("SELECT * FROM offers WHERE status = 'pending'"):
            a = self.agents.get(row["user"])
            w = self.queued.pop(row["conversation"], None)
            if a is None or w is None:
                continue
            a.offers[row["offer"]] = (row["conversation"], w.channel)
            self.offered[row["conversation"]] = w
            self._arm(("offer", row["offer"]), max(0.0, row["expires_at"] - now), self._offer_expired, row["offer"])
        # Agents who were logged in when the center stopped get a grace period, as if their
        # connection had dropped: they can resume and nothing of theirs is lost.
        for a in self.agents.values():
            if a.state != "offline" and not a.simulated:
                self._start_grace(a)
        self._tasks.append(self.loop.create_task(self._periodic(self.cfg.presence_batch_s, self._flush_presence)))
        self._tasks.append(self.loop.create_task(self._periodic(self.cfg.stats_tick_s, self._stats_tick)))
        self._tasks.append(self.loop.create_task(self._periodic(1.0, self._housekeeping)))
        self.schedule_route()

    async def stop(self) -> None:
        """Stop timers and periodic work (the database stays consistent at any point)."""
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        self._tasks.clear()
        for h in self._timers.values():
            h.cancel()
        self._timers.clear()
        for a in self.agents.values():
            if a.grace is not None:
                a.grace.cancel()
                a.grace = None
            for c in list(a.conns):
                c.close(1001, "center stopping")

    async def _periodic(self, interval: float, fn: Callable[[], None]) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                fn()
            except Exception:  # one bad tick must not stop the center
                log.exception("periodic %s failed", getattr(fn, "__name__", fn))

    def _arm(self, key: tuple[str, str], delay: float, fn: Callable[[str], None], arg: str) -> None:
        assert self.loop is not None
        old = self._timers.pop(key, None)
        if old is not None:
            old.cancel()

        def fire() -> None:
            self._timers.pop(key, None)
            try:
                fn(arg)
            except Exception:
                log.exception("timer %s failed", key)

        self._timers[key] = self.loop.call_later(delay, fire)

    def _disarm(self, key: tuple[str, str]) -> None:
        h = self._timers.pop(key, None)
        if h is not None:
            h.cancel()

    # ------------------------------------------------------------------ transactions and events

    @contextlib.contextmanager
    def tx(self) -> Iterator[None]:
        """One database transaction; events emitted inside are sent after COMMIT."""
        outer = self._tx.depth == 0
        try:
            with self._tx:
                yield
        except BaseException:
            if outer:
                self._out.clear()
                self._after.clear()
                self._txseq.clear()
            raise
        if outer:
            for user, seq in self._txseq.items():
                self.agents[user].last_seq = seq
            self._txseq.clear()
            out, self._out = self._out, []
            after, self._after = self._after, []
            for user, frame in out:
                a = self.agents.get(user)
                if a is None:
                    continue
                for c in list(a.conns):
                    c.send(frame)
            for fn in after:
                try:
                    fn()
                except Exception:
                    log.exception("after-commit hook failed")

    @contextlib.contextmanager
    def _savepoint(self) -> Iterator[None]:
        """Undo a failed command's writes and events but keep the outer transaction."""
        n_out, n_after, seqs = len(self._out), len(self._after), dict(self._txseq)
        self.db.execute("SAVEPOINT cmd")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK TO cmd")
            self.db.execute("RELEASE cmd")
            del self._out[n_out:]
            del self._after[n_after:]
            self._txseq = seqs
            raise
        self.db.execute("RELEASE cmd")

    def after_commit(self, fn: Callable[[], None]) -> None:
        self._after.append(fn)

    def emit(self, user: str, kind: str, data: dict) -> int:
        """Append an event to *user*'s stream (inside a transaction). Returns its seq."""
        assert self._tx.depth > 0, "emit outside a transaction"
        a = self.agents[user]
        if a.simulated:
            return 0
        seq = self._txseq.get(user, a.last_seq) + 1
        self._txseq[user] = seq
        ts = self.clock()
        self.db.execute("INSERT INTO events(user, seq, ts, kind, data) VALUES (?,?,?,?,?)",
                        (user, seq, ts, kind, dumps(data)))
        self.db.execute("UPDATE users SET last_seq = ? WHERE user = ?", (seq, user))
        self._out.append((user, {"type": "event", "seq": seq, "ts": ts, "kind": kind, "data": data}))
        return seq

    def emit_present(self, kind: str, data: dict, users: list[str] | None = None) -> None:
        """Emit to every logged-in user (or those of *users* who are logged in)."""
        for u in (users if users is not None else list(self.agents)):
            a = self.agents.get(u)
            if a is not None and a.present and not a.simulated:
                self.emit(u, kind, data)

    def emit_voice(self, user: str, kind: str, data: dict) -> int:
        """For the voice bridge: emit a reserved ``voice.*`` event to *user*."""
        if not kind.startswith("voice.") or kind not in m.EVENT_KINDS:
            raise ValueError(f"not a voice event kind: {kind}")
        with self.tx():
            return self.emit(user, kind, data)

    # ------------------------------------------------------------------ sessions

    def check_password_row(self, user: str) -> str | None:
        """The stored hash of *user* (None if unknown). Picks up users added while running."""
        row = self.db.execute("SELECT * FROM users WHERE user = ?", (user,)).fetchone()
        if row is None:
            return None
        if user not in self.agents:  # added with `center user add` while the center runs
            self._load_user(row, self.clock())
        return row["pw_hash"]

    def create_session(self, user: str, client: str = "") -> tuple[str, str]:
        """A new session token for *user* (after a good password). Returns (session id, token)."""
        token = auth.new_token()
        sid = auth.new_id("s")
        now = self.clock()
        with self.tx():
            self.db.execute(
                "INSERT INTO sessions(id, user, token_hash, created_at, expires_at, client) VALUES (?,?,?,?,?,?)",
                (sid, user, auth.token_hash(token), now, now + self.cfg.token_ttl_hours * 3600, client[:128]),
            )
        return sid, token

    def check_token(self, token: str) -> tuple[str, str]:
        """Return (user, session id) for a valid token, sliding its expiry; else DomainError."""
        now = self.clock()
        row = self.db.execute(
            "SELECT id, user, expires_at, revoked FROM sessions WHERE token_hash = ?", (auth.token_hash(token),)
        ).fetchone()
        if row is None or row["revoked"] or row["expires_at"] < now or row["user"] not in self.agents:
            raise DomainError("token_invalid", "session token unknown, expired or revoked; log in with your password")
        with self.tx():
            self.db.execute("UPDATE sessions SET expires_at = ? WHERE id = ?",
                            (now + self.cfg.token_ttl_hours * 3600, row["id"]))
        return row["user"], row["id"]

    def attach(self, conn: Conn, token: str, resume_since: int | None) -> dict:
        """Register a live session; queue the ``welcome`` (and replay) on it. Returns the welcome."""
        a = self.agents[conn.user]
        was_present = a.present
        if a.grace is not None:
            a.grace.cancel()
            a.grace = None
        if a.state == "offline":
            # Logged in but not ready until the agent says so (as office desks do).
            self.set_state(a.user, "break", "login")
        last_seq = a.last_seq
        resumed = False
        if resume_since is not None and was_present and resume_since <= last_seq:
            oldest = self.db.execute("SELECT MIN(seq) FROM events WHERE user = ?", (a.user,)).fetchone()[0]
            resumed = resume_since == last_seq or (oldest is not None and resume_since >= oldest - 1)
        welcome: dict[str, Any] = {
            "type": "welcome", "v": m.PROTOCOL_VERSION, "session": conn.session_id, "token": token,
            "user": a.info(), "last_seq": last_seq, "resumed": resumed, "grace_s": self.cfg.grace_seconds,
        }
        for key, value in self.welcome_extras.items():
            welcome.setdefault(key, value)
        if not resumed:
            welcome["snapshot"] = self.snapshot(a.user)
        conn.send(welcome)
        if resumed:
            for row in self.db.execute(
                "SELECT seq, ts, kind, data FROM events WHERE user = ? AND seq > ? ORDER BY seq",
                (a.user, resume_since),
            ):
                conn.send({"type": "event", "seq": row["seq"], "ts": row["ts"], "kind": row["kind"],
                           "data": loads(row["data"])})
        a.conns.add(conn)
        if not was_present:
            self.schedule_route()
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
            self._start_grace(a)

    def ack(self, conn: Conn, seq: int) -> None:
        """Cumulative ack. Kept for figures; retention is by age, not by ack."""
        a = self.agents.get(conn.user)
        if a is not None and seq <= a.last_seq:
            self.db.execute("UPDATE users SET acked_seq = MAX(acked_seq, ?) WHERE user = ?", (seq, a.user))

    def _start_grace(self, a: Agent) -> None:
        assert self.loop is not None
        if a.grace is not None:
            a.grace.cancel()

        def expire() -> None:
            a.grace = None
            if not a.conns:
                try:
                    self.go_offline(a.user, "connection lost")
                except Exception:
                    log.exception("grace expiry for %s failed", a.user)

        a.grace = self.loop.call_later(self.cfg.grace_seconds, expire)

    def go_offline(self, user: str, why: str) -> None:
        """The agent is gone: withdraw offers, re-queue digital conversations, state offline."""
        a = self.agents[user]
        if a.grace is not None:
            a.grace.cancel()
            a.grace = None
        now = self.clock()
        with self.tx():
            for offer, (conv, _ch) in list(a.offers.items()):
                self._revoke_offer(a, offer, conv, "cancelled", exclude=False)
            for conv, (ch, status) in list(a.convs.items()):
                if status == "wrapup":
                    self._close(conv, a, "wrapup", code="auto", notes=f"agent {why}")
                elif ch in m.DIGITAL_CHANNELS:
                    self.db.execute(
                        "UPDATE conversations SET status='queued', assigned_to=NULL, queued_at=? WHERE id=?",
                        (now, conv))
                    self._system_message(conv, f"{a.name} went offline; back in the queue")
                    a.convs.pop(conv, None)
                    row = self._known_conv_row(conv)
                    self.queued[conv] = self._waiting(conv, ch, row["queue"], row["priority"], now)
                    self.emit(user, "conv.closed", {"conversation": conv, "reason": "requeued"})
                    self._notify_conv(conv)
                else:
                    self.end_conversation(conv, "agent-left")
            self.set_state(user, "offline", why)
            for c in list(a.conns):
                c.close(1000, "logged out")
            a.conns.clear()
        self.schedule_route()

    def revoke_session(self, session_id: str) -> None:
        with self.tx():
            self.db.execute("UPDATE sessions SET revoked = 1 WHERE id = ?", (session_id,))

    # ------------------------------------------------------------------ state and presence

    def presence_entry(self, a: Agent) -> dict:
        team = self.teams.get(a.team, {})
        return {"user": a.user, "name": a.name, "team": a.team, "team_name": team.get("name", a.team),
                "role": a.role, "state": a.state, "reason": a.reason, "since": a.since}

    def set_state(self, user: str, state: str, reason: str = "") -> dict:
        """Change a user's state (logs it, emits agent.state, marks presence dirty)."""
        a = self.agents[user]
        if state == "available" and any(st == "active" for _, st in a.convs.values()):
            state, reason = "on_contact", ""
        if a.state == state and a.reason == reason:
            return {"state": a.state, "reason": a.reason, "since": a.since}
        now = self.clock()
        with self.tx():
            self.db.execute("UPDATE state_log SET until = ? WHERE user = ? AND until IS NULL", (now, user))
            self.db.execute("INSERT INTO state_log(user, state, since) VALUES (?,?,?)", (user, state, now))
            was_routable = a.state in router.ROUTABLE_STATES
            if state == "available" and not was_routable and not a.convs:
                a.idle_since = now
            self.db.execute("UPDATE users SET state=?, reason=?, state_since=?, idle_since=? WHERE user=?",
                            (state, reason, now, a.idle_since, user))
            a.state, a.reason, a.since = state, reason, now
            data = {"user": user, "state": state, "reason": reason, "since": now}
            self.emit(user, "agent.state", data)
            self._presence_dirty[user] = self.presence_entry(a)
            if state in router.ROUTABLE_STATES:
                self.after_commit(self.schedule_route)
        return data

    def _refresh_contact_state(self, a: Agent) -> None:
        """The center's own states: on_contact while handling, acw while only wrapping up."""
        if a.state not in ("available", "on_contact") and not (a.state == "acw" and a.reason == ACW_REASON):
            return
        statuses = [st for _, st in a.convs.values()]
        if "active" in statuses:
            self.set_state(a.user, "on_contact", "")
        elif "wrapup" in statuses:
            self.set_state(a.user, "acw", ACW_REASON)
        else:
            self.set_state(a.user, "available", "")

    def _flush_presence(self) -> None:
        if not self._presence_dirty:
            return
        changes = list(self._presence_dirty.values())
        self._presence_dirty.clear()
        with self.tx():
            self.emit_present("presence.delta", {"changes": changes})

    # ------------------------------------------------------------------ queues and routing

    def _waiting(self, conv: str, channel: str, queue: str, priority: int, queued_at: float) -> router.Waiting:
        q = self.queues.get(queue)
        skill = q["skill"] if q else channel
        excl = frozenset(self.exclusions.get(conv, {}))
        return router.Waiting(conv, channel, skill, priority, queued_at, excl)

    def schedule_route(self) -> None:
        """Route soon (coalesces a burst of changes into one pass)."""
        if self._route_pending or self.loop is None:
            return
        self._route_pending = True
        self.loop.call_soon(self._route_now)

    def _route_now(self) -> None:
        self._route_pending = False
        if not self.queued:
            return
        now = self.clock()
        slots = [
            router.AgentSlot(a.user, frozenset(a.skills), a.capacity, a.load(), a.idle_since, a.state, a.present)
            for a in self.agents.values() if not a.simulated
        ]
        for conv, w in self.queued.items():
            ex = self.exclusions.get(conv)
            if ex:
                live = {u: t for u, t in ex.items() if t > now}
                if live != ex:
                    self.exclusions[conv] = live
                w.excluded = frozenset(live)
            elif w.excluded:
                w.excluded = frozenset()
        plan = router.plan(list(self.queued.values()), slots, now)
        if not plan:
            return
        with self.tx():
            for conv, user in plan:
                self._make_offer(conv, user)

    def _make_offer(self, conv: str, user: str) -> None:
        a = self.agents[user]
        w = self.queued.pop(conv)
        now = self.clock()
        offer = auth.new_id("o")
        timeout = self.cfg.offer_timeout_s
        self.db.execute("INSERT INTO offers(offer, conversation, user, created_at, expires_at) VALUES (?,?,?,?,?)",
                        (offer, conv, user, now, now + timeout))
        self.db.execute("UPDATE conversations SET status='offered' WHERE id=?", (conv,))
        a.offers[offer] = (conv, w.channel)
        a.idle_since = now
        self.offered[conv] = w
        data = {"offer": offer, "conversation": self.summary(self._known_conv_row(conv)), "expires_at": now + timeout,
                "timeout_s": timeout}
        self.emit(user, "offer.new", data)
        self._arm(("offer", offer), timeout, self._offer_expired, offer)
        self.after_commit(lambda: self._notify(self.offer_listeners, "offered", {**data, "user": user}))

    def _offer_expired(self, offer: str) -> None:
        row = self.db.execute("SELECT * FROM offers WHERE offer = ?", (offer,)).fetchone()
        if row is None or row["status"] != "pending":
            return
        a = self.agents[row["user"]]
        with self.tx():
            self._revoke_offer(a, offer, row["conversation"], "timeout", exclude=True)
            # As real desks do: whoever lets an offer ring out is not ready until they say so.
            self.set_state(a.user, "missed", "offer timed out")
        self.schedule_route()

    def _revoke_offer(self, a: Agent, offer: str, conv: str, reason: str, *, exclude: bool) -> None:
        """Take an offer back and put its conversation back in the queue (inside a tx)."""
        now = self.clock()
        self._disarm(("offer", offer))
        self.db.execute("UPDATE offers SET status=? WHERE offer=?", (reason, offer))
        a.offers.pop(offer, None)
        w = self.offered.pop(conv, None)
        if reason in ("timeout", "declined", "cancelled"):
            row = self._conv_row(conv)
            if row is not None and row["status"] == "offered":
                self.db.execute("UPDATE conversations SET status='queued' WHERE id=?", (conv,))
                if w is None:
                    w = self._waiting(conv, row["channel"], row["queue"], row["priority"], row["queued_at"] or now)
                self.queued[conv] = w
        if exclude:
            until = now + self.cfg.reoffer_after_s
            self.exclusions.setdefault(conv, {})[a.user] = until
            self.db.execute("INSERT OR REPLACE INTO exclusions(conversation, user, until) VALUES (?,?,?)",
                            (conv, a.user, until))
        self.emit(a.user, "offer.revoked", {"offer": offer, "conversation": conv, "reason": reason})
        self.after_commit(lambda: self._notify(self.offer_listeners, "revoked",
                                               {"offer": offer, "conversation": conv, "user": a.user,
                                                "reason": reason}))
        self.after_commit(self.schedule_route)

    def _housekeeping(self) -> None:
        if self.queued:
            self.schedule_route()
        now = self.clock()
        if now - self._last_cleanup > 3600:
            # Retention: events 7 days (resume window), idempotency keys 24 h.
            self._last_cleanup = now
            with self.tx():
                self.db.execute("DELETE FROM events WHERE ts < ?", (now - self.cfg.event_retention_days * DAY,))
                self.db.execute("DELETE FROM idem WHERE at < ?", (now - IDEM_KEEP_S,))

    # ------------------------------------------------------------------ snapshot and stats

    def pending_offers(self, user: str) -> list[dict]:
        out = []
        for r in self.db.execute("SELECT * FROM offers WHERE user = ? AND status = 'pending' ORDER BY created_at",
                                 (user,)):
            out.append({"offer": r["offer"], "conversation": self.summary(self._known_conv_row(r["conversation"])),
                        "expires_at": r["expires_at"], "timeout_s": self.cfg.offer_timeout_s})
        return out

    def snapshot(self, user: str) -> dict:
        """The current truth for a fresh session (``welcome.snapshot``)."""
        a = self.agents[user]
        return {
            "state": {"state": a.state, "reason": a.reason, "since": a.since},
            "presence": [self.presence_entry(b) for b in self.agents.values()],
            "offers": self.pending_offers(user),
            "conversations": [self.full(c) for c in a.convs],
            "rooms": self.team_rooms(user),
            "queues": self.queue_figures(),
            "announcements": self.announcements_for(user),
        }
