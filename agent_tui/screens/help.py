"""Help: every key binding (after remapping), where the config and demo data live."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from agent_tui.i18n import t


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 90; max-width: 98%; height: 90%; border: thick $primary;
                            background: $surface; padding: 0 1; }
    HelpScreen .title { text-style: bold; }
    HelpScreen DataTable { height: 1fr; }
    HelpScreen #help-info { color: $text-muted; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "close", t("help.close"))]

    def __init__(self, rows: list[tuple[str, str, str]], info: list[str]) -> None:
        super().__init__()
        self.rows = rows
        self.info = info

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("help.title"), classes="title")
            table: DataTable = DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            table.add_columns(t("help.col_key"), t("help.col_action"), t("help.col_id"))
            for key, label, bid in self.rows:
                table.add_row(key, label, bid)
            yield table
            yield Static("\n".join(self.info + [t("help.remap"), t("help.close")]), id="help-info",
                         markup=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(None)
