"""The desk's softphone controller: the pjsua2 :class:`Softphone` on one side, Textual on the other.

``DeskPhone`` is an invisible widget mounted in the desk's call-bar slot next to the
:class:`~agent_tui.widgets.call_bar.CallBar`. It

* starts the phone in a thread worker (never on the UI loop; pjsua2 itself stays on the
  phone's owner thread) and stops it on unmount, in a thread as well;
* turns the phone's events (owner thread) into Textual messages (``post_message`` is
  thread-safe) and keeps one :class:`CallView` per call for the bar;
* takes the center's ``voice.*`` events (the app forwards them, see ``center_event``): in
  direct mode ``voice.offered`` carries a one-time ``pickup`` URI — the desk rings (terminal
  bell, the bar, and the ring tone on the ring device) and *answer* dials that URI; with
  Kamailio a real INVITE rings the phone and *answer* answers it;
* offers every call action (answer, reject, hang up, hold/resume, mute, DTMF, blind and consult
  transfer, conference, dial a number/colleague/the open conversation's customer, audio
  settings) as key bindings with ids (``phone.*``, remappable in the config's ``keys``) on the
  desk screen and as command-palette entries (:class:`PhoneCommands`);
* after a hang-up opens the desk's own wrap-up dialog for the call's conversation.

The phone starts lazily: when the welcome frame names a SIP registrar, on the first
``voice.offered``, on the first phone action, or at once with ``softphone: {start: always}``.
So a desk without voice never loads pjsua2. ``AGENT_TUI_SOFTPHONE=off`` (or
``softphone: {start: never}``) switches the phone off entirely.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import urlsplit

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label

from agent_tui.i18n import language
from agent_tui.palette import ListedCommands
from agent_tui.secure.text import one_line
from agent_tui.widgets.call_bar import CallBar, CallQualityView, CallView

# (binding id, default key, action, English label, Dutch label, show in footer)
PHONE_ACTIONS: list[tuple[str, str, str, str, str, bool]] = [
    ("phone.answer", "ctrl+o", "answer", "Answer call", "Gesprek opnemen", True),
    ("phone.reject", "alt+r", "reject", "Reject call", "Gesprek weigeren", False),
    ("phone.hangup", "alt+h", "hangup", "Hang up", "Ophangen", True),
    ("phone.hold", "alt+p", "hold", "Hold / resume", "Wacht / terug", True),
    ("phone.mute", "alt+m", "mute", "Mute / unmute", "Dempen aan/uit", True),
    ("phone.dtmf", "alt+k", "dtmf", "Keypad (DTMF)", "Toetsen (DTMF)", False),
    ("phone.transfer", "alt+t", "transfer", "Blind transfer call", "Gesprek doorverbinden", False),
    ("phone.consult", "alt+c", "consult", "Consult transfer (start / complete)",
     "Ruggespraak (start / voltooien)", False),
    ("phone.conference", "alt+j", "conference", "Three-way conference", "Driegesprek", False),
    ("phone.dial", "alt+d", "dial", "Dial a number or colleague", "Nummer of collega bellen", False),
    ("phone.call_customer", "alt+u", "call_customer", "Call the customer of this conversation",
     "Klant van dit gesprek bellen", False),
    ("phone.settings", "alt+s", "settings", "Audio settings (headset, test tone)",
     "Geluidsinstellingen (headset, testtoon)", False),
]

ENDED_VISIBLE_S = 5.0  # an ended call stays in the bar this long, then the bar hides
OFFER_MAX_AGE_S = 60.0  # a replayed voice.offered older than this is not rung again
CONVERSATION_HEADER = "X-Agent-Tui-Conversation"


def _label(entry: tuple[str, str, str, str, str, bool]) -> str:
    return entry[4] if language() == "nl" else entry[3]


def phone_bindings() -> list[Binding]:
    """The phone's bindings; action namespace ``phone`` resolves to the app's DeskPhone."""
    return [Binding(key, f"phone.{action}", _label(e), show=show, priority=True, id=bid)
            for e in PHONE_ACTIONS for bid, key, action, _en, _nl, show in [e]]


# Config words → bandwidth profile (agent_tui.sip.profiles). "auto" is low: a home link is thin.
PROFILE_ALIASES = {"auto": "low", "narrowband": "low", "wideband": "normal"}


def profile_name(configured: str | None) -> str:
    """The softphone profile for the config's ``softphone.profile`` value."""
    value = str(configured or "auto").strip().lower()
    return PROFILE_ALIASES.get(value, value)


def phone_off_by_env() -> bool:
    return os.environ.get("AGENT_TUI_SOFTPHONE", "").strip().lower() in ("0", "off", "no", "false")


