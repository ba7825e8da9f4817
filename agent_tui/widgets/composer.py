"""The channel-aware reply box.

* chat / social / SMS: Enter sends, Alt+Enter (or Ctrl+J) adds a line;
* e-mail: a subject line, Enter adds a line, Ctrl+S sends, Ctrl+G quotes the last message;
* SMS: live character and segment count (GSM-7 vs UCS-2);
* social: the customer's handle shown as the addressee;
* note mode (Ctrl+N): an internal note, visibly different, never sent to the customer;
* ``/shortcut`` followed by space, Tab or Enter expands a canned response.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static, TextArea

from agent_tui.core.sms import count_sms
from agent_tui.i18n import t
from agent_tui.messages import DraftChanged
from agent_tui.secure.text import clean, one_line


class ComposerArea(TextArea):
    """TextArea where Enter submits (unless multi-line mode) and /shortcuts expand."""

    class Submit(Message):
        pass

    send_on_enter = True
    canned: ClassVar[dict[str, str]] = {}

    async def _on_key(self, event: events.Key) -> None:
        key = event.key
        if key in ("alt+enter", "ctrl+j") or (key == "enter" and not self.send_on_enter):
            event.stop()
            event.prevent_default()
            if not self.expand_shortcut():
                self.insert("\n")
            return
        if key == "enter":
            event.stop()
            event.prevent_default()
            if not self.expand_shortcut():
                self.post_message(self.Submit())
            return
        if key in ("space", "tab") and self.expand_shortcut():
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def expand_shortcut(self) -> bool:
        """Replace a ``/shortcut`` just before the cursor with its canned text."""
        row, col = self.cursor_location
        line = self.document.get_line(row)[:col]
        word = line.rsplit(" ", 1)[-1]
        if not word.startswith("/") or len(word) < 2:
            return False
        text = self.canned.get(word[1:].lower())
        if text is None:
            return False
        self.replace(text, (row, col - len(word)), (row, col))
        return True


class Composer(Vertical):
    """Reply/note editor for the open conversation."""

    DEFAULT_CSS = """
    Composer { height: auto; max-height: 12; border-top: solid $primary; }
    Composer.-note { border-top: heavy $warning; background: $warning 10%; }
    Composer #composer-head { height: 1; padding: 0 1; color: $text-muted; }
    Composer.-note #composer-head { color: $warning; text-style: bold; }
    Composer #composer-subject, Composer #composer-subject:focus { height: 1; border: none; padding: 0 1; display: none; }
    Composer.-email #composer-subject { display: block; }
    Composer ComposerArea, Composer ComposerArea:focus { height: 4; border: none; padding: 0 1; }
    Composer.-email ComposerArea { height: 6; }
    Composer #composer-count { height: 1; padding: 0 1; color: $text-muted; display: none; }
    Composer.-sms #composer-count { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", t("act.send"), id="composer.send"),
        Binding("ctrl+g", "quote", "Quote", id="composer.quote", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Labels in the language chosen at start-up (class BINDINGS were made at import).
        self._bindings = BindingsMap([Binding("ctrl+s", "send", t("act.send"), id="composer.send"),
                                      Binding("ctrl+g", "quote", t("help.quote"), id="composer.quote", show=False)])
        self.conversation: dict[str, Any] | None = None
        self.last_customer_text = ""
        # Note mode belongs to one conversation (ids in note mode); a voice call's composer
        # writes notes only: the caller hears the agent, text never goes to them.
        self._note_convs: set[str] = set()
        self._drafts: dict[str, tuple[str, str]] = {}
        self._taken: str | None = None  # conversation whose text take() just sent (not a draft edit)

    def compose(self) -> ComposeResult:
        yield Static("", id="composer-head")
        yield Input(placeholder=t("composer.subject"), id="composer-subject")
        area = ComposerArea(id="composer-area", soft_wrap=True, show_line_numbers=False)
        area.cursor_blink = getattr(self.app, "cursor_blink", True)
        yield area
        yield Static("", id="composer-count")

    @property
    def area(self) -> ComposerArea:
        return self.query_one(ComposerArea)

    def set_canned(self, canned: dict[str, str]) -> None:
        self.area.canned = canned

    def set_conversation(self, summary: dict[str, Any] | None, last_customer_text: str = "") -> None:
        """Switch to ``summary``'s conversation, keeping each conversation's draft."""
        old = self.conversation
        if old is not None:
            self._drafts[str(old.get("id"))] = (self.area.text, self.query_one("#composer-subject", Input).value)
        self.conversation = summary
        self.last_customer_text = last_customer_text
        if summary is not None and (old is None or old.get("id") != summary.get("id")):
            text, subject = self._drafts.pop(str(summary.get("id")), ("", ""))
            if not subject and summary.get("channel") == "email" and summary.get("subject"):
                subj = one_line(summary.get("subject"), 200)
                subject = subj if subj.lower().startswith("re:") else f"Re: {subj}"
            self._load_draft(text)
            self.query_one("#composer-subject", Input).value = subject
        channel = str((summary or {}).get("channel") or "")
        wanted = {"-email": channel == "email", "-sms": channel == "sms" and not self.note_mode}
        if any(self.has_class(c) != on for c, on in wanted.items()):
            for c, on in wanted.items():
                self.set_class(on, c, update=False)
            self.update_node_styles()  # once, not per class
        self.set_class(self.note_mode, "-note")
        self.area.send_on_enter = channel != "email"
        self.area.disabled = summary is None
        self._update_head()
        self._update_count()

    @property
    def note_mode(self) -> bool:
        """Whether what is typed now becomes an internal note (of this conversation only)."""
        c = self.conversation
        return c is not None and (self.notes_only or str(c.get("id")) in self._note_convs)

    @property
    def notes_only(self) -> bool:
        return (self.conversation or {}).get("channel") == "voice"

    def toggle_note(self) -> None:
        c = self.conversation
        if c is None or self.notes_only:
            return
        self._note_convs ^= {str(c.get("id"))}
        self.set_conversation(self.conversation, self.last_customer_text)

    def _update_head(self) -> None:
        c = self.conversation
        head = Text(no_wrap=True, overflow="ellipsis")
        if c is None:
            head.append(t("composer.no_conv"))
        else:
            head.append(t("composer.note") if self.note_mode else t("composer.reply"), "bold")
            cust = c.get("customer") or {}
            if c.get("channel") == "social" and cust.get("handle") and not self.note_mode:
                head.append("  " + t("composer.to", handle=one_line(cust.get("handle"), 40)))
            # The mode switch first: at 80×24 the end of this line is cut, not the mode.
            if self.notes_only:
                head.append("  " + t("composer.voice_notes"), "dim")
            else:
                head.append("  Ctrl+N: " + (t("composer.reply") if self.note_mode else t("composer.note")), "dim")
            if c.get("channel") == "email" and not self.note_mode:
                head.append("  Ctrl+S: " + t("act.send") + "  Ctrl+G: " + t("help.quote"), "dim")
        self.query_one("#composer-head", Static).update(head)
        if self.note_mode:
            self.area.placeholder = t("composer.note_placeholder")
        elif c is not None and c.get("channel") == "email":
            self.area.placeholder = t("composer.email_placeholder")
        else:
            self.area.placeholder = t("composer.placeholder")

    def _update_count(self) -> None:
        if self.conversation is None or self.conversation.get("channel") != "sms":
            return
        c = count_sms(self.area.text)
        self.query_one("#composer-count", Static).update(
            t("composer.sms", chars=c.units, segments=c.segments, enc=c.encoding))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._update_count()
        self._post_draft()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "composer-subject":
            self._post_draft()

    def _post_draft(self) -> None:
        """Tell the desk the open conversation's draft (kept in the local cache)."""
        conv = str((self.conversation or {}).get("id") or "")
        text = self.area.text
        if not conv or (self._taken == conv and not text):
            self._taken = None  # the send clears the draft with the message itself
            return
        self.post_message(DraftChanged(conv, text, self.query_one("#composer-subject", Input).value))

    def unsent_drafts(self) -> int:
        """How many conversations have text typed and not sent (the open one included)."""
        current = str((self.conversation or {}).get("id") or "")
        others = sum(1 for conv, d in self._drafts.items() if conv != current and d[0].strip())
        return others + (1 if self.area.text.strip() else 0)

    def _load_draft(self, text: str) -> None:
        """Show a kept draft with the cursor at its end, where the agent goes on typing
        (load_text leaves it at the start: the next words went in front of the draft)."""
        self.area.load_text(text)
        self.area.move_cursor(self.area.document.end)

    def restore_drafts(self, drafts: dict[str, tuple[str, str]]) -> None:
        """Drafts of an earlier run (from the local cache), per conversation id."""
        current = str((self.conversation or {}).get("id") or "")
        for conv, draft in drafts.items():
            if conv == current:
                if not self.area.text:
                    self._load_draft(draft[0])
                    if draft[1]:
                        self.query_one("#composer-subject", Input).value = draft[1]
            else:
                self._drafts.setdefault(conv, draft)

    def insert_text(self, text: str) -> None:
        """Insert ``text`` (e.g. a KB answer) at the cursor and focus the composer."""
        self.area.insert(clean(text))
        self.area.focus()

    def action_quote(self) -> None:
        if not self.last_customer_text:
            return
        quoted = "\n".join("> " + line for line in clean(self.last_customer_text).splitlines())
        self.area.insert("\n\n" + quoted + "\n")

    def action_send(self) -> None:
        self.area.post_message(ComposerArea.Submit())

    def take(self) -> tuple[str, str | None, bool]:
        """Return (text, subject, note) and clear the editor."""
        text = self.area.text.strip()
        subject = None
        if self.conversation and self.conversation.get("channel") == "email" and not self.note_mode:
            subject = self.query_one("#composer-subject", Input).value.strip() or None
        if text:
            self._taken = str((self.conversation or {}).get("id") or "")
            self.area.load_text("")
        return text, subject, self.note_mode
