"""A knowledge-base article: read it, insert its answer into the reply, propose an edit."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from agent_tui.i18n import t
from agent_tui.protocol.kbtext import split_body
from agent_tui.secure.text import literal, one_line


class ArticleScreen(ModalScreen[Any]):
    """Returns ``("insert", body)``, ``("propose", {...})`` or None."""

    DEFAULT_CSS = """
    ArticleScreen { align: center middle; }
    ArticleScreen > Vertical { width: 90; max-width: 98%; height: 90%; border: thick $primary;
                               background: $surface; padding: 0 1; }
    ArticleScreen #article-title { text-style: bold; }
    ArticleScreen #article-meta { color: $text-muted; }
    ArticleScreen VerticalScroll { height: 1fr; border: round $primary 40%; }
    ArticleScreen Horizontal { height: auto; }
    ArticleScreen #article-agent-title { margin-top: 1; text-style: bold; color: $warning; }
    ArticleScreen #article-agent { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", t("kb.close")),
                Binding("i", "insert", t("kb.insert"), id="article.insert"),
                Binding("e", "propose", t("kb.propose"), id="article.propose")]

    def __init__(self, article: dict[str, Any]) -> None:
        super().__init__()
        self.article = article

    def compose(self) -> ComposeResult:
        a = self.article
        reviewed = a.get("reviewed_at")
        day = time.strftime("%Y-%m-%d", time.localtime(float(reviewed))) if reviewed else "?"
        with Vertical():
            yield Static(literal(a.get("title") or "", single_line=True), id="article-title")
            yield Static(Text(f"{a.get('id')} · {str(a.get('lang', '')).upper()} · "
                              + t("kb.reviewed", d=day)), id="article-meta")
            customer, agent = split_body(str(a.get("body") or ""))
            with VerticalScroll():
                yield Static(literal(customer), id="article-body")
                if agent:
                    yield Static(t("kb.agent_only"), id="article-agent-title", markup=False)
                    yield Static(literal(agent), id="article-agent")
            with Horizontal():
                yield Button(t("kb.insert") + " (i)", id="article-insert", variant="primary")
                yield Button(t("kb.propose") + " (e)", id="article-propose")
                yield Button(t("kb.close") + " (Esc)", id="article-close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"article-insert": self.action_insert, "article-propose": self.action_propose,
         "article-close": self.action_close}[str(event.button.id)]()

    def action_insert(self) -> None:
        # Only the customer part: the agent-only part never goes into a reply.
        self.dismiss(("insert", split_body(str(self.article.get("body") or ""))[0]))

    def action_propose(self) -> None:
        def done(result: Any) -> None:
            if result is not None:
                self.dismiss(("propose", result))
        self.app.push_screen(ProposeScreen(self.article), done)

    def action_close(self) -> None:
        self.dismiss(None)


class ProposeScreen(ModalScreen[Any]):
    """Edit title and body; returns the kb.propose args or None."""

    DEFAULT_CSS = """
    ProposeScreen { align: center middle; }
    ProposeScreen > Vertical { width: 90; max-width: 98%; height: 90%; border: thick $accent;
                               background: $surface; padding: 0 1; }
    ProposeScreen TextArea { height: 1fr; }
    ProposeScreen Horizontal { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", t("prompt.cancel")), Binding("ctrl+s", "send", t("kb.send_proposal"))]

    def __init__(self, article: dict[str, Any]) -> None:
        super().__init__()
        self.article = article

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("kb.propose"), markup=False)
            yield Input(value=one_line(self.article.get("title") or "", 500), id="propose-title")
            area = TextArea(str(self.article.get("body") or ""), id="propose-body", soft_wrap=True)
            area.cursor_blink = getattr(self.app, "cursor_blink", True)
            yield area
            with Horizontal():
                yield Button(t("kb.send_proposal") + " (Ctrl+S)", id="propose-send", variant="primary")
                yield Button(t("wrapup.cancel"), id="propose-cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_send() if event.button.id == "propose-send" else self.action_cancel()

    def action_send(self) -> None:
        self.dismiss({"article": self.article.get("id"), "lang": self.article.get("lang") or "en",
                      "title": self.query_one("#propose-title", Input).value.strip(),
                      "body": self.query_one("#propose-body", TextArea).text})

    def action_cancel(self) -> None:
        self.dismiss(None)
