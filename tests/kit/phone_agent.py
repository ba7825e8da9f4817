"""A headless agent softphone for the voice tests (its own pjsua2 process).

A real SIP/TLS + SRTP user agent: it either registers at Kamailio and answers
incoming calls, or dials a one-time pickup URI (direct mode). Its microphone is a
WAV file, its ear a WAV recorder. Commands on stdin (JSON lines), events on
stdout (JSON lines). The password, when needed, is the first stdin line
(``{"password": ...}``) — never on the command line.

Usage: python phone_agent.py --ca CA [--register sip:HOST:PORT;transport=tls --user agent1
        --domain D] [--play WAV] [--record WAV] [--bind IP --nat --profile low --vad] (a home phone)
Commands: {"cmd": "dial", "uri": U, "headers": {NAME: VALUE}?} {"cmd": "hold"} {"cmd": "unhold"} {"cmd": "xfer", "uri": U}
          {"cmd": "xfer_replaces", "other": KEY} {"cmd": "dial2", "uri": U} (second, consult call)
          {"cmd": "dtmf", "digits": D} {"cmd": "hangup", "call": KEY?} {"cmd": "record", "path": P}
          {"cmd": "stats", "call": KEY?} (→ "stats": rx/tx packets, loss, jitter, MOS, kbit/s) {"cmd": "quit"}
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time

import pjsua2 as pj

from agent_tui.sip import quality, sipuri
from agent_tui.sip.config import AccountSpec, EngineConfig
from agent_tui.sip.endpoint import account_config
from agent_tui.sip.engine import SipEngine
from agent_tui.sip.media import audio_state, call_audio, stream_codec
from agent_tui.sip.tls_relay import relay_account

_events_fd = os.dup(1)
os.dup2(2, 1)
_events = os.fdopen(_events_fd, "w", buffering=1)


def emit(ev: dict) -> None:
    ev.setdefault("t", time.time())
    _events.write(json.dumps(ev) + "\n")
    _events.flush()


class Phone:
    def __init__(self, args: argparse.Namespace, password: str) -> None:
        self.args = args
        # pjsua2 on this (the main) thread, driven by the project's one owner loop.
        self.engine = SipEngine(EngineConfig(
            ca_file=args.ca, bind_address=args.bind, log_level=args.log_level, log_console=True,
            user_agent="agent-tui test phone", max_calls=4, vad=args.vad, poll_ms=10, profile=args.profile,
            keepalive_s=args.keepalive, sip_relay=args.tls13_relay))
        self.engine.open()
        self.engine.on_shutdown(self.drop_pjsua2_objects)
        self.calls: dict[str, Leg] = {}  # every leg, also ended ones (commands name them)
        self.player = None
        if args.play:
            self.player = pj.AudioMediaPlayer()
            self.player.createPlayer(args.play, 0)
        self.recorders: dict[str, pj.AudioMediaRecorder] = {}
        self.record_path = args.record
        phone = self

        class Acc(pj.Account):
            def onRegState(self, prm):
                emit({"ev": "registration", "code": prm.code, "reason": str(prm.reason)})

            def onIncomingCall(self, prm):
                leg = phone.new_leg(prm.callId)
                ci = leg.getInfo()
                emit({"ev": "ringing", "call": leg.key, "from": str(ci.remoteUri),
                      "conversation": sipuri.header(str(prm.rdata.wholeMsg), "X-Agent-Tui-Conversation")})
                op = pj.CallOpParam(True)
                op.statusCode = 180
                leg.answer(op)
                if phone.args.auto_answer:
                    op = pj.CallOpParam(True)
                    op.statusCode = 200
                    leg.answer(op)

        self.relay = None
        if args.register:
            spec = AccountSpec(user=args.user, domain=args.domain, registrar=args.register,
                               proxy=args.register + ";lr", password=password, first_retry_s=5,
                               nat_traversal=args.nat, keepalive_s=args.keepalive)
            if args.tls13_relay:
                self.relay, spec = relay_account(spec, args.ca, args.keepalive)
        else:
            spec = AccountSpec(user=args.user, domain="127.0.0.1", nat_traversal=False)
        self.acc = Acc()
        self.acc.create(account_config(spec, self.engine.config, self.engine.transport_id))
        self.engine.accounts[spec.key] = self.acc  # the owner loop shuts it down

    def new_leg(self, call_id: int = pj.PJSUA_INVALID_ID) -> Leg:
        leg = Leg(self, call_id)
        self.calls[leg.key] = leg
        return leg

    def drop_pjsua2_objects(self) -> None:
        """Shutdown, once every call ended: drop our pjsua2 references before libDestroy."""
        self.recorders.clear()
        self.calls.clear()
        self.player = None
        self.acc = None

    def handle_reporting(self, cmd: dict) -> None:
        try:
            if not self.handle(cmd):
                self.engine.request_stop()
        except pj.Error as exc:
            emit({"ev": "error", "cmd": cmd.get("cmd"), "message": exc.info()})

    def wire(self, leg: Leg) -> None:
        am = call_audio(leg)
        if am is None:
            return
        if self.player is not None:
            self.player.startTransmit(am)
        if self.record_path and leg.key not in self.recorders:
            rec = pj.AudioMediaRecorder()
            rec.createRecorder(f"{self.record_path}.{leg.key}.wav")
            self.recorders[leg.key] = rec
        if leg.key in self.recorders:
            am.startTransmit(self.recorders[leg.key])

    def handle(self, cmd: dict) -> bool:
        op = cmd.get("cmd")
        legs = [c for c in self.calls.values() if not c.gone]
        leg = self.calls.get(cmd.get("call", "")) if cmd.get("call") else (legs[0] if legs else None)
        prm = pj.CallOpParam(True)
        if op == "quit":
            return False
        if op in ("dial", "dial2"):
            new = self.new_leg()
            prm.opt.audioCount = 1
            for name, value in (cmd.get("headers") or {}).items():  # e.g. a forged monitoring mark
                h = pj.SipHeader()
                h.hName, h.hValue = name, value
                prm.txOption.headers.append(h)
            new.makeCall(cmd["uri"], prm)
            emit({"ev": "dialing", "call": new.key})
        elif op == "answer" and leg is not None:
            prm.statusCode = 200
            leg.answer(prm)
        elif op == "hold" and leg is not None:
            leg.setHold(prm)
        elif op == "unhold" and leg is not None:
            prm.opt.flag = pj.PJSUA_CALL_UNHOLD
            leg.reinvite(prm)
        elif op == "xfer" and leg is not None:
            leg.xfer(cmd["uri"], prm)
        elif op == "xfer_replaces":
            first = self.calls[cmd["call"]]
            first.xferReplaces(self.calls[cmd["other"]], prm)
        elif op == "conference":
            # Three-way call mixed on this phone: the two calls hear each other (and the agent).
            a = call_audio(self.calls[cmd["call"]])
            b = call_audio(self.calls[cmd["other"]])
            a.startTransmit(b)
            b.startTransmit(a)
            emit({"ev": "conference", "calls": [cmd["call"], cmd["other"]]})
        elif op == "dtmf" and leg is not None:
            leg.dialDtmf(cmd["digits"])
        elif op == "stats" and leg is not None:
            emit({"ev": "stats", "call": leg.key, **stream_figures(leg)})
        elif op == "relay":
            emit({"ev": "relay", "version": self.relay and self.relay.version, "refused": self.relay and self.relay.refused,
                  "port": self.relay and self.relay.local_port, "error": self.relay and self.relay.last_error})
        elif op == "hangup" and leg is not None:
            leg.hangup(prm)
        return True


def stream_figures(call: pj.Call) -> dict:
    """RTCP counters of the call's audio stream and the call bar's MOS estimate (0 packets: no MOS)."""
    ci = call.getInfo()
    idx = next((m.index for m in ci.media if m.type == pj.PJMEDIA_TYPE_AUDIO), None)
    if idx is None:
        return {"rx": 0, "tx": 0}
    st = call.getStreamStat(idx).rtcp
    rx, lost = int(st.rxStat.pkt), int(st.rxStat.loss)
    jitter = float(st.rxStat.jitterUsec.last) / 1000.0 if st.rxStat.jitterUsec.n else 0.0
    rtt = float(st.rttUsec.last) / 1000.0 if st.rttUsec.n else None
    codec = stream_codec(call, idx)
    loss = quality.loss_pct(rx, lost)
    mos = quality.assess(codec.split("/")[0].lower(), rtt, jitter, loss).mos if rx else None
    return {"rx": rx, "tx": int(st.txStat.pkt), "rx_bytes": int(st.rxStat.bytes), "tx_bytes": int(st.txStat.bytes),
            "lost": lost, "loss_pct": round(loss, 2), "jitter_ms": jitter, "rtt_ms": rtt, "mos": mos, "codec": codec}


class Leg(pj.Call):
    def __init__(self, phone: Phone, call_id: int) -> None:
        super().__init__(phone.acc, call_id)
        self.phone = phone
        self.key = phone.engine.keep_call(self)  # "c1", "c2", ...; held until DISCONNECTED
        self.gone = False

    def onCallState(self, prm):
        ci = self.getInfo()
        if ci.state == pj.PJSIP_INV_STATE_CONFIRMED:
            emit({"ev": "answered", "call": self.key})
        elif ci.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.gone = True
            rec = self.phone.recorders.pop(self.key, None)
            emit({"ev": "ended", "call": self.key, "code": ci.lastStatusCode, "reason": str(ci.lastReason)})
            if rec is not None:
                self.phone.engine.retire(rec)
            self.phone.engine.release_call(self.key)

    def onDtmfDigit(self, prm):
        emit({"ev": "dtmf", "call": self.key, "digit": str(prm.digit)})

    def onCallMediaState(self, prm):
        self.phone.wire(self)
        emit({"ev": "media", "call": self.key, "state": audio_state(self)})

    def onCallReplaceRequest(self, prm):
        # An INVITE with Replaces for this call (attended transfer): a new Call object takes over.
        new = self.phone.new_leg()
        prm.newCall = new
        emit({"ev": "replaced", "call": self.key, "by": new.key})

    def onCallTransferStatus(self, prm):
        emit({"ev": "xfer_status", "call": self.key, "code": prm.statusCode, "final": prm.finalNotify})
        if prm.finalNotify and prm.statusCode // 100 == 2:
            self.hangup(pj.CallOpParam(True))
        prm.cont = not prm.finalNotify


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ca", required=True)
    ap.add_argument("--register", default="")
    ap.add_argument("--user", default="agent")
    ap.add_argument("--domain", default="127.0.0.1")
    ap.add_argument("--play", default="")
    ap.add_argument("--record", default="")
    ap.add_argument("--auto-answer", action="store_true")
    ap.add_argument("--log-level", type=int, default=0)
    ap.add_argument("--bind", default="127.0.0.1", help="SIP/RTP address (a home lab phone: its LAN address)")
    ap.add_argument("--nat", action="store_true", help="pjsua's NAT helpers on (a phone behind a home router)")
    ap.add_argument("--profile", default="normal")
    ap.add_argument("--tls13-relay", action="store_true", help="SIP via agent_tui.sip.tls_relay (TLS 1.3)")
    ap.add_argument("--keepalive", type=int, default=25, help="NAT/TCP keep-alive seconds (compressed time in labs)")
    ap.add_argument("--vad", action="store_true", help="silence suppression on (as the real phone's low profile)")
    args = ap.parse_args()
    password = ""
    if args.register:
        password = json.loads(sys.stdin.readline())["password"]
    phone = Phone(args, password)

    def reader() -> None:
        for line in sys.stdin:
            if line.strip():
                phone.engine.submit(phone.handle_reporting, json.loads(line))
        phone.engine.submit(phone.handle_reporting, {"cmd": "quit"})

    threading.Thread(target=reader, daemon=True).start()
    emit({"ev": "ready", "port": phone.engine.sip_port})
    try:
        phone.engine.run_forever()
    finally:
        phone.engine.close()  # hangs up, waits for the BYEs, destroys the library
    emit({"ev": "bye"})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
