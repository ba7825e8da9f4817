"""Asks before the desk quits with queued messages, unsent drafts or open conversations,
and says what would happen to each (kept for the next start, or lost without a cache)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from agent_tui.i18n import t


@dataclass(frozen=True)
class QuitSummary:
    """What is still open when the agent quits."""

    queued: int = 0
    drafts: int = 0
    open_conversations: int = 0
    cached: bool = True  # the local cache keeps queued messages and drafts

    def __bool__(self) -> bool:
        return bool(self.queued or self.drafts or self.open_conversations)

    def lines(self) -> list[str]:
        out = []
        if self.queued:
            out.append(t("quit.queued" if self.cached else "quit.queued_lost", n=self.queued))
        if self.drafts:
            out.append(t("quit.drafts" if self.cached else "quit.drafts_lost", n=self.drafts))
        if self.open_conversations:
            out.append(t("quit.open", n=self.open_conversations))
        return out


class QuitConfirm(ModalScreen[bool]):
    """Dismissed with True (quit) or False (stay). Enter/q quit, Escape/n stay."""

    DEFAULT_CSS = """
    QuitConfirm { align: center middle; }
    QuitConfirm > Vertical { width: 72; max-width: 98%; height: auto; border: thick $warning;
                             background: $surface; padding: 0 1; }
    QuitConfirm .title { text-style: bold; padding: 0 0 1 0; }
    QuitConfirm .what { height: auto; }
    QuitConfirm Horizontal { height: auto; padding: 1 0 0 0; }
    QuitConfirm Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "stay", "Stay", id="quit.stay")]
    AUTO_FOCUS = "#quit-stay"  # the safe choice is the default

    def __init__(self, summary: QuitSummary) -> None:
        super().__init__()
        # In the language chosen at start-up (class BINDINGS were made at import).
        self._bindings = BindingsMap([
            Binding("escape,n", "stay", t("quit.no"), id="quit.stay"),
            Binding("q,y", "quit", t("quit.yes"), id="quit.confirm"),
        ])
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("quit.title"), classes="title", markup=False)
            for i, line in enumerate(self.summary.lines()):
                yield Static("• " + line, classes="what", markup=False, id=f"quit-what-{i}")
            with Horizontal():
                yield Button(t("quit.no"), id="quit-stay", variant="primary")
                yield Button(t("quit.yes"), id="quit-go", variant="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "quit-go")

    def action_stay(self) -> None:
        self.dismiss(False)

    def action_quit(self) -> None:
        self.dismiss(True)
