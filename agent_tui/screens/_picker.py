"""A small filterable pick-list modal used by state, transfer and canned-response dialogs."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


class PickerScreen(ModalScreen[Any]):
    """Shows ``choices`` (value, Text); typing filters; Enter returns the value; Esc cancels."""

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical { width: 70; max-width: 95%; height: auto; max-height: 90%;
                              border: thick $primary; background: $surface; padding: 0 1; }
    PickerScreen .title { text-style: bold; padding: 0 0 1 0; }
    PickerScreen Input { margin-bottom: 1; }
    PickerScreen OptionList { height: auto; max-height: 16; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Cancel", show=False)]

    def __init__(self, title: str, choices: list[tuple[Any, Text]], filter_label: str = "",
                 extra: Input | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.filter_label = filter_label
        self.extra = extra

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            yield Input(placeholder=self.filter_label, id="picker-filter")
            if self.extra is not None:
                yield self.extra
            yield OptionList(*self._options(""), id="picker-list")

    def _options(self, needle: str) -> list[Option]:
        needle = needle.lower()
        return [Option(text, id=str(i)) for i, (value, text) in enumerate(self.choices)
                if not needle or needle in text.plain.lower()]

    def on_mount(self) -> None:
        self.query_one("#picker-filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "picker-filter":
            return
        lst = self.query_one(OptionList)
        lst.clear_options()
        lst.add_options(self._options(event.value))
        if lst.option_count:
            lst.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submitted(event.input)

    def submitted(self, field: Input) -> None:
        """Enter in an input: pick the highlighted choice (subclasses may redirect)."""
        lst = self.query_one(OptionList)
        if lst.option_count:
            idx = lst.highlighted if lst.highlighted is not None else 0
            self._pick(lst.get_option_at_index(idx).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def _pick(self, option_id: str | None) -> None:
        if option_id is None:
            return
        value = self.choices[int(option_id)][0]
        self.dismiss(self.result_for(value))

    def result_for(self, value: Any) -> Any:
        return value

    def on_key(self, event) -> None:
        # Up/Down in the filter box move through the list, so Enter picks what is shown.
        if event.key in ("up", "down") and isinstance(self.focused, Input):
            lst = self.query_one(OptionList)
            if lst.option_count:
                cur = lst.highlighted if lst.highlighted is not None else -1
                lst.highlighted = max(0, min(lst.option_count - 1, cur + (1 if event.key == "down" else -1)))
                event.stop()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
