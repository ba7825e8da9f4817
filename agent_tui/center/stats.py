"""Figures: queue figures (also pushed as ``stats.tick``) and the team-leader view of ``stats.get``.

Part of :class:`agent_tui.center.hub.Hub` (a mixin).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from agent_tui.center import router

if TYPE_CHECKING:  # the hub's other parts, for mypy; at run time the base is object
    from agent_tui.center.hub_base import HubBase
else:
    HubBase = object


class StatsMixin(HubBase):
    """Queue, agent and team figures, computed from the live picture and the database."""

    _last_figures: list[tuple[str, int, int, int]] | None  # what the last stats.tick showed (set by Hub)

    def queue_figures(self) -> list[dict]:
        now = self.clock()
        per: dict[str, dict] = {}
        for q in self.queues.values():
            per[q["queue"]] = {"queue": q["queue"], "name": q["name"], "channel": q["channel"], "waiting": 0,
                               "longest_wait_s": 0.0, "agents_available": 0}
        rows = self.db.execute(
            "SELECT queue, COUNT(*) AS n, MIN(queued_at) AS oldest FROM conversations"
            " WHERE status IN ('queued','offered') GROUP BY queue").fetchall()
        for r in rows:
            f = per.get(r["queue"])
            if f is not None:
                f["waiting"] = r["n"]
                f["longest_wait_s"] = round(max(0.0, now - (r["oldest"] or now)), 1)
        for a in self.agents.values():
            if a.simulated or not a.present or a.state not in router.ROUTABLE_STATES:
                continue
            load = a.load()
            for f in per.values():
                q = self.queues[f["queue"]]
                if q["skill"] in a.skills and a.capacity.get(q["channel"], 0) > load.get(q["channel"], 0):
                    f["agents_available"] += 1
        return list(per.values())

    def _stats_tick(self) -> None:
        figures = self.queue_figures()
        key = [(f["queue"], f["waiting"], f["agents_available"], f["waiting"] and int(f["longest_wait_s"] // 10))
               for f in figures]
        if key == self._last_figures:
            return
        self._last_figures = key
        with self.tx():
            self.emit_present("stats.tick", {"queues": figures})

    def stats(self) -> dict:
        now = self.clock()
        lt = time.localtime(now)
        day_start = time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, 0, 0, 0, 0, 0, -1))
        agents = []
        hours: dict[str, float] = {}
        for a in self.agents.values():
            if a.simulated:
                continue
            r = self.db.execute(
                "SELECT COUNT(*) AS n, AVG(closed_at - accepted_at) AS aht FROM conversations"
                " WHERE handled_by = ? AND status = 'closed' AND closed_at >= ? AND accepted_at IS NOT NULL",
                (a.user, day_start)).fetchone()
            state_time: dict[str, float] = {}
            for s in self.db.execute("SELECT state, since, until FROM state_log WHERE user = ? AND"
                                     " (until IS NULL OR until >= ?)", (a.user, day_start)):
                start = max(s["since"], day_start)
                end = s["until"] if s["until"] is not None else now
                state_time[s["state"]] = round(state_time.get(s["state"], 0.0) + max(0.0, end - start), 1)
            worked = sum(v for k, v in state_time.items() if k != "offline")
            hours[a.user] = round(worked / 3600.0, 2)
            agents.append({"user": a.user, "name": a.name, "team": a.team, "state": a.state,
                           "state_since": a.since, "handled_today": r["n"],
                           "aht_s": round(r["aht"], 1) if r["aht"] is not None else None,
                           "state_time_s": state_time})
        incoming = self.db.execute("SELECT COUNT(*) FROM conversations WHERE created_at >= ?",
                                   (day_start,)).fetchone()[0]
        handled = self.db.execute("SELECT COUNT(*) FROM conversations WHERE status='closed' AND closed_at >= ?"
                                  " AND handled_by IS NOT NULL", (day_start,)).fetchone()[0]
        waiting_rows = self.db.execute("SELECT * FROM conversations WHERE status IN ('queued','offered')"
                                       " ORDER BY priority DESC, queued_at").fetchall()
        urgent = [self.summary(r) for r in waiting_rows
                  if r["priority"] >= 2 or now - (r["queued_at"] or now) > self.cfg.sla_s.get(r["channel"], 1e9)][:20]
        return {"queues": self.queue_figures(), "agents": agents,
                "team": {"incoming_today": incoming, "handled_today": handled, "waiting": len(waiting_rows),
                         "urgent": urgent, "hours_worked": hours}}
