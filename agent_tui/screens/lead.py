"""The team lead's view: live team figures with pictures, the agents table, urgent items,
tasks, announcements with read receipts, and knowledge upkeep — one screen with six tabs.

The screen talks to the center only through the app's command API (``app.command``) and
listens to the app's event stream (``task.updated``, ``presence.delta``, ``kb.proposal``,
``team.announcement_read``). It asks for figures and urgent items every few seconds and for
the agents table only while that tab is shown, so the lead's link carries a few hundred bytes
a second (see ``bench/lead_view.py``). With ``preset`` (snapshot tests) it shows fixed answers
and asks the center nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent, TabPane
from textual.widgets._footer import FooterKey

from agent_tui.i18n import state_word, t
from agent_tui.palette import ListedCommands
from agent_tui.screens._picker import PickerScreen
from agent_tui.screens.lead_dialogs import AgentDetailScreen, TextEditScreen
from agent_tui.screens.prompt import PromptScreen
from agent_tui.secure.text import one_line
from agent_tui.widgets.footer import NARROW_BELOW
from agent_tui.widgets.lead_figures import FiguresPanel
from agent_tui.widgets.lead_tables import (
    AgentsTable,
    AnnouncementsTable,
    KeyedTable,
    ProposalsTable,
    StaleTable,
    TasksTable,
    UrgentTable,
    diff_text,
)

FIGURES_EVERY_S = 5.0  # figures and urgent items while the lead view is open
AGENTS_EVERY_S = 10.0  # the agents table, only while its tab is shown (states move live by presence)
TABS = ("figures", "agents", "urgent", "tasks", "announce", "kb")
TAB_TABLES = {"figures": "#fig-queues", "agents": "#agents-table", "urgent": "#urgent-table",
              "tasks": "#tasks-table", "announce": "#ann-table", "kb": "#kb-proposals"}  # focused on each tab

# (binding id, key, action, label key, tabs it works in (empty: all), show in footer)
LEAD_ACTIONS: list[tuple[str, str, str, str, tuple[str, ...], bool]] = [
    ("lead.back", "escape", "back", "lead.act.back", (), True),
    ("lead.tab_figures", "f2", "tab('figures')", "lead.tab.figures", (), False),
    ("lead.tab_agents", "f3", "tab('agents')", "lead.tab.agents", (), False),
    ("lead.tab_urgent", "f4", "tab('urgent')", "lead.tab.urgent", (), False),
    ("lead.tab_tasks", "f5", "tab('tasks')", "lead.tab.tasks", (), False),
    ("lead.tab_announce", "f6", "tab('announce')", "lead.tab.announce", (), False),
    ("lead.tab_kb", "f7", "tab('kb')", "lead.tab.kb", (), False),
    ("lead.refresh", "f9", "refresh", "lead.act.refresh", (), False),
    ("lead.filter", "slash", "filter", "lead.act.filter", ("agents",), True),
    ("lead.sort", "s", "sort", "lead.act.sort", ("agents",), True),
    ("lead.assign", "a", "assign", "lead.act.assign", ("urgent", "tasks"), True),
    ("lead.take", "t", "take", "lead.act.take", ("urgent",), True),
    ("lead.priority", "p", "priority", "lead.act.priority", ("urgent",), True),
    ("lead.new", "n", "new", "lead.act.new", ("tasks", "announce"), True),
    ("lead.close_task", "c", "close_task", "lead.act.close_task", ("urgent", "tasks"), True),
    ("lead.approve", "y", "approve", "lead.act.approve", ("kb",), True),
    ("lead.reject", "x", "reject", "lead.act.reject", ("kb",), True),
    ("lead.confirm", "o", "confirm", "lead.act.confirm", ("kb",), True),
    ("lead.edit", "e", "edit", "lead.act.edit", ("kb",), True),
    # call monitoring of the selected agent's live call (issue 11; the desk's phone joins it)
    ("lead.listen", "l", "monitor('listen')", "lead.act.listen", ("agents",), True),
    ("lead.whisper", "w", "monitor('whisper')", "lead.act.whisper", ("agents",), True),
    ("lead.barge", "b", "monitor('barge')", "lead.act.barge", ("agents",), True),
]
_TABS_OF = {action.split("(")[0]: tabs for _b, _k, action, _l, tabs, _s in LEAD_ACTIONS}


def lead_bindings() -> list[Binding]:
    return [Binding(key, action, t(label), show=show, id=bid) for bid, key, action, label, _tabs, show in LEAD_ACTIONS]


class LeadCommands(ListedCommands):
    """Command palette on the lead view: every lead action."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        screen = self.screen
        if not isinstance(screen, LeadScreen):
            return []
        return [(t(label), f"{key} · {bid}", lambda a=action: screen.run_lead_action(a))
                for bid, key, action, label, _tabs, _show in LEAD_ACTIONS]


