"""The agent desk: a full-screen Textual app on top of :class:`CenterClient`.

The app owns the connection and the client-side state (:class:`DeskState`, pure). The
client's callbacks run on Textual's loop; each applies the frame to the state and asks
for one coalesced redraw of the areas that changed (presence bursts are throttled to
4 redraws a second so keys stay fast under 100 presence updates per second).
Screens and widgets never talk to the center: they call the app's small command API
(:meth:`command`, :meth:`fire`, :meth:`send_reply`, ...).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import Screen

from agent_tui.core import credentials
from agent_tui.core.client import (
    AuthError,
    CenterClient,
    CommandError,
    ConnectionStatus,
    TrustError,
    UnreachableError,
)
from agent_tui.core.collector import IdleCollector
from agent_tui.core.config import Config, ConfigError, default_config_path, save_login
from agent_tui.core.desk_cache import TEAM_DRAFT, DeskCache, open_cache, restored_pending
from agent_tui.core.desk_state import DeskState, PendingSend
from agent_tui.core.keynames import clashes
from agent_tui.core.store import ArticleCache
from agent_tui.desk_phone.controller import DeskPhone, call_bar_widgets
from agent_tui.desk_phone.keys import PHONE_ACTIONS, PhoneCommands, default_phone_key
from agent_tui.i18n import set_language, state_word, t
from agent_tui.messages import DraftChanged
from agent_tui.palette import ListedCommands
from agent_tui.screens.desk import ACTIONS, DeskScreen
from agent_tui.screens.help import HelpScreen
from agent_tui.screens.lead_hooks import ANN_READ_KEY, LeadHooks
from agent_tui.screens.login import LoginScreen
from agent_tui.screens.quit_confirm import QuitConfirm, QuitSummary
from agent_tui.screens.state import SETTABLE
from agent_tui.secure.text import literal
from agent_tui.widgets.composer import Composer, ComposerArea
from agent_tui.widgets.team_chat import TeamChat
from agent_tui.widgets.themes import HIGH_CONTRAST, THEME_NAMES

PRESENCE_MIN_INTERVAL = 0.25



@dataclass
class LoginInfo:
    """How to reach the center; exactly one of ``password``/``token`` is normally set."""

    server: str
    ca_file: Path
    user: str
    password: str | None = None
    token: str | None = None


def check_keys(config: Config) -> None:
    """Check the config's ``keys:`` against the desk's key table: an unknown binding id, or a
    key that two bindings would share, is a :class:`ConfigError` naming the line (at start,
    before the desk opens: a mistyped id must not silently leave an action without its key)."""
    defaults = {bid: key for bid, key, *_ in ACTIONS}
    defaults.update({bid: key for bid, key, *_ in PHONE_ACTIONS})
    defaults.update({"composer.send": "ctrl+s", "composer.quote": "ctrl+g", "app.quit": "ctrl+q"})
    for bid in config.keys:
        if bid not in defaults:
            raise ConfigError(config.path, config.key_lines.get(bid), f"keys.{bid}",
                              f"unknown action id (known: {', '.join(sorted(defaults))})")
    for key, first, second in clashes({**defaults, **config.keys}):
        bid, other = (second, first) if second in config.keys else (first, second)
        raise ConfigError(config.path, config.key_lines.get(bid), f"keys.{bid}",
                          f"{key} is bound twice: it is also the key of {other}")


class DeskCommands(ListedCommands):
    """Command palette: every desk action, plus each agent state."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app: DeskApp = self.app  # type: ignore[assignment]
        desk = app.desk_screen()
        out: list[tuple[str, str, Callable[[], Any]]] = []
        if desk is None:
            return out
        for bid, _key, action, label, _show, _prio in ACTIONS:
            out.append((t(label), f"{app.key_for(bid)} · {bid}",
                        lambda a=action: desk.run_action(a)))
        for st in SETTABLE:
            out.append((f"{t('act.state')}: {state_word(st)}", "state.set",
                        lambda s=st: app.set_agent_state(s, None)))
        # the team lead's desk (screens/lead_hooks.py)
        if app.lead.is_lead():
            out.append((t("act.lead"), "ctrl+l · app.lead", app.lead.open_view))
        out += [(t("act.escalate"), "alt+e · desk.escalate", app.lead.escalate),
                (t("act.my_tasks"), "desk.my_tasks", app.lead.my_tasks),
                (t("act.ann_read"), f"{ANN_READ_KEY} · desk.announcement_read", app.lead.mark_read)]
        return out


