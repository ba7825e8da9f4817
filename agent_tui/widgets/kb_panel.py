"""Knowledge-base search: results with snippets as you type (debounced), Enter opens."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from agent_tui.i18n import t
from agent_tui.messages import KBQuery, OpenArticle
from agent_tui.secure.text import one_line
from agent_tui.widgets.line_list import LineList, Row

DEBOUNCE_S = 0.25


def snippet_text(snippet: str, width: int) -> Text:
    """The snippet with the match (between « and ») highlighted; literal otherwise."""
    clean_snip = one_line(snippet, 400)
    text = Text("  ", no_wrap=True)
    bold = False
    for part in clean_snip.replace("»", "«").split("«"):
        text.append(part, "bold reverse" if bold else "dim")
        bold = not bold
    return text


class HitList(LineList):
    def render_row(self, row: Row, width: int) -> Text:
        kind, hit = row.data
        if kind == "title":
            text = Text(no_wrap=True)
            text.append(f"{str(hit.get('lang', '')).upper():<3}", "dim")
            text.append(one_line(hit.get("title") or "", 200), "bold")
            return text
        if kind == "label":
            return Text(hit, "italic")
        return snippet_text(str(hit.get("snippet") or ""), width)


class KBPanel(Vertical):
    """Search box + hits. Posts KBQuery (debounced) and OpenArticle."""

    DEFAULT_CSS = """
    KBPanel { height: 1fr; }
    KBPanel #kb-input, KBPanel #kb-input:focus { height: 1; border: none; padding: 0 1; background: $boost; }
    KBPanel #kb-note { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None
        self.last_query = ""

    def compose(self) -> ComposeResult:
        yield Input(placeholder=t("kb.search"), id="kb-input")
        yield Static("", id="kb-note", markup=False)
        yield HitList(empty_text=t("kb.hint"), id="kb-hits")

    def focus_search(self) -> None:
        self.query_one("#kb-input", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        # Debounce: wait until typing pauses, so a fast typist sends one search, not ten.
        self._timer = self.set_timer(DEBOUNCE_S, self._fire)

    def _fire(self) -> None:
        query = self.query_one("#kb-input", Input).value.strip()
        if not query:
            self.last_query = ""
        elif query != self.last_query:
            self.last_query = query
            self.post_message(KBQuery(query))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self.last_query = ""
        self._fire()
        self.query_one(HitList).focus()

    def show_hits(self, hits: list[dict[str, Any]], note: str = "", label: str = "") -> None:
        rows: list[Row] = []
        if label:
            rows.append(Row(None, ("label", label), header=False))
        for h in hits:
            rows.append(Row(str(h.get("id")), ("title", h)))
            if h.get("snippet"):
                rows.append(Row(None, ("snippet", h), header=False))
        lst = self.query_one(HitList)
        lst.empty_text = t("kb.none")
        lst.set_rows(rows)
        self.query_one("#kb-note", Static).update(note)

    def on_line_list_selected(self, event: LineList.Selected) -> None:
        event.stop()
        if event.key:
            self.post_message(OpenArticle(str(event.key)))
