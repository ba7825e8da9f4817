"""The call bar's picture of the calls: which calls (and offered calls) the desk shows, and how
each phone event and each ``voice.*`` event of the center changes them.

Pure data and pure functions, like :mod:`agent_tui.core.desk_state`: no Textual, no asyncio, no
pjsua2 (and no import of ``agent_tui.sip``). The desk's softphone controller
(``agent_tui/desk_phone/controller.py``) turns the phone's events into the small input types below
(:class:`SipRinging`, :class:`SipCallState`, ...), hands the center's event frames to
:meth:`CallBoard.center_event`, and carries out the :data:`Effect` values each input returns
(ring the ring device, answer a SIP call, show a notice, open the wrap-up). So the rules — what
ringing, answering, hold, transfer and hang-up do to the bar — are tested without a terminal
and without a phone.

Words shown to the agent are not made here: a :class:`Notice` names an i18n key and its values,
and a view's ``reason`` is either one of :data:`REASONS` (translated by the bar) or text from the
phone or the center (shown as it is).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OFFER_MAX_AGE_S = 60.0  # a replayed voice.offered older than this is not rung again
EARLY_MAX = 50  # phone events kept per call key that is not known yet
OFFER_PREFIX = "offer:"  # key of a view that is only offered so far (no SIP call yet)
MONITOR_PREFIX = "monitor:"  # key of a lead's monitoring request until its SIP leg exists

# Reasons the desk itself gives for an ended call; the bar shows them in the UI language.
REASONS = ("rejected", "offer_withdrawn", "pickup_failed", "monitor_failed", "no_line")


# --- what the bar shows ---------------------------------------------------------------------------
@dataclass
class CallQualityView:
    """Live figures (from the phone's CallQuality event)."""

    rtt_ms: float | None = None
    jitter_ms: float = 0.0
    loss_pct: float = 0.0
    mos: float = 0.0
    degraded: bool = False
    warning: str = ""
    no_audio: bool = False  # dead air: the bar says so and shows no MOS


@dataclass
class CallView:
    """What the call bar shows about one call (or an offered call not yet on the phone)."""

    key: str  # phone call key ("c1") or "offer:<id>" while only offered (direct mode)
    phase: str = "ringing"  # ringing | calling | connected | transferring | ended | transferred | failed
    direction: str = "in"
    caller: str = ""
    name: str = ""
    conversation: str = ""
    offer: str = ""
    pickup: str = ""
    answered_at: float | None = None
    ended_at: float | None = None
    codec: str = ""
    profile: str = ""
    srtp: str = ""
    held: bool = False  # we put it on hold
    remote_held: bool = False  # the other side did
    muted: bool = False
    quality: CallQualityView | None = None
    reason: str = ""  # why it ended / failed: one of REASONS, or words from the phone / center
    consult_of: str = ""  # this is a consult call made while call ``consult_of`` waits
    transfer_target: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> str:
        """The state word key, most important first (hold beats mute: nobody hears anything)."""
        if self.phase == "connected":
            if self.held:
                return "held"
            if self.remote_held:
                return "remote_held"
            if self.muted:
                return "muted"
            return "connected"
        return self.phase

    @property
    def live(self) -> bool:
        return self.phase not in ("ended", "transferred", "failed")

    @property
    def offered_only(self) -> bool:
        """Offered by the center but not (yet) a call on the phone."""
        return self.key.startswith(OFFER_PREFIX)


# --- inputs: the phone's events, as plain values (the controller converts agent_tui.sip.events) ----
@dataclass(frozen=True)
class SipRinging:
    """A SIP call rings for us. ``conversation``/``center_caller`` come from the center's headers."""

    call: str
    caller_id: str
    display_name: str = ""
    conversation: str = ""
    center_caller: str = ""
    monitor_token: str = ""  # a monitoring leg the phone answered itself (sip/autoanswer.py)


@dataclass(frozen=True)
class SipCallState:
    """Signalling state of a call: calling | ringing | connecting | answered | ended."""

    call: str
    state: str
    status_code: int = 0
    reason: str = ""


@dataclass(frozen=True)
class SipMedia:
    """Media of a call: codec, profile, SRTP suite, mute, and the hold status."""

    call: str
    status: str  # "active" | "local_hold" | "remote_hold" | "none" | "error"
    codec: str = ""
    profile: str = ""
    srtp_suite: str = ""
    muted: bool = False


@dataclass(frozen=True)
class SipQuality:
    call: str
    quality: CallQualityView


@dataclass(frozen=True)
class SipTransfer:
    """Progress of a transfer we started; ``final`` once it is decided."""

    call: str
    status_code: int
    reason: str = ""
    final: bool = False


@dataclass(frozen=True)
class SipCommandFailed:
    command: str
    message: str
    call: str = ""


@dataclass(frozen=True)
class HeadsetFailed:
    """The headset failed; the call goes on without it (shown on the bar while a call runs)."""

    message: str


SipInput = SipRinging | SipCallState | SipMedia | SipQuality | SipTransfer | SipCommandFailed | HeadsetFailed


# --- outputs: what the controller must do -------------------------------------------------------------
@dataclass(frozen=True)
class RingTone:
    """Start or stop the ring tone for ``tag`` on the phone's ring device."""

    tag: str
    on: bool


@dataclass(frozen=True)
class Bell:
    """Ring the terminal bell (if the config allows): a call is offered."""


@dataclass(frozen=True)
class StartPhone:
    """The phone must be up (a registered phone is about to receive the center's INVITE)."""


@dataclass(frozen=True)
class AnswerSip:
    call: str


@dataclass(frozen=True)
class HangUpSip:
    call: str


@dataclass(frozen=True)
class TakeCall:
    """The agent answered view ``key`` (now "calling"): pick it up on the phone."""

    key: str


@dataclass(frozen=True)
class DeclineOffer:
    offer: str


@dataclass(frozen=True)
class Notice:
    """Tell the agent: the i18n key ``key`` filled with ``values``."""

    key: str
    values: tuple[tuple[str, str], ...] = ()
    severity: str = "information"
    timeout: float | None = None


@dataclass(frozen=True)
class Ended:
    """View ``key`` ended: hide it after a while; open the wrap-up of ``wrapup`` if set."""

    key: str
    wrapup: str = ""


Effect = RingTone | Bell | StartPhone | AnswerSip | HangUpSip | TakeCall | DeclineOffer | Notice | Ended


def notice(key: str, severity: str = "information", timeout: float | None = None, **values: object) -> Notice:
    return Notice(key, tuple((k, str(v)) for k, v in values.items()), severity, timeout)


def customer_number(summary: dict[str, Any]) -> str:
    """The number to call for a conversation's customer, or "" when it has none."""
    cust = summary.get("customer") or {}
    number = str(cust.get("phone") or cust.get("id") or "")
    return number if any(ch.isdigit() for ch in number) else ""


class CallBoard:
    """Every call the bar knows, in arrival order, and the rules that change them.

    Methods that take an input return the effects to carry out, in order; the caller redraws the
    bar (from :meth:`ordered`) after each one.
    """

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self.clock = clock or time.time
        self.views: dict[str, CallView] = {}  # view key -> view, in arrival order
        self.notice = ""  # a headset problem, shown on the bar while a call runs
        self.ring_shown_at: dict[str, float] = {}  # conversation -> clock() the bar rang (bench)
        self.ring_latency_ms: dict[str, float] = {}  # conversation -> voice.offered ts → bar ringing
        self._dials = itertools.count(1)
        # Phone events of a call key the board does not know yet: the owner thread reports a
        # dialled call's progress (even CONFIRMED) before the dial's future hands its key to
        # picked_up/dialled. Kept here and replayed then, else the bar stays on "calling".
        self._early: dict[str, list[SipInput]] = {}
        self.me = ""  # the desk's user: a voice.monitor about our own monitoring is not "someone listens"

    # --- queries ------------------------------------------------------------------------------
    def by_conversation(self, conv: str) -> CallView | None:
        """The view of conversation ``conv``: the newest live one, else the newest."""
        if not conv:
            return None
        found = [v for v in self.views.values() if v.conversation == conv]
        pick = [v for v in found if v.live] or found
        return pick[-1] if pick else None

    def current(self) -> CallView | None:
        """The call the keys act on: a connected non-consult call first, else any live one."""
        live = [v for v in self.views.values() if v.live]
        preds: tuple[Callable[[CallView], bool], ...] = (
            lambda v: v.phase == "connected" and not v.held and not v.consult_of,
            lambda v: v.phase == "connected" and not v.consult_of,
            lambda v: v.phase != "ringing")
        for pred in preds:
            for v in live:
                if pred(v):
                    return v
        return None

    def ringing(self) -> CallView | None:
        return next((v for v in self.views.values() if v.phase == "ringing"), None)

    def consult_pair(self) -> tuple[CallView, CallView] | None:
        """(the waiting call, the consult call) while both are live."""
        for v in self.views.values():
            if v.consult_of and v.live and v.consult_of in self.views and self.views[v.consult_of].live:
                return self.views[v.consult_of], v
        return None

    def any_live(self) -> bool:
        return any(v.live for v in self.views.values())

    def first_sip_call(self) -> str:
        """Key of a live call on the phone (its SIP server can carry an outbound call), or ""."""
        return next((v.key for v in self.views.values() if v.live and not v.offered_only), "")

    def ordered(self) -> list[CallView]:
        """The views as the bar shows them: live first, consult calls after their partner."""
        return sorted(self.views.values(), key=lambda v: (not v.live, bool(v.consult_of)))

    def bar_notice(self) -> str:
        return self.notice if self.any_live() else ""

    def allows(self, action: str) -> bool:
        """Whether the footer shows phone action ``action`` now (the keys still answer)."""
        if action in ("answer", "reject"):
            return self.ringing() is not None
        if action in ("hangup", "hold", "mute", "dtmf", "transfer", "consult", "conference"):
            cur = self.current()
            if cur is not None and cur.extra.get("monitoring") and action not in ("hangup", "mute"):
                return False  # a lead's monitoring leg: only mute (whisper, barge) and leave
            return cur is not None or (action == "hangup" and self.ringing() is not None)
        return True

    def _monitored(self, data: dict[str, Any]) -> list[Effect]:
        """``voice.monitor``: a lead listens, whispers or barged in (or stopped): the bar says so."""
        lead = str(data.get("lead_name") or data.get("lead") or "")
        mode = str(data.get("mode") or "listen")
        if mode not in ("listen", "whisper", "barge"):
            mode = "listen"
        if self.me and data.get("lead") == self.me:  # our own monitoring: the leg's label follows
            mine = self.monitoring_view(str(data.get("conversation") or ""))
            if mine is not None and data.get("active"):
                mine.extra["monitoring"]["mode"] = mode
            elif mine is not None and data.get("failed") and mine.key.startswith(MONITOR_PREFIX):
                return self.failed(mine, "monitor_failed")  # the engine could not reach our phone
            return []
        v = self.by_conversation(str(data.get("conversation") or ""))
        if data.get("active"):
            if v is not None:
                v.extra["monitor"] = (mode, lead)
            return [Notice(f"call.monitor.{mode}", (("lead", lead),), "warning", 10.0)]
        if v is not None:
            v.extra.pop("monitor", None)
        return [Notice("call.monitor.off", (("lead", lead),))]

    def conference_partners(self, v: CallView) -> list[CallView]:
        """The other live legs of ``v``'s conference (they end with it)."""
        if not v.extra.get("conference"):
            return []
        return [c for c in self.views.values() if c.live and c.extra.get("conference") and c is not v]

    # --- the center's events -----------------------------------------------------------------------
    def center_event(self, kind: str, data: dict[str, Any], ts: float | None = None) -> list[Effect]:
        """An event frame of the center (``kind``, ``data``, the center's ``ts``)."""
        if kind == "voice.offered":
            sent = float(ts or self.clock())
            if self.clock() - sent > OFFER_MAX_AGE_S:
                return []  # replayed after a reconnect: that call is long gone
            effects = self._voice_offered(data)
            conv = str(data.get("conversation") or "")
            if conv in self.ring_shown_at:
                # Center's event time → the bar ringing (bench hook; same clock on one machine).
                self.ring_latency_ms.setdefault(conv, round((self.ring_shown_at[conv] - sent) * 1000, 1))
            return effects
        if kind == "voice.answered":
            v = self.by_conversation(str(data.get("conversation") or ""))
            if v is not None and not v.codec and data.get("codec"):
                v.codec = str(data["codec"])
            return []
        if kind == "voice.ended":
            v = self.by_conversation(str(data.get("conversation") or ""))
            if v is not None and v.offered_only and v.live:
                return self._drop_offer(v, str(data.get("reason") or ""))
            if v is not None and v.phase == "connected" and not v.consult_of \
                    and data.get("reason") != "transferred" \
                    and self.clock() - float(ts or self.clock()) <= OFFER_MAX_AGE_S:
                # Direct mode behind a home NAT the engine's BYE may never arrive: the center's
                # word ends the SIP call too (a replayed, old voice.ended does not; a transfer
                # ends through its own REFER/NOTIFY and must show as transferred, not ended).
                return [HangUpSip(v.key)]
            return []
        if kind == "voice.monitor":
            return self._monitored(data)
        if kind == "offer.revoked":
            oid = str(data.get("offer") or "")
            dropped: list[Effect] = []
            for offered in list(self.views.values()):
                if offered.offer == oid and offered.offered_only and offered.live:
                    dropped += self._drop_offer(offered)
            return dropped
        if kind == "conv.assigned":
            conv_data = data.get("conversation")
            cid = str(conv_data.get("id") if isinstance(conv_data, dict) else conv_data or "")
            v = self.by_conversation(cid)
            if v is not None and v.phase == "ringing":
                # Accepted on the desk (F8 on the offer banner): take the call on the phone too.
                return self.answer(v.key)
        return []

    def _voice_offered(self, data: dict[str, Any]) -> list[Effect]:
        conv = str(data.get("conversation") or "")
        existing = self.by_conversation(conv)
        if existing is not None and existing.live:
            existing.offer = str(data.get("offer") or existing.offer)
            existing.pickup = str(data.get("pickup") or existing.pickup)
            return []
        v = CallView(key=f"{OFFER_PREFIX}{conv}", phase="ringing", caller=str(data.get("caller") or ""),
                     conversation=conv, offer=str(data.get("offer") or ""),
                     pickup=str(data.get("pickup") or ""))
        # Kamailio mode (no pickup URI): the INVITE rings the phone; this view waits for it.
        effects: list[Effect] = [] if v.pickup else [StartPhone()]
        self.views[v.key] = v
        effects += self._ring(v)
        if v.pickup:
            effects.append(RingTone(v.key, True))
        return effects

    def _ring(self, v: CallView) -> list[Effect]:
        self.ring_shown_at.setdefault(v.conversation or v.key, self.clock())
        return [Bell()]

    def _drop_offer(self, v: CallView, reason: str = "") -> list[Effect]:
        v.phase, v.reason = "ended", reason or "offer_withdrawn"
        v.ended_at = self.clock()
        return [RingTone(v.key, False), *self._ended(v)]

    def _ended(self, v: CallView) -> list[Effect]:
        # A consult call ends without a wrap-up: its partner comes off hold as the only call again.
        wrapup = v.phase == "ended" and v.answered_at is not None and bool(v.conversation) and not v.consult_of
        return [Ended(v.key, v.conversation if wrapup else "")]

    # --- the phone's events --------------------------------------------------------------------------
    def sip_event(self, e: SipInput, *, can_answer: bool = True) -> list[Effect]:
        """A phone event; ``can_answer`` is False when no phone object can take commands."""
        if isinstance(e, SipRinging):
            return self._sip_ringing(e, can_answer)
        if isinstance(e, HeadsetFailed):
            self.notice = e.message
            return [notice("phone.headset", "warning", 10, why=e.message)]
        if isinstance(e, SipCommandFailed):
            failed = self.views.get(e.call)
            if failed is not None and failed.phase == "transferring":
                failed.phase, failed.transfer_target = "connected", ""
            if e.command == "ring" or (e.command == "hangup" and (failed is None or not failed.live)):
                return []  # hanging up a call that has just ended (e.g. the center's voice.ended) is done
            return [notice("phone.command_failed", "error", command=e.command, why=e.message)]
        v = self.views.get(e.call)
        if v is None:
            if e.call and self._awaiting_key():
                early = self._early.setdefault(e.call, [])
                if len(early) < EARLY_MAX:
                    early.append(e)
            return []
        if isinstance(e, SipCallState):
            return self._call_state(v, e)
        if isinstance(e, SipMedia):
            v.codec, v.profile, v.srtp = e.codec or v.codec, e.profile or v.profile, e.srtp_suite
            v.muted = e.muted
            v.held = e.status == "local_hold"
            v.remote_held = e.status == "remote_hold"
        elif isinstance(e, SipQuality):
            v.quality = e.quality
        elif isinstance(e, SipTransfer) and (e.final or e.status_code >= 200):
            if 200 <= e.status_code < 300:
                v.phase = "transferred"
                return [HangUpSip(v.key)]  # our part is done; the far end moved on
            v.phase, v.transfer_target = "connected", ""
            return [notice("phone.transfer_failed", "error", code=e.status_code, reason=e.reason)]
        return []

    def _sip_ringing(self, e: SipRinging, can_answer: bool) -> list[Effect]:
        asked = self.views.pop(MONITOR_PREFIX + e.monitor_token, None) if e.monitor_token else None
        if asked is not None:
            # The lead's monitoring leg, answered by the phone itself: no ring, labelled as such.
            asked.key = e.call
            self.views[e.call] = asked
            return []
        offered = self.by_conversation(e.conversation) if e.conversation else None
        # The center's INVITE comes from its voice engine: the customer's number is in a header.
        caller = e.center_caller or (offered.caller if offered else "")
        v = CallView(key=e.call, phase="ringing", caller=caller or e.caller_id, name=e.display_name,
                     conversation=e.conversation)
        answering = False
        if offered is not None and offered.offered_only:
            v.offer = offered.offer
            answering = offered.phase == "calling"  # the agent already pressed answer
            self.views.pop(offered.key, None)
        self.views[v.key] = v
        if answering and can_answer:
            v.phase = "calling"
            return [AnswerSip(v.key)]
        if offered is not None:
            return []  # the bar and the bell already rang for the offer
        return self._ring(v)

    def _call_state(self, v: CallView, e: SipCallState) -> list[Effect]:
        if e.state == "answered":
            if v.answered_at is None:
                v.answered_at = self.clock()
            if v.phase in ("ringing", "calling"):
                v.phase = "connected"
        elif e.state in ("calling", "ringing") and v.direction == "out" and v.phase != "connected":
            v.phase = "calling"
        elif e.state == "ended":
            v.ended_at = self.clock()
            if v.phase in ("transferring", "transferred"):
                v.phase = "transferred"
            elif v.answered_at is None and v.direction == "out":
                v.phase = "failed"
                v.reason = f"{e.status_code} {e.reason}".strip()
            else:
                v.phase = "ended"
                if v.answered_at is None and e.reason:
                    v.reason = str(e.reason)
            return self._ended(v)
        return []

    # --- the agent's actions ------------------------------------------------------------------------
    def answer(self, key: str) -> list[Effect]:
        """The agent answers ringing view ``key``: it shows "calling" until the phone has it."""
        v = self.views.get(key)
        if v is None or v.phase != "ringing":
            return []
        # Marked at once, before the phone acts: an INVITE arriving in between (registrar mode)
        # sees that the agent already answered and picks the call up itself.
        v.phase = "calling"
        return [TakeCall(key)]

    def unanswered(self, v: CallView) -> None:
        """Taking the call did not work (no phone, no INVITE): it rings on the bar again."""
        v.phase = "ringing"

    def sip_leg(self, conversation: str) -> CallView | None:
        """Registrar mode: the live SIP call of ``conversation`` (the center's INVITE), once it rang."""
        return next((c for c in self.views.values() if c.conversation == conversation
                     and not c.offered_only and c.live), None)

    def take_sip_leg(self, key: str, sip: CallView) -> list[Effect]:
        """The offered view ``key`` became SIP call ``sip``: answer that (once) and drop the offer."""
        effects: list[Effect] = []
        if sip.phase == "ringing":
            sip.phase = "calling"
            effects.append(AnswerSip(sip.key))
        self.views.pop(key, None)
        return effects

    def picked_up(self, v: CallView, call_key: str) -> list[Effect]:
        """Direct mode: the pickup URI was dialled; offered view ``v`` is now call ``call_key``.

        Returns the effects of the call's phone events that came before its key did."""
        self.views.pop(v.key, None)
        v.key = call_key
        v.direction = "in"  # the customer called us; the pickup dial is plumbing
        self.views[v.key] = v
        self.ring_shown_at.pop(v.conversation, None)
        return self._replay_early(call_key)

    def _awaiting_key(self) -> bool:
        """A pickup or a dial is on its way to the phone (its key is not known yet)."""
        return any(v.live and (v.key.startswith(("dial:", MONITOR_PREFIX)) or (v.offered_only and v.phase == "calling"))
                   for v in self.views.values())

    def _replay_early(self, call_key: str) -> list[Effect]:
        effects: list[Effect] = []
        for e in self._early.pop(call_key, []):
            effects += self.sip_event(e)
        if not self._awaiting_key():
            self._early.clear()  # keys of calls that never became ours (e.g. failed dials)
        return effects

    def failed(self, v: CallView, reason: str) -> list[Effect]:
        """A call could not be placed or taken (``reason``: one of REASONS or words)."""
        v.phase, v.reason, v.ended_at = "failed", reason, self.clock()
        return self._ended(v)

    def reject(self, v: CallView) -> list[Effect]:
        """The agent rejects offered view ``v``: stop the ring, decline the offer at the center."""
        effects: list[Effect] = [RingTone(v.key, False)]
        if v.offer:
            effects.append(DeclineOffer(v.offer))
        v.phase, v.reason, v.ended_at = "ended", "rejected", self.clock()
        return effects + self._ended(v)

    def start_transfer(self, key: str, target: str) -> bool:
        """A blind transfer of call ``key`` to ``target`` begins; False when the call is gone."""
        v = self.views.get(key)
        if v is None:
            return False
        v.phase, v.transfer_target = "transferring", target
        return True

    def complete_consult(self, first: CallView, second: CallView) -> None:
        first.phase, first.transfer_target = "transferring", second.caller

    def join_conference(self, first: CallView, second: CallView) -> None:
        first.extra["conference"] = second.extra["conference"] = True

    def dialling(self, target: str, consult_of: str = "", conversation: str = "") -> CallView:
        """A call the agent places (shown "calling" until the phone gives it a key)."""
        v = CallView(key=f"dial:{next(self._dials)}", phase="calling", direction="out", caller=target,
                     consult_of=consult_of, conversation=conversation)
        self.views[v.key] = v
        return v

    def dialled(self, v: CallView, call_key: str) -> list[Effect]:
        """Dial view ``v`` is now call ``call_key``; returns the effects of its earlier events."""
        self.views.pop(v.key, None)
        v.key = call_key
        self.views[v.key] = v
        return self._replay_early(call_key)

    # --- a lead's monitoring legs (issue 11) --------------------------------------------------------
    def monitor_requested(self, token: str, agent: str, mode: str, name: str = "") -> CallView:
        """The lead asked to monitor ``agent`` (display ``name``)'s call with ``token``; shown
        "calling" until the leg is up."""
        v = CallView(key=MONITOR_PREFIX + token, phase="calling", direction="out", caller=agent)
        v.extra["monitoring"] = {"agent": agent, "name": name, "mode": mode, "conversation": "", "token": token}
        self.views[v.key] = v
        return v

    def monitor_view(self, token: str) -> CallView | None:
        """The view (request or SIP leg) of the monitoring asked for with ``token``."""
        return next((v for v in self.views.values()
                     if (v.extra.get("monitoring") or {}).get("token") == token), None)

    def monitoring_view(self, conversation: str) -> CallView | None:
        """Our live monitoring leg on ``conversation``, if any."""
        return next((v for v in self.views.values() if v.live and conversation
                     and (v.extra.get("monitoring") or {}).get("conversation") == conversation), None)

    def monitor_answered(self, token: str, answer: dict[str, Any]) -> None:
        """The center's answer to ``voice.monitor``: the conversation (and agent) it is about."""
        v = self.monitor_view(token)
        if v is not None:
            info = v.extra["monitoring"]
            info["conversation"] = str(answer.get("conversation") or "")
            info["agent"] = str(answer.get("agent") or info["agent"])
            v.caller = info["agent"]

    def forget(self, key: str) -> bool:
        """Drop ended view ``key`` from the bar; True if it was dropped."""
        v = self.views.get(key)
        if v is not None and not v.live:
            del self.views[key]
            return True
        return False
