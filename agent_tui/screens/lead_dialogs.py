"""Dialogs of the lead view: an agent's detail (their row and timeline of states today), and a
multi-line editor (an article body, a task note)."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from agent_tui.i18n import state_word, t
from agent_tui.secure.text import one_line
from agent_tui.widgets.lead_tables import dur, now_and_limit


def timeline_text(states: list[dict[str, Any]], now: float) -> Text:
    """One line per state today: ``09:00–09:45  Available  45:00``, plus a bar of its share."""
    out = Text()
    total = sum(max(0.0, (s.get("until") or now) - s["since"]) for s in states) or 1.0
    for s in states:
        end = s.get("until") or now
        length = max(0.0, end - s["since"])
        start_s = time.strftime("%H:%M", time.localtime(s["since"]))
        end_s = time.strftime("%H:%M", time.localtime(end)) if s.get("until") else t("lead.now")
        bar = "█" * max(1, round(20 * length / total))
        out.append(f"{start_s}–{end_s:<5} {state_word(s['state']):<26} {dur(length):>8}  ")
        out.append(bar + "\n", style="green" if s["state"] in ("available", "on_contact") else "yellow")
    return out


class AgentDetailScreen(ModalScreen[None]):
    """An agent's figures today and their timeline of states."""

    DEFAULT_CSS = """
    AgentDetailScreen { align: center middle; }
    AgentDetailScreen > Vertical { width: 90; max-width: 98%; height: auto; max-height: 95%;
                                   border: thick $primary; background: $surface; padding: 0 1; }
    AgentDetailScreen .title { text-style: bold; }
    AgentDetailScreen VerticalScroll { height: auto; max-height: 20; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, detail: dict[str, Any], now: float) -> None:
        super().__init__()
        self._bindings = BindingsMap([Binding("escape", "close", t("lead.act.close"), id="lead.detail.close")])
        self.detail, self.now = detail, now

    def compose(self) -> ComposeResult:
        a = self.detail.get("agent") or {}
        with Vertical():
            yield Label(Text(one_line(f"{a.get('name')} ({a.get('user')}) · {a.get('team')}", 80)), classes="title")
            yield Static(Text(t("ag.detail", state=state_word(str(a.get("state"))), hours=f"{a.get('hours', 0):.1f}",
                                handled=a.get("handled", 0), aht=dur(a.get("aht_s")),
                                convs=now_and_limit(a))), id="agent-figures")
            yield Label(t("ag.timeline"), classes="title")
            with VerticalScroll():
                yield Static(timeline_text(self.detail.get("states") or [], self.now), id="agent-timeline")

    def action_close(self) -> None:
        self.dismiss(None)


class TextEditScreen(ModalScreen[Any]):
    """Edit a text (an article body): Ctrl+S returns it, Esc cancels (None)."""

    DEFAULT_CSS = """
    TextEditScreen { align: center middle; }
    TextEditScreen > Vertical { width: 100; max-width: 98%; height: 90%; border: thick $primary;
                                background: $surface; padding: 0 1; }
    TextEditScreen .title { text-style: bold; }
    TextEditScreen TextArea { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self._bindings = BindingsMap([Binding("escape", "cancel", t("prompt.cancel"), id="lead.edit.cancel"),
                                      Binding("ctrl+s", "save", t("lead.act.save"), id="lead.edit.save")])
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            yield TextArea(self.text, id="edit-body")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
