"""Who is there and how they are: the live picture of users, teams and queues, agent states
and the presence list.

The picture (``agents``, ``teams``, ``queues``) is a cache of the database, loaded by
:meth:`Presence.load`; an agent's state changes only through :meth:`Presence.set_state`,
which logs it, emits ``agent.state`` and batches a ``presence.delta`` for everyone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from agent_tui.center import router
from agent_tui.center.config import CenterConfig
from agent_tui.center.events import Events
from agent_tui.center.model import ACW_REASON, Agent
from agent_tui.center.store import agents as agent_store
from agent_tui.center.store import loads


class Presence:
    """Users, teams, queues and agent states (see the module docstring)."""

    def __init__(self, cfg: CenterConfig, db: sqlite3.Connection, events: Events, agents: dict[str, Agent],
                 *, route_soon: Callable[[], None], withdraw_offers: Callable[[Agent], None] | None = None):
        self.cfg = cfg
        self.db = db
        self.events = events
        self.clock = events.clock
        self.agents = agents
        self.teams: dict[str, dict[str, str]] = {}
        self.queues: dict[str, dict[str, str]] = {}
        self._route_soon = route_soon  # an agent became routable: the router should look again
        # An agent went to a not-ready state: their pending offers go back at once (issue 8 §2).
        self._withdraw_offers = withdraw_offers
        self._dirty: dict[str, dict] = {}  # presence entries changed since the last flush
        self._added: set[str] = set()  # users added while running: not in the desks' snapshots

    # ------------------------------------------------------------------ the picture

    def load(self) -> None:
        """Load users, teams and queues from the database."""
        now = self.clock()
        for row in agent_store.teams(self.db):
            self.teams[row["team"]] = {"team": row["team"], "name": row["name"], "kind": row["kind"]}
        for row in agent_store.queues(self.db):
            self.queues[row["queue"]] = dict(row)
        for row in agent_store.users(self.db):
            self._load_user(row, now)

    def _load_user(self, row: sqlite3.Row, now: float) -> None:
        cap = dict(self.cfg.capacity)
        own = dict(loads(row["capacity"], {}) or {})
        during_call = own.pop("chat_during_call", self.cfg.chat_during_call)
        cap.update(own)
        self.agents[row["user"]] = Agent(
            user=row["user"], name=row["name"], role=row["role"], team=row["team"],
            teams=loads(row["teams"], []) or [row["team"]], skills=loads(row["skills"], []),
            capacity=cap, lang=row["lang"], simulated=bool(row["simulated"]), state=row["state"],
            reason=row["reason"], since=row["state_since"] or now, idle_since=row["idle_since"] or 0.0,
            last_seq=row["last_seq"], chat_during_call=bool(during_call),
        )

    def reload_states(self) -> None:
        """After a rollback: each agent's state, idle time and seq again as the database has them."""
        for row in agent_store.users(self.db):
            a = self.agents.get(row["user"])
            if a is not None:
                a.state, a.reason = row["state"], row["reason"]
                a.since, a.idle_since = row["state_since"] or a.since, row["idle_since"] or 0.0
                a.last_seq = row["last_seq"]

    def password_hash(self, user: str) -> str | None:
        """The stored hash of *user* (None if unknown). Picks up users added while running."""
        row = agent_store.user(self.db, user)
        if row is None:
            return None
        if user not in self.agents:  # added with `center user add` while the center runs
            self._load_user(row, self.clock())
            self._added.add(user)
        return row["pw_hash"]

    def led_teams(self, user: str) -> set[str]:
        """The teams *user* leads (as a supervisor): their home team and every team they belong to."""
        lead = self.agents[user]
        return {lead.team, *lead.teams}

    def leads(self, lead: str, user: str | None) -> bool:
        """True if *lead* is a supervisor of *user*'s team (or *user* is None: nobody's yet)."""
        a = self.agents.get(lead)
        if a is None or a.role != "supervisor":
            return False
        other = self.agents.get(user) if user else None
        return other is None or other.team in self.led_teams(lead)

    def supervisors(self) -> list[str]:
        return [u for u, a in self.agents.items() if a.role == "supervisor"]

    # ------------------------------------------------------------------ states

    def entry(self, a: Agent) -> dict:
        """*a* as a line of the presence list."""
        team = self.teams.get(a.team, {})
        return {"user": a.user, "name": a.name, "team": a.team, "team_name": team.get("name", a.team),
                "role": a.role, "state": a.state, "reason": a.reason, "since": a.since}

    def change(self, a: Agent) -> dict:
        """*a*'s line of a ``presence.delta``: what changes (the desk has the rest from its snapshot),
        the whole line for someone added while the center runs."""
        if a.user in self._added:
            return self.entry(a)
        return {"user": a.user, "state": a.state, "reason": a.reason, "since": a.since}

    def listing(self) -> list[dict]:
        """The presence list: everyone, logged in or not."""
        return [self.entry(b) for b in self.agents.values()]

    def set_state(self, user: str, state: str, reason: str = "") -> dict:
        """Change a user's state (logs it, emits agent.state, marks presence dirty)."""
        a = self.agents[user]
        if state == "available" and any(st == "active" for _, st in a.convs.values()):
            state, reason = "on_contact", ""
        if a.state == state and a.reason == reason:
            return {"state": a.state, "reason": a.reason, "since": a.since}
        now = self.clock()
        with self.events.tx():
            was_routable = a.state in router.ROUTABLE_STATES
            if state == "available" and not was_routable and not a.convs:
                a.idle_since = now
            agent_store.save_state(self.db, user, state, reason, now, a.idle_since)
            a.state, a.reason, a.since = state, reason, now
            data = {"user": user, "state": state, "reason": reason, "since": now}
            self.events.emit(user, "agent.state", data)
            self._dirty[user] = self.change(a)
            if state in router.ROUTABLE_STATES:
                self.events.after_commit(self._route_soon)
            elif state != "acw" and a.offers and self._withdraw_offers is not None:
                # Break, lunch, offline …: nothing may stay offered to them, and no offer left
                # ringing can later overwrite this state with `missed`.
                self._withdraw_offers(a)
        return data

    def refresh_contact_state(self, a: Agent) -> None:
        """The center's own states: on_contact while handling, acw while only wrapping up."""
        if a.state not in ("available", "on_contact") and not (a.state == "acw" and a.reason == ACW_REASON):
            return
        statuses = [st for _, st in a.convs.values()]
        if "active" in statuses:
            self.set_state(a.user, "on_contact", "")
        elif "wrapup" in statuses:
            self.set_state(a.user, "acw", ACW_REASON)
        elif a.after_take is not None:  # a lead's taken conversation is done: back to what they were
            (state, reason), a.after_take = a.after_take, None
            self.set_state(a.user, state, reason)
        else:
            self.set_state(a.user, "available", "")

    def flush(self) -> None:
        """Send the batched presence changes to everyone logged in (periodic)."""
        if not self._dirty:
            return
        changes = list(self._dirty.values())
        with self.events.tx():
            self.events.emit_present("presence.delta", {"changes": changes})
        self._dirty.clear()  # only once stored: a refused flush (disk full) is sent later
