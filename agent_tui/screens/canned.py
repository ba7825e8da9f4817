"""Quick replies: pick a canned response to insert (or type /shortcut in the composer).

The list follows the conversation's language (the other language's replies come after, for
the odd customer who switches), and the highlighted reply is shown in full before it is
inserted.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import OptionList, Static

from agent_tui.i18n import t
from agent_tui.screens._picker import PickerScreen
from agent_tui.secure.text import literal, one_line


class CannedScreen(PickerScreen):
    DEFAULT_CSS = """
    CannedScreen OptionList { max-height: 9; }
    CannedScreen #canned-preview { height: auto; max-height: 5; padding: 0 1;
                                   border-top: solid $primary 40%; color: $text-muted; }
    """

    def __init__(self, canned: list[dict[str, Any]], lang: str | None = None) -> None:
        self.lang = lang
        ordered = sorted(canned, key=lambda c: 0 if not lang or c.get("lang") == lang else 1)
        choices = []
        for c in ordered:
            text = Text()
            text.append(f"/{one_line(c.get('shortcut'), 20):<14}", "bold")
            text.append(one_line(c.get("title") or "", 40))
            text.append(f"  {c.get('lang', '')}", "dim" if not lang or c.get("lang") == lang else "dim italic")
            choices.append((str(c.get("text") or ""), text))
        title = t("canned.title") + (f" · {t('canned.lang', lang=lang)}" if lang else "")
        super().__init__(title, choices, t("canned.filter"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("Vertical").mount(Static("", id="canned-preview"))
        lst = self.query_one(OptionList)
        if lst.option_count:
            lst.highlighted = 0
            self._preview(lst.get_option_at_index(0).id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview(event.option.id)

    def _preview(self, option_id: str | None) -> None:
        previews = self.query("#canned-preview")
        if option_id is None or not previews:
            return
        text = Text(t("canned.preview") + ": ", "bold")
        text.append_text(literal(self.choices[int(option_id)][0]))
        previews.first(Static).update(text)
