"""Figures: queue figures (also pushed as ``stats.tick``) and the team-leader view of ``stats.get``.

Computed from the live picture (:mod:`agent_tui.center.presence`) and the database
(:mod:`agent_tui.center.store.stats`).
"""

from __future__ import annotations

import sqlite3
import time

from agent_tui.center import router
from agent_tui.center.config import CenterConfig
from agent_tui.center.events import Events
from agent_tui.center.presence import Presence
from agent_tui.center.store import stats as stats_store
from agent_tui.center.views import ConversationViews


class Stats:
    """Queue, agent and team figures."""

    def __init__(self, cfg: CenterConfig, db: sqlite3.Connection, events: Events, presence: Presence,
                 views: ConversationViews):
        self.cfg = cfg
        self.db = db
        self.events = events
        self.clock = events.clock
        self.presence = presence
        self.views = views
        self._last_tick: list[tuple[str, int, int, int]] | None = None  # what the last stats.tick showed
        # Health of parts outside the hub (e.g. "voice": {"degraded": …}), set by them; in stats.get.
        self.health: dict[str, dict] = {}

    def queue_figures(self) -> list[dict]:
        """Per queue: waiting, longest wait and how many agents could take one now."""
        now = self.clock()
        queues = self.presence.queues
        per: dict[str, dict] = {}
        for q in queues.values():
            per[q["queue"]] = {"queue": q["queue"], "name": q["name"], "channel": q["channel"], "waiting": 0,
                               "longest_wait_s": 0.0, "agents_available": 0}
        for r in stats_store.waiting_per_queue(self.db):
            f = per.get(r["queue"])
            if f is not None:
                f["waiting"] = r["n"]
                f["longest_wait_s"] = round(max(0.0, now - (r["oldest"] or now)), 1)
        for a in self.presence.agents.values():
            if a.simulated or not a.present or a.state not in router.ROUTABLE_STATES:
                continue
            load = a.load()
            for f in per.values():
                q = queues[f["queue"]]
                if q["skill"] in a.skills and a.capacity.get(q["channel"], 0) > load.get(q["channel"], 0):
                    f["agents_available"] += 1
        return list(per.values())

    def tick(self) -> None:
        """Periodic: push ``stats.tick`` to everyone logged in when the figures changed visibly."""
        figures = self.queue_figures()
        key = [(f["queue"], f["waiting"], f["agents_available"], f["waiting"] and int(f["longest_wait_s"] // 10))
               for f in figures]
        if key == self._last_tick:
            return
        self._last_tick = key
        with self.events.tx():
            self.events.emit_present("stats.tick", {"queues": figures})

    def stats(self, user: str) -> dict:
        """``stats.get`` (supervisors only, see the op table): queues, today's figures per agent of
        the lead's own team(s) and for those teams together, urgent conversations.

        Agents of other teams are not in the answer: a lead sees their own people only.
        """
        teams = self.presence.led_teams(user)
        now = self.clock()
        lt = time.localtime(now)
        day_start = time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, 0, 0, 0, 0, 0, -1))
        agents = []
        hours: dict[str, float] = {}
        handled_team = 0
        for a in self.presence.agents.values():
            if a.simulated or a.team not in teams:
                continue
            r = stats_store.handled_by(self.db, a.user, day_start)
            state_time: dict[str, float] = {}
            for s in stats_store.state_log_since(self.db, a.user, day_start):
                start = max(s["since"], day_start)
                end = s["until"] if s["until"] is not None else now
                state_time[s["state"]] = round(state_time.get(s["state"], 0.0) + max(0.0, end - start), 1)
            worked = sum(v for k, v in state_time.items() if k != "offline")
            hours[a.user] = round(worked / 3600.0, 2)
            handled_team += r["n"]
            agents.append({"user": a.user, "name": a.name, "team": a.team, "state": a.state,
                           "state_since": a.since, "handled_today": r["n"],
                           "aht_s": round(r["aht"], 1) if r["aht"] is not None else None,
                           "state_time_s": state_time})
        incoming = stats_store.created_since(self.db, day_start)
        waiting_rows = stats_store.waiting(self.db)
        urgent = [self.views.summary(r) for r in waiting_rows
                  if r["priority"] >= 2 or now - (r["queued_at"] or now) > self.cfg.sla_s.get(r["channel"], 1e9)][:20]
        return {"queues": self.queue_figures(), "agents": agents, "health": dict(self.health),
                "teams": sorted(teams),
                "team": {"incoming_today": incoming, "handled_today": handled_team, "waiting": len(waiting_rows),
                         "urgent": urgent, "hours_worked": hours}}
