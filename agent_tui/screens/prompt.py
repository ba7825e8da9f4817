"""A one-line prompt (the phone's dial target, DTMF digits): Enter returns the text, Esc cancels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from agent_tui.i18n import t


class PromptScreen(ModalScreen[Any]):
    """One line of input; dismissed with the stripped text (None when empty or cancelled)."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 60; max-width: 95%; height: auto; border: thick $primary;
                              background: $surface; padding: 0 1; }
    PromptScreen .title { text-style: bold; padding: 0 0 1 0; }
    PromptScreen .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, title: str, placeholder: str = "", hint: str = "",
                 on_char: Callable[[str], None] | None = None) -> None:
        super().__init__()
        # In the language chosen at start-up (class BINDINGS were made at import).
        self._bindings = BindingsMap([Binding("escape", "cancel", t("prompt.cancel"), show=False)])
        self.title_text, self.placeholder, self.hint_text = title, placeholder, hint
        self.on_char = on_char  # DTMF: every typed digit is sent at once (the IVR hears it as typed)
        self._prev = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            yield Input(placeholder=self.placeholder, id="prompt-input")
            if self.hint_text:
                yield Label(self.hint_text, classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.on_char is not None:
            if event.value.startswith(self._prev):
                for ch in event.value[len(self._prev):]:
                    self.on_char(ch)
            self._prev = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
