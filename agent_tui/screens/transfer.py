"""Transfer dialog: to an available colleague or to a queue, with an optional note."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Input

from agent_tui.core.desk_state import DeskState
from agent_tui.i18n import state_word, t
from agent_tui.screens._picker import PickerScreen
from agent_tui.secure.text import one_line


class TransferScreen(PickerScreen):
    """Returns ``{"agent"|"queue": id, "note": str|None}`` or None."""

    def __init__(self, state: DeskState, customer: str) -> None:
        choices: list[tuple[Any, Text]] = []
        order = {"available": 0, "on_contact": 1, "acw": 2}
        people = sorted((e for e in state.presence.values() if e.get("user") != state.user
                         and e.get("state") != "offline" and e.get("role", "agent") != "lead"),
                        key=lambda e: (order.get(str(e.get("state")), 3), str(e.get("name"))))
        for e in people:
            text = Text()
            text.append(one_line(e.get("name") or e.get("user"), 30), "bold")
            text.append(f"  {state_word(str(e.get('state')))}  ")
            text.append(one_line(e.get("team_name") or e.get("team") or "", 30), "dim")
            choices.append((("agent", e.get("user")), text))
        for q in state.queues.values():
            text = Text()
            text.append("⇢ " + one_line(q.get("name") or q.get("queue"), 40), "bold")
            text.append(f"  ({q.get('waiting', 0)})", "dim")
            choices.append((("queue", q.get("queue")), text))
        super().__init__(t("transfer.title", customer=customer), choices, t("transfer.filter"),
                         extra=Input(placeholder=t("transfer.note"), id="transfer-note"))

    def result_for(self, value):
        kind, target = value
        note = self.query_one("#transfer-note", Input).value.strip() or None
        return {kind: target, "note": note}

    def submitted(self, field: Input) -> None:
        if field.id == "transfer-note":
            self.query_one("#picker-list").focus()
            return
        super().submitted(field)
