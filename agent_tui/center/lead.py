"""The team lead's figures and actions: team figures per queue and channel (today against the
same weekday last week, and per 15 minutes), the agents table and an agent's timeline, urgent
items with their actions (assign to an agent, take it myself, raise priority), and the report
of ``ctl report``.

Every op is scoped to the lead's teams (:func:`agent_tui.center.tasks.lead_teams`): the agents
of those teams, and the queues those agents serve (a queue whose skill one of them has).
Figures are computed from the rows of :mod:`agent_tui.center.store.lead`:

- incoming: created in the window; handled: closed by an agent; abandoned: closed unanswered;
- service level: answered within the channel's target (``sla_s``, from creation to accept)
  among those answered or abandoned in the window;
- AHT: closed − accepted of the handled ones; first-contact resolution: handled ones whose
  customer did not come back within 7 days.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable

from agent_tui.center.config import CenterConfig
from agent_tui.center.conversations import Conversations
from agent_tui.center.events import Events
from agent_tui.center.model import DAY, Agent, DomainError
from agent_tui.center.presence import Presence
from agent_tui.center.routing import Routing
from agent_tui.center.store import conversations as conv_store
from agent_tui.center.store import lead as lead_store
from agent_tui.center.tasks import Tasks, lead_teams
from agent_tui.center.views import ConversationViews

BUCKET_S = 900  # the pictures: per 15 minutes
NEAR_SLA = 0.8  # a waiting conversation is "near" its SLA from 80% of the target on
LONG_BREAK_S = {"break": 15 * 60, "lunch": 45 * 60}
MAX_PRIORITY = 9


def day_start(now: float) -> float:
    lt = time.localtime(now)
    return time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, 0, 0, 0, 0, 0, -1))


def _pct(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 1) if d else None


class _Acc:
    """Figures of one queue (or channel, or the whole team) in one window."""

    def __init__(self) -> None:
        self.incoming = self.handled = self.abandoned = self.answered = self.in_sl = self.fcr = 0
        self.handle_s = 0.0
        self.longest_wait_s = 0.0

    def add(self, r: sqlite3.Row, start: float, end: float, sla: float) -> None:
        if start <= r["created_at"] < end:
            self.incoming += 1
        closed = r["closed_at"] is not None and start <= r["closed_at"] < end and r["status"] == "closed"
        if closed and r["handled_by"] is not None:
            self.handled += 1
            if r["accepted_at"] is not None:
                self.handle_s += max(0.0, r["closed_at"] - r["accepted_at"])
            self.fcr += 0 if r["reopened"] else 1
        elif closed:
            self.abandoned += 1
        if r["accepted_at"] is not None and start <= r["accepted_at"] < end:
            wait = max(0.0, r["accepted_at"] - r["created_at"])
            self.answered += 1
            self.in_sl += wait <= sla
            self.longest_wait_s = max(self.longest_wait_s, wait)

    def out(self) -> dict:
        return {"incoming": self.incoming, "handled": self.handled, "abandoned": self.abandoned,
                "answered": self.answered, "longest_wait_s": round(self.longest_wait_s, 1),
                "service_level": _pct(self.in_sl, self.answered + self.abandoned),
                "aht_s": round(self.handle_s / self.handled, 1) if self.handled else None,
                "fcr": _pct(self.fcr, self.handled)}


class Lead:
    """The lead's figures, agents, urgent items and actions (see the module docstring)."""

    def __init__(self, cfg: CenterConfig, db: sqlite3.Connection, events: Events, presence: Presence,
                 routing: Routing, conversations: Conversations, views: ConversationViews, tasks: Tasks):
        self.cfg = cfg
        self.db = db
        self.events = events
        self.clock = events.clock
        self.presence = presence
        self.routing = routing
        self.conversations = conversations
        self.views = views
        self.tasks = tasks

    # ------------------------------------------------------------------ scope

    def members(self, lead: str) -> list[Agent]:
        """The agents of the lead's teams (not simulated colleagues, not the lead)."""
        teams = set(lead_teams(self.presence, lead))
        return [a for a in self.presence.agents.values()
                if not a.simulated and a.user != lead and a.role == "agent" and teams & set(a.teams)]

    def queues_of(self, lead: str) -> list[dict]:
        skills = {s for a in self.members(lead) for s in a.skills}
        return [q for q in self.presence.queues.values() if q["skill"] in skills]

    def _sla(self, channel: str) -> float:
        return float(self.cfg.sla_s.get(channel, 1e9))

    # ------------------------------------------------------------------ figures

    def _window(self, queues: list[dict], start: float, end: float) -> dict:
        names = {q["queue"] for q in queues}
        per_q = {q["queue"]: _Acc() for q in queues}
        per_ch: dict[str, _Acc] = {}
        total = _Acc()
        for r in lead_store.conversations_in(self.db, start, end):
            if r["queue"] not in names:
                continue
            sla = self._sla(r["channel"])
            for acc in (per_q[r["queue"]], per_ch.setdefault(r["channel"], _Acc()), total):
                acc.add(r, start, end, sla)
        return {"total": total.out(),
                "queues": [{"queue": q["queue"], "name": q["name"], "channel": q["channel"],
                            **per_q[q["queue"]].out()} for q in queues],
                "channels": [{"channel": ch, **acc.out()} for ch, acc in sorted(per_ch.items())]}

    def figures(self, lead: str) -> dict:
        """``lead.figures``: today and the same part of the same weekday last week, live waits,
        and the 15-minute buckets of today (incoming, handled, service level)."""
        now = self.clock()
        start = day_start(now)
        queues = self.queues_of(lead)
        today = self._window(queues, start, now)
        last_week = self._window(queues, start - 7 * DAY, now - 7 * DAY)["total"]
        names = {q["queue"] for q in queues}
        waiting: dict[str, list[float]] = {}
        for r in lead_store.waiting(self.db):
            if r["queue"] in names:
                waiting.setdefault(r["queue"], []).append(now - (r["queued_at"] or now))
        for q in today["queues"]:
            w = waiting.get(q["queue"], [])
            q["waiting"] = len(w)
            q["longest_wait_s"] = round(max([q["longest_wait_s"], *w]), 1)
        all_waits = [x for w in waiting.values() for x in w]
        today["total"]["waiting"] = len(all_waits)
        today["total"]["longest_wait_s"] = round(max([today["total"]["longest_wait_s"], *all_waits]), 1)
        return {"at": now, "day_start": start, "today": today, "last_week": last_week,
                "buckets": self._buckets(queues, start, now)}

    def _buckets(self, queues: list[dict], start: float, now: float) -> dict:
        n = max(1, int((now - start) // BUCKET_S) + 1)
        incoming, handled, answered, in_sl = [0] * n, [0] * n, [0] * n, [0] * n
        names = {q["queue"] for q in queues}

        def slot(t: float | None) -> int | None:
            if t is None or t < start or t >= now + 1:
                return None
            return min(n - 1, int((t - start) // BUCKET_S))

        for r in lead_store.conversations_in(self.db, start, now + 1):
            if r["queue"] not in names:
                continue
            if (i := slot(r["created_at"])) is not None:
                incoming[i] += 1
            if r["status"] == "closed" and r["handled_by"] is not None and (i := slot(r["closed_at"])) is not None:
                handled[i] += 1
            if r["accepted_at"] is not None and (i := slot(r["accepted_at"])) is not None:
                answered[i] += 1
                in_sl[i] += (r["accepted_at"] - r["created_at"]) <= self._sla(r["channel"])
        sl = [_pct(a, b) for a, b in zip(in_sl, answered, strict=True)]
        return {"size_s": BUCKET_S, "incoming": incoming, "handled": handled, "service_level": sl}

    # ------------------------------------------------------------------ agents

    def _agent_rows(self, members: Iterable[Agent], start: float, end: float, live: bool) -> list[dict]:
        members = list(members)
        handled: dict[str, list[float]] = {a.user: [] for a in members}
        for r in lead_store.conversations_in(self.db, start, end):
            u = r["handled_by"]
            if (u in handled and r["status"] == "closed" and r["closed_at"] is not None
                    and start <= r["closed_at"] < end and r["accepted_at"] is not None):
                handled[u].append(r["closed_at"] - r["accepted_at"])
        logged: dict[str, float] = {a.user: 0.0 for a in members}
        for s in lead_store.state_log(self.db, [a.user for a in members], start, end):
            if s["state"] != "offline":
                logged[s["user"]] += max(0.0, min(s["until"] or end, end) - max(s["since"], start))
        out = []
        for a in members:
            h = handled[a.user]
            row = {"user": a.user, "name": a.name, "team": a.team, "handled": len(h),
                   "aht_s": round(sum(h) / len(h), 1) if h else None, "hours": round(logged[a.user] / 3600.0, 2)}
            if live:
                cap = sum(a.capacity.values())
                load: dict[str, int] = {}
                for ch, _status in a.convs.values():
                    load[ch] = load.get(ch, 0) + 1
                # per channel: conversations now (``load``) against the limit (``limits``); the sums stay
                row.update({"state": a.state, "reason": a.reason, "since": a.since,
                            "conversations": len(a.convs), "capacity": cap, "load": load, "limits": dict(a.capacity)})
            out.append(row)
        return out

    def agents(self, lead: str) -> dict:
        """``lead.agents``: per agent of the lead's teams: state and since, hours logged today,
        contacts handled, AHT, current conversations and capacity."""
        now = self.clock()
        return {"at": now, "agents": self._agent_rows(self.members(lead), day_start(now), now, live=True)}

    def timeline(self, lead: str, agent: str) -> dict:
        """``lead.timeline``: *agent*'s states today (``[{state, since, until}]``) and their row."""
        a = self._member(lead, agent)
        now = self.clock()
        start = day_start(now)
        states = [{"state": s["state"], "since": max(s["since"], start), "until": s["until"]}
                  for s in lead_store.state_log(self.db, [agent], start, now)]
        return {"agent": self._agent_rows([a], start, now, live=True)[0], "states": states}

    def _member(self, lead: str, agent: str) -> Agent:
        for a in self.members(lead):
            if a.user == agent:
                return a
        raise DomainError("not_found", f"no agent {agent!r} in your teams")

    # ------------------------------------------------------------------ urgent items

    def urgent(self, lead: str) -> dict:
        """``lead.urgent``: waiting conversations past or near their SLA, priority customers
        waiting, agents in ``missed`` or on a long break, open escalations; the most urgent first."""
        now = self.clock()
        teams = lead_teams(self.presence, lead)
        names = {q["queue"] for q in self.queues_of(lead)}
        items: list[dict] = []
        for r in lead_store.waiting(self.db):
            if r["queue"] not in names:
                continue
            waited = now - (r["queued_at"] or now)
            sla = self._sla(r["channel"])
            level = "past" if waited > sla else "near" if waited >= NEAR_SLA * sla else ""
            if not level and r["priority"] < 2:
                continue
            kind = "sla" if level else "priority"
            items.append({"kind": kind, "level": level or "priority", "conversation": self.views.summary(r),
                          "since": r["queued_at"] or now, "priority": r["priority"],
                          "rank": (0 if level == "past" else 1 if r["priority"] >= 2 else 2, -waited)})
        for a in self.members(lead):
            if a.state == "missed" or (a.state in LONG_BREAK_S and now - a.since > LONG_BREAK_S[a.state]):
                items.append({"kind": "agent", "level": a.state, "agent": {"user": a.user, "name": a.name},
                              "since": a.since, "priority": 0, "rank": (3, a.since - now)})
        for task in self.tasks.open_escalations(teams):
            items.append({"kind": "escalation", "level": "escalation", "task": task, "since": task["created_at"],
                          "priority": 1, "rank": (1, task["created_at"] - now)})
        items.sort(key=lambda i: i.pop("rank"))
        return {"at": now, "items": items}

    def _waiting_conv(self, lead: str, conv: str) -> sqlite3.Row:
        row = self.views.row(conv)
        if row is None:
            raise DomainError("not_found", f"no conversation {conv}")
        if row["queue"] not in {q["queue"] for q in self.queues_of(lead)}:
            raise DomainError("forbidden", f"conversation {conv} is not in your team's queues")
        return row

    def raise_priority(self, lead: str, conv: str, priority: int | None) -> dict:
        """``lead.priority``: set a waiting conversation's priority (default: one higher)."""
        row = self._waiting_conv(lead, conv)
        new = min(MAX_PRIORITY, priority if priority is not None else row["priority"] + 1)
        with self.events.tx():
            conv_store.raise_priority(self.db, conv, new)
            self.routing.raise_priority(conv, new)
            self.events.after_commit(self.routing.schedule)
        return {"conversation": conv, "priority": new}

    def assign(self, lead: str, conv: str, agent: str | None) -> dict:
        """``lead.assign``: give a waiting conversation to *agent* now (or to the lead: take it)."""
        row = self._waiting_conv(lead, conv)
        if row["status"] not in ("queued", "offered"):
            raise DomainError("conflict", f"conversation {conv} is not waiting ({row['status']})")
        if row["channel"] == "voice":
            raise DomainError("conflict", "a waiting call rings an agent by offer; raise its priority instead")
        user = agent or lead
        b = self.presence.agents.get(user)
        if b is None or b.simulated or (user != lead and b not in self.members(lead)):
            raise DomainError("not_found", f"no agent {user!r} in your teams")
        if not b.present or b.state == "offline":
            raise DomainError("conflict", f"{b.name} is not logged in")
        now = self.clock()
        with self.events.tx():
            self.routing.forget(conv)
            conv_store.assign(self.db, conv, user, now)
            b.convs[conv] = (row["channel"], "active")
            self.conversations.add_system_message(conv, f"Assigned to {b.name} by the team lead")
            self.events.emit(user, "conv.assigned", {"conversation": self.views.full(conv)})
            if user == lead and b.state not in ("available", "on_contact") and b.after_take is None:
                # Like a supervisor's pick-up in Genesys: the lead is On contact while handling it
                # (not offered more), and back on their Break etc. once it is wrapped up.
                b.after_take = (b.state, b.reason)
                self.presence.set_state(user, "on_contact", "")
            self.presence.refresh_contact_state(b)
        return {"conversation": conv, "agent": user}

    # ------------------------------------------------------------------ report

    def report(self, lead: str, start: float, end: float) -> dict:
        """``report.get``: the figures of ``[start, end)`` per queue, channel and agent."""
        if end <= start:
            raise DomainError("bad_args", "'to' must be after 'from'")
        if end - start > 366 * DAY:
            raise DomainError("bad_args", "a report covers at most a year")
        w = self._window(self.queues_of(lead), start, end)
        return {"from": start, "to": end, "total": w["total"], "queues": w["queues"], "channels": w["channels"],
                "agents": self._agent_rows(self.members(lead), start, end, live=False)}