class PhoneCommands(ListedCommands):
    """Command palette entries for every phone action."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        phone = getattr(self.app, "phone", None)
        if not isinstance(phone, DeskPhone):
            return []
        out: list[tuple[str, str, Callable[[], Any]]] = []
        for e in PHONE_ACTIONS:
            bid, _key, action = e[0], e[1], e[2]
            out.append((f"Phone: {_label(e)}", f"{phone.key_for(bid)} · {bid}",
                        lambda a=action: phone.run_phone_action(a)))
        return out


class PromptScreen(ModalScreen[Any]):
    """One line of input (dial target, DTMF digits); Enter returns it, Esc cancels."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 60; max-width: 95%; height: auto; border: thick $primary;
                              background: $surface; padding: 0 1; }
    PromptScreen .title { text-style: bold; padding: 0 0 1 0; }
    PromptScreen .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, title: str, placeholder: str = "", hint: str = "",
                 on_char: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.title_text, self.placeholder, self.hint_text = title, placeholder, hint
        self.on_char = on_char  # DTMF: every typed digit is sent at once (the IVR hears it as typed)
        self._prev = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", markup=False)
            yield Input(placeholder=self.placeholder, id="prompt-input")
            if self.hint_text:
                yield Label(self.hint_text, classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.on_char is not None:
            if event.value.startswith(self._prev):
                for ch in event.value[len(self._prev):]:
                    self.on_char(ch)
            self._prev = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DeskPhone(Widget):
    """The softphone controller (see the module docstring). Invisible; lives in the call-bar slot."""

    DEFAULT_CSS = "DeskPhone { display: none; }"

    class SipEvent(Message):
        """A phone event (a plain dataclass from agent_tui.sip.events), on the UI loop."""

        def __init__(self, event: object) -> None:
            super().__init__()
            self.event = event

    def __init__(self, bar: CallBar, *, id: str | None = "desk-phone") -> None:
        super().__init__(id=id)
        self.bar = bar
        self.phone: Any = None  # agent_tui.sip.phone.Softphone once started
        self.phone_state = "off"  # off | starting | ready | failed | stopped
        self.phone_error = ""
        self.notice = ""
        self.views: dict[str, CallView] = {}  # view key -> view, in arrival order
        self.welcome_voice: dict[str, Any] = {}
        self._start_task: asyncio.Future | None = None
        self._wrapup_done: set[str] = set()
        self.events_seen: list[str] = []  # kinds of phone events handled (tests, bench)
        self.ring_shown_at: dict[str, float] = {}  # conversation -> time.time() the bar rang (bench)
        self.ring_latency_ms: dict[str, float] = {}  # conversation -> voice.offered ts → bar ringing
        self.level_listener: Callable[[float, float], None] | None = None
        self._starting_phone: Any = None
        self._start_finished = threading.Event()  # set when a start attempt has returned
        self._start_finished.set()

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        app = self.app
        app.phone = self  # type: ignore[attr-defined]
        add_listener = getattr(app, "add_event_listener", None)
        if callable(add_listener):
            add_listener(self.center_event)
        targets = getattr(app, "_action_targets", None)
        if isinstance(targets, set):
            targets.add("phone")  # binding actions "phone.x" run on this widget
        screen = self.screen
        for b in phone_bindings():
            screen._bindings._add_binding(b)
        # The palette asks the calling screen for providers; add ours to the desk's set.
        screen.COMMANDS = set(getattr(screen, "COMMANDS", set())) | {PhoneCommands}  # type: ignore[misc]
        self.bar.keys = self.hint_keys()
        if self._start_policy() == "always":
            self.ensure_started()

    def on_unmount(self) -> None:
        phone, self.phone = self.phone or self._starting_phone, None
        self._starting_phone = None
        if getattr(self.app, "phone", None) is self:
            self.app.phone = None  # type: ignore[attr-defined]
        listeners = getattr(self.app, "event_listeners", None)
        if isinstance(listeners, list) and self.center_event in listeners:
            listeners.remove(self.center_event)
        if phone is not None:
            self.phone_state = "stopped"
            # Blocking (hangs up, destroys the library ≤ ~3 s): in its own thread, not awaited,
            # so the desk closes at once. Not a daemon: the interpreter waits for it at exit, so
            # pjsua2 is always destroyed on its owner thread, never by garbage collection.
            finished = self._start_finished

            def stop() -> None:
                finished.wait(30)  # a start still running must finish before we stop it
                phone.stop()

            threading.Thread(target=stop, name="softphone-stop", daemon=False).start()

    def _start_policy(self) -> str:
        if phone_off_by_env():
            return "never"
        sp = getattr(getattr(self.app, "config", None), "softphone", None)
        opt = str((getattr(sp, "options", {}) or {}).get("start", "auto")).lower()
        return opt if opt in ("auto", "always", "never") else "auto"

    def key_for(self, binding_id: str) -> str:
        keymap = getattr(self.app, "_keymap", {}) or {}
        if binding_id in keymap:
            return str(keymap[binding_id]).split(",")[0]
        return next((k for bid, k, *_ in PHONE_ACTIONS if bid == binding_id), "?")

    def help_rows(self) -> list[tuple[str, str, str]]:
        """(key, label, binding id) of every phone action, for the desk's help screen."""
        return [(self.key_for(e[0]), _label(e), e[0]) for e in PHONE_ACTIONS]

    def hint_keys(self) -> dict[str, str]:
        keys = {a: self.key_for(bid) for bid, _k, a, *_ in PHONE_ACTIONS}
        key_for = getattr(self.app, "key_for", None)
        keys["wrapup"] = key_for("desk.wrapup") if callable(key_for) else "ctrl+w"
        return keys

    # ------------------------------------------------------------------ starting the phone
    def _login(self) -> tuple[str, str, str, str | None]:
        """(server, ca_file, user, password) of the desk's session."""
        app = self.app
        client = getattr(app, "client", None)
        info = getattr(app, "login_info", None)
        server = str(getattr(client, "server", "") or getattr(info, "server", "") or "")
        ca = str(getattr(client, "ca_file", "") or getattr(info, "ca_file", "") or "")
        user = str(getattr(client, "user", "") or getattr(info, "user", "") or "")
        password = getattr(info, "password", None)
        return server, ca, user, password

    def ensure_started(self) -> asyncio.Future | None:
        """Start the phone in a thread if it is not running; returns the start task."""
        if self.phone_state in ("starting", "ready"):
            return self._start_task
        if self._start_policy() == "never":
            self.phone_error = "the softphone is switched off (AGENT_TUI_SOFTPHONE / softphone.start)"
            return None
        _server, ca, user, _pw = self._login()
        if not (ca and user):
            return None
        self.phone_state = "starting"
        self._start_task = asyncio.ensure_future(self._start())
        return self._start_task

    async def _start(self) -> None:
        server, ca, user, password = self._login()
        if self.sip_settings().get("registrar") and not password:
            password = await asyncio.to_thread(self._keyring_password, server, user)
        try:
            phone = await asyncio.to_thread(self._make_and_start, server, ca, user, password)
        except Exception as exc:  # noqa: BLE001 - SipError, missing pjsua2, bad profile: words
            self.phone_state = "failed"
            self.phone_error = str(exc) or type(exc).__name__
            self.app.notify(f"Softphone: {self.phone_error}", severity="error", markup=False, timeout=10)
            return
        if not self.is_attached:  # the desk closed while we started
            if self._starting_phone is phone:  # ... before the phone existed: stop it here
                self._starting_phone = None
                threading.Thread(target=phone.stop, name="softphone-stop", daemon=False).start()
            return
        self.phone = phone
        self._starting_phone = None
        self.phone_state = "ready"

    @staticmethod
    def _keyring_password(server: str, user: str) -> str | None:
        try:
            from agent_tui.core import credentials

            return credentials.get_password(server, user)
        except Exception:  # noqa: BLE001 - no keyring: register without (the registrar says no)
            return None

    def _make_and_start(self, server: str, ca: str, user: str, password: str | None) -> Any:
        """Thread: build and start the Softphone (blocking ≤ 15 s)."""
        from agent_tui.sip.account import AccountSpec
        from agent_tui.sip.engine import EngineConfig
        from agent_tui.sip.phone import HeadsetSpec, Softphone
        from agent_tui.sip.profiles import PROFILES

        sp = self.app.config.softphone  # type: ignore[attr-defined]
        profile = profile_name(sp.profile) if profile_name(sp.profile) in PROFILES else "low"
        info = self.sip_settings()
        host = urlsplit(server).hostname or "127.0.0.1"
        registrar = str(info.get("registrar") or "")
        proxy = str(info.get("proxy") or "")
        if registrar and not proxy:
            # Calls we place (consult, dial) go through the registrar too; the domain alone has no port.
            proxy = registrar if ";lr" in registrar else registrar + ";lr"
        account = AccountSpec(user=user, domain=str(info.get("domain") or host), registrar=registrar,
                              proxy=proxy, password=password)
        log_file = (sp.options or {}).get("log_file")
        engine = EngineConfig(ca_file=ca, profile=profile, log_file=log_file,
                              log_level=4 if log_file else 0)
        media = HeadsetSpec(input_device=sp.input_device, output_device=sp.output_device,
                            ring_device=sp.ring_device)
        phone = Softphone(engine, account, on_event=self._from_owner_thread, media=media,
                          level_interval=0.25)
        # Commands are thread-safe from here on; events (e.g. a call ringing at once after the
        # registration) can reach the UI before start() returns to us.
        self._starting_phone = phone
        self._start_finished.clear()
        try:
            phone.start()
        except BaseException:
            self._starting_phone = None
            raise
        finally:
            self._start_finished.set()
        return phone

    def restart_when_idle(self) -> None:
        """New devices chosen: restart a running phone now if no call is up (else after it)."""
        if self.phone is None or self.phone_state != "ready":
            return
        if any(v.live for v in self.views.values()):
            self.set_timer(5.0, self.restart_when_idle)
            return
        phone, self.phone = self.phone, None
        self.phone_state = "off"

        async def run() -> None:
            await asyncio.to_thread(phone.stop)
            self.ensure_started()

        self.run_worker(run(), group="phone-restart")

    def _from_owner_thread(self, event: object) -> None:
        # pjsua2 owner thread: never block here, never touch widgets. post_message is thread-safe.
        try:
            self.post_message(DeskPhone.SipEvent(event))
        except Exception:  # noqa: BLE001, S110 - the app is gone (shutdown): drop the event
            pass

    async def _phone(self) -> Any:
        """The running phone, starting it if needed; None (with a notice) when it cannot run."""
        task = self.ensure_started()
        if task is not None and self.phone is None:
            await asyncio.shield(task)
        if self.phone is None:
            self.app.notify(f"Softphone not available: {self.phone_error or 'not logged in'}",
                            severity="error", markup=False)
        return self.phone

    # ------------------------------------------------------------------ center events (app forwards)
    def sip_settings(self) -> dict[str, Any]:
        """SIP settings: the welcome frame's ``voice`` mapping, overridden by the config's
        ``softphone: {registrar, domain, proxy}`` (for a center that does not publish them)."""
        info = dict(self.welcome_voice)
        sp = getattr(getattr(self.app, "config", None), "softphone", None)
        for key in ("registrar", "domain", "proxy"):
            value = (getattr(sp, "options", {}) or {}).get(key)
            if value:
                info[key] = str(value)
        return info

    def center_welcome(self, frame: dict[str, Any]) -> None:
        """The welcome frame: SIP settings (registrar/domain) when the center publishes them."""
        info = frame.get("voice") or frame.get("sip")
        if isinstance(info, dict):
            self.welcome_voice = dict(info)
        policy = self._start_policy()
        if policy == "always" or (policy == "auto" and self.sip_settings().get("registrar")):
            self.ensure_started()  # a registered phone must be up before a call comes

    def center_event(self, frame: dict[str, Any]) -> None:
        """Every event frame the desk receives; the phone acts on voice and offer changes."""
        kind = str(frame.get("kind") or "")
        data = frame.get("data") or {}
        if not isinstance(data, dict):
            return
        if kind == "voice.offered":
            ts = float(frame.get("ts") or time.time())
            if time.time() - ts > OFFER_MAX_AGE_S:
                return  # replayed after a reconnect: that call is long gone
            self._voice_offered(data)
            conv = str(data.get("conversation") or "")
            if conv in self.ring_shown_at:
                # Center's event time → the bar ringing (bench hook; same clock on one machine).
                self.ring_latency_ms.setdefault(conv, round((self.ring_shown_at[conv] - ts) * 1000, 1))
        elif kind == "voice.answered":
            v = self._by_conversation(str(data.get("conversation") or ""))
            if v is not None and not v.codec and data.get("codec"):
                v.codec = str(data["codec"])
                self._redraw()
        elif kind == "voice.ended":
            self._voice_ended(data)
        elif kind == "offer.revoked":
            oid = str(data.get("offer") or "")
            for v in list(self.views.values()):
                if v.offer == oid and v.key.startswith("offer:") and v.live:
                    self._drop_offer(v)
        elif kind == "conv.assigned":
            conv_data = data.get("conversation")
            cid = str(conv_data.get("id") if isinstance(conv_data, dict) else conv_data or "")
            v = self._by_conversation(cid)
            if v is not None and v.phase == "ringing":
                # Accepted on the desk (F8 on the offer banner): take the call on the phone too.
                self.answer_view(v)

    def _voice_offered(self, data: dict[str, Any]) -> None:
        conv = str(data.get("conversation") or "")
        existing = self._by_conversation(conv)
        if existing is not None and existing.live:
            existing.offer = str(data.get("offer") or existing.offer)
            existing.pickup = str(data.get("pickup") or existing.pickup)
            self._redraw()
            return
        v = CallView(key=f"offer:{conv}", phase="ringing", caller=str(data.get("caller") or ""),
                     conversation=conv, offer=str(data.get("offer") or ""),
                     pickup=str(data.get("pickup") or ""))
        if not v.pickup:
            # Kamailio mode: the INVITE rings the phone; this view waits for it.
            self.ensure_started()
        self.views[v.key] = v
        self._ring_ui(v)
        if v.pickup:
            self._ring_phone(v.key, True)

    def _voice_ended(self, data: dict[str, Any]) -> None:
        conv = str(data.get("conversation") or "")
        v = self._by_conversation(conv)
        if v is None:
            return
        if v.key.startswith("offer:") and v.live:
            self._drop_offer(v, reason=str(data.get("reason") or ""))

    def _drop_offer(self, v: CallView, reason: str = "") -> None:
        self._ring_phone(v.key, False)
        v.phase = "ended"
        v.reason = reason or "offer withdrawn"
        v.ended_at = time.time()
        self._after_end(v)

    def _ring_ui(self, v: CallView) -> None:
        self.ring_shown_at.setdefault(v.conversation or v.key, time.time())
        self._redraw()
        if getattr(getattr(self.app, "config", None), "bell", True):
            self.app.bell()

    @work(group="phone-ring")
    async def _ring_phone(self, tag: str, on_: bool) -> None:
        if on_:
            phone = await self._phone()
        else:
            phone = self.phone
        if phone is not None:
            phone.ring(tag, on_)

    # ------------------------------------------------------------------ phone events
    @on(SipEvent)
    def _sip_event(self, msg: SipEvent) -> None:
        from agent_tui.sip import events as ev

        e = msg.event
        self.events_seen.append(type(e).__name__)
        if isinstance(e, ev.IncomingCall):
            conv = e.headers.get(CONVERSATION_HEADER, "") if e.headers else ""
            offered = self._by_conversation(conv) if conv else None
            # The center's INVITE comes from its voice engine: the customer's number is in a header.
            caller = (e.headers or {}).get("X-Agent-Tui-Caller") or (offered.caller if offered else "")
            v = CallView(key=e.call, phase="ringing", caller=caller or e.caller_id,
                         name=e.display_name, conversation=conv)
            answering = False
            if offered is not None and offered.key.startswith("offer:"):
                v.offer = offered.offer
                answering = offered.phase == "calling"  # the agent already pressed answer
                self.views.pop(offered.key, None)
            self.views[v.key] = v
            starting = getattr(self, "_starting_phone", None)
            phone = self.phone or starting
            if answering and phone is not None:
                v.phase = "calling"
                phone.answer(v.key)
                self._redraw()
            elif offered is not None:
                self._redraw()  # the bar and the bell already rang for the offer
            else:
                self._ring_ui(v)
            return
        if isinstance(e, ev.AudioLevel):
            if self.level_listener is not None:
                self.level_listener(e.mic_dbfs, e.speaker_dbfs)
            return
        if isinstance(e, ev.AudioDeviceError):
            self.notice = e.message
            self.app.notify(f"Headset: {e.message}", severity="warning", markup=False, timeout=10)
            self._redraw()
            return
        if isinstance(e, (ev.RegistrationFailed, ev.TlsFailure)):
            self.app.notify(f"Softphone: {e.message}", severity="error", markup=False, timeout=10)
            return
        if isinstance(e, ev.CommandFailed):
            if e.command != "ring":
                self.app.notify(f"Phone {e.command}: {e.message}", severity="error", markup=False)
            failed = self.views.get(e.call)
            if failed is not None and failed.phase == "transferring":
                failed.phase = "connected"
                failed.transfer_target = ""
                self._redraw()
            return
        found = self.views.get(getattr(e, "call", "") or "")
        if found is None:
            return
        v = found
        if isinstance(e, ev.CallState):
            self._call_state(v, e)
        elif isinstance(e, ev.CallMedia):
            v.codec, v.profile, v.srtp = e.codec or v.codec, e.profile or v.profile, e.srtp_suite
            v.muted = e.muted
            v.held = e.status == "local_hold"
            v.remote_held = e.status == "remote_hold"
        elif isinstance(e, ev.CallQuality):
            v.quality = CallQualityView(rtt_ms=e.rtt_ms, jitter_ms=e.jitter_ms, loss_pct=e.loss_pct,
                                        mos=e.mos, degraded=e.degraded, warning=e.warning)
        elif isinstance(e, ev.TransferStatus) and (e.final or e.status_code >= 200):
            if 200 <= e.status_code < 300:
                v.phase = "transferred"
                if self.phone is not None:
                    self.phone.hangup(v.key)  # our part is done; the far end moved on
            else:
                v.phase = "connected"
                self.app.notify(f"Transfer failed: {e.status_code} {e.reason}", severity="error",
                                markup=False)
                v.transfer_target = ""
        self._redraw()

    def _call_state(self, v: CallView, e: Any) -> None:
        if e.state == "answered":
            if v.answered_at is None:
                v.answered_at = time.time()
            if v.phase in ("ringing", "calling"):
                v.phase = "connected"
        elif e.state in ("calling", "ringing") and v.direction == "out" and v.phase != "connected":
            v.phase = "calling"
        elif e.state == "ended":
            v.ended_at = time.time()
            if v.phase in ("transferring", "transferred"):
                v.phase = "transferred"
            elif v.answered_at is None and v.direction == "out":
                v.phase = "failed"
                v.reason = f"{e.status_code} {e.reason}".strip()
            else:
                v.phase = "ended"
                if v.answered_at is None and e.reason:
                    v.reason = str(e.reason)
            self._after_end(v)

    def _after_end(self, v: CallView) -> None:
        self._redraw()
        self.set_timer(ENDED_VISIBLE_S, lambda: self._forget(v.key))
        # A consult call's partner comes off hold as the only call again.
        if v.phase == "ended" and v.answered_at is not None and v.conversation and not v.consult_of:
            self.open_wrapup(v.conversation)

    def _forget(self, key: str) -> None:
        v = self.views.get(key)
        if v is not None and not v.live:
            del self.views[key]
            self._redraw()

    # ------------------------------------------------------------------ wrap-up
    def open_wrapup(self, conversation: str, tries: int = 20) -> None:
        """Open the desk's wrap-up dialog for ``conversation`` (once it is known to the desk)."""
        if conversation in self._wrapup_done:
            return
        app = self.app
        desk = app._desk() if hasattr(app, "_desk") else None  # type: ignore[attr-defined]
        state = getattr(app, "state", None)
        known = state is not None and conversation in getattr(state, "conversations", {})
        if desk is None or not known or app.screen is not desk:
            if tries > 0:  # the conversation may still be on its way, or a dialog is open
                self.set_timer(0.5, lambda: self.open_wrapup(conversation, tries - 1))
            else:
                app.notify(f"Call ended — wrap up conversation {conversation} ({self.hint_keys()['wrapup']})",
                           markup=False, timeout=15)
            return
        self._wrapup_done.add(conversation)
        desk.open_conversation(conversation)  # type: ignore[attr-defined]
        desk.action_wrapup()  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ drawing
    def _by_conversation(self, conv: str) -> CallView | None:
        if not conv:
            return None
        found = [v for v in self.views.values() if v.conversation == conv]
        live = [v for v in found if v.live]
        pick = live or found
        return pick[-1] if pick else None

    def _redraw(self) -> None:
        views = list(self.views.values())
        views.sort(key=lambda v: (not v.live, bool(v.consult_of)))
        self.bar.show_calls(views, self.hint_keys(), notice=self.notice if any(v.live for v in views) else "")
        try:
            self.screen.refresh_bindings()
        except Exception:  # noqa: BLE001, S110 - not mounted yet / shutting down
            pass

    # ------------------------------------------------------------------ which call
    def current(self) -> CallView | None:
        """The call the keys act on: a connected non-consult call first, else any live one."""
        live = [v for v in self.views.values() if v.live]
        for pred in (lambda v: v.phase == "connected" and not v.held and not v.consult_of,
                     lambda v: v.phase == "connected" and not v.consult_of,
                     lambda v: v.phase != "ringing"):
            for v in live:
                if pred(v):
                    return v
        return None

    def ringing(self) -> CallView | None:
        return next((v for v in self.views.values() if v.phase == "ringing"), None)

    def consult_pair(self) -> tuple[CallView, CallView] | None:
        for v in self.views.values():
            if v.consult_of and v.live and v.consult_of in self.views and self.views[v.consult_of].live:
                return self.views[v.consult_of], v
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Footer: show only what makes sense now (the keys still answer with a notice)."""
        if action == "answer" or action == "reject":
            return self.ringing() is not None
        if action in ("hangup", "hold", "mute", "dtmf", "transfer", "consult", "conference"):
            return self.current() is not None or (action == "hangup" and self.ringing() is not None)
        return True

    # ------------------------------------------------------------------ actions
    def run_phone_action(self, action: str) -> None:
        """Run ``action`` (palette entries call this)."""
        method = getattr(self, f"action_{action}", None)
        if callable(method):
            result = method()
            if asyncio.iscoroutine(result):
                self.run_worker(result, group="phone-action")

    def answer_view(self, v: CallView) -> None:
        self._answer(v.key)

    def action_answer(self) -> None:
        v = self.ringing()
        if v is None:
            self.app.notify("No call is ringing", markup=False)
            return
        self._answer(v.key)

    def _answer(self, key: str) -> None:
        v = self.views.get(key)
        if v is None or v.phase != "ringing":
            return
        # Marked at once, before the worker runs: an INVITE arriving in between (registrar mode)
        # sees that the agent already answered and picks the call up itself.
        v.phase = "calling"
        self._redraw()
        self._answer_worker(key)

    @work(group="phone-answer")
    async def _answer_worker(self, key: str) -> None:
        phone = await self._phone()
        v = self.views.get(key)
        if v is None:
            return  # merged into the SIP call, which was answered on arrival
        if phone is None:
            v.phase = "ringing"
            self._redraw()
            return
        if key.startswith("offer:") and not v.pickup:
            # Registrar mode: the center's INVITE is on its way to the phone; answer it on arrival.
            deadline = time.monotonic() + 10.0
            while time.monotonic() < deadline:
                sip = next((c for c in self.views.values() if c.conversation == v.conversation
                            and not c.key.startswith("offer:") and c.live), None)
                if sip is not None:
                    if sip.phase == "ringing":
                        sip.phase = "calling"
                        phone.answer(sip.key)
                    self.views.pop(key, None)
                    self._redraw()
                    return
                await asyncio.sleep(0.05)  # waiting for a SIP event that has a deadline
            v.phase = "ringing"
            self.app.notify("The call has not reached the softphone (is it registered?)",
                            severity="error", markup=False)
            self._redraw()
            return
        if key.startswith("offer:"):
            phone.ring(key, False)
            try:
                call_key = await asyncio.wrap_future(phone.dial(v.pickup))
            except Exception:  # noqa: BLE001 - CommandFailed event tells the agent
                v.phase, v.reason, v.ended_at = "failed", "could not take the call", time.time()
                self._after_end(v)
                return
            self.views.pop(key, None)
            v.key = str(call_key)
            v.direction = "in"  # the customer called us; the pickup dial is plumbing
            self.views[v.key] = v
            self.ring_shown_at.pop(v.conversation, None)
        else:
            phone.answer(key)
        self._redraw()

    def action_reject(self) -> None:
        v = self.ringing()
        if v is None:
            return
        if v.key.startswith("offer:"):
            self._ring_phone(v.key, False)
            if v.offer:
                fire = getattr(self.app, "fire", None)
                if callable(fire):
                    fire("offer.decline", offer=v.offer)
            v.phase, v.reason, v.ended_at = "ended", "rejected", time.time()
            self._after_end(v)
        elif self.phone is not None:
            self.phone.reject(v.key)

    def action_hangup(self) -> None:
        v = self.current()
        if v is None:
            if self.ringing() is not None:
                self.action_reject()
            return
        if v.key.startswith("offer:") or self.phone is None:
            return
        if v.extra.get("conference"):  # leave the conference: every leg of it ends
            for c in list(self.views.values()):
                if c.live and c.extra.get("conference") and c is not v:
                    self.phone.hangup(c.key)
        self.phone.hangup(v.key)

    def action_hold(self) -> None:
        v = self.current()
        if v is None or self.phone is None or v.key.startswith("offer:"):
            return
        (self.phone.resume if v.held else self.phone.hold)(v.key)

    def action_mute(self) -> None:
        v = self.current()
        if v is None or self.phone is None or v.key.startswith("offer:"):
            return
        self.phone.mute(v.key, not v.muted)

    def action_dtmf(self) -> None:
        v = self.current()
        if v is None or self.phone is None:
            return
        key = v.key

        def send(ch: str) -> None:
            if ch.upper() in "0123456789*#ABCD" and self.phone is not None:
                self.phone.dtmf(key, ch.upper())

        self.app.push_screen(PromptScreen("DTMF", "0-9 * #", "Digits are sent as you type; Enter closes.",
                                          on_char=send))

    def action_transfer(self) -> None:
        """Blind transfer to a colleague or a queue (the desk's picker), or a typed number."""
        v = self.current()
        if v is None or self.phone is None:
            self.app.notify("No call to transfer", markup=False)
            return
        self._pick_target(lambda target: self._blind(v.key, target), v.caller or v.conversation)

    def _pick_target(self, then: Callable[[str], None], who: str) -> None:
        from agent_tui.screens.transfer import TransferScreen

        state = getattr(self.app, "state", None)
        if state is None:
            self.app.push_screen(PromptScreen("Transfer to", "colleague, queue or number"),
                                 lambda r: then(str(r)) if r else None)
            return

        def done(result: Any) -> None:
            if isinstance(result, dict):
                target = result.get("agent") or result.get("queue")
                if target:
                    then(str(target))

        self.app.push_screen(TransferScreen(state, one_line(who, 40)), done)

    def _blind(self, key: str, target: str) -> None:
        v = self.views.get(key)
        if v is None or self.phone is None:
            return
        v.phase, v.transfer_target = "transferring", target
        self._redraw()
        self.phone.transfer(key, target)

    def action_consult(self) -> None:
        """First press: hold the call and call a colleague. Second press: complete the transfer."""
        pair = self.consult_pair()
        if pair is not None and self.phone is not None:
            first, second = pair
            first.phase, first.transfer_target = "transferring", second.caller
            self._redraw()
            self.phone.consult_transfer(first.key, second.key)
            return
        v = self.current()
        if v is None or self.phone is None:
            self.app.notify("No call to transfer", markup=False)
            return
        def consult_with(target: str) -> None:
            self._start_consult(v.key, target)

        self._pick_target(consult_with, v.caller)

    @work(group="phone-dial")
    async def _start_consult(self, key: str, target: str) -> None:
        phone = self.phone
        first = self.views.get(key)
        if phone is None or first is None:
            return
        if not first.held:
            phone.hold(key)
        await self._dial(target, near=key, consult_of=key)

    def action_conference(self) -> None:
        pair = self.consult_pair()
        if pair is None or self.phone is None:
            self.app.notify("Start a consult call first", markup=False)
            return
        first, second = pair
        first.extra["conference"] = second.extra["conference"] = True
        self.phone.conference(first.key, second.key)  # the customer comes off hold
        self._redraw()

    def action_dial(self) -> None:
        def done(target: Any) -> None:
            if target:
                self.run_worker(self._dial(str(target)), group="phone-dial")

        self.app.push_screen(PromptScreen("Call", "number, colleague (agent2) or sip:uri"), done)

    def call_colleague(self, user: str) -> None:
        """Call a colleague picked in the presence list (through the registrar, like alt+d)."""
        self.run_worker(self._dial(user), group="phone-dial")

    def action_call_customer(self) -> None:
        app = self.app
        desk = app._desk() if hasattr(app, "_desk") else None  # type: ignore[attr-defined]
        if desk is None:
            return
        from agent_tui.widgets.conversation_pane import ConversationPane

        cid = desk.query_one(ConversationPane).current
        c = app.state.conversations.get(cid or "")  # type: ignore[attr-defined]
        cust = (c.summary.get("customer") or {}) if c is not None else {}
        number = str(cust.get("phone") or cust.get("id") or "")
        if not number or not any(ch.isdigit() for ch in number):
            app.notify("This conversation's customer has no phone number", markup=False)
            return
        self.run_worker(self._dial(number, conversation=str(cid)), group="phone-dial")

    async def _dial(self, target: str, near: str = "", consult_of: str = "",
                    conversation: str = "") -> None:
        if not near:
            # Direct mode has no registrar: place the call through the SIP server of a live call.
            near = next((v.key for v in self.views.values() if v.live and not v.key.startswith("offer:")), "")
        direct = not self.sip_settings().get("registrar")
        if direct and not near and not target.startswith(("sip:", "sips:")):
            self.app.notify("Outbound calls need the center's SIP registrar (Kamailio). In direct mode "
                            "(the demo) you take the calls offered to you, and transfer or consult "
                            "during a call.", severity="warning", markup=False, timeout=10)
            return
        phone = await self._phone()
        if phone is None:
            return
        v = CallView(key=f"dial:{time.monotonic()}", phase="calling", direction="out", caller=target,
                     consult_of=consult_of, conversation=conversation)
        self.views[v.key] = v
        self._redraw()
        try:
            call_key = await asyncio.wrap_future(phone.dial(target, near=near))
        except Exception as exc:  # noqa: BLE001 - in words on the bar
            v.phase, v.reason, v.ended_at = "failed", str(exc), time.time()
            self._after_end(v)
            return
        self.views.pop(v.key, None)
        v.key = str(call_key)
        self.views[v.key] = v
        self._redraw()

    def action_settings(self) -> None:
        from agent_tui.screens.audio_settings import AudioSettingsScreen

        self.app.push_screen(AudioSettingsScreen(self))


def call_bar_widgets() -> list[Widget]:
    """What the desk mounts in its call-bar slot: the bar and its (invisible) controller."""
    bar = CallBar()
    return [bar, DeskPhone(bar)]
