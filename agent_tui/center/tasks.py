"""Tasks of the team lead's desk: an agent escalates a conversation with a note (an
``escalation`` task for the leads of their team); a lead creates tasks, assigns them to an agent
of their team or to themselves, gives a due time and closes them. Agents see the tasks assigned
to them.

Every change is stored and emitted as ``task.updated`` (``{task}``) to the leads of the task's
team and to its assignee, in the same transaction, so tasks are resumable like every event.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence

from agent_tui.center.conversations import Conversations
from agent_tui.center.events import Events
from agent_tui.center.model import DAY, DomainError
from agent_tui.center.presence import Presence
from agent_tui.center.store import tasks as task_store

MAX_TITLE = 200


def lead_teams(presence: Presence, user: str) -> list[str]:
    """The teams *user* leads (a supervisor leads every team they belong to)."""
    a = presence.agents[user]
    if a.role != "supervisor":
        raise DomainError("forbidden", "only a team lead can do that")
    return [t for t in a.teams if t in presence.teams] or [a.team]


class Tasks:
    """Escalations and tasks (see the module docstring)."""

    def __init__(self, db: sqlite3.Connection, events: Events, presence: Presence, conversations: Conversations):
        self.db = db
        self.events = events
        self.clock = events.clock
        self.presence = presence
        self.conversations = conversations

    # ------------------------------------------------------------------ views

    def view(self, r: sqlite3.Row) -> dict:
        agents = self.presence.agents

        def who(u: str | None) -> dict | None:
            if u is None:
                return None
            a = agents.get(u)
            return {"user": u, "name": a.name if a else u}

        return {"id": r["id"], "team": r["team"], "kind": r["kind"], "title": r["title"], "note": r["note"],
                "conversation": r["conversation"], "created_by": who(r["created_by"]),
                "created_at": r["created_at"], "assignee": who(r["assignee"]), "due_at": r["due_at"],
                "status": r["status"], "closed_at": r["closed_at"], "closed_by": who(r["closed_by"]),
                "updated_at": r["updated_at"]}

    def leads_of(self, team: str) -> list[str]:
        return [u for u, a in self.presence.agents.items()
                if a.role == "supervisor" and not a.simulated and team in a.teams]

    def _changed(self, task_id: str, also: Sequence[str] = ()) -> dict:
        """Emit ``task.updated`` to the team's leads, the assignee and *also* (inside a tx)."""
        row = task_store.get(self.db, task_id)
        assert row is not None
        task = self.view(row)
        targets = dict.fromkeys([*self.leads_of(row["team"]), *([row["assignee"]] if row["assignee"] else []),
                                 *also])
        for u in targets:
            a = self.presence.agents.get(u)
            if a is not None and not a.simulated:
                self.events.emit(u, "task.updated", {"task": task})
        return task

    def _task(self, lead: str, task_id: str) -> sqlite3.Row:
        row = task_store.get(self.db, task_id)
        if row is None:
            raise DomainError("not_found", f"no task {task_id}")
        if row["team"] not in lead_teams(self.presence, lead):
            raise DomainError("forbidden", f"task {task_id} is not of your team")
        return row

    def _check_assignee(self, team: str, lead: str, assignee: str | None) -> None:
        if assignee is None or assignee == lead:
            return
        b = self.presence.agents.get(assignee)
        if b is None or b.simulated:
            raise DomainError("not_found", f"no agent {assignee!r}")
        if team not in b.teams:
            raise DomainError("forbidden", f"{b.name} is not in team {team}")

    # ------------------------------------------------------------------ agents

    def escalate(self, user: str, conv: str, note: str) -> dict:
        """An agent escalates their conversation *conv* to the leads of their team with *note*."""
        row = self.conversations.own_conv(user, conv)
        a = self.presence.agents[user]
        now = self.clock()
        task_id = "t-" + uuid.uuid4().hex[:12]
        title = f"{a.name}: {row['channel']} {row['customer']}"[:MAX_TITLE]
        with self.events.tx():
            task_store.insert(self.db, {"id": task_id, "team": a.team, "kind": "escalation", "title": title,
                                        "note": note, "conversation": conv, "created_by": user,
                                        "created_at": now, "updated_at": now})
            self.conversations.add_system_message(conv, f"Escalated to the team lead by {a.name}")
            task = self._changed(task_id, [user])
        return {"task": task}

    def mine(self, user: str) -> dict:
        """The open tasks assigned to *user*."""
        return {"tasks": [self.view(r) for r in task_store.assigned_to(self.db, user)]}

    # ------------------------------------------------------------------ leads

    def create(self, lead: str, title: str, note: str | None, assignee: str | None, due_at: float | None,
               team: str | None) -> dict:
        teams = lead_teams(self.presence, lead)
        team = team or self.presence.agents[lead].team
        if team not in teams:
            raise DomainError("forbidden", f"you do not lead team {team}")
        self._check_assignee(team, lead, assignee)
        now = self.clock()
        task_id = "t-" + uuid.uuid4().hex[:12]
        with self.events.tx():
            task_store.insert(self.db, {"id": task_id, "team": team, "kind": "task", "title": title[:MAX_TITLE],
                                        "note": note or "", "created_by": lead, "created_at": now,
                                        "assignee": assignee, "due_at": due_at, "updated_at": now})
            task = self._changed(task_id)
        return {"task": task}

    def assign(self, lead: str, task_id: str, assignee: str, due_at: float | None) -> dict:
        row = self._task(lead, task_id)
        if row["status"] != "open":
            raise DomainError("conflict", f"task {task_id} is closed")
        self._check_assignee(row["team"], lead, assignee)
        before = row["assignee"]
        with self.events.tx():
            task_store.assign(self.db, task_id, assignee, due_at, self.clock())
            task = self._changed(task_id, [before] if before and before != assignee else [])
        return {"task": task}

    def close(self, user: str, task_id: str) -> dict:
        """Close a task: a lead of its team, or its assignee."""
        row = task_store.get(self.db, task_id)
        if row is None:
            raise DomainError("not_found", f"no task {task_id}")
        if row["assignee"] != user:
            self._task(user, task_id)  # otherwise only a lead of its team
        if row["status"] != "open":
            return {"task": self.view(row)}
        with self.events.tx():
            task_store.close(self.db, task_id, user, self.clock())
            task = self._changed(task_id, [row["created_by"]])
        return {"task": task}

    def listing(self, lead: str) -> dict:
        """The tasks of the lead's teams: open ones and those closed in the last day."""
        teams = lead_teams(self.presence, lead)
        rows = task_store.of_teams(self.db, teams, self.clock() - DAY)
        return {"tasks": [self.view(r) for r in rows]}

    def open_escalations(self, teams: list[str]) -> list[dict]:
        return [self.view(r) for r in task_store.open_escalations(self.db, teams)]
