"""Wrap-up dialog: a code, notes, and the after-contact-work timer running."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from agent_tui.core.desk_state import fmt_duration
from agent_tui.i18n import t, t_or
from agent_tui.secure.text import literal


def code_label(code: dict[str, Any]) -> str:
    """A wrap-up code's label in the desk's language (the center's label for codes we do not know)."""
    return t_or(f"wrapcode.{code.get('code')}", str(code.get("label") or code.get("code")))


class WrapupScreen(ModalScreen[Any]):
    """Returns ``{"code": str, "notes": str|None}`` or None (cancel)."""

    DEFAULT_CSS = """
    WrapupScreen { align: center middle; }
    WrapupScreen > Vertical { width: 72; max-width: 95%; height: auto; max-height: 95%;
                              border: thick $warning; background: $surface; padding: 0 1; }
    WrapupScreen .title { text-style: bold; }
    WrapupScreen #wrapup-timer { color: $warning; text-style: bold; margin-bottom: 1; }
    WrapupScreen OptionList { height: auto; max-height: 8; }
    WrapupScreen TextArea { height: 4; }
    WrapupScreen Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False),
                Binding("ctrl+s", "done", "Close", show=False)]

    def _footer_bindings(self) -> BindingsMap:
        """The dialog's keys in the agent's language, for its own footer: without one the desk's
        footer stayed visible under the dialog and offered "^s Send" while Ctrl+S closes this."""
        return BindingsMap([Binding("ctrl+s", "done", t("wrapup.done")), Binding("escape", "cancel", t("wrapup.cancel"))])

    def __init__(self, customer: str, codes: list[dict[str, Any]], started: float,
                 clock: Callable[[], float] = time.time, deadline: float | None = None) -> None:
        super().__init__()
        self._bindings = self._footer_bindings()
        self.deadline = deadline
        self.customer = customer
        self.codes = codes or [{"code": "resolved", "label": "Resolved"}]
        self.started = started
        self.clock = clock

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("wrapup.title", customer=self.customer), classes="title", markup=False)
            yield Static("", id="wrapup-timer")
            yield Label(t("wrapup.code"))
            # Code labels come from the center's database: shown literally, never as markup.
            yield OptionList(*[Option(literal(f"{code_label(c)}  ({c.get('code')})",
                                              single_line=True),
                                      id=str(c.get("code"))) for c in self.codes], id="wrapup-codes")
            yield Label(t("wrapup.notes"))
            area = TextArea(id="wrapup-notes")
            area.cursor_blink = getattr(self.app, "cursor_blink", True)
            yield area
            with Horizontal():
                yield Button(t("wrapup.done") + " (Ctrl+S)", id="wrapup-done", variant="primary")
                yield Button(t("wrapup.cancel"), id="wrapup-cancel")
        yield Footer()

    def on_mount(self) -> None:
        lst = self.query_one(OptionList)
        lst.highlighted = 0
        lst.focus()
        self._tick()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        now = self.clock()
        text = t("wrapup.acw", t=fmt_duration(now - self.started))
        if self.deadline:
            # The center closes the conversation itself when after-contact work runs out.
            text += "  " + t("wrapup.left", t=fmt_duration(self.deadline - now))
        self.query_one("#wrapup-timer", Static).update(text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#wrapup-notes", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "wrapup-done":
            self.action_done()
        else:
            self.action_cancel()

    def action_done(self) -> None:
        lst = self.query_one(OptionList)
        idx = lst.highlighted if lst.highlighted is not None else 0
        code = lst.get_option_at_index(idx).id
        notes = self.query_one("#wrapup-notes", TextArea).text.strip() or None
        self.dismiss({"code": code, "notes": notes})

    def action_cancel(self) -> None:
        self.dismiss(None)
