"""Queues and offers: which conversations wait, who gets offered what, and offers that end.

The live waiting list (``queued``: waiting for an offer, ``offered``: an offer is out) and
the re-offer exclusions are a cache of the database. :meth:`Routing.schedule` coalesces a
burst of changes into one routing pass on the next loop turn; the pass asks the pure
:func:`agent_tui.center.router.plan` whom to offer what and makes the offers: an offer row
(:mod:`agent_tui.center.store.routing`), the conversation ``offered``, an ``offer.new``
event to the agent and a time-out timer. An offer ends accepted (the conversations
service), declined, timed out or cancelled (:meth:`Routing.revoke`).
"""

from __future__ import annotations

import sqlite3

from agent_tui.center import auth, router
from agent_tui.center.config import CenterConfig
from agent_tui.center.events import Events, Listeners, notify
from agent_tui.center.model import Agent, DomainError
from agent_tui.center.presence import Presence
from agent_tui.center.store import conversations as conv_store
from agent_tui.center.store import routing as routing_store
from agent_tui.center.timers import Timers
from agent_tui.center.views import ConversationViews

OFFERS_PER_PASS = 20  # offers made and committed together in one routing pass


class Routing:
    """The waiting list, the routing pass and the offers (see the module docstring)."""

    def __init__(self, cfg: CenterConfig, db: sqlite3.Connection, events: Events, timers: Timers,
                 presence: Presence, views: ConversationViews, listeners: Listeners):
        self.cfg = cfg
        self.db = db
        self.events = events
        self.clock = events.clock
        self.timers = timers
        self.presence = presence
        self.views = views
        self.listeners = listeners
        self.queued: dict[str, router.Waiting] = {}  # waiting for an offer
        self.offered: dict[str, router.Waiting] = {}  # an offer is out
        self.exclusions: dict[str, dict[str, float]] = {}  # conversation -> {user: until}
        self._pending = False
        self._routing = False  # a pass is running (a schedule() from inside it waits for the next turn)
        self._alive_marked = False

    # ------------------------------------------------------------------ start

    def load_exclusions(self, now: float) -> None:
        """At start, before the waiting list is rebuilt: drop ended exclusions, load the rest."""
        with self.events.tx():
            routing_store.prune_exclusions(self.db, now)
        for row in routing_store.exclusions(self.db):
            self.exclusions.setdefault(row["conversation"], {})[row["user"]] = row["until"]

    def restore_offers(self, now: float) -> None:
        """Offers that were out when the center stopped: keep them, with the time they had left.

        Their deadlines move by the time the center was down (now − its last sign of life), so
        nobody becomes ``missed`` for the center's own downtime.
        """
        alive = routing_store.last_alive(self.db)
        down = max(0.0, now - alive) if alive is not None else 0.0
        if down > 0 and routing_store.pending_offers(self.db):
            with self.events.tx():
                routing_store.shift_pending_offers(self.db, down)
                routing_store.mark_alive(self.db, now)
        self._take_pending_offers(now)

    def rebuild_offers(self, now: float) -> None:
        """After a rollback (the waiting list was just rebuilt): exclusions and offers as stored."""
        self.exclusions.clear()
        for row in routing_store.exclusions(self.db):
            self.exclusions.setdefault(row["conversation"], {})[row["user"]] = row["until"]
        self._take_pending_offers(now)

    def _take_pending_offers(self, now: float) -> None:
        for row in routing_store.pending_offers(self.db):
            a = self.presence.agents.get(row["user"])
            w = self.queued.pop(row["conversation"], None)
            if a is None or w is None:
                continue
            a.offers[row["offer"]] = (row["conversation"], w.channel)
            self.offered[row["conversation"]] = w
            left = min(self.cfg.offer_timeout_s, max(0.0, row["expires_at"] - now))
            if self.timers.running:
                self.timers.arm(("offer", row["offer"]), left, self.offer_expired, row["offer"])

    # ------------------------------------------------------------------ the waiting list

    def enqueue(self, conv: str, channel: str, queue: str, priority: int, queued_at: float) -> None:
        """*conv* waits in *queue* for an offer (the caller schedules the routing pass)."""
        self.queued[conv] = self._waiting(conv, channel, queue, priority, queued_at)

    def _waiting(self, conv: str, channel: str, queue: str, priority: int, queued_at: float) -> router.Waiting:
        q = self.presence.queues.get(queue)
        skill = q["skill"] if q else channel
        excl = frozenset(self.exclusions.get(conv, {}))
        return router.Waiting(conv, channel, skill, priority, queued_at, excl)

    def raise_priority(self, conv: str, priority: int) -> None:
        for waiting in (self.queued.get(conv), self.offered.get(conv)):
            if waiting is not None:
                waiting.priority = priority

    def exclude(self, conv: str, user: str) -> None:
        """Skip *user* for *conv* for ``reoffer_after_s`` (declined, timed out, transferred away)."""
        until = self.clock() + self.cfg.reoffer_after_s
        self.exclusions.setdefault(conv, {})[user] = until
        routing_store.exclude(self.db, conv, user, until)

    def forget(self, conv: str) -> None:
        """*conv* no longer waits: cancel its pending offers and drop it (inside a tx)."""
        for o in routing_store.pending_offers_for(self.db, conv):
            self.revoke(self.presence.agents[o["user"]], o["offer"], conv, "cancelled", exclude=False)
        self.queued.pop(conv, None)
        self.offered.pop(conv, None)

    # ------------------------------------------------------------------ the routing pass

    def schedule(self) -> None:
        """Route now when no transaction is open (the usual case: an after-commit hook), else on
        the loop's next turn (coalescing a burst of changes into one pass).

        Routing at once saves a trip through the loop's ready queue, which under load is most
        of an offer's latency; a pass costs little when few conversations wait.
        """
        if self._pending or not self.timers.running:
            return
        if self.events.in_tx or self._routing:
            self._pending = True
            self.timers.call_soon(self._route_now)
            return
        self._route_now()

    def _route_now(self) -> None:
        self._pending = False
        if not self.queued or self.events.read_only:
            return  # read-only (disk full): no offers until the center can store them
        self._routing = True
        try:
            more = self._route_pass()
        finally:
            self._routing = False
        if more:
            # More to offer: the next pass runs after the loop has sent these offers out, so
            # the first of a burst do not wait for the commit of the last (offer latency).
            self._pending = True
            self.timers.call_soon(self._route_now)

    def _route_pass(self) -> bool:
        """One routing pass; True if it stopped at ``OFFERS_PER_PASS`` with more to offer."""
        now = self.clock()
        slots = [
            router.AgentSlot(a.user, frozenset(a.skills), a.capacity, a.load(), a.idle_since, a.state, a.present)
            for a in self.presence.agents.values() if not a.simulated and a.after_take is None  # a lead handling a taken one
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
        plan = router.plan(list(self.queued.values()), slots, now, OFFERS_PER_PASS)
        if not plan:
            return False
        self._alive_marked = False
        with self.events.tx():
            for conv, user in plan:
                self._make_offer(conv, user)
        return len(plan) == OFFERS_PER_PASS

    def _make_offer(self, conv: str, user: str) -> None:
        a = self.presence.agents[user]
        w = self.queued.pop(conv)
        now = self.clock()
        offer = auth.new_id("o")
        timeout = self.cfg.offer_timeout_s
        routing_store.insert_offer(self.db, offer, conv, user, now, now + timeout)
        if not self._alive_marked:
            routing_store.mark_alive(self.db, now)  # once per pass: see restore_offers
            self._alive_marked = True
        conv_store.set_status(self.db, conv, "offered")
        a.offers[offer] = (conv, w.channel)
        a.idle_since = now
        self.offered[conv] = w
        data = {"offer": offer, "conversation": self.views.summary_of(conv), "expires_at": now + timeout,
                "timeout_s": timeout}
        self.events.emit(user, "offer.new", data)
        self.timers.arm(("offer", offer), timeout, self.offer_expired, offer)
        self.events.after_commit(lambda: notify(self.listeners.offer, "offered", {**data, "user": user}))

    # ------------------------------------------------------------------ offers

    def open_offer(self, user: str, offer: str) -> sqlite3.Row:
        """The row of *offer* if it is *user*'s and still pending; else the DomainError to answer."""
        row = routing_store.offer(self.db, offer)
        if row is None:
            raise DomainError("not_found", f"no offer {offer}")
        if row["user"] != user:
            raise DomainError("forbidden", "that offer is not yours")
        if row["status"] != "pending":
            raise DomainError("conflict", f"offer is no longer open ({row['status']})")
        return row

    def take(self, a: Agent, offer: str, conv: str) -> str:
        """*a* accepted *offer* (inside a tx): it leaves the waiting list. Returns its channel."""
        self.timers.disarm(("offer", offer))
        routing_store.set_offer_status(self.db, offer, "accepted")
        channel = a.offers.pop(offer, (conv, "chat"))[1]
        self.offered.pop(conv, None)
        self.exclusions.pop(conv, None)
        return channel

    def offer_expired(self, offer: str) -> None:
        row = routing_store.offer(self.db, offer)
        if row is None or row["status"] != "pending":
            return
        if self.events.read_only:
            # The center cannot store the time-out: the deadline moves on while the disk is full.
            self.timers.arm(("offer", offer), 1.0, self.offer_expired, offer)
            return
        a = self.presence.agents[row["user"]]
        with self.events.tx():
            self.revoke(a, offer, row["conversation"], "timeout", exclude=True)
            if self._misses(a):
                # As real desks do: whoever lets an offer ring out is not ready until they say so.
                self.presence.set_state(a.user, "missed", "offer timed out")
        self.schedule()

    @staticmethod
    def _misses(a: Agent) -> bool:
        """Does an offer that rang out put *a* in ``missed``?

        Only from a ready state: an offer never overwrites a state the agent chose (break,
        lunch …), and a digital offer that rings out while the agent is on a call only moves
        on to the next agent (someone talking to a caller cannot be expected to click) — unless
        the agent's capacity allows chats during calls (``chat_during_call``): then letting it
        ring out is declining it, as at any other time.
        """
        if a.state not in router.ROUTABLE_STATES and a.state != "acw":
            return False
        on_call = any(ch == "voice" and st == "active" for ch, st in a.convs.values())
        return not on_call or a.chat_during_call

    def revoke(self, a: Agent, offer: str, conv: str, reason: str, *, exclude: bool) -> None:
        """Take an offer back and put its conversation back in the queue (inside a tx)."""
        now = self.clock()
        self.timers.disarm(("offer", offer))
        routing_store.set_offer_status(self.db, offer, reason)
        a.offers.pop(offer, None)
        w = self.offered.pop(conv, None)
        if reason in ("timeout", "declined", "cancelled"):
            row = self.views.row(conv)
            if row is not None and row["status"] == "offered":
                conv_store.set_status(self.db, conv, "queued")
                if w is None:
                    w = self._waiting(conv, row["channel"], row["queue"], row["priority"], row["queued_at"] or now)
                self.queued[conv] = w
        if exclude:
            self.exclude(conv, a.user)
        self.events.emit(a.user, "offer.revoked", {"offer": offer, "conversation": conv, "reason": reason})
        self.events.after_commit(lambda: notify(self.listeners.offer, "revoked",
                                                {"offer": offer, "conversation": conv, "user": a.user,
                                                 "reason": reason}))
        self.events.after_commit(self.schedule)

    def withdraw_all(self, a: Agent) -> None:
        """*a* is leaving: cancel every offer out to them (inside a tx)."""
        for offer, (conv, _ch) in list(a.offers.items()):
            self.revoke(a, offer, conv, "cancelled", exclude=False)

    def pending_offers(self, user: str) -> list[dict]:
        """*user*'s open offers, as ``offer.new`` showed them (for a fresh session's snapshot)."""
        return [{"offer": r["offer"], "conversation": self.views.summary_of(r["conversation"]),
                 "expires_at": r["expires_at"], "timeout_s": self.cfg.offer_timeout_s}
                for r in routing_store.pending_offers_of(self.db, user)]

    def housekeeping(self) -> None:
        """Periodic: anything still waiting gets another routing pass; while offers are out, the
        center's sign of life is kept current (see :meth:`restore_offers`)."""
        if self.offered and not self.events.read_only:
            with self.events.tx():
                routing_store.mark_alive(self.db, self.clock())
        if self.queued:
            self.schedule()
