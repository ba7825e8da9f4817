"""Colleague presence: grouped by team, state in words and colour, time in state, filter."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input

from agent_tui.core.desk_state import DeskState, fmt_duration
from agent_tui.i18n import state_word, t
from agent_tui.messages import CallColleague, StartDirectChat
from agent_tui.secure.text import one_line
from agent_tui.widgets.line_list import LineList, Row

DOT_STYLE = {"available": "green", "on_contact": "blue", "acw": "yellow", "break": "magenta",
             "lunch": "magenta", "meeting": "cyan", "training": "cyan", "missed": "red",
             "offline": "grey50"}
# A small symbol per state so the state is readable without colour, too.
DOT = {"available": "●", "on_contact": "◆", "acw": "◐", "offline": "○", "missed": "✕"}


class PresenceList(LineList):
    now: float = 0.0

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "call", "Call", id="presence.call"),
    ]

    def action_call(self) -> None:
        if self.cursor_key:
            self.post_message(CallColleague(str(self.cursor_key)))

    def render_row(self, row: Row, width: int) -> Text:
        if row.key is None:
            name, count = row.data
            return Text(f"{one_line(name, 40)} ({count})")
        e: dict[str, Any] = row.data
        st = str(e.get("state") or "offline")
        text = Text(no_wrap=True)
        text.append(DOT.get(st, "◌") + " ", DOT_STYLE.get(st, ""))
        since = float(e.get("since") or self.now)
        word = state_word(st)
        tail = f" {word} {fmt_duration(self.now - since)}"
        room = max(width - 2 - len(tail), 6)
        name = one_line(e.get("name") or e.get("user") or "?", room)
        text.append(f"{name:<{room}}")
        text.append(tail, DOT_STYLE.get(st, ""))
        return text


class PresencePanel(Vertical):
    """Filter box plus the grouped list. Enter on a colleague starts a direct chat; c calls them."""

    DEFAULT_CSS = """
    PresencePanel { height: 1fr; }
    PresencePanel Input, PresencePanel Input:focus { height: 1; border: none; padding: 0 1; background: $boost; }
    """

    def compose(self) -> ComposeResult:
        yield Input(placeholder=t("presence.filter"), id="presence-filter")
        yield PresenceList(empty_text=t("presence.none"), id="presence-list")

    def show(self, state: DeskState, now: float) -> None:
        lst = self.query_one(PresenceList)
        lst.now = now
        flt = self.query_one(Input).value
        rows: list[Row] = []
        for team, members in state.presence_by_team(flt):
            rows.append(Row(None, (team, len(members))))
            rows.extend(Row(m.get("user"), m) for m in members)
        lst.set_rows(rows)

    def tick(self, now: float) -> None:
        lst = self.query_one(PresenceList)
        lst.now = now
        lst.refresh()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.app.call_later(self.screen.refresh_area, "presence")  # type: ignore[attr-defined]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(PresenceList).focus()

    def on_line_list_selected(self, event: LineList.Selected) -> None:
        event.stop()
        if event.key:
            self.post_message(StartDirectChat(str(event.key)))