class LeadFooter(Footer):
    """The footer, rebuilt only when the keys it shows change: Textual's Footer rebuilds all its
    keys on every bindings signal, and a tab switch sends two (the tab, then the focus)."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._keys_shown: tuple[Any, ...] | None = None

    def on_mount(self) -> None:
        # Compact (one space between keys) below the desk's narrow width, and without Quit (Ctrl+Q
        # still works; the desk's footer shows it): at 80 columns the agents tab's keys then fit.
        self.compact = self.app.size.width < NARROW_BELOW

    def compose(self) -> ComposeResult:
        for child in super().compose():
            if not (self.compact and isinstance(child, FooterKey) and child.action == "quit"):
                yield child

    def bindings_changed(self, screen: Screen[Any]) -> None:
        keys = tuple((b.key, b.action, b.description, enabled)
                     for _node, b, enabled, _tip in screen.active_bindings.values() if b.show)
        if keys == self._keys_shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._keys_shown = keys  # a rebuild follows
        super().bindings_changed(screen)


class LeadScreen(Screen[None]):
    """The lead view (see the module docstring)."""

    DEFAULT_CSS = """
    LeadScreen { layout: vertical; }
    LeadScreen #lead-status { height: 1; padding: 0 1; background: $boost; }
    LeadScreen TabbedContent { height: 1fr; }
    LeadScreen TabPane { padding: 0; }
    LeadScreen #agents-filter { height: 3; display: none; }
    LeadScreen #agents-filter.-on { display: block; }
    LeadScreen .hint { height: auto; padding: 0 1; color: $text-muted; }
    LeadScreen #kb-diff { height: 1fr; border-top: solid $primary 40%; }
    LeadScreen #kb-proposals, LeadScreen #kb-stale { height: auto; max-height: 8; }
    LeadScreen #task-note, LeadScreen #ann-detail { height: auto; max-height: 8; padding: 0 1;
                                                    border-top: solid $primary 40%; }
    """
    COMMANDS = {LeadCommands}

    def __init__(self, preset: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__()
        self._bindings = BindingsMap(lead_bindings())
        self.preset = preset
        self.data: dict[str, dict[str, Any]] = {}
        self.updated_at = 0.0
        self._shown: dict[str, Any] = {}  # what each area last drew: unchanged answers are not redrawn
        self._deferred: set[str] = set()  # areas of hidden tabs, drawn when their tab is shown
        self._status_shown = ""

    # --- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="lead-status")
        with TabbedContent(id="lead-tabs", initial="lead-figures"):
            with TabPane(t("lead.tab.figures"), id="lead-figures"):
                yield FiguresPanel(id="figures")
            with TabPane(t("lead.tab.agents"), id="lead-agents"):
                yield Input(placeholder=t("lead.filter_hint"), id="agents-filter")
                yield AgentsTable(id="agents-table")
            with TabPane(t("lead.tab.urgent"), id="lead-urgent"):
                yield UrgentTable(id="urgent-table")
                yield Static(t("lead.hint.urgent"), classes="hint")
            with TabPane(t("lead.tab.tasks"), id="lead-tasks"):
                yield TasksTable(id="tasks-table")
                yield Static("", id="task-note")
            with TabPane(t("lead.tab.announce"), id="lead-announce"):
                yield AnnouncementsTable(id="ann-table")
                yield Static("", id="ann-detail")
            with TabPane(t("lead.tab.kb"), id="lead-kb"), Vertical():
                yield Static(t("lead.kb.queue"), classes="hint")
                yield ProposalsTable(id="kb-proposals")
                yield VerticalScroll(Static("", id="kb-diff-text"), id="kb-diff")
                yield Static(t("lead.kb.stale"), classes="hint")
                yield StaleTable(id="kb-stale")
        yield LeadFooter()

    def on_mount(self) -> None:
        self.app.add_event_listener(self.on_center_event)  # type: ignore[attr-defined]
        self.query_one(AgentsTable).now = self.now
        if self.preset is not None:
            self.data = dict(self.preset)
            self.updated_at = self.now()
            self.show_all()
        else:
            self.refresh_all()
            self.set_interval(FIGURES_EVERY_S, self._poll_fast)
            self.set_interval(AGENTS_EVERY_S, self._poll_agents)
        self.set_interval(1.0, self.show_status)  # the link's state: a lost center shows at once
        self.query_one("#fig-queues", DataTable).focus()

    def on_unmount(self) -> None:
        self.app.remove_event_listener(self.on_center_event)  # type: ignore[attr-defined]

    def now(self) -> float:
        return self.app.now()  # type: ignore[attr-defined]

    def tab(self) -> str:
        active = self.query_one(TabbedContent).active or "lead-figures"
        return active.removeprefix("lead-")

    # --- data -------------------------------------------------------------------------------
    async def _ask(self, op: str, **args: Any) -> dict[str, Any] | None:
        return await self.app.command(op, quiet=True, **args)  # type: ignore[attr-defined]

    @work(group="lead-load", exclusive=False)
    async def load(self, *names: str) -> None:
        ops = {"figures": "lead.figures", "urgent": "lead.urgent", "agents": "lead.agents", "tasks": "task.list",
               "announce": "team.announcement_reads", "kb": "kb.queue", "stale": "kb.stale"}
        for name in names:
            got = await self._ask(ops[name])
            if got is not None:
                self.updated_at = self.now()
                old = self.data.get(name)
                if old is not None and {k: v for k, v in old.items() if k != "at"} == \
                        {k: v for k, v in got.items() if k != "at"}:
                    continue  # nothing changed: keep what is drawn
                self.data[name] = got
                self.show(name)
        self.show_status()

    def refresh_all(self) -> None:
        self.load("figures", "urgent", "agents", "tasks", "announce", "kb", "stale")

    def _poll_fast(self) -> None:
        self.load("figures", "urgent")

    def _poll_agents(self) -> None:
        if self.tab() == "agents":
            self.load("agents")

    def on_center_event(self, frame: dict[str, Any]) -> None:
        """The app's event stream: tasks, presence, proposals and read receipts move the view."""
        kind, data = frame.get("kind"), frame.get("data") or {}
        if self.preset is not None or not isinstance(data, dict):
            return
        if kind == "task.updated":
            self.load("tasks", "urgent")
        elif kind == "presence.delta":
            try:
                table = self.query_one(AgentsTable)
            except NoMatches:  # still composing: the next agents answer brings the states
                return
            for c in data.get("changes") or []:
                if isinstance(c, dict):
                    table.patch_state(c)
        elif kind == "kb.proposal":
            self.load("kb")
        elif kind in ("team.announcement_read", "team.announcement"):
            self.load("announce")

    # --- drawing ----------------------------------------------------------------------------
    def show_all(self) -> None:
        for name in ("figures", "urgent", "agents", "tasks", "announce", "kb", "stale"):
            self.show(name)
        self.show_status()

    # The tab each area is drawn in; areas on other tabs wait until their tab is shown (the
    # figures' plots and a 200-row table are the costly ones), except the tab labels' counts.
    AREA_TAB = {"figures": "figures", "agents": "agents", "kb": "kb", "stale": "kb", "announce": "announce",
                "urgent": "urgent", "tasks": "tasks"}

    def show(self, name: str) -> None:
        d = self.data.get(name)
        if d is None:
            return
        self._show_label(name, d)
        if self.AREA_TAB.get(name, self.tab()) != self.tab() and self.is_mounted:
            self._deferred.add(name)
            return
        self._deferred.discard(name)
        if self._shown.get(name) is d:
            return
        self._shown[name] = d
        now = self.now()
        if name == "figures":
            self.query_one(FiguresPanel).show(d)
        elif name == "urgent":
            self.query_one(UrgentTable).show(d.get("items") or [], now)
        elif name == "agents":
            self.query_one(AgentsTable).set_agents(d.get("agents") or [])
        elif name == "tasks":
            self.query_one(TasksTable).show(d.get("tasks") or [])
            self._show_task_note()
        elif name == "announce":
            self.query_one(AnnouncementsTable).show(d.get("announcements") or [])
            self._show_ann_detail()
        elif name == "kb":
            self.query_one(ProposalsTable).show(d.get("proposals") or [])
            self._show_diff()
        elif name == "stale":
            self.query_one(StaleTable).show(d.get("articles") or [])

    def _show_label(self, name: str, d: dict[str, Any]) -> None:
        """The counts in the tab labels, also while their tab is hidden (only when they change)."""
        if name == "urgent":
            label = t("lead.tab.urgent_n", n=len(d.get("items") or []))
        elif name == "tasks":
            label = t("lead.tab.tasks_n", n=sum(1 for x in d.get("tasks") or [] if x.get("status") == "open"))
        else:
            return
        tab = self.query_one(TabbedContent).get_tab(f"lead-{name}")
        if tab.label_text != label:
            tab.label = label

    def show_status(self) -> None:
        app: Any = self.app
        me = app.state.me if hasattr(app, "state") else {}
        status = getattr(getattr(app, "status", None), "state", "")
        when = time.strftime("%H:%M:%S", time.localtime(self.updated_at)) if self.updated_at else "–"
        line = t("lead.status", name=one_line((me or {}).get("name") or "", 30), conn=t(f"conn.{status}")
                 if status else "", at=when, state=state_word(str(app.state.agent.get("state", ""))) if hasattr(app, "state") else "")
        if line == self._status_shown:
            return  # unchanged: no repaint (this runs every second)
        self._status_shown = line
        # Figures from a center that is not reachable now are stale: say so in colour, not only in words.
        self.query_one("#lead-status", Static).update(Text(line, style="" if status in ("", "online") else "bold reverse"))

    def _show_task_note(self) -> None:
        task = self.query_one(TasksTable).current()
        text = Text()
        if task:
            text.append(one_line(task.get("title"), 100) + "\n", style="bold")
            text.append(one_line(task.get("note") or "", 300))
            if task.get("conversation"):
                text.append("\n" + t("task.conversation", c=task["conversation"]))
        self.query_one("#task-note", Static).update(text)

    def _show_ann_detail(self) -> None:
        ann = self.query_one(AnnouncementsTable).current()
        text = Text()
        if ann:
            text.append(one_line(ann.get("text"), 300) + "\n")
            text.append(t("ann.read_by", who=", ".join(one_line(r.get("name"), 30) for r in ann.get("read") or [])
                          or "–") + "\n")
            text.append(t("ann.unread_by", who=", ".join(one_line(r.get("name"), 30) for r in ann.get("unread") or [])
                          or "–"))
        self.query_one("#ann-detail", Static).update(text)

    def _show_diff(self) -> None:
        p = self.query_one(ProposalsTable).current()
        self.query_one("#kb-diff-text", Static).update(diff_text(p.get("diff", "")) if p else Text(t("kbq.none")))

    @on(DataTable.RowHighlighted)
    def _row_moved(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "tasks-table":
            self._show_task_note()
        elif event.data_table.id == "kb-proposals":
            self._show_diff()
        elif event.data_table.id == "ann-table":
            self._show_ann_detail()

    @on(DataTable.RowSelected, "#agents-table")
    def _agent_selected(self, event: DataTable.RowSelected) -> None:
        self.open_agent(str(event.row_key.value))

    @on(Input.Changed, "#agents-filter")
    def _filter(self, event: Input.Changed) -> None:
        table = self.query_one(AgentsTable)
        table.text_filter = event.value
        table.redraw()

    @on(Input.Submitted, "#agents-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one(AgentsTable).focus()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        self.query_one(TAB_TABLES[self.tab()]).focus()
        if self._deferred:  # newer answers for this tab: after the switch is on screen (keys first)
            self.call_after_refresh(self._show_deferred)
        fetched = (self.data.get("agents") or {}).get("at") or 0.0
        if self.tab() == "agents" and self.preset is None and self.now() - fetched >= AGENTS_EVERY_S:
            self.load("agents")  # only when the shown answer is older than a poll: a tab switch stays quick

    def _show_deferred(self) -> None:
        for name in list(self._deferred):
            self.show(name)

    # --- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tabs = _TABS_OF.get(action)
        if tabs:
            return self.tab() in tabs
        return True

    def run_lead_action(self, action: str) -> None:
        self.run_action(action)

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.focused.remove_class("-on")
            self.query_one(AgentsTable).focus()
            return
        self.app.pop_screen()

    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = f"lead-{name}"
        # Focus now, not when TabActivated arrives: the first frame of the tab then draws its
        # table focused, the same as last time it was shown (its rows' renderings are reused).
        self.query_one(TAB_TABLES[name]).focus()

    def action_refresh(self) -> None:
        if self.preset is None:
            self.refresh_all()

    def action_filter(self) -> None:
        box = self.query_one("#agents-filter", Input)
        box.add_class("-on")
        box.focus()

    def action_sort(self) -> None:
        by = self.query_one(AgentsTable).cycle_sort()
        self.notify(t("lead.sorted", by=t(f"ag.sort.{by}")), timeout=2)

    def open_agent(self, user: str) -> None:
        async def run() -> None:
            got = await self._ask("lead.timeline", agent=user) if self.preset is None else self.preset.get(
                "timeline")
            if got:
                await self.app.push_screen(AgentDetailScreen(got, self.now()))
        self.run_worker(run(), group="lead-detail")

    def action_monitor(self, mode: str) -> None:
        """Listen to, whisper to or barge into the selected agent's live call: the desk's phone
        joins it at once (desk_phone/controller.py ``monitor_agent``); the call bar shows it."""
        row = self._current("#agents-table")
        if not row or not row.get("user"):
            self.notify(t("lead.monitor.pick"), markup=False)
            return
        phone = getattr(self.app, "phone", None)
        if phone is None:
            self.notify(t("lead.monitor.no_phone"), severity="warning", markup=False)
            return
        phone.monitor_agent(str(row["user"]), mode, str(row.get("name") or ""))

    def _current(self, table_id: str) -> dict[str, Any] | None:
        return self.query_one(table_id, KeyedTable).current()

    def _do(self, op: str, reload: tuple[str, ...], **args: Any) -> None:
        async def run() -> None:
            if await self.app.command(op, **args) is not None:  # type: ignore[attr-defined]
                self.notify(t("lead.done", op=op), timeout=2)
                self.load(*reload)
        self.run_worker(run(), group="lead-do")

    def _pick_agent(self, then: Callable[[str], None], me_too: bool = True) -> None:
        agents = (self.data.get("agents") or {}).get("agents") or []
        choices: list[tuple[str, Text]] = []
        if me_too:
            choices.append((self.app.state.user, Text(t("lead.myself"))))  # type: ignore[attr-defined]
        choices += [(a["user"], Text(one_line(f"{a.get('name')} · {a.get('team')} · {a.get('state')}", 60)))
                    for a in agents]
        self.app.push_screen(PickerScreen(t("lead.pick_agent"), choices, t("lead.filter_hint")),
                             lambda user: then(user) if user else None)

    def action_assign(self) -> None:
        if self.tab() == "urgent":
            item = self._current("#urgent-table")
            if item and item.get("conversation"):
                conv = item["conversation"]["id"]
                self._pick_agent(lambda u: self._do("lead.assign", ("urgent", "figures"), conversation=conv,
                                                    agent=u), me_too=False)
                return
            if item and item.get("task"):
                self._assign_task(item["task"])
            return
        task = self._current("#tasks-table")
        if task and task.get("status") == "open":
            self._assign_task(task)

    def _assign_task(self, task: dict[str, Any]) -> None:
        def due(user: str) -> None:
            def done(text: str | None) -> None:
                args: dict[str, Any] = {"task": task["id"], "assignee": user}
                at = parse_due(text, self.now())
                if at is not None:
                    args["due_at"] = at
                self._do("task.assign", ("tasks", "urgent"), **args)
            self.app.push_screen(PromptScreen(t("lead.due_title"), "16:30", t("lead.due_hint")), done)
        self._pick_agent(due)

    def action_take(self) -> None:
        """Take the conversation: the center makes the lead On contact (not offered more) and
        puts them back in their state once it is wrapped up; the desk shows it, so go there."""
        item = self._current("#urgent-table")
        if not (item and item.get("conversation")):
            return
        state = str(self.app.state.agent.get("state", ""))  # type: ignore[attr-defined]
        was = state_word("available" if state == "on_contact" else state)

        async def run() -> None:
            if await self.app.command("lead.take", conversation=item["conversation"]["id"]) is not None:  # type: ignore[attr-defined]
                self.notify(t("lead.taken", state=was), timeout=10)
                if self.app.screen is self:
                    self.app.pop_screen()  # to the desk, where the conversation is
                else:
                    self.load("urgent", "figures")
        self.run_worker(run(), group="lead-do")

    def action_priority(self) -> None:
        item = self._current("#urgent-table")
        if item and item.get("conversation"):
            self._do("lead.priority", ("urgent",), conversation=item["conversation"]["id"])

    def action_close_task(self) -> None:
        item = self._current("#urgent-table") if self.tab() == "urgent" else self._current("#tasks-table")
        task = item.get("task") if item and self.tab() == "urgent" else item
        if task and task.get("id"):
            self._do("task.close", ("tasks", "urgent"), task=task["id"])

    def action_new(self) -> None:
        if self.tab() == "tasks":
            self.app.push_screen(PromptScreen(t("lead.new_task"), t("lead.new_task_hint")),
                                 lambda title: self._do("task.create", ("tasks",), title=title) if title else None)
        else:
            self.app.push_screen(PromptScreen(t("lead.new_announcement"), t("lead.new_announcement_hint")),
                                 lambda text: self._do("team.announce", ("announce",), text=text) if text else None)

    def action_approve(self) -> None:
        p = self._current("#kb-proposals")
        if p:
            self._do("kb.review", ("kb", "stale"), proposal=p["id"], approve=True)

    def action_reject(self) -> None:
        p = self._current("#kb-proposals")
        if p:
            self.app.push_screen(PromptScreen(t("lead.reject_why"), ""),
                                 lambda why: self._do("kb.review", ("kb",), proposal=p["id"], approve=False,
                                                      **({"comment": why} if why else {})))

    def action_confirm(self) -> None:
        a = self._current("#kb-stale")
        if a:
            self._do("kb.confirm", ("stale",), article=a["id"])

    def action_edit(self) -> None:
        a = self._current("#kb-stale")
        if not a:
            return

        async def run() -> None:
            art = await self._ask("kb.get", id=a["id"])
            if art is None:
                return
            await self.app.push_screen(TextEditScreen(t("lead.edit_title", title=one_line(art.get("title"), 60)),
                                                      str(art.get("body") or "")),
                                       lambda body: self._do("kb.edit", ("stale",), article=a["id"], body=body)
                                       if body and body.strip() else None)
        self.run_worker(run(), group="lead-edit")


def parse_due(text: str | None, now: float) -> int | None:
    """``HH:MM`` today (tomorrow if already past) or ``+N`` minutes as epoch seconds; None if empty or unclear."""
    if not text:
        return None
    text = text.strip()
    if text.startswith("+") and text[1:].isdigit():
        return int(now + 60 * int(text[1:]))
    try:
        hh, mm = (int(x) for x in text.split(":", 1))
    except ValueError:
        return None
    lt = time.localtime(now)
    at = time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, hh, mm, 0, 0, 0, -1))
    return int(at if at > now else at + 86400)
