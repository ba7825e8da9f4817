"""The main desk screen: status bar, offer banner, conversations, presence, the open
conversation, and side tabs (customer, knowledge, team chat), with a slot for the
softphone's call bar.

Layout: three columns from 100 columns up; below that (80×24) one main area at a time,
switched with F2 (conversations), F3 (colleagues), F4/F5/Ctrl+K (side tabs).
The screen turns the agent's keys into center commands through the app (``app.command``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.command import Provider
from textual.containers import Container, Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static, TabbedContent, TabPane, TextArea

from agent_tui.core.language import guess_language
from agent_tui.i18n import language, state_word, t
from agent_tui.messages import (
    CallColleague,
    InsertIntoReply,
    KBQuery,
    OpenArticle,
    SendReply,
    SendTeamMessage,
    StartDirectChat,
)
from agent_tui.screens.article import ArticleScreen
from agent_tui.screens.canned import CannedScreen
from agent_tui.screens.state import StateScreen
from agent_tui.screens.transfer import TransferScreen
from agent_tui.screens.wrapup import WrapupScreen
from agent_tui.secure.text import one_line
from agent_tui.widgets.composer import ComposerArea
from agent_tui.widgets.conversation_list import ConversationList
from agent_tui.widgets.conversation_pane import ConversationPane
from agent_tui.widgets.customer_panel import CustomerPanel
from agent_tui.widgets.footer import DeskFooter
from agent_tui.widgets.kb_panel import KBPanel
from agent_tui.widgets.line_list import LineList
from agent_tui.widgets.offer_banner import OfferBanner
from agent_tui.widgets.presence import PresencePanel
from agent_tui.widgets.status_bar import StatusBar
from agent_tui.widgets.team_chat import TeamChat

NARROW_BELOW = 110
MIN_SIZE = (80, 24)  # below this the desk says "terminal too small" instead of drawing a broken desk

# Every desk action: (binding id, default key, action, label key, show in footer, priority).
# The bindings, the help screen and the command palette are all built from this one list.
# All are priority bindings: global keys work whatever has focus (the composer's TextArea binds
# F6/F7 for selections, Inputs bind Ctrl+K — the desk's keys win).
ACTIONS: list[tuple[str, str, str, str, bool, bool]] = [
    ("desk.help", "f1", "help", "act.help", True, True),
    ("desk.conversations", "f2", "show_conversations", "act.conversations", True, True),
    ("desk.colleagues", "f3", "show_colleagues", "act.colleagues", True, True),
    ("desk.team", "f4", "show_team", "act.team", True, True),
    ("desk.customer", "f5", "show_customer", "act.customer", False, True),
    ("desk.next_conversation", "f6", "next_conversation", "act.next_conv", False, True),
    ("desk.state", "f7", "choose_state", "act.state", True, True),
    ("desk.accept", "f8", "accept", "act.accept", True, True),
    ("desk.decline", "f9", "decline", "act.decline", True, True),
    ("desk.suggest", "f10", "suggest", "act.suggest", False, True),
    ("desk.contrast", "f12", "toggle_contrast", "act.theme", False, True),
    ("desk.knowledge", "ctrl+k", "knowledge", "act.kb", True, True),
    ("desk.note", "ctrl+n", "toggle_note", "act.note", True, True),
    ("desk.transfer", "ctrl+t", "transfer", "act.transfer", True, True),
    ("desk.wrapup", "ctrl+w", "wrapup", "act.wrapup", True, True),
    ("desk.canned", "ctrl+r", "canned", "act.canned", False, True),
    # alt+o: ctrl+b marks the pinned announcement read (screens/lead_hooks.py)
    ("desk.older", "alt+o", "older_messages", "act.older", False, True),
]


def desk_bindings() -> list[Binding]:
    """The desk's bindings with translated descriptions (ids stay stable for keymaps)."""
    out = [Binding(key, action, t(label), show=show, priority=prio, id=bid)
           for bid, key, action, label, show, prio in ACTIONS]
    out.append(Binding("escape", "back", show=False))
    return out


