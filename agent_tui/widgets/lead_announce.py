"""The pinned announcement bar on every agent desk: the newest announcement the agent has not
marked read, in words and colour, until they mark it read (which the lead sees as a receipt)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from agent_tui.i18n import t
from agent_tui.secure.text import literal, one_line


class AnnouncementBar(Static):
    DEFAULT_CSS = """
    AnnouncementBar { dock: top; height: auto; max-height: 3; padding: 0 1; display: none;
                      background: $warning 30%; color: $text; text-style: bold; }
    AnnouncementBar.-visible { display: block; }
    """

    def __init__(self, **kw: Any) -> None:
        super().__init__("", **kw)
        self.current: dict[str, Any] | None = None

    def show(self, announcement: dict[str, Any] | None, key: str) -> None:
        self.current = announcement
        if announcement is None:
            self.set_class(False, "-visible")
            return
        frm = announcement.get("from") or {}
        who = frm.get("name") if isinstance(frm, dict) else frm
        head, _, tail = t("ann.bar", who="\0", text="\1", k=key).partition("\0")
        mid, _, rest = tail.partition("\1")
        text = Text("📌 " + head)
        text.append(one_line(who or "", 30))
        text.append(mid)
        text.append_text(literal(announcement.get("text") or "", single_line=True))
        text.append(rest)
        self.update(text)
        self.set_class(True, "-visible")
