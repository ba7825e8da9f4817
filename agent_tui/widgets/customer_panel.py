"""Customer details and earlier contacts beside the open conversation, plus KB suggestions."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from agent_tui.i18n import t
from agent_tui.secure.text import literal, one_line
from agent_tui.widgets.offer_banner import CHANNEL_LABEL


class CustomerPanel(VerticalScroll):
    DEFAULT_CSS = """
    CustomerPanel { height: 1fr; padding: 0 1; }
    CustomerPanel > Static { margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="customer-info")
        yield Static("", id="customer-suggest")
        yield Static("", id="customer-history")

    def show(self, summary: dict[str, Any] | None, history: dict[str, Any] | None,
             suggestions: list[dict[str, Any]] | None) -> None:
        info = Text()
        if summary:
            cust = summary.get("customer") or {}
            info.append(one_line(cust.get("name") or cust.get("id") or "?", 60), "bold")
            info.append("\n" + one_line(cust.get("id") or "", 60), "dim")
            if cust.get("handle") and cust.get("handle") != cust.get("id"):
                info.append("\n" + one_line(cust.get("handle"), 60))
            info.append(f"\n{CHANNEL_LABEL.get(str(summary.get('channel')), '')} · "
                        f"{one_line(summary.get('queue') or '', 30)}", "dim")
        self.query_one("#customer-info", Static).update(info)
        sug = Text()
        if suggestions:
            sug.append(t("customer.suggest") + " (Ctrl+K)\n", "bold underline")
            for h in suggestions[:5]:
                sug.append("• " + one_line(h.get("title") or "", 60) + "\n")
        self.query_one("#customer-suggest", Static).update(sug)
        hist = Text()
        if summary:
            hist.append(t("customer.history") + "\n", "bold underline")
            convs = [c for c in (history or {}).get("conversations") or []
                     if c.get("id") != summary.get("id")]
            if not convs:
                hist.append(t("customer.none"), "dim italic")
            for c in convs[:10]:
                when = time.strftime("%Y-%m-%d", time.localtime(float(c.get("created_at") or 0)))
                hist.append(f"{when} {CHANNEL_LABEL.get(str(c.get('channel')), '')} ", "bold")
                if c.get("subject"):
                    hist.append(one_line(c.get("subject"), 50))
                msgs = c.get("messages") or []
                if msgs:
                    hist.append("\n  ")
                    hist.append_text(literal(one_line(msgs[0].get("text") or "", 120), "dim"))
                hist.append("\n")
        self.query_one("#customer-history", Static).update(hist)
