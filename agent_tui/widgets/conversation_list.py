"""The list of the agent's open conversations: channel label, customer, wait, unread, SLA."""

from __future__ import annotations

from rich.text import Text

from agent_tui.core.desk_state import Conversation, DeskState, fmt_duration, sla_level
from agent_tui.i18n import t
from agent_tui.secure.text import one_line
from agent_tui.widgets.line_list import LineList, Row
from agent_tui.widgets.offer_banner import CHANNEL_LABEL

SLA_STYLE = {"ok": "green", "warn": "bold yellow", "breach": "bold red"}
SLA_MARK = {"ok": " ", "warn": "!", "breach": "‼"}


class ConversationList(LineList):
    """One line per open conversation; Enter (or the cursor) opens it in the pane."""

    now: float = 0.0

    def show(self, state: DeskState, now: float) -> None:
        self.now = now
        rows = [Row(c.id, c) for c in state.sorted_conversations()]
        self.set_rows(rows)

    def render_row(self, row: Row, width: int) -> Text:
        c: Conversation = row.data
        s = c.summary
        text = Text(no_wrap=True)
        label = CHANNEL_LABEL.get(c.channel, c.channel.upper())
        text.append(f"{label:<6}", "bold")
        prio = int(s.get("priority") or 0)
        text.append("!" if prio >= 2 else ("+" if prio == 1 else " "), "bold red" if prio >= 2 else "yellow")
        unread = c.unread
        text.append("●" if unread else " ", "bold cyan")
        cust = s.get("customer") or {}
        name = one_line(cust.get("name") or cust.get("handle") or cust.get("id") or "?", 40)
        if c.status == "wrapup":
            deadline = s.get("wrapup_deadline")
            left = fmt_duration(float(deadline) - self.now) if deadline else ""
            tail = t("conv.wrapup_due", t=left).strip()
            level = "warn"
        else:
            start = float(s.get("queued_at") or s.get("created_at") or self.now)
            tail = fmt_duration(self.now - start)
            level = sla_level(s, self.now)
        tail = f"{SLA_MARK[level]}{tail}"
        room = max(width - text.cell_len - len(tail) - 1, 4)
        text.append(f"{name[:room]:<{room}} ")
        text.append(tail, SLA_STYLE[level])
        return text
