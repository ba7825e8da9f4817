"""Team chat: rooms and direct messages, mentions highlighted, announcements pinned."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from agent_tui.core.desk_state import DeskState
from agent_tui.i18n import t
from agent_tui.messages import DraftChanged, SendTeamMessage
from agent_tui.secure.text import literal, one_line
from agent_tui.widgets.conversation_pane import hhmm
from agent_tui.widgets.line_list import LineList, Row
from agent_tui.widgets.transcript import Item, Transcript


def room_label(room: dict[str, Any], state: DeskState) -> str:
    rid = str(room.get("room") or "")
    if rid.startswith("dm:"):
        other = rid[3:]
        name = (state.presence.get(other) or {}).get("name") or room.get("name") or other
        return "@" + one_line(name, 30)
    return "#" + one_line(room.get("name") or rid.split(":", 1)[-1], 30)


class RoomList(LineList):
    def render_row(self, row: Row, width: int) -> Text:
        label, unread = row.data
        count = f" ({unread})" if unread else ""
        if len(label) + len(count) > width > len(count) + 1:
            label = label[: width - len(count) - 1] + "…"  # the unread count always shows
        text = Text(no_wrap=True)
        text.append(label, "bold" if unread else "")
        if unread:
            text.append(count, "bold cyan")
        return text


def mentions_me(msg: dict[str, Any], me: str, my_name: str) -> bool:
    if me and me in (msg.get("mentions") or []):
        return True
    body = str(msg.get("text") or "").lower()
    return bool(me) and (f"@{me.lower()}" in body or (my_name and f"@{my_name.lower()}" in body))


class TeamChat(Vertical):
    DEFAULT_CSS = """
    TeamChat { height: 1fr; }
    TeamChat #team-pinned { height: auto; max-height: 4; padding: 0 1; background: $warning 20%;
                            display: none; }
    TeamChat #team-pinned.-visible { display: block; }
    TeamChat #team-body { height: 1fr; }
    TeamChat RoomList { width: 16; height: 1fr; border-right: solid $primary 50%; }
    TeamChat #team-input, TeamChat #team-input:focus { height: 1; border: none; padding: 0 1; background: $boost; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.room: str | None = None
        self._sent = False  # the input was just cleared by a send, not by the agent

    def compose(self) -> ComposeResult:
        yield Static("", id="team-pinned")
        with Horizontal(id="team-body"):
            yield RoomList(id="team-rooms")
            yield Transcript(id="team-transcript")
        box = Input(placeholder=t("team.placeholder", room=""), id="team-input")
        box.cursor_blink = getattr(self.app, "cursor_blink", True)  # off in snapshot tests: stable images
        yield box

    def select_room(self, room: str) -> None:
        self.room = room
        self.query_one(RoomList).move_to(room)

    def show(self, state: DeskState, now: float) -> None:
        rooms = sorted(state.rooms.values(), key=lambda r: (0 if str(r.get("room")).startswith("team:") else 1,
                                                            str(r.get("name") or r.get("room"))))
        if self.room is None and rooms:
            self.room = str(rooms[0].get("room"))
        lst = self.query_one(RoomList)
        lst.set_rows([Row(str(r.get("room")), (room_label(r, state), int(r.get("unread") or 0)))
                      for r in rooms])
        if self.room and lst.cursor_key != self.room and any(r.get("room") == self.room for r in rooms):
            lst.cursor_key = self.room
        pinned = self.query_one("#team-pinned", Static)
        if state.announcements:
            text = Text()
            for a in state.announcements[-2:]:
                frm = a.get("from") or {}
                who = frm.get("name") if isinstance(frm, dict) else frm
                text.append(f"📌 {t('team.pinned')} {hhmm(a.get('at'))} {one_line(who or '', 20)}: ", "bold")
                text.append_text(literal(a.get("text") or "", single_line=True))
                text.append("\n")
            text.rstrip()
            pinned.update(text)
        pinned.set_class(bool(state.announcements), "-visible")
        items: list[Item] = []
        my_name = str(state.me.get("name") or "")
        for m in state.room_messages.get(self.room or "", []):
            frm = m.get("from") or {}
            head = Text(no_wrap=True)
            head.append(f"{hhmm(m.get('at'))} ", "dim")
            head.append(one_line(frm.get("name") or frm.get("user") or "?", 30), "bold")
            cls = "mention" if mentions_me(m, state.user, my_name) else (
                "out" if frm.get("user") == state.user else "in")
            if cls == "mention":
                head.append("  @", "bold reverse")
            items.append((f"t{m.get('id')}", head + Text("\n") + literal(m.get("text") or ""), cls))
        for p in state.pending.values():
            if p.kind == "team" and p.conversation == self.room:
                mark = t("msg.failed", why=p.failed) if p.failed else (
                    "⏳ " + t("msg.queued") if p.queued else t("msg.sending"))
                head = Text(f"{hhmm(p.at)} {mark}", "bold yellow" if p.queued else "dim")
                items.append((f"p{p.local_id}|{p.queued}|{p.failed}", head + Text("\n") + literal(p.text),
                              "pending"))
        self.query_one(Transcript).set_items(items)
        room = state.rooms.get(self.room or "")
        self.query_one("#team-input", Input).placeholder = t(
            "team.placeholder", room=room_label(room, state) if room else "")

    def on_line_list_highlighted(self, event: LineList.Highlighted) -> None:
        event.stop()
        if event.key and event.key != self.room:
            self.room = str(event.key)
            self.app.call_later(self.screen.refresh_area, "team")  # type: ignore[attr-defined]

    def on_line_list_selected(self, event: LineList.Selected) -> None:
        event.stop()
        self.query_one("#team-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text and self.room:
            self._sent = True
            event.input.value = ""
            self.post_message(SendTeamMessage(self.room, text))

    def on_input_changed(self, event: Input.Changed) -> None:
        """The input's draft goes to the local cache; a send clears it with the message."""
        event.stop()
        if self._sent and not event.value:
            self._sent = False
            return
        self.post_message(DraftChanged("team", event.value, self.room or ""))

    def draft_text(self) -> str:
        return self.query_one("#team-input", Input).value

    def restore_draft(self, text: str, room: str) -> None:
        """The team-chat draft of an earlier run (from the local cache)."""
        inp = self.query_one("#team-input", Input)
        if not inp.value:
            if room:
                self.room = room
            inp.value = text