class DeskScreen(Screen[None]):
    BINDINGS = desk_bindings()
    def __init__(
        self,
        *,
        call_bar: Callable[[], Iterable[Widget]] = tuple,
        commands: Iterable[type[Provider]] = (),
    ) -> None:
        """*call_bar* makes the widgets of the call-bar slot and *commands* adds palette providers:
        the app passes the softphone's (``agent_tui.desk_phone``), so this screen never imports
        the phone (the desk's own actions are the app's DeskCommands)."""
        super().__init__()
        self._call_bar = call_bar
        self.COMMANDS = set(commands)
        # Rebuild with the language chosen at start-up (class BINDINGS were made at import),
        # keeping Screen's own (Tab / Shift+Tab move the focus between the desk's regions).
        self._bindings = BindingsMap.merge([BindingsMap(Screen.BINDINGS), BindingsMap(desk_bindings())])
        self.view = "desk"
        self._width = 120
        self._height = 40
        self.history_cache: dict[str, dict[str, Any]] = {}
        self.suggest_cache: dict[str, list[dict[str, Any]]] = {}
        self._last_typing = 0.0
        self._rooms_loaded: set[str] = set()  # rooms whose history this session fetched

    def compose(self) -> ComposeResult:
        # The view classes before the children mount, so they are styled once, not twice (issue 12).
        self._width = self.app.size.width
        self._apply_view(restyle=False)
        yield Static("", id="too-small", markup=False)
        yield StatusBar(id="status")
        yield OfferBanner(id="offer")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield Static(t("panel.conversations"), classes="panel-title", id="conv-title")
                yield ConversationList(empty_text=t("conv.none"), id="conv-list")
                yield Static(t("panel.colleagues"), classes="panel-title", id="presence-title")
                yield PresencePanel(id="presence")
            yield ConversationPane(id="center")
            with TabbedContent(id="right", initial="tab-customer"):
                with TabPane(t("panel.customer"), id="tab-customer"):
                    yield CustomerPanel(id="customer")
                with TabPane(t("panel.knowledge"), id="tab-kb"):
                    yield KBPanel(id="kb")
                with TabPane(t("panel.team"), id="tab-team"):
                    yield TeamChat(id="team")
        # The softphone's call bar and its controller, made by the app (agent_tui/desk_phone/).
        with Container(id="callbar-slot") as slot:
            slot.styles.dock = "none"  # in the flow above the footer (two bottom docks overlap)
            yield from self._call_bar()
        yield DeskFooter()  # coalesced rebuilds: start-up time (issue 12)

    @property
    def app_state(self):
        return self.app.state  # type: ignore[attr-defined]

    def add_bindings(self, bindings: list[Binding]) -> None:
        """Add bindings owned by a part of the desk (the softphone's ``phone.*``, once it is up)."""
        self._bindings = BindingsMap.merge([self._bindings, BindingsMap(bindings)])

    def current_conversation(self) -> str | None:
        """The id of the conversation open in the middle pane."""
        return self.query_one(ConversationPane).current

    def on_mount(self) -> None:
        self._apply_size(self.size.width, self.size.height)
        self.refresh_all()
        self.query_one(ConversationList).focus()

    def on_resize(self, event) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        self._width, self._height = width, height
        if self.too_small:
            self.query_one("#too-small", Static).update(t(
                "screen.too_small", w=width, h=height, min_w=MIN_SIZE[0], min_h=MIN_SIZE[1]))
        self._apply_view()

    @property
    def too_small(self) -> bool:
        return 0 < self._width < MIN_SIZE[0] or 0 < self._height < MIN_SIZE[1]

    def _apply_view(self, restyle: bool = True) -> None:
        # One style update for all class changes: each separate change would restyle
        # the whole screen (this was most of the start-up time).
        wanted = {"-narrow": self._width < NARROW_BELOW, "-too-small": self.too_small}
        wanted.update({f"-view-{v}": self.view == v for v in ("desk", "colleagues", "side")})
        # The view classes only style a narrow screen (desk.tcss): on a wide one switching the
        # view (e.g. ctrl+k to the knowledge tab) needs no restyle of the whole screen (issue 12).
        narrow = self.has_class("-narrow") or wanted["-narrow"]
        changed = False
        for cls, enabled in wanted.items():
            if self.has_class(cls) != enabled:
                self.set_class(enabled, cls, update=False)
                changed = changed or narrow or not cls.startswith("-view-")
        if changed and restyle:
            self.update_node_styles()

    # --- redraw -------------------------------------------------------------------------
    def refresh_all(self) -> None:
        self.refresh_areas({"agent", "presence", "conversations", "messages", "offers",
                            "rooms", "team", "queues", "announcements", "connection"})

    def refresh_area(self, area: str) -> None:
        self.refresh_areas({area})

    def refresh_areas(self, areas: set[str]) -> None:
        app = self.app
        state = self.app_state
        now = app.now()  # type: ignore[attr-defined]
        if areas & {"agent", "connection", "queues", "conversations", "rooms"}:
            self.query_one(StatusBar).show(state, app.status, now)  # type: ignore[attr-defined]
        if "offers" in areas:
            self.show_offers(now)
        if "presence" in areas:
            self.query_one(PresencePanel).show(state, now)
        opened = False  # open_conversation just drew the pane: not twice (start-up, issue 12)
        if "conversations" in areas:
            self.query_one(ConversationList).show(state, now)
            pane = self.query_one(ConversationPane)
            if pane.current is None or pane.current not in state.conversations:
                convs = state.sorted_conversations()
                if convs and pane.current is None:
                    self.open_conversation(convs[0].id)
                    opened = True
                elif pane.current is not None:
                    pane.current = None
                    areas = areas | {"messages"}
        if areas & {"messages", "conversations"}:
            pane = self.query_one(ConversationPane)
            if not opened:
                pane.show(state, now)
                self._show_customer()
            current = state.conversations.get(pane.current or "")
            if current is not None and current.unread and app.online():  # type: ignore[attr-defined]
                # The agent is looking at it: what arrives here is read.
                upto = state.mark_read(current.id)
                if upto:
                    app.fire("conv.read", conversation=current.id, upto=upto)  # type: ignore[attr-defined]
        if areas & {"team", "rooms", "announcements"}:
            self._read_visible_room()
            self.query_one(TeamChat).show(state, now)

    def _read_visible_room(self) -> None:
        """Messages in the room on screen count as read; the center keeps the read mark
        (``team.read``), so the agent's other device agrees."""
        team = self.query_one(TeamChat)
        tabs = self.query_one(TabbedContent)
        visible = tabs.active == "tab-team" and (self.view == "side" or not self.has_class("-narrow"))
        state = self.app_state
        room = state.rooms.get(team.room or "")
        if not visible or room is None:
            return
        if str(team.room) not in self._rooms_loaded and self.app.online():  # type: ignore[attr-defined]
            # First look at this room in this session: fetch its recent history (also what came
            # while away); it counts as read once it is here.
            self._load_room(str(team.room))
            return
        upto = state.room_upto(str(team.room))
        if room.get("unread"):
            state.mark_room_read(str(team.room))
            self.app.flush_soon()  # type: ignore[attr-defined]  # status bar unread count
        if upto > int(room.get("read_upto") or 0) and self.app.online():  # type: ignore[attr-defined]
            room["read_upto"] = upto
            self.app.fire("team.read", room=str(team.room), upto=upto)  # type: ignore[attr-defined]

    def load_unread_rooms(self) -> None:
        """After a login (a fresh snapshot): fetch the rooms with messages the agent has not
        seen — sent while they were away — without marking them read."""
        for rid, room in list(self.app_state.rooms.items()):
            if room.get("unread"):
                self._load_room(rid)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_areas({"rooms", "agent"})

    def show_offers(self, now: float) -> None:
        offers = sorted(self.app_state.offers.values(), key=lambda o: o.get("_local_expires") or 0)
        app = self.app
        self.query_one(OfferBanner).show(offers, now, app.key_for("desk.accept"),  # type: ignore[attr-defined]
                                         app.key_for("desk.decline"))  # type: ignore[attr-defined]

    def tick(self, now: float) -> None:
        """Once a second: timers, waiting times, SLA colours, offer countdown."""
        state = self.app_state
        # An offer whose revoke we never saw (e.g. lost while offline) must not linger.
        stale = [o for o, offer in state.offers.items()
                 if float(offer.get("_local_expires") or offer.get("expires_at") or now) < now - 5]
        for offer_id in stale:
            state.offers.pop(offer_id, None)
        if stale:
            self.show_offers(now)
        self.query_one(StatusBar).show(state, self.app.status, now)  # type: ignore[attr-defined]
        if state.offers:
            self.show_offers(now)
        lst = self.query_one(ConversationList)
        lst.now = now
        lst.refresh()
        self.query_one(PresencePanel).tick(now)

    def _show_customer(self) -> None:
        pane = self.query_one(ConversationPane)
        c = self.app_state.conversations.get(pane.current or "")
        summary = c.summary if c else None
        cust = ((summary or {}).get("customer") or {}).get("id")
        self.query_one(CustomerPanel).show(summary, self.history_cache.get(str(cust)),
                                           self.suggest_cache.get(pane.current or ""))

    # --- conversations ----------------------------------------------------------------------
    @on(LineList.Selected, "#conv-list")
    @on(LineList.Highlighted, "#conv-list")
    def _conv_chosen(self, event: LineList.Selected) -> None:
        if event.key and event.key != self.query_one(ConversationPane).current:
            self.open_conversation(str(event.key))
        if isinstance(event, LineList.Selected) and not isinstance(event, LineList.Highlighted):
            self.query_one(ComposerArea).focus()

    def open_conversation(self, cid: str) -> None:
        state = self.app_state
        pane = self.query_one(ConversationPane)
        pane.current = cid
        self.query_one(ConversationList).cursor_key = cid
        pane.show(state, self.app.now())  # type: ignore[attr-defined]
        self._show_customer()
        self._use_conversation_shortcuts(cid)
        self._load_conversation(cid)

    @work(group="conv-load")
    async def _load_conversation(self, cid: str) -> None:
        app = self.app
        state = self.app_state
        c = state.conversations.get(cid)
        if c is None:
            return
        if not app.online():  # type: ignore[attr-defined]
            return  # offline: show what we have; nothing to fetch
        if not c.loaded:
            full = await app.command("conv.get", conversation=cid)  # type: ignore[attr-defined]
            if full:
                state._upsert_conversation(full.get("conversation", full))
        await self._complete_long_texts(cid)
        upto = state.mark_read(cid)
        if upto:
            app.fire("conv.read", conversation=cid, upto=upto)  # type: ignore[attr-defined]
        cust = (c.summary.get("customer") or {}).get("id")
        if cust and str(cust) not in self.history_cache:
            hist = await app.command("history.get", customer=str(cust), limit=10, quiet=True)  # type: ignore[attr-defined]
            if hist is not None:
                self.history_cache[str(cust)] = hist
        if cid not in self.suggest_cache:
            sug = await app.command("kb.suggest", conversation=cid, limit=5, quiet=True)  # type: ignore[attr-defined]
            if sug is not None:
                self.suggest_cache[cid] = sug.get("hits") or []
        app.flush()  # type: ignore[attr-defined]
        if self.query_one(ConversationPane).current == cid:
            self.query_one(ConversationPane).show(state, app.now())  # type: ignore[attr-defined]
            self._show_customer()
            self._use_conversation_shortcuts(cid)

    async def _complete_long_texts(self, cid: str) -> None:
        """Fetch the rest of each message that came as a preview (``conv.text``, part by part)."""
        app = self.app
        c = self.app_state.conversations.get(cid)
        for msg in [x for x in (c.messages if c else []) if x.get("truncated")]:
            parts, offset = [str(msg.get("text") or "")], len(str(msg.get("text") or ""))
            while offset is not None:
                part = await app.command("conv.text", conversation=cid, message=str(msg.get("id")),  # type: ignore[attr-defined]
                                         offset=offset, quiet=True)
                if not part or part.get("offset") != offset:
                    return  # offline or refused: the preview stays, with its note
                parts.append(str(part.get("text") or ""))
                offset = part.get("next")
            self.app_state.complete_text(cid, str(msg.get("id")), "".join(parts))

    @work(group="conv-older", exclusive=True)
    async def action_older_messages(self) -> None:
        """Load the page of messages before the oldest one shown (``conv.get`` with ``before``)."""
        cid = self.query_one(ConversationPane).current
        c = self.app_state.conversations.get(cid or "")
        if c is None or c.older is None:
            self.app.notify(t("conv.no_older"), markup=False)
            return
        page = await self.app.command("conv.get", conversation=c.id, before=c.older)  # type: ignore[attr-defined]
        if page:
            c.add_page(page.get("messages") or [], page.get("older"))
            await self._complete_long_texts(c.id)
            self.app_state._mark("messages")
            self.app.flush()  # type: ignore[attr-defined]
            self.query_one(ConversationPane).show(self.app_state, self.app.now())  # type: ignore[attr-defined]

    @on(TextArea.Changed, "#composer-area")
    def _typing(self, event: TextArea.Changed) -> None:
        """Tell the customer the agent is typing (at most every 5 s, never for notes)."""
        pane = self.query_one(ConversationPane)
        app = self.app
        now = app.now()  # type: ignore[attr-defined]
        if (pane.current and not pane.composer.note_mode and event.text_area.text
                and app.online() and now - self._last_typing > 5.0):  # type: ignore[attr-defined]
            self._last_typing = now
            app.fire("conv.typing", conversation=pane.current)  # type: ignore[attr-defined]

    @on(ComposerArea.Submit)
    def _submit(self, event: ComposerArea.Submit) -> None:
        pane = self.query_one(ConversationPane)
        if pane.current is None:
            self.app.notify(t("note.no_conv"), markup=False)
            return
        text, subject, note = pane.composer.take()
        if text:
            self.post_message(SendReply(pane.current, text, note, subject))

    @on(SendReply)
    def _send_reply_msg(self, msg: SendReply) -> None:
        self.app.send_reply(msg.conversation, msg.text, note=msg.note, subject=msg.subject)  # type: ignore[attr-defined]

    @on(SendTeamMessage)
    def _send_team_msg(self, msg: SendTeamMessage) -> None:
        self.app.send_team(msg.room, msg.text)  # type: ignore[attr-defined]

    @on(CallColleague)
    def _call_colleague(self, msg: CallColleague) -> None:
        phone = self.app.phone  # type: ignore[attr-defined]
        if phone is not None:
            phone.call_colleague(msg.user)

    @on(StartDirectChat)
    def _start_dm(self, msg: StartDirectChat) -> None:
        room = f"dm:{msg.user}"
        state = self.app_state
        if room not in state.rooms:
            name = (state.presence.get(msg.user) or {}).get("name") or msg.user
            state.rooms[room] = {"room": room, "name": name, "kind": "dm", "unread": 0}
        team = self.query_one(TeamChat)
        team.room = room
        self.action_show_team()
        self.refresh_area("team")
        self.app.call_later(team.select_room, room)
        self.call_after_refresh(self.query_one("#team-input", Input).focus)
        self._load_room(room)

    @work(group="room-load")
    async def _load_room(self, room: str) -> None:
        app = self.app
        if not app.online():  # type: ignore[attr-defined]
            return
        self._rooms_loaded.add(room)
        data = await app.command("team.history", room=room, limit=50, peek=True, quiet=True)  # type: ignore[attr-defined]
        if data:
            self.app_state.merge_room_history(room, data.get("messages") or [])
            self.app_state._mark("rooms")  # redraw: the room on screen is read now that it is here
            self.app.flush_soon()  # type: ignore[attr-defined]

    # --- knowledge --------------------------------------------------------------------------
    @on(KBQuery)
    def _kb_query(self, msg: KBQuery) -> None:
        self._search(msg.query)

    @work(exclusive=True, group="kb-search")
    async def _search(self, query: str) -> None:
        hits, note = await self.app.kb_search(query)  # type: ignore[attr-defined]
        self.query_one(KBPanel).show_hits(hits, note)

    @on(OpenArticle)
    def _open_article_msg(self, msg: OpenArticle) -> None:
        self._open_article(msg.article)

    @work(group="kb-open")
    async def _open_article(self, aid: str) -> None:
        article = await self.app.kb_get(aid)  # type: ignore[attr-defined]
        if article is None:
            return
        result = await self.app.push_screen_wait(ArticleScreen(article))
        if not result:
            return
        kind, payload = result
        if kind == "insert":
            self.post_message(InsertIntoReply(payload))
        elif kind == "propose":
            args = {k: v for k, v in payload.items() if v}
            data = await self.app.command("kb.propose", **args)  # type: ignore[attr-defined]
            if data is not None:
                self.app.notify(t("kb.proposed"), markup=False)

    @on(InsertIntoReply)
    def _insert_msg(self, msg: InsertIntoReply) -> None:
        self.view = "desk"
        self._apply_view()
        self.query_one(ConversationPane).composer.insert_text(msg.text)

    # --- actions (bindings and palette) ---------------------------------------------------------
    def action_help(self) -> None:
        self.app.action_show_help()  # type: ignore[attr-defined]

    def action_back(self) -> None:
        """Escape: one step back to a known place — from a chat's input to its room list, from a
        side view to the conversations, else to the conversation list."""
        focused = self.app.focused
        if focused is not None and focused.id == "team-input":
            self.query_one("#team-rooms").focus()
            return
        self.action_show_conversations()

    def action_show_conversations(self) -> None:
        self.view = "desk"
        self._apply_view()
        self.call_after_refresh(self.query_one(ConversationList).focus)

    def action_show_colleagues(self) -> None:
        self.view = "colleagues"
        self._apply_view()
        self.call_after_refresh(self.query_one("#presence-filter", Input).focus)

    def _side(self, tab: str) -> None:
        self.view = "side"
        self._apply_view()
        self.query_one(TabbedContent).active = tab

    def action_show_team(self) -> None:
        self._side("tab-team")
        self.call_after_refresh(self.query_one("#team-input", Input).focus)

    def action_show_customer(self) -> None:
        self._side("tab-customer")

    def action_knowledge(self) -> None:
        self._side("tab-kb")
        self.call_after_refresh(self.query_one(KBPanel).focus_search)

    def action_suggest(self) -> None:
        pane = self.query_one(ConversationPane)
        if pane.current is None:
            return
        self._side("tab-kb")
        self._suggest(pane.current)

    @work(group="kb-suggest")
    async def _suggest(self, cid: str) -> None:
        data = await self.app.command("kb.suggest", conversation=cid, limit=8)  # type: ignore[attr-defined]
        if data is not None:
            self.suggest_cache[cid] = data.get("hits") or []
            self.query_one(KBPanel).show_hits(self.suggest_cache[cid], "", t("customer.suggest"))
            self.call_after_refresh(self.query_one("#kb-hits").focus)

    def action_next_conversation(self) -> None:
        convs = self.app_state.sorted_conversations()
        if not convs:
            return
        ids = [c.id for c in convs]
        cur = self.query_one(ConversationPane).current
        nxt = ids[(ids.index(cur) + 1) % len(ids)] if cur in ids else ids[0]
        self.open_conversation(nxt)

    def action_toggle_note(self) -> None:
        self.query_one(ConversationPane).composer.toggle_note()
        self.query_one(ComposerArea).focus()

    def action_toggle_contrast(self) -> None:
        self.app.toggle_contrast()  # type: ignore[attr-defined]

    def action_accept(self) -> None:
        offers = sorted(self.app_state.offers.values(), key=lambda o: o.get("_local_expires") or 0)
        if not offers:
            self.app.notify(t("note.no_offer"), markup=False)
            return
        self._accept(str(offers[0]["offer"]))

    @work(group="offer")
    async def _accept(self, offer_id: str) -> None:
        data = await self.app.command("offer.accept", offer=offer_id)  # type: ignore[attr-defined]
        state = self.app_state
        state.offers.pop(offer_id, None)
        state._mark("offers")
        if data and isinstance(data.get("conversation"), dict):
            conv = state._upsert_conversation(data["conversation"])
            state._mark("conversations")
            self.app.flush()  # type: ignore[attr-defined]
            self.view = "desk"
            self._apply_view()
            self.open_conversation(conv.id)
            self.call_after_refresh(self.query_one(ComposerArea).focus)
        else:
            self.app.flush()  # type: ignore[attr-defined]

    def action_decline(self) -> None:
        offers = sorted(self.app_state.offers.values(), key=lambda o: o.get("_local_expires") or 0)
        if not offers:
            self.app.notify(t("note.no_offer"), markup=False)
            return
        offer_id = str(offers[0]["offer"])
        self.app_state.offers.pop(offer_id, None)
        self.app_state._mark("offers")
        self.app.fire("offer.decline", offer=offer_id)  # type: ignore[attr-defined]
        self.app.flush()  # type: ignore[attr-defined]

    def action_choose_state(self) -> None:
        def done(result: Any) -> None:
            if result:
                state, reason = result
                self.app.set_agent_state(state, reason)  # type: ignore[attr-defined]

        self.app.push_screen(StateScreen(str(self.app_state.agent.get("state"))), done)

    def _current(self):
        pane = self.query_one(ConversationPane)
        c = self.app_state.conversations.get(pane.current or "")
        if c is None:
            self.app.notify(t("note.no_conv"), markup=False)
        return c

    def action_transfer(self) -> None:
        c = self._current()
        if c is None:
            return
        cust = one_line((c.summary.get("customer") or {}).get("name") or c.id, 40)

        def done(result: Any) -> None:
            if result:
                self.app.transfer(c.id, result)  # type: ignore[attr-defined]

        self.app.push_screen(TransferScreen(self.app_state, cust), done)

    def action_wrapup(self) -> None:
        c = self._current()
        if c is None:
            return
        app = self.app
        cust = one_line((c.summary.get("customer") or {}).get("name") or c.id, 40)
        started = float(c.summary.get("wrapup_started_at") or app.now())  # type: ignore[attr-defined]
        deadline = c.summary.get("wrapup_deadline")

        def done(result: Any) -> None:
            if result:
                app.wrapup(c.id, result["code"], result.get("notes"))  # type: ignore[attr-defined]

        app.push_screen(WrapupScreen(cust, app.wrapup_codes, started, app.now,  # type: ignore[attr-defined]
                                     float(deadline) if deadline else None), done)

    def action_canned(self) -> None:
        def done(text: Any) -> None:
            if text:
                self.query_one(ConversationPane).composer.insert_text(str(text))

        self.app.push_screen(CannedScreen(self.app.canned, self.conversation_language()), done)  # type: ignore[attr-defined]

    def conversation_language(self, cid: str | None = None) -> str:
        """The language the open (or ``cid``'s) customer writes in; the desk's own if unclear."""
        c = self.app_state.conversations.get(cid or self.query_one(ConversationPane).current or "")
        said = [str(m.get("text") or "") for m in (c.messages if c else []) if m.get("direction") == "in"]
        return guess_language(said[-5:] + [str((c.summary if c else {}).get("subject") or "")]) or language()

    def _use_conversation_shortcuts(self, cid: str) -> None:
        """/shortcuts in the composer expand to the quick reply in the customer's language."""
        lang = self.conversation_language(cid)
        mapping: dict[str, str] = {}
        for item in sorted(self.app.canned, key=lambda c: c.get("lang") == lang):  # type: ignore[attr-defined]
            mapping[str(item.get("shortcut") or "").lstrip("/").lower()] = str(item.get("text") or "")
        if mapping:
            self.query_one(ComposerArea).canned = mapping

    def state_label(self) -> str:
        return state_word(str(self.app_state.agent.get("state")))
