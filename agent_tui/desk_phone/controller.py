"""The desk's softphone controller: the pjsua2 :class:`Softphone` on one side, Textual on the other.

``DeskPhone`` is an invisible widget mounted in the desk's call-bar slot next to the
:class:`~agent_tui.widgets.call_bar.CallBar`. It is thin on purpose:

* it starts the phone in a thread worker (never on the UI loop; pjsua2 itself stays on the
  phone's owner thread) and stops it on unmount, in a thread as well;
* it turns the phone's events (owner thread → ``post_message``) into the inputs of the pure
  :class:`~agent_tui.core.call_state.CallBoard`, hands it the center's event frames (the app's
  event listeners), redraws the bar from it and carries out the effects it returns: ring the
  ring device, answer, hang up, decline the offer at the center, notices, the wrap-up dialog;
* it offers every call action (answer, reject, hang up, hold/resume, mute, DTMF, blind and
  consult transfer, conference, dial a number/colleague/the open conversation's customer, audio
  settings) as key bindings on the desk screen and as command-palette entries (both from the
  table in ``desk_phone/keys.py``).

In direct mode ``voice.offered`` carries a one-time ``pickup`` URI — the desk rings (terminal
bell, the bar, and the ring tone on the ring device) and *answer* dials that URI; with Kamailio a
real INVITE rings the phone and *answer* answers it.

The phone starts lazily: when the welcome frame names a SIP registrar, on the first
``voice.offered``, on the first phone action, or at once with ``softphone: {start: always}``.
So a desk without voice never loads pjsua2. ``AGENT_TUI_SOFTPHONE=off`` (or
``softphone: {start: never}``) switches the phone off entirely.

What the controller needs from the app and the desk screen is typed in ``desk_phone/host.py``;
building the phone and reading its events is ``desk_phone/adapter.py``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any, cast

from textual import on, work
from textual.message import Message
from textual.widget import Widget

from agent_tui.core.call_state import (
    MONITOR_PREFIX,
    AnswerSip,
    Bell,
    CallBoard,
    CallView,
    DeclineOffer,
    Effect,
    Ended,
    HangUpSip,
    Notice,
    RingTone,
    StartPhone,
    TakeCall,
    customer_number,
)
from agent_tui.core.config import Config
from agent_tui.desk_phone.adapter import (
    build_softphone,
    call_input,
    keyring_password,
    sip_settings,
    start_policy,
)
from agent_tui.desk_phone.host import PhoneHost
from agent_tui.desk_phone.keys import PHONE_ACTIONS, phone_bindings
from agent_tui.i18n import t
from agent_tui.screens.audio_settings import AudioSettingsScreen
from agent_tui.screens.prompt import PromptScreen
from agent_tui.screens.transfer import TransferScreen
from agent_tui.secure.text import one_line
from agent_tui.sip import events as ev
from agent_tui.sip.autoanswer import new_token
from agent_tui.widgets.call_bar import CallBar

ENDED_VISIBLE_S = 5.0  # an ended call stays in the bar this long, then the bar hides
CENTER_KINDS = frozenset({"voice.offered", "voice.answered", "voice.ended", "offer.revoked",
                          "conv.assigned", "voice.monitor"})  # the center's events that can change the bar


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
        self.board = CallBoard()
        self.phone: Any = None  # agent_tui.sip.phone.Softphone once started
        self.phone_state = "off"  # off | starting | ready | failed | stopped
        self.phone_error = ""
        self.welcome_voice: dict[str, Any] = {}
        self._start_task: asyncio.Future | None = None
        self._wrapup_done: set[str] = set()
        self.events_seen: list[str] = []  # kinds of phone events handled (tests, bench)
        self.level_listener: Callable[[float, float], None] | None = None
        self._starting_phone: Any = None
        self._start_finished = threading.Event()  # set when a start attempt has returned
        self._start_finished.set()

    @property
    def host(self) -> PhoneHost:
        return cast("PhoneHost", self.app)

    @property
    def config(self) -> Config:
        return self.host.config

    # what tests and benchmarks read
    @property
    def views(self) -> dict[str, CallView]:
        return self.board.views

    @property
    def ring_shown_at(self) -> dict[str, float]:
        return self.board.ring_shown_at

    @property
    def ring_latency_ms(self) -> dict[str, float]:
        return self.board.ring_latency_ms

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        host = self.host
        host.phone = self  # binding actions "phone.x" run on this widget
        host.add_event_listener(self.center_event)
        desk = host.desk_screen()
        if desk is not None:
            desk.add_bindings(phone_bindings())
        self.bar.keys = self.hint_keys()
        if self._start_policy() == "always":
            self.ensure_started()

    def on_unmount(self) -> None:
        phone, self.phone = self.phone or self._starting_phone, None
        self._starting_phone = None
        host = self.host
        if host.phone is self:
            host.phone = None
        host.remove_event_listener(self.center_event)
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
        return start_policy(self.config)

    def key_for(self, binding_id: str) -> str:
        return self.host.key_for(binding_id).split(",")[0]

    def help_rows(self) -> list[tuple[str, str, str]]:
        """(key, label, binding id) of every phone action, for the desk's help screen."""
        return [(self.key_for(bid), t(label), bid) for bid, _key, _action, label, _show in PHONE_ACTIONS]

    def hint_keys(self) -> dict[str, str]:
        keys = {action: self.key_for(bid) for bid, _key, action, *_ in PHONE_ACTIONS}
        keys["wrapup"] = self.host.key_for("desk.wrapup")
        return keys

    # ------------------------------------------------------------------ starting the phone
    def ensure_started(self) -> asyncio.Future | None:
        """Start the phone in a thread if it is not running; returns the start task."""
        if self.phone_state in ("starting", "ready"):
            return self._start_task
        if self._start_policy() == "never":
            self.phone_error = t("phone.off")
            return None
        _server, ca, user, _pw = self.host.session_login()
        if not (ca and user):
            return None
        self.phone_state = "starting"
        self._start_task = asyncio.ensure_future(self._start())
        return self._start_task

    async def _start(self) -> None:
        server, ca, user, password = self.host.session_login()
        if self.sip_settings().get("registrar") and not password:
            password = await asyncio.to_thread(keyring_password, server, user)
        try:
            phone = await asyncio.to_thread(self._make_and_start, server, ca, user, password)
        except Exception as exc:  # noqa: BLE001 - SipError, missing pjsua2, bad profile: words
            self.phone_state = "failed"
            self.phone_error = str(exc) or type(exc).__name__
            self.app.notify(t("phone.failed", why=self.phone_error), severity="error", markup=False,
                            timeout=10)
            return
        if not self.is_attached:  # the desk closed while we started
            if self._starting_phone is phone:  # ... before the phone existed: stop it here
                self._starting_phone = None
                threading.Thread(target=phone.stop, name="softphone-stop", daemon=False).start()
            return
        self.phone = phone
        self._starting_phone = None
        self.phone_state = "ready"

    def _make_and_start(self, server: str, ca: str, user: str, password: str | None) -> Any:
        """Thread: build and start the Softphone (blocking ≤ 15 s)."""
        phone = build_softphone(self.config, self.sip_settings(), server, ca, user, password,
                                on_event=self._from_owner_thread)
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
        if self.board.any_live():
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
            why = self.phone_error or t("phone.not_logged_in")
            self.app.notify(t("phone.unavailable", why=why), severity="error", markup=False)
        return self.phone

    # ------------------------------------------------------------------ center events (app forwards)
    def sip_settings(self) -> dict[str, Any]:
        """The SIP settings in force (see :func:`~agent_tui.desk_phone.adapter.sip_settings`)."""
        return sip_settings(self.welcome_voice, self.config)

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
        if kind not in CENTER_KINDS or not isinstance(data, dict):
            return
        ts = frame.get("ts")
        if kind == "voice.monitor":
            self.board.me = self.host.session_login()[2]  # our own monitoring is not "a lead listens"
        self._apply(self.board.center_event(kind, data, float(ts) if ts else None))

    # ------------------------------------------------------------------ phone events
    @on(SipEvent)
    def _sip_event(self, msg: SipEvent) -> None:
        e = msg.event
        self.events_seen.append(type(e).__name__)
        if isinstance(e, ev.AudioLevel):
            if self.level_listener is not None:
                self.level_listener(e.mic_dbfs, e.speaker_dbfs)
            return
        if isinstance(e, (ev.RegistrationFailed, ev.TlsFailure)):
            self.app.notify(t("phone.failed", why=e.message), severity="error", markup=False, timeout=10)
            return
        event = call_input(e)
        if event is not None:
            self._apply(self.board.sip_event(event, can_answer=self._commandable() is not None))

    def _commandable(self) -> Any:
        """The phone that takes commands: the running one, or one whose start is returning."""
        return self.phone or self._starting_phone

    # ------------------------------------------------------------------ effects of the board
    def _apply(self, effects: list[Effect]) -> None:
        """Redraw the bar from the board, then carry out ``effects`` in order."""
        self._redraw()
        for fx in effects:
            if isinstance(fx, Bell):
                if self.config.bell:
                    self.app.bell()
            elif isinstance(fx, RingTone):
                self._ring_phone(fx.tag, fx.on)
            elif isinstance(fx, StartPhone):
                self.ensure_started()
            elif isinstance(fx, (AnswerSip, HangUpSip)):
                phone = self._commandable()
                if phone is not None:
                    (phone.answer if isinstance(fx, AnswerSip) else phone.hangup)(fx.call)
            elif isinstance(fx, TakeCall):
                self._answer_worker(fx.key)
            elif isinstance(fx, DeclineOffer):
                self.host.fire("offer.decline", offer=fx.offer)
            elif isinstance(fx, Notice):
                self.app.notify(t(fx.key, **dict(fx.values)), severity=fx.severity,  # type: ignore[arg-type]
                                markup=False, timeout=fx.timeout)
            elif isinstance(fx, Ended):
                self.set_timer(ENDED_VISIBLE_S, lambda key=fx.key: self._forget(key))
                if fx.wrapup:
                    self.open_wrapup(fx.wrapup)

    @work(group="phone-ring")
    async def _ring_phone(self, tag: str, on_: bool) -> None:
        phone = await self._phone() if on_ else self.phone
        if phone is not None:
            phone.ring(tag, on_)

    def _forget(self, key: str) -> None:
        if self.board.forget(key):
            self._redraw()

    def open_wrapup(self, conversation: str, tries: int = 20) -> None:
        """Open the desk's wrap-up dialog for ``conversation`` (once it is known to the desk)."""
        if conversation in self._wrapup_done:
            return
        host = self.host
        desk = host.desk_screen()
        if desk is None or conversation not in host.state.conversations or self.app.screen is not desk:
            if tries > 0:  # the conversation may still be on its way, or a dialog is open
                self.set_timer(0.5, lambda: self.open_wrapup(conversation, tries - 1))
            else:
                self.app.notify(t("phone.wrapup_due", conversation=conversation,
                                  shortcut=self.hint_keys()["wrapup"]), markup=False, timeout=15)
            return
        self._wrapup_done.add(conversation)
        desk.open_conversation(conversation)
        desk.action_wrapup()

    def _redraw(self) -> None:
        self.bar.show_calls(self.board.ordered(), self.hint_keys(), notice=self.board.bar_notice())
        try:
            self.screen.refresh_bindings()
        except Exception:  # noqa: BLE001, S110 - not mounted yet / shutting down
            pass

    # ------------------------------------------------------------------ which call
    def current(self) -> CallView | None:
        """The call the keys act on (see :meth:`CallBoard.current`)."""
        return self.board.current()

    def ringing(self) -> CallView | None:
        return self.board.ringing()

    def consult_pair(self) -> tuple[CallView, CallView] | None:
        return self.board.consult_pair()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Footer: show only what makes sense now (the keys still answer with a notice)."""
        return self.board.allows(action)

    # ------------------------------------------------------------------ actions
    def run_phone_action(self, action: str) -> None:
        """Run ``action`` (palette entries call this)."""
        method = getattr(self, f"action_{action}", None)
        if callable(method):
            result = method()
            if asyncio.iscoroutine(result):
                self.run_worker(result, group="phone-action")

    def _say(self, key: str, severity: str = "information", timeout: float | None = None) -> None:
        self.app.notify(t(key), severity=severity, markup=False, timeout=timeout)  # type: ignore[arg-type]

    def action_answer(self) -> None:
        v = self.board.ringing()
        if v is None:
            self._say("phone.no_ringing")
            return
        self._apply(self.board.answer(v.key))

    @work(group="phone-answer")
    async def _answer_worker(self, key: str) -> None:
        phone = await self._phone()
        v = self.board.views.get(key)
        if v is None:
            return  # merged into the SIP call, which was answered on arrival
        if phone is None:
            self.board.unanswered(v)
            self._redraw()
            return
        if v.offered_only and not v.pickup:
            # Registrar mode: the center's INVITE is on its way to the phone; answer it on arrival.
            deadline = time.monotonic() + 10.0
            while time.monotonic() < deadline:
                sip = self.board.sip_leg(v.conversation)
                if sip is not None:
                    self._apply(self.board.take_sip_leg(key, sip))
                    return
                await asyncio.sleep(0.05)  # waiting for a SIP event that has a deadline
            self.board.unanswered(v)
            self._say("phone.not_reached", "error")
            self._redraw()
            return
        if v.offered_only:
            phone.ring(key, False)
            try:
                call_key = await asyncio.wrap_future(phone.dial(v.pickup))
            except Exception:  # noqa: BLE001 - CommandFailed event tells the agent
                self._apply(self.board.failed(v, "pickup_failed"))
                return
            self._apply(self.board.picked_up(v, str(call_key)))
            return
        phone.answer(key)
        self._redraw()

    def action_reject(self) -> None:
        v = self.board.ringing()
        if v is None:
            return
        if v.offered_only:
            self._apply(self.board.reject(v))
        elif self.phone is not None:
            self.phone.reject(v.key)

    def action_hangup(self) -> None:
        v = self.board.current()
        if v is None:
            if self.board.ringing() is not None:
                self.action_reject()
            return
        if v.extra.get("monitoring"):
            self.run_worker(self._stop_monitor(v), group="phone-monitor")
            return
        if v.offered_only or self.phone is None:
            return
        for leg in self.board.conference_partners(v):  # leave the conference: every leg ends
            self.phone.hangup(leg.key)
        self.phone.hangup(v.key)

    # ------------------------------------------------------------------ a lead's monitoring (issue 11)
    def monitor_agent(self, agent: str, mode: str, name: str = "") -> None:
        """Listen to, whisper to or barge into ``agent``'s live call (the lead view's keys).

        Already on that call: only the mode changes. Otherwise the phone is armed with a one-time
        token first, then the center is asked with it: the engine's marked INVITE is answered by
        the phone itself (Kamailio), or the phone dials the one-time pickup URI (direct mode)."""
        mine = next((v for v in self.board.views.values()
                     if v.live and (v.extra.get("monitoring") or {}).get("agent") == agent), None)
        if mine is not None:
            self.run_worker(self._monitor_mode(mine, mode), group="phone-monitor")
        else:
            self.run_worker(self._monitor(agent, mode, name), group="phone-monitor")

    async def _monitor(self, agent: str, mode: str, name: str) -> None:
        phone = await self._phone()
        if phone is None:
            return
        token = new_token()
        phone.expect_monitor(token)  # before the center can ring us
        v = self.board.monitor_requested(token, agent, mode, name)
        self._redraw()
        answer = await self.host.command("voice.monitor", agent=agent, mode=mode, token=token)
        if answer is None:  # the center said why (a notice)
            phone.forget_monitor(token)
            self._apply(self.board.failed(v, "monitor_failed"))
            return
        self.board.monitor_answered(token, answer)
        if answer.get("pickup"):  # direct mode: the phone dials the engine's one-time URI
            phone.forget_monitor(token)
            try:
                call_key = await asyncio.wrap_future(phone.dial(str(answer["pickup"])))
            except Exception:  # noqa: BLE001 - CommandFailed tells the lead why
                self._apply(self.board.failed(v, "monitor_failed"))
                return
            self._apply(self.board.dialled(v, str(call_key)))
        info = v.extra["monitoring"]
        self.app.notify(t(f"call.monitoring.{mode}", agent=info["name"] or info["agent"],
                          conversation=info["conversation"]), markup=False)
        self._redraw()

    async def _monitor_mode(self, v: CallView, mode: str) -> None:
        info = v.extra["monitoring"]
        if not info["conversation"] or info["mode"] == mode:
            return
        if await self.host.command("voice.monitor", conversation=info["conversation"], mode=mode) is not None:
            info["mode"] = mode
            self._redraw()

    async def _stop_monitor(self, v: CallView) -> None:
        """Leaving a monitoring leg ends the monitoring at the center (``voice.monitor.stop``);
        the engine then hangs the leg up. Without the center the leg is hung up here."""
        info = v.extra["monitoring"]
        if v.key.startswith(MONITOR_PREFIX):  # not connected yet
            if self.phone is not None:
                self.phone.forget_monitor(info["token"])
            self._apply(self.board.failed(v, "monitor_failed"))
        stopped = bool(info["conversation"]) and await self.host.command(
            "voice.monitor.stop", quiet=True, conversation=info["conversation"]) is not None
        if not stopped and self.phone is not None and not v.key.startswith(MONITOR_PREFIX):
            self.phone.hangup(v.key)

    def action_hold(self) -> None:
        v = self.board.current()
        if v is None or self.phone is None or v.offered_only:
            return
        (self.phone.resume if v.held else self.phone.hold)(v.key)

    def action_mute(self) -> None:
        v = self.board.current()
        if v is None or self.phone is None or v.offered_only:
            return
        self.phone.mute(v.key, not v.muted)

    def action_dtmf(self) -> None:
        v = self.board.current()
        if v is None or self.phone is None:
            return
        key = v.key

        def send(ch: str) -> None:
            if ch.upper() in "0123456789*#ABCD" and self.phone is not None:
                self.phone.dtmf(key, ch.upper())

        self.app.push_screen(PromptScreen(t("prompt.dtmf"), "0-9 * #", t("prompt.dtmf_hint"), on_char=send))

    def action_transfer(self) -> None:
        """Blind transfer to a colleague or a queue (the desk's picker)."""
        v = self.board.current()
        if v is None or self.phone is None:
            self._say("phone.no_transfer")
            return
        self._pick_target(lambda target: self._blind(v.key, target), v.caller or v.conversation)

    def _pick_target(self, then: Callable[[str], object], who: str) -> None:
        def done(result: Any) -> None:
            if isinstance(result, dict):
                target = result.get("agent") or result.get("queue")
                if target:
                    then(str(target))

        self.app.push_screen(TransferScreen(self.host.state, one_line(who, 40)), done)

    def _blind(self, key: str, target: str) -> None:
        if self.phone is None or not self.board.start_transfer(key, target):
            return
        self._redraw()
        self.phone.transfer(key, target)

    def action_consult(self) -> None:
        """First press: hold the call and call a colleague. Second press: complete the transfer."""
        pair = self.board.consult_pair()
        if pair is not None and self.phone is not None:
            first, second = pair
            self.board.complete_consult(first, second)
            self._redraw()
            self.phone.consult_transfer(first.key, second.key)
            return
        v = self.board.current()
        if v is None or self.phone is None:
            self._say("phone.no_transfer")
            return
        self._pick_target(lambda target: self._start_consult(v.key, target), v.caller)

    @work(group="phone-dial")
    async def _start_consult(self, key: str, target: str) -> None:
        phone = self.phone
        first = self.board.views.get(key)
        if phone is None or first is None:
            return
        if not first.held:
            phone.hold(key)
        await self._dial(target, near=key, consult_of=key)

    def action_conference(self) -> None:
        pair = self.board.consult_pair()
        if pair is None or self.phone is None:
            self._say("phone.consult_first")
            return
        first, second = pair
        self.board.join_conference(first, second)
        self.phone.conference(first.key, second.key)  # the customer comes off hold
        self._redraw()

    def action_dial(self) -> None:
        def done(target: Any) -> None:
            if target:
                self.run_worker(self._dial(str(target)), group="phone-dial")

        self.app.push_screen(PromptScreen(t("prompt.dial"), t("prompt.dial_placeholder")), done)

    def call_colleague(self, user: str) -> None:
        """Call a colleague picked in the presence list (through the registrar, like alt+d)."""
        self.run_worker(self._dial(user), group="phone-dial")

    def action_call_customer(self) -> None:
        desk = self.host.desk_screen()
        if desk is None:
            return
        cid = desk.current_conversation()
        c = self.host.state.conversations.get(cid or "")
        number = customer_number(c.summary) if c is not None else ""
        if not number:
            self._say("phone.no_number")
            return
        self.run_worker(self._dial(number, conversation=str(cid)), group="phone-dial")

    async def _dial(self, target: str, near: str = "", consult_of: str = "",
                    conversation: str = "") -> None:
        # Direct mode has no registrar: place the call through the SIP server of a live call.
        near = near or self.board.first_sip_call()
        direct = not self.sip_settings().get("registrar")
        if direct and not near and not target.startswith(("sip:", "sips:")):
            self._say("phone.need_registrar", "warning", 10)
            return
        phone = await self._phone()
        if phone is None:
            return
        v = self.board.dialling(target, consult_of=consult_of, conversation=conversation)
        self._redraw()
        try:
            call_key = await asyncio.wrap_future(phone.dial(target, near=near))
        except Exception as exc:  # noqa: BLE001 - in words on the bar
            self._apply(self.board.failed(v, str(exc)))
            return
        self._apply(self.board.dialled(v, str(call_key)))

    def action_settings(self) -> None:
        self.app.push_screen(AudioSettingsScreen(self))


def call_bar_widgets() -> list[Widget]:
    """What the desk mounts in its call-bar slot: the bar and its (invisible) controller."""
    bar = CallBar()
    return [bar, DeskPhone(bar)]
