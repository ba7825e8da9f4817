"""A fast, keyboard-driven list of one-line rows (the base of the desk's lists).

Rows are plain objects; a subclass turns one row into a Rich ``Text`` only when that line
is on screen (``render_row``). A thousand colleagues with their time-in-state ticking
every second therefore cost a few dozen renders per refresh, not a thousand.
Rows whose ``key`` is None (group headers) are shown but skipped by the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass
class Row:
    """One line: ``key`` identifies a selectable row (None = header), ``data`` is anything."""

    key: Any
    data: Any = None
    header: bool = True  # a key-less row styled as a group header (False: plain text)


class LineList(ScrollView, can_focus=True):
    """Virtual list of rows with a cursor; posts Selected on Enter and Highlighted on moves."""

    DEFAULT_CSS = """
    LineList { height: 1fr; overflow-x: hidden; }
    LineList > .line-list--cursor { background: $accent 40%; text-style: bold; }
    LineList:focus > .line-list--cursor { background: $accent; color: $text; }
    LineList > .line-list--header { color: $text-muted; text-style: bold; }
    LineList > .line-list--empty { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-list--cursor", "line-list--header", "line-list--empty"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "cursor(-10)", show=False),
        Binding("pagedown", "cursor(10)", show=False),
        Binding("home", "cursor(-100000)", show=False),
        Binding("end", "cursor(100000)", show=False),
        Binding("enter", "select", show=False),
    ]

    class Selected(Message):
        def __init__(self, lst: LineList, key: Any) -> None:
            super().__init__()
            self.list = lst
            self.key = key

        @property
        def control(self) -> LineList:
            return self.list

    class Highlighted(Selected):
        pass

    def __init__(self, *, empty_text: str = "", id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = []
        self.cursor_key: Any = None
        self.empty_text = empty_text

    # --- content ---------------------------------------------------------------
    def set_rows(self, rows: list[Row]) -> None:
        """Replace the rows, keeping the cursor on the same key when it is still there."""
        self.rows = rows
        keys = [r.key for r in rows if r.key is not None]
        if self.cursor_key not in keys:
            self.cursor_key = keys[0] if keys else None
        self.virtual_size = Size(self.size.width, max(len(rows), 1))
        self.refresh()

    def cursor_index(self) -> int | None:
        for i, r in enumerate(self.rows):
            if r.key is not None and r.key == self.cursor_key:
                return i
        return None

    def render_row(self, row: Row, width: int) -> Text:  # pragma: no cover - overridden
        return Text(str(row.data))

    # --- line API -----------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        base = self.rich_style
        if not self.rows:
            if y == 0 and self.empty_text:
                style = self.get_component_rich_style("line-list--empty")
                t = Text(self.empty_text, style=style, no_wrap=True, overflow="ellipsis")
                t.truncate(width, overflow="ellipsis")
                return Strip(list(t.render(self.app.console))).extend_cell_length(width, base)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        text = self.render_row(row, width)
        text.no_wrap = True
        text.truncate(width, overflow="ellipsis", pad=True)
        if row.key is None and row.header:
            text.stylize(self.get_component_rich_style("line-list--header"))
        segments = list(text.render(self.app.console))
        strip = Strip(segments).extend_cell_length(width).crop(0, width)
        strip = strip.apply_style(base)
        if row.key is not None and row.key == self.cursor_key:
            strip = strip.apply_style(self.get_component_rich_style("line-list--cursor"))
        return strip

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, max(len(self.rows), 1))

    # --- keys -------------------------------------------------------------------------
    def action_cursor(self, delta: int) -> None:
        selectable = [i for i, r in enumerate(self.rows) if r.key is not None]
        if not selectable:
            return
        cur = self.cursor_index()
        pos = selectable.index(cur) if cur in selectable else 0
        pos = max(0, min(len(selectable) - 1, pos + delta))
        self.move_to(self.rows[selectable[pos]].key)

    def move_to(self, key: Any) -> None:
        """Put the cursor on ``key`` and scroll it into view."""
        self.cursor_key = key
        idx = self.cursor_index()
        if idx is not None:
            height = self.scrollable_content_region.height
            top = self.scroll_offset.y
            if idx < top:
                self.scroll_to(y=idx, animate=False)
            elif idx >= top + height:
                self.scroll_to(y=idx - height + 1, animate=False)
        self.refresh()
        self.post_message(self.Highlighted(self, key))

    def action_select(self) -> None:
        if self.cursor_key is not None:
            self.post_message(self.Selected(self, self.cursor_key))

    def on_click(self, event) -> None:  # mouse is a convenience; keys are first
        index = event.y + self.scroll_offset.y
        if 0 <= index < len(self.rows) and self.rows[index].key is not None:
            self.move_to(self.rows[index].key)
            self.post_message(self.Selected(self, self.cursor_key))
