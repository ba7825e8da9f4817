"""Quick replies: pick a canned response to insert (or type /shortcut in the composer)."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from agent_tui.i18n import t
from agent_tui.screens._picker import PickerScreen
from agent_tui.secure.text import one_line


class CannedScreen(PickerScreen):
    def __init__(self, canned: list[dict[str, Any]]) -> None:
        choices = []
        for c in canned:
            text = Text()
            text.append(f"/{one_line(c.get('shortcut'), 20):<14}", "bold")
            text.append(one_line(c.get("title") or "", 40))
            text.append(f"  {c.get('lang', '')}", "dim")
            choices.append((str(c.get("text") or ""), text))
        super().__init__(t("canned.title"), choices, t("canned.filter"))
