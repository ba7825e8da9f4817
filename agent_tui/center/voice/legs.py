"""What the voice engine keeps per call: the SIP legs, the players, the customer's record, and
how a customer's audio is wired on the conference bridge.

Owner thread only (the engine's :class:`~agent_tui.sip.engine.SipEngine` loop). A leg reports
its pjsua2 callbacks to a :class:`LegListener` (the engine) on that same thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import pjsua2 as pj

from agent_tui.sip.config import AccountSpec
from agent_tui.sip.engine import SipEngine
from agent_tui.sip.media import call_audio


class LegListener(Protocol):
    """What a leg and the engine's account report to (the voice engine)."""

    sip: SipEngine

    def emit(self, ev: dict) -> None: ...
    def on_leg_state(self, leg: Leg) -> None: ...
    def on_leg_media(self, leg: Leg) -> None: ...
    def on_leg_dtmf(self, leg: Leg, digit: str) -> None: ...
    def on_leg_refer(self, leg: Leg, prm: Any) -> None: ...
    def on_incoming(self, acc: EngineAccount, prm: Any) -> None: ...


class Player(pj.AudioMediaPlayer):
    """A WAV player that tells its owner when a non-looping file ends."""

    def __init__(self, on_eof: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._on_eof = on_eof

    def onEof2(self) -> None:
        if self._on_eof is not None:
            cb, self._on_eof = self._on_eof, None
            cb()


class Leg(pj.Call):
    """One SIP call leg; callbacks are forwarded to the listener (same thread)."""

    def __init__(self, engine: LegListener, acc: pj.Account, call_id: int = pj.PJSUA_INVALID_ID,
                 *, role: str, cid: str, agent: str = "") -> None:
        super().__init__(acc, call_id)
        self.engine = engine
        # The owner loop holds every leg until DISCONNECTED: dropping the last Python reference
        # to a live pjsua2 Call would hang it up from its destructor.
        self.key = engine.sip.keep_call(self)
        self.role = role  # "customer" | "agent" | "park" | "sim" | "lead" (monitoring)
        self.cid = cid
        self.agent = agent
        self.started = time.time()
        self.ring_at: float | None = None
        self.connected = False
        self.gone = False
        self.xfer_stub = False
        self.returns = False  # a blind-transfer call that will come back to the engine (direct mode)
        self.sim_acc: pj.Account | None = None  # role "sim": its own account (its caller id)
        self.talk_s = 0.0
        self.hangup_at: float | None = None
        self.dead_reason = ""  # set when the engine ends a leg that went silent

    def agent_leg_of(self, customers: dict[str, Customer]) -> bool:
        """True when this leg is the connected agent leg of its customer (not a ringing one)."""
        cust = customers.get(self.cid)
        return cust is not None and cust.agent_leg is self

    def call_id_str(self) -> str:
        try:
            return str(self.getInfo().callIdString)
        except pj.Error:
            return ""

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        self.engine.on_leg_state(self)

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        self.engine.on_leg_media(self)

    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:
        self.engine.on_leg_dtmf(self, prm.digit)

    def onCallTransferRequest(self, prm: pj.OnCallTransferRequestParam) -> None:
        self.engine.on_leg_refer(self, prm)

    def onCallTransferStatus(self, prm: pj.OnCallTransferStatusParam) -> None:
        prm.cont = False


class EngineAccount(pj.Account):
    """The engine's own account: calls to the queue number (and pickups) arrive here."""

    def __init__(self, engine: LegListener, spec: AccountSpec) -> None:
        super().__init__()
        self.engine = engine
        self.spec = spec

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        self.engine.on_incoming(self, prm)

    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        self.engine.emit({"ev": "registration", "code": prm.code, "reason": prm.reason})


@dataclass
class Customer:
    """A customer's call and everything the engine keeps about it."""

    cid: str
    leg: Leg
    caller: str
    name: str
    dialed: str
    announcement: Player | None = None
    agent_leg: Leg | None = None
    ringing: dict[str, Leg] = field(default_factory=dict)  # agent -> outgoing leg
    on_hold: bool = False
    announced: bool = False
    answered_at: float | None = None
    sim: Leg | None = None  # the engine's own simulated caller behind this call (demo)
    monitor: Leg | None = None  # a lead's leg listening in (call monitoring, see monitor.py)
    monitor_mode: str = "listen"  # listen | whisper | barge


def wire_customer(cust: Customer, hold_music: Player) -> None:
    """Wire the conference bridge for the customer's current situation.

    Connected: customer and agent hear each other. On hold: nothing crosses, the customer
    hears hold music. Waiting: the announcement, then hold music.
    """
    c_am = call_audio(cust.leg) if not cust.leg.gone else None
    if c_am is None:
        return
    agent = cust.agent_leg
    a_am = (call_audio(agent, held_too=True)
            if agent is not None and agent.connected and not agent.gone else None)
    if a_am is not None and not cust.on_hold:
        stop_tx(hold_music, c_am)
        if cust.announcement is not None:
            stop_tx(cust.announcement, c_am)
        c_am.startTransmit(a_am)
        a_am.startTransmit(c_am)
        return
    if a_am is not None:  # on hold: nothing crosses in either direction
        stop_tx(c_am, a_am)
        stop_tx(a_am, c_am)
    if cust.announcement is not None:
        cust.announcement.startTransmit(c_am)
        stop_tx(hold_music, c_am)
    else:
        hold_music.startTransmit(c_am)


def wire_monitor(cust: Customer) -> None:
    """Wire a lead's monitoring leg into the customer's call (after :func:`wire_customer`).

    The lead always hears the customer and the agent. ``whisper``: the agent hears the lead,
    the customer does not. ``barge``: both hear the lead (a three-way call). ``listen``: nobody
    hears the lead. Links are made or broken explicitly, so a mode change takes effect at once.
    """
    lead = cust.monitor
    l_am = call_audio(lead, held_too=True) if lead is not None and lead.connected and not lead.gone else None
    if l_am is None:
        return
    c_am = call_audio(cust.leg) if not cust.leg.gone else None
    agent = cust.agent_leg
    a_am = (call_audio(agent, held_too=True)
            if agent is not None and agent.connected and not agent.gone else None)
    mode = cust.monitor_mode
    if c_am is not None:
        c_am.startTransmit(l_am)
        if mode == "barge":
            l_am.startTransmit(c_am)
        else:
            stop_tx(l_am, c_am)
    if a_am is not None:
        a_am.startTransmit(l_am)
        if mode in ("whisper", "barge"):
            l_am.startTransmit(a_am)
        else:
            stop_tx(l_am, a_am)


def stop_tx(src: pj.AudioMedia | None, dst: pj.AudioMedia) -> None:
    """Stop ``src`` transmitting to ``dst``; a link that is not there is fine."""
    if src is None:
        return
    try:
        src.stopTransmit(dst)
    except pj.Error:
        pass
