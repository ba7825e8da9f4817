"""Call monitoring in the voice engine: a lead's leg bridged into a customer's call.

A lead listens silently, whispers to the agent (the customer does not hear), or barges in
(three-way). The lead's softphone joins either by dialling a one-time ``monitor-TOKEN`` URI
at the engine (direct mode) or by being rung at its SIP address (Kamailio mode), with an INVITE
marked to be answered at once (``Call-Info: …;answer-after=0`` and ``X-Agent-Tui-Monitor:
MODE;token=TOKEN``, :mod:`agent_tui.sip.autoanswer`); the lead's phone believes the mark only
with the token its own desk armed. The media
wiring is :func:`~agent_tui.center.voice.legs.wire_monitor`; the center decides who may
monitor whom (:mod:`agent_tui.center.voice.monitoring`), the engine only moves audio.

Owner thread only, like the rest of the engine.

Commands: ``monitor`` {call, lead, mode, token, uri?}, ``monitor_mode`` {call, mode},
``monitor_stop`` {call}. Events: ``monitor_started`` {call, lead, mode} (the lead's leg is
connected), ``monitor_mode`` {call, lead, mode}, ``monitor_ended`` {call, lead, reason},
``monitor_failed`` {call, lead, code, reason}.
"""

from __future__ import annotations

import time
from typing import Protocol

import pjsua2 as pj

from agent_tui.center.voice.legs import Customer, EngineAccount, Leg, LegListener
from agent_tui.sip import autoanswer
from agent_tui.sip.engine import describe
from agent_tui.sip.media import call_op

MODES = ("listen", "whisper", "barge")
COMMANDS = ("monitor", "monitor_mode", "monitor_stop")
PICKUP_PREFIX = "monitor-"


class MonitorHost(LegListener, Protocol):
    """What monitoring needs from the voice engine (besides being the legs' listener)."""

    customers: dict[str, Customer]
    max_calls: int
    host: str
    port: int
    domain: str
    ring_timeout_s: float

    @property
    def acc(self) -> EngineAccount: ...
    def _connect_media(self, cust: Customer) -> None: ...
    def _hangup(self, leg: Leg, code: int = 0) -> None: ...
    def spare_slots(self) -> int: ...


