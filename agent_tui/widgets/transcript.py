"""A scrolling transcript of messages (conversation pane and team chat).

Items are ``(key, Text, classes)``. Updating with a new list keeps the widgets of the
common prefix and mounts only what changed, so a new message costs one widget, not a
full redraw, and the scroll position follows the newest message.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

# Only the newest messages are mounted; older ones stay in the desk state.
MAX_MOUNTED = 200

Item = tuple[str, Text, str]


class TranscriptItem(Static):
    DEFAULT_CSS = """
    TranscriptItem { padding: 0 1; margin: 0 0 1 0; width: 1fr; }
    TranscriptItem.in { border-left: thick $secondary; }
    TranscriptItem.out { border-left: thick $primary; background: $primary 10%; }
    TranscriptItem.note { border-left: thick $warning; border-right: dashed $warning;
                          background: $warning 15%; }
    TranscriptItem.system { color: $text-muted; text-style: italic; }
    TranscriptItem.pending { color: $text-muted; border-left: dashed $primary; }
    TranscriptItem.failed { border-left: thick $error; }
    TranscriptItem.mention { background: $accent 25%; border-left: thick $accent; }
    """


class Transcript(VerticalScroll, can_focus=True):
    """Newest at the bottom; follows new messages unless the agent scrolled up."""

    DEFAULT_CSS = """
    Transcript { height: 1fr; scrollbar-size-vertical: 1; }
    Transcript > .empty { color: $text-muted; text-style: italic; padding: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: list[str] = []
        self._sig: list[str] = []

    def set_items(self, items: list[Item], empty: str = "") -> None:
        items = items[-MAX_MOUNTED:]
        sigs = [f"{k}|{c}|{hash(txt.plain)}" for k, txt, c in items]
        common = 0
        for a, b in zip(self._sig, sigs):
            if a != b:
                break
            common += 1
        if common == len(self._sig) == len(sigs) and items:
            return
        follow = self.is_vertical_scroll_end or not self._sig
        children = [c for c in self.children if isinstance(c, TranscriptItem)]
        if len(children) != len(self._sig):  # out of step (e.g. emptied): rebuild
            common = 0
        for child in list(self.children)[common:] if common else list(self.children):
            child.remove()
        new = [TranscriptItem(txt, classes=cls) for _k, txt, cls in items[common:]]
        if not items and empty:
            self.mount(Static(empty, classes="empty", markup=False))
        elif new:
            self.mount_all(new)
        self._sig = sigs
        if follow:
            self.call_after_refresh(self.scroll_end, animate=False)
