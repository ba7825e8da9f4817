"""What the team lead's desk adds to every desk, kept out of ``app.py``: opening the lead view
(leads only), an agent's escalation of the open conversation with a note, the pinned
announcement bar with its read receipt, notices of tasks and of KB review outcomes, and
"My tasks"."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.css.query import NoMatches

from agent_tui.i18n import t
from agent_tui.screens._picker import PickerScreen
from agent_tui.screens.prompt import PromptScreen
from agent_tui.secure.text import one_line
from agent_tui.widgets.lead_announce import AnnouncementBar

ANN_READ_KEY = "ctrl+b"


class LeadHooks:
    """Built by the app with itself; every method runs on Textual's loop."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.read: set[Any] = set()  # announcements marked read in this session (or known read)
        app.add_event_listener(self.on_event)

    def is_lead(self) -> bool:
        return self.app.state.me.get("role") == "supervisor"

    # --- the lead view ------------------------------------------------------------------------------
    def open_view(self) -> None:
        if not self.is_lead():
            self.app.notify(t("note.error", what="lead", why="supervisors only"), severity="warning")
            return
        # deferred: the lead view (and plotext for its charts) loads for a lead who opens it,
        # not at every desk start (issue 12)
        from agent_tui.screens.lead import LeadScreen

        if not isinstance(self.app.screen, LeadScreen):
            self.app.push_screen(LeadScreen())

    # --- agents: escalate, my tasks -----------------------------------------------------------------
    def escalate(self) -> None:
        desk = self.app.desk_screen()
        conv = desk.current_conversation() if desk is not None else None
        if not conv:
            self.app.notify(t("esc.none"), severity="warning")
            return

        def send(note: str | None) -> None:
            if not note:
                return

            async def run() -> None:
                if await self.app.command("task.escalate", conversation=conv, note=note) is not None:
                    self.app.notify(t("esc.sent"))
            self.app.run_worker(run(), group="escalate")
        self.app.push_screen(PromptScreen(t("esc.title"), t("esc.hint")), send)

    def my_tasks(self) -> None:
        async def run() -> None:
            got = await self.app.command("task.mine")
            if got is None:
                return
            tasks = got.get("tasks") or []
            choices = [(x["id"], Text(one_line(f"{x.get('title')} — {x.get('note') or ''}", 70))) for x in tasks]
            if not choices:
                self.app.notify(t("mytasks.none"))
                return

            def picked(task_id: str | None) -> None:
                if task_id:
                    self.app.fire("task.close", task=task_id)
            await self.app.push_screen(PickerScreen(t("mytasks.title") + " — Enter: " + t("lead.act.close_task"),
                                                    choices, t("lead.filter_hint")), picked)
        self.app.run_worker(run(), group="my-tasks")

    # --- announcements -------------------------------------------------------------------------------
    def unread_announcement(self) -> dict[str, Any] | None:
        me = self.app.state.user
        for a in reversed(self.app.state.announcements):
            frm = a.get("from") or {}
            if a.get("id") in self.read or a.get("read") or (isinstance(frm, dict) and frm.get("user") == me):
                continue
            return a
        return None

    def show_bar(self) -> None:
        desk = self.app.desk_screen()
        if desk is None:
            return
        try:
            bar = desk.query_one(AnnouncementBar)
        except NoMatches:
            bar = AnnouncementBar(id="announcement-bar")
            desk.mount(bar)
        bar.show(self.unread_announcement(), ANN_READ_KEY)

    def mark_read(self) -> None:
        a = self.unread_announcement()
        if a is None:
            return
        self.read.add(a.get("id"))
        if isinstance(a.get("id"), int):
            self.app.fire("team.announcement_read", id=a["id"])
        self.show_bar()

    # --- events --------------------------------------------------------------------------------------
    def on_event(self, frame: dict[str, Any]) -> None:
        kind, data = frame.get("kind"), frame.get("data") or {}
        if not isinstance(data, dict):
            return
        me = self.app.state.user
        if kind == "team.announcement":
            self.app.call_later(self.show_bar)
        elif kind == "task.updated":
            task = data.get("task") or {}
            if (task.get("assignee") or {}).get("user") == me and task.get("status") == "open" and not self.is_lead():
                self.app.notify(Text(t("task.assigned_to_you", title=one_line(task.get("title"), 60))).plain,
                                markup=False, timeout=10)
        elif kind == "kb.reviewed":
            p = data.get("proposal") or {}
            key = "kb.outcome.approved" if data.get("approved") else "kb.outcome.rejected"
            self.app.notify(t(key, title=one_line(p.get("title"), 60), why=one_line(p.get("comment") or "", 80)),
                            markup=False, timeout=15)