class Monitors:
    """The pending monitor pickups of one engine, and the handling of the lead's legs."""

    def __init__(self, engine: MonitorHost) -> None:
        self.engine = engine
        self.pickups: dict[str, tuple[str, str, str, float]] = {}  # token -> (cid, lead, mode, expires)

    def handle(self, cmd: dict) -> None:
        eng = self.engine
        cust = eng.customers.get(str(cmd.get("call", "")))
        op = cmd["cmd"]
        if cust is None:
            eng.emit({"ev": "monitor_failed", "call": cmd.get("call"), "lead": cmd.get("lead", ""),
                      "code": 481, "reason": "no such call"})
            return
        if op == "monitor_stop":
            if cust.monitor is not None:
                eng._hangup(cust.monitor)
            self.pickups = {t: p for t, p in self.pickups.items() if p[0] != cust.cid}
            return
        mode = str(cmd.get("mode", "listen"))
        if mode not in MODES:
            raise ValueError(f"monitor mode must be one of {', '.join(MODES)}, not {mode!r}")
        if op == "monitor_mode":
            cust.monitor_mode = mode
            eng._connect_media(cust)
            if cust.monitor is not None:
                eng.emit({"ev": "monitor_mode", "call": cust.cid, "lead": cust.monitor.agent, "mode": mode})
            return
        lead = str(cmd["lead"])
        if cust.monitor is not None and not cust.monitor.gone:
            eng.emit({"ev": "monitor_failed", "call": cust.cid, "lead": lead, "code": 486,
                      "reason": f"{cust.monitor.agent} is already monitoring this call"})
            return
        if eng.spare_slots() < 1:
            # Not a slot that a waiting caller's agent, a pickup or a transfer already counts on:
            # taking it would make pjsua refuse that agent's call with 486 (slots.py).
            eng.emit({"ev": "monitor_failed", "call": cust.cid, "lead": lead, "code": 503,
                      "reason": "no free call slot in this voice engine"})
            return
        if cmd.get("uri"):  # Kamailio mode: ring the lead's softphone, marked to answer by itself
            # The mark (sip/autoanswer.py) carries the token the lead's desk armed its phone with;
            # the phone believes the mark only with that token. Checked before the leg exists.
            try:
                headers = autoanswer.monitor_headers(mode, str(cmd.get("token", "")), eng.domain)
            except ValueError as exc:
                eng.emit({"ev": "monitor_failed", "call": cust.cid, "lead": lead, "code": 400, "reason": str(exc)})
                return
            cust.monitor_mode = mode
            leg = Leg(eng, eng.acc, role="lead", cid=cust.cid, agent=lead)
            cust.monitor = leg
            prm = pj.CallOpParam(True)
            prm.opt.audioCount = 1
            prm.opt.videoCount = 0
            for name, value in headers.items():
                h = pj.SipHeader()
                h.hName, h.hValue = name, value
                prm.txOption.headers.append(h)
            try:
                leg.makeCall(str(cmd["uri"]), prm)
            except pj.Error as exc:  # e.g. no free call slot after all: the request fails, visibly
                cust.monitor = None
                eng.sip.release_call(leg.key)
                eng.emit({"ev": "monitor_failed", "call": cust.cid, "lead": lead, "code": 500,
                          "reason": describe(exc)})
            return
        cust.monitor_mode = mode
        token = str(cmd["token"])
        self.pickups[token] = (cust.cid, lead, mode, time.time() + eng.ring_timeout_s + 30)
        eng.emit({"ev": "monitor_pickup", "call": cust.cid, "lead": lead,
                  "uri": f"sip:{PICKUP_PREFIX}{token}@{eng.host}:{eng.port};transport=tls"})

    def on_pickup(self, acc: pj.Account, prm: pj.OnIncomingCallParam, token: str) -> None:
        """The lead's phone dialled ``monitor-TOKEN``: answer it into the call, or refuse."""
        eng = self.engine
        leg = Leg(eng, acc, prm.callId, role="lead", cid="")
        entry = self.pickups.pop(token, None)
        cust = eng.customers.get(entry[0]) if entry else None
        if entry is None or cust is None or entry[3] < time.time() or \
                (cust.monitor is not None and not cust.monitor.gone):
            eng.sip.retire(leg)
            leg.answer(call_op(404 if entry is None else 410))
            return
        leg.cid, leg.agent = cust.cid, entry[1]
        cust.monitor, cust.monitor_mode = leg, entry[2]
        leg.answer(call_op(200))

    def on_connected(self, leg: Leg) -> None:
        cust = self.engine.customers.get(leg.cid)
        if cust is None or cust.monitor is not leg:
            self.engine._hangup(leg)
            return
        if leg.connected:
            return
        leg.connected = True
        self.engine._connect_media(cust)
        self.engine.emit({"ev": "monitor_started", "call": cust.cid, "lead": leg.agent,
                          "mode": cust.monitor_mode})

    def on_gone(self, leg: Leg, code: int, reason: str) -> None:
        cust = self.engine.customers.get(leg.cid)
        if cust is None or cust.monitor is not leg:
            return
        cust.monitor = None
        if leg.connected:
            self.engine.emit({"ev": "monitor_ended", "call": cust.cid, "lead": leg.agent, "reason": reason})
        else:
            self.engine.emit({"ev": "monitor_failed", "call": cust.cid, "lead": leg.agent, "code": code,
                              "reason": reason})

    def expire(self, now: float) -> None:
        for tok, entry in list(self.pickups.items()):
            if entry[3] < now:
                del self.pickups[tok]