class DeskApp(App[None]):
    """The desk. Build it with a config and a :class:`LoginInfo` (or none: login screen)."""

    CSS_PATH = Path(__file__).parent / "styles" / "desk.tcss"  # absolute: subclasses elsewhere work
    TITLE = "agent-tui"
    COMMANDS = App.COMMANDS | {DeskCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # the team lead's desk (screens/lead_hooks.py)
        Binding("ctrl+l", "lead_view", "Team lead view", id="app.lead", show=False),
        Binding("alt+e", "escalate", "Escalate to lead", id="desk.escalate", show=False, priority=True),
        Binding(ANN_READ_KEY, "announcement_read", "Mark announcement read", id="desk.announcement_read",
                show=False, priority=True),
    ]

    def __init__(self, config: Config | None = None, *, login: LoginInfo | None = None,
                 state: DeskState | None = None, clock: Callable[[], float] | None = None,
                 demo_dir: Path | None = None, initial_state: str | None = None,
                 status: Any = None, cursor_blink: bool = True,
                 kb_cache: ArticleCache | None = None, canned: list[dict[str, Any]] | None = None,
                 wrapup_codes: list[dict[str, Any]] | None = None,
                 remember_login: bool = True) -> None:
        self.config = config or Config()
        set_language(self.config.language)
        super().__init__()
        self.clock = clock or time.time
        self.state = state or DeskState(clock=self.clock)
        self.state.clock = self.clock
        self.login_info = login
        self.demo_dir = demo_dir
        self.initial_state = initial_state
        self.cursor_blink = cursor_blink
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # No animations unless asked for: a tab's sliding underline alone drew ~18 frames per
            # switch, and those frames competed with the next keys (bench/lead_view.py).
            self.animation_level = "none"
        self.kb_cache = kb_cache if kb_cache is not None else ArticleCache()
        self.canned: list[dict[str, Any]] = canned or []
        self.wrapup_codes: list[dict[str, Any]] = wrapup_codes or []
        self.remember_login = remember_login
        self.client: CenterClient | None = None
        self.phone: DeskPhone | None = None  # the softphone controller, once the desk mounted it
        # Binding actions "phone.x" (desk_phone/keys.py) run on self.phone.
        self._action_targets.add("phone")
        self.status = status or ConnectionStatus("offline", None, "not connected", 0)
        self._flush_pending = False
        self._presence_deferred = False
        self._last_presence = 0.0
        self._seen_offers: set[str] = set()
        self._keyring_warned = False
        self._connecting = False
        self.last_error: Exception | None = None
        self.frames_applied = 0
        self.event_listeners: list[Callable[[dict[str, Any]], None]] = []
        self.cache: DeskCache | None = None  # the encrypted local cache (outbox, drafts)
        self._cache_for: tuple[str, str] | None = None
        self.lead = LeadHooks(self)  # the team lead's desk: lead view, escalate, announcement bar
        self.collector = IdleCollector()  # full garbage collections between keys (core/collector.py)

    # --- time and keys ------------------------------------------------------------------
    def now(self) -> float:
        return self.clock()

    def key_for(self, binding_id: str) -> str:
        """The key currently bound to ``binding_id`` (after the config's keymap)."""
        if binding_id in self._keymap:
            return self._keymap[binding_id]
        default = next((key for bid, key, *_ in ACTIONS if bid == binding_id), None)
        return default or default_phone_key(binding_id) or "?"

    def session_login(self) -> tuple[str, str, str, str | None]:
        """(server, ca_file, user, password or None) of the desk's session, for the softphone."""
        client, info = self.client, self.login_info
        server = (client.server if client else "") or (info.server if info else "")
        ca = str((client.ca_file if client else "") or (info.ca_file if info else "") or "")
        user = (client.user if client else "") or (info.user if info else "")
        return server or "", ca, user or "", info.password if info else None

    def online(self) -> bool:
        return self.client is not None and getattr(self.status, "state", "") == "online"

    # --- start-up -------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        self.theme = THEME_NAMES.get(self.config.theme, "textual-dark")
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
        self.push_screen(DeskScreen(call_bar=call_bar_widgets, commands=[PhoneCommands]))
        self.set_interval(1.0, self._tick)
        self.set_interval(PRESENCE_MIN_INTERVAL, self._presence_tick)
        if self.login_info is not None:
            self.run_worker(self._connect_initial(), exclusive=True, group="connect")
        elif self.state.me:
            pass  # a preset state (snapshot tests, benchmarks): nothing to connect to
        else:
            self.show_login()

    def show_login(self, error: str = "") -> None:
        c = self.config
        li = self.login_info
        self.push_screen(LoginScreen(server=(li.server if li else c.server) or "",
                                     ca_file=str((li.ca_file if li else c.ca_file) or ""),
                                     user=(li.user if li else c.user) or "", error=error))

    async def _connect_initial(self) -> None:
        assert self.login_info is not None
        info = self.login_info
        error = await self.connect(info)
        if error is not None and info.token and isinstance(self.last_error, AuthError):
            # The stored token was refused (expired or revoked): drop it, and try the
            # stored password once before asking the agent.
            password = await asyncio.to_thread(self._forget_token_get_password, info)
            if password:
                info = LoginInfo(info.server, info.ca_file, info.user, password=password)
                error = await self.connect(info)
        if error is not None:
            self.show_login(error)

    @staticmethod
    def _stored_login(server: str, user: str) -> tuple[str, str | None]:
        """(password or "", token or None) from the keyring."""
        try:
            return credentials.get_password(server, user) or "", credentials.get_token(server, user)
        except credentials.KeyringUnavailable:
            return "", None

    @staticmethod
    def _forget_token_get_password(info: LoginInfo) -> str | None:
        try:
            credentials.forget_token(info.server, info.user)
            return credentials.get_password(info.server, info.user)
        except credentials.KeyringUnavailable:
            return None

    async def login_with_password(self, server: str, ca: str, user: str, password: str) -> str | None:
        """Used by the login screen: connect; on success remember server/user (not secrets)."""
        if not server.startswith("wss://"):
            return "server must start with wss://"
        if not Path(ca).expanduser().is_file():
            return f"CA file not found: {ca}"
        token = None
        if not password:  # "Log in" again after a failure: the login in the keyring
            password, token = await asyncio.to_thread(self._stored_login, server, user)
            if not (password or token):
                return t("login.no_password")
            typed = False
        else:
            typed = True
        info = LoginInfo(server, Path(ca).expanduser(), user, password=password or None,
                         token=None if password else token)
        error = await self.connect(info)
        if error is None:
            self.login_info = LoginInfo(server, info.ca_file, user)
            if typed:
                self._store_secret("password", server, user, password)
            if self.remember_login and self.config.path is None:
                try:
                    save_login(default_config_path(), server, info.ca_file, user)
                except (OSError, ConfigError):
                    pass  # not fatal: the agent types the server again next time
        return error

    async def connect(self, info: LoginInfo, timeout: float = 15.0) -> str | None:
        """Connect and wait for the first welcome. Returns None, or an error in words."""
        if self.client is not None:
            await self.client.close()
            self.client = None
        await self._open_cache(info.server, info.user)
        try:
            client = CenterClient(info.server, info.ca_file, info.user, password=info.password,
                                  token=info.token, on_event=self._on_event,
                                  on_welcome=self._on_welcome, on_status=self._on_status,
                                  on_token=self._on_token, outbox_store=self.cache)
        except ValueError as err:
            return str(err)
        self.client = client
        self._restore_queued(client)
        self._connecting = True
        await client.start()
        try:
            await client.wait_online(timeout)
        except (AuthError, TrustError, UnreachableError) as err:
            self.last_error = err
            await client.close()
            self.client = None
            return str(err) or type(err).__name__
        finally:
            self._connecting = False
        if self.initial_state:
            st, self.initial_state = self.initial_state, None
            if not self.lead.is_lead():  # a lead takes no offers unless they choose to go Available
                await self.set_agent_state_now(st, None)
        return None

    # --- the local cache (issue 8: nothing typed is lost) -----------------------------------------
    async def _open_cache(self, server: str, user: str) -> None:
        """Open the encrypted local cache of this login once; without one, say so."""
        if self._cache_for == (server, user):
            return
        if self.cache is not None:
            self.cache.close()
        self._cache_for = (server, user)
        self.cache, why = await asyncio.to_thread(open_cache, server, user)
        if self.cache is None:
            self.notify(t("cache.none", why=why), title=t("cache.title"), severity="warning",
                        markup=False, timeout=20)
            return
        self._restore_drafts({k: (str(v.get("text") or ""), str(v.get("subject") or ""))
                              for k, v in self.cache.drafts().items()})

    def _restore_drafts(self, drafts: dict[str, tuple[str, str]], tries: int = 50) -> None:
        desk = self.desk_screen()
        try:
            if desk is None:
                raise NoMatches("no desk screen yet")
            composer, team_chat = desk.query_one(Composer), desk.query_one(TeamChat)
            composer.area, team_chat.draft_text()  # NoMatches until their children are composed too
        except NoMatches:
            if tries:  # the desk screen is still composing its panels
                self.set_timer(0.1, lambda: self._restore_drafts(drafts, tries - 1))
            return
        team = drafts.pop(TEAM_DRAFT, None)
        composer.restore_drafts(drafts)
        if team:
            team_chat.restore_draft(*team)

    def _restore_queued(self, client: CenterClient) -> None:
        """Queue again (same ids) what an earlier run left unanswered, and show it as queued."""
        if self.cache is None:
            return
        for p, op, args in restored_pending(self.cache, self.now()):
            self.state.add_pending(p)
            try:
                self._track_pending(p, client.restore(p.local_id, op, args))
            except CommandError as err:
                self.state.resolve_pending(p.local_id, error=err.message)
        self.flush_soon()

    def on_draft_changed(self, msg: DraftChanged) -> None:
        if self.cache is not None:
            try:
                self.cache.set_draft(msg.key, msg.text, msg.subject)
            except Exception as err:  # noqa: BLE001 - a full disk must not stop typing
                self.log.error(f"draft not kept: {err!r}")

    def quit_summary(self) -> QuitSummary:
        desk = self.desk_screen()
        drafts = 0
        if desk is not None:
            drafts = sum(c.unsent_drafts() for c in desk.query(Composer))
            drafts += sum(1 for c in desk.query(TeamChat) if c.draft_text().strip())
        return QuitSummary(queued=len(self.client.outbox) if self.client is not None else 0, drafts=drafts,
                           open_conversations=len(self.state.conversations), cached=self.cache is not None)

    # --- client callbacks (on Textual's loop) ---------------------------------------------------
    def add_event_listener(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Also hand every event frame to ``listener`` (e.g. the softphone controller for
        ``voice.*``), after the desk state has applied it. Runs on Textual's loop."""
        self.event_listeners.append(listener)

    def remove_event_listener(self, listener: Callable[[dict[str, Any]], None]) -> None:
        if listener in self.event_listeners:
            self.event_listeners.remove(listener)

    def _on_event(self, frame: dict[str, Any]) -> None:
        self.state.apply_event(frame)
        self.frames_applied += 1
        for listener in self.event_listeners:
            try:
                listener(frame)
            except Exception as err:  # noqa: BLE001 - one listener must not stop the desk
                self.log.error(f"event listener failed: {err!r}")
        self.flush_soon()

    def _on_welcome(self, frame: dict[str, Any]) -> None:
        self.state.apply_welcome(frame)
        if self.phone is not None:
            self.phone.center_welcome(frame)
        if not frame.get("resumed"):
            self.call_after_refresh(self.collector.start)  # the desk is up: freeze it (once)
            self.run_worker(self._load_reference_data(), group="refdata")
            desk = self.desk_screen()
            if desk is not None:
                desk.load_unread_rooms()  # team chat sent while the agent was away
        self.call_later(self.lead.show_bar)
        self.flush_soon()

    def _on_status(self, status: Any) -> None:
        self.status = status
        self.state.set_queued(getattr(status, "state", "") != "online")
        self.state._mark("connection")
        if (getattr(status, "state", "") == "auth_failed" and not self._connecting
                and not any(isinstance(s, LoginScreen) for s in self.screen_stack)):
            # The token was revoked while the desk ran: ask for the password again.
            self.call_later(self.show_login, getattr(status, "detail", ""))
        self.flush_soon()

    def _on_token(self, token: str) -> None:
        if self.client is not None:
            self._store_secret("token", self.client.server, self.client.user, token)

    def _store_secret(self, kind: str, server: str, user: str, secret: str) -> None:
        """Keep a secret in the OS keyring (in a thread: D-Bus calls block)."""
        async def store() -> None:
            fn = credentials.store_token if kind == "token" else credentials.store_password
            try:
                await asyncio.to_thread(fn, server, user, secret)
            except credentials.KeyringUnavailable as err:
                if not self._keyring_warned:
                    self._keyring_warned = True
                    self.notify(t("keyring.unavailable", why=str(err)), title=t("keyring.title"),
                                severity="warning", markup=False, timeout=15)
        self.run_worker(store(), group="keyring")

    async def _load_reference_data(self) -> None:
        canned = await self.command("canned.list", quiet=True)
        if canned:
            lang = self.config.language
            items = canned.get("canned") or []
            # Own language first so its /shortcut wins when both languages share one.
            self.canned = sorted(items, key=lambda c: 0 if c.get("lang") == lang else 1)
        codes = await self.command("wrapup.codes", quiet=True)
        if codes:
            self.wrapup_codes = codes.get("codes") or []
        self._push_canned()

    def _push_canned(self) -> None:
        mapping: dict[str, str] = {}
        for c in reversed(self.canned):
            mapping[str(c.get("shortcut") or "").lstrip("/").lower()] = str(c.get("text") or "")
        try:
            for area in self.query(ComposerArea):
                area.canned = mapping
        except Exception as err:  # noqa: BLE001 - the desk may not be mounted yet
            self.log.debug(f"canned responses not pushed yet: {err!r}")
        ComposerArea.canned = mapping

    # --- redraw scheduling -------------------------------------------------------------------------
    def flush_soon(self) -> None:
        """Coalesce redraws: many frames in one loop turn give one redraw."""
        if not self._flush_pending:
            self._flush_pending = True
            self.call_later(self.flush)

    def flush(self) -> None:
        self._flush_pending = False
        dirty = self.state.take_dirty()
        if not dirty:
            return
        now = time.monotonic()
        if "presence" in dirty:
            if now - self._last_presence < PRESENCE_MIN_INTERVAL:
                dirty.discard("presence")
                self._presence_deferred = True
            else:
                self._last_presence = now
        if "offers" in dirty:
            new = set(self.state.offers) - self._seen_offers
            if new and self.config.bell:
                self.bell()  # the terminal bell: an offer must not be missed
            self._seen_offers = set(self.state.offers)
        desk = self.desk_screen()
        if desk is not None and dirty:
            try:
                desk.refresh_areas(dirty)
            except NoMatches:
                # The desk screen is still composing (a panel mounts its children a turn after
                # the panel itself): keep the areas dirty and draw them a moment later.
                self.state.dirty |= dirty
                self.set_timer(0.05, self.flush_soon)

    def _presence_tick(self) -> None:
        if self._presence_deferred:
            self._presence_deferred = False
            self._last_presence = time.monotonic()
            desk = self.desk_screen()
            if desk is not None:
                try:
                    desk.refresh_area("presence")
                except NoMatches:  # shutting down (see _tick)
                    return

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self.collector.input_seen()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.collector.stop()

    def _tick(self) -> None:
        self.collector.tick()
        desk = self.desk_screen()
        if desk is None:
            return
        try:
            desk.tick(self.now())
        except NoMatches:
            # Shutting down: the interval can fire once more while the desk's widgets are
            # already being removed. Nothing is left to update.
            return

    def desk_screen(self) -> DeskScreen | None:
        """The desk screen (under any dialogs), or None before it is up."""
        for screen in self.screen_stack:
            if isinstance(screen, DeskScreen):
                return screen
        return None

    # --- commands ------------------------------------------------------------------------------------------
    async def command(self, op: str, quiet: bool = False, **args: Any) -> dict[str, Any] | None:
        """Run ``op`` on the center; None (and a notice unless ``quiet``) on failure."""
        if self.client is None:
            return None
        try:
            return await self.client.call(op, **args)
        except CommandError as err:
            if not quiet:
                self.notify(t("note.error", what=op, why=err.message), severity="error", markup=False)
            return None

    def fire(self, op: str, **args: Any) -> None:
        """Send ``op`` without waiting (queued while offline); errors become notices."""
        self.run_worker(self.command(op, **args), group="fire")

    def send_reply(self, conversation: str, text: str, *, note: bool = False,
                   subject: str | None = None) -> None:
        """Send a reply or note: shown at once as pending, queued while offline."""
        kind = "note" if note else "out"
        p = PendingSend(local_id=uuid.uuid4().hex, conversation=conversation, text=text, kind=kind,
                        at=self.now(), subject=subject, queued=not self.online())
        self.state.add_pending(p)
        self.flush_soon()
        if self.client is None:
            return
        args: dict[str, Any] = {"conversation": conversation, "text": text}
        if subject and not note:
            args["subject"] = subject
        if self.cache is not None:
            self.cache.stage_draft_clear(conversation)  # in the same record as the message
        self._submit_pending(p, "conv.note" if note else "conv.send", args)

    def send_team(self, room: str, text: str) -> None:
        p = PendingSend(local_id=uuid.uuid4().hex, conversation=room, text=text, kind="team",
                        at=self.now(), queued=not self.online())
        self.state.add_pending(p)
        self.flush_soon()
        if self.client is not None:
            if self.cache is not None:
                self.cache.stage_draft_clear(TEAM_DRAFT)  # in the same record as the message
            self._submit_pending(p, "team.send", {"room": room, "text": text})

    def _submit_pending(self, p: PendingSend, op: str, args: dict[str, Any]) -> None:
        try:
            fut = self.client.submit(op, **args)
        except CommandError as err:
            self.state.resolve_pending(p.local_id, error=err.message)
            self.flush_soon()
            return
        finally:
            if self.cache is not None:
                self.cache.flush_staged()
        self._track_pending(p, fut)

    def _track_pending(self, p: PendingSend, fut: asyncio.Future) -> None:
        def done(f: asyncio.Future) -> None:
            if f.cancelled():
                return
            exc = f.exception()
            if exc is not None:
                self.state.resolve_pending(p.local_id, error=getattr(exc, "message", str(exc)))
            else:
                self.state.resolve_pending(p.local_id, message=(f.result() or {}).get("message"))
            self.flush_soon()

        fut.add_done_callback(done)

    def set_agent_state(self, state: str, reason: str | None) -> None:
        self.run_worker(self.set_agent_state_now(state, reason), group="state")

    async def set_agent_state_now(self, state: str, reason: str | None) -> None:
        args: dict[str, Any] = {"state": state}
        if reason:
            args["reason"] = reason
        data = await self.command("state.set", **args)
        if data:
            self.state.set_agent({"state": data.get("state", state), "reason": data.get("reason") or "",
                                  "since": float(data.get("since") or self.now())})
            self.flush_soon()

    def transfer(self, conversation: str, target: dict[str, Any]) -> None:
        async def run() -> None:
            args = {k: v for k, v in target.items() if v}
            data = await self.command("conv.transfer", conversation=conversation, **args)
            if data is not None:
                self.state.conversations.pop(conversation, None)
                self.state._mark("conversations", "messages")
                self.notify(t("note.transferred", to=str(target.get("agent") or target.get("queue"))),
                            markup=False)
                self.flush_soon()
        self.run_worker(run(), group="transfer")

    def wrapup(self, conversation: str, code: str, notes: str | None) -> None:
        async def run() -> None:
            args: dict[str, Any] = {"conversation": conversation, "code": code}
            if notes:
                args["notes"] = notes
            data = await self.command("conv.wrapup", **args)
            if data is not None:
                self.state.conversations.pop(conversation, None)
                self.state._mark("conversations", "messages")
                self.notify(t("note.wrapped", code=code), markup=False)
                if self.cache is not None:
                    self.cache.clear_draft(conversation)
                self.flush_soon()
        self.run_worker(run(), group="wrapup")

    async def kb_search(self, query: str) -> tuple[list[dict[str, Any]], str]:
        """Hits for ``query``: from the center when online, else from cached articles."""
        if self.online():
            data = await self.command("kb.search", quiet=True, query=query[:500], limit=15)
            if data is not None:
                hits = data.get("hits") or []
                for h in hits:
                    self.kb_cache.add_hit(h)
                note = t("kb.did_you_mean", s=data["suggestion"]) if data.get("suggestion") else ""
                return hits, note
        return self.kb_cache.search(query, 15), t("kb.offline", n=len(self.kb_cache))

    async def kb_get(self, aid: str) -> dict[str, Any] | None:
        if self.online():
            article = await self.command("kb.get", id=aid, quiet=True)
            if article:
                self.kb_cache.add_article(article)
                return article
        return self.kb_cache.get(aid)

    # --- app actions -------------------------------------------------------------------------------------
    def action_show_help(self) -> None:
        rows = [(self.key_for(bid), t(label), bid) for bid, _k, _a, label, _s, _p in ACTIONS]
        rows += [("ctrl+p", t("help.palette"), "command_palette"),
                 ("ctrl+q", t("act.quit"), "app.quit"),
                 ("enter", t("act.send"), "composer (chat/SMS/social)"),
                 (self._keymap.get("composer.send", "ctrl+s"), t("act.send"), "composer.send"),
                 (self._keymap.get("composer.quote", "ctrl+g"), t("help.quote"), "composer.quote"),
                 ("alt+enter", t("help.newline"), "composer"),
                 (self._keymap.get("desk.escalate", "alt+e"), t("act.escalate"), "desk.escalate"),
                 (self._keymap.get("desk.announcement_read", ANN_READ_KEY), t("act.ann_read"),
                  "desk.announcement_read")]
        if self.lead.is_lead():
            rows.append((self._keymap.get("app.lead", "ctrl+l"), t("act.lead"), "app.lead"))
        if self.phone is not None:
            rows += self.phone.help_rows()
        info = []
        if self.demo_dir is not None:
            info.append(t("help.data", d=str(self.demo_dir)))
        info.append(t("help.config", p=str(self.config.path or t("common.none"))))
        self.push_screen(HelpScreen(rows, info))

    def action_lead_view(self) -> None:
        self.lead.open_view()

    def action_escalate(self) -> None:
        self.lead.escalate()

    def action_announcement_read(self) -> None:
        self.lead.mark_read()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's palette entries, without its "Theme": the desk's own (F12) is the one entry."""
        return (c for c in super().get_system_commands(screen) if c.title != "Theme")

    def toggle_contrast(self) -> None:
        hc = THEME_NAMES["high-contrast"]
        self.theme = THEME_NAMES.get(self.config.theme, "textual-dark") if self.theme == hc else hc

    async def action_quit(self) -> None:
        """Quit; with queued messages, drafts or open conversations, ask first."""
        summary = self.quit_summary()
        if summary and not any(isinstance(s, QuitConfirm) for s in self.screen_stack):
            self.push_screen(QuitConfirm(summary), self._quit_answered)
            return
        await self.quit_now()

    async def _quit_answered(self, go: bool | None) -> None:
        if go:
            await self.quit_now()

    async def quit_now(self) -> None:
        if self.client is not None:
            await self.client.close()
        if self.cache is not None:
            self.cache.close()
        self.kb_cache_save()
        self.exit()

    def kb_cache_save(self) -> None:
        try:
            self.kb_cache.save()
        except OSError:
            pass


def preview(text: str) -> Text:  # pragma: no cover - helper for manual checks
    return literal(text)
