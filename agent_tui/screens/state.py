"""Set-state dialog: the agent-settable states in words, with an optional reason."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Input

from agent_tui.i18n import state_word, t
from agent_tui.screens._picker import PickerScreen

SETTABLE = ["available", "break", "lunch", "meeting", "training", "acw", "offline"]


class StateScreen(PickerScreen):
    def __init__(self, current: str) -> None:
        choices = [(s, Text(("● " if s == current else "  ") + state_word(s))) for s in SETTABLE]
        super().__init__(t("state.title"), choices, "",
                         extra=Input(placeholder=t("state.reason"), id="state-reason"))

    def result_for(self, value):
        reason = self.query_one("#state-reason", Input).value.strip()
        return (value, reason or None)

