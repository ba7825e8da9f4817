"""A headless agent softphone for the voice tests (its own pjsua2 process).

A real SIP/TLS + SRTP user agent: it either registers at Kamailio and answers
incoming calls, or dials a one-time pickup URI (direct mode). Its microphone is a
WAV file, its ear a WAV recorder. Commands on stdin (JSON lines), events on
stdout (JSON lines). The password, when needed, is the first stdin line
(``{"password": ...}``) — never on the command line.

Usage: python phone_agent.py --ca CA [--register sip:HOST:PORT;transport=tls --user agent1
        --domain D] [--play WAV] [--record WAV]
Commands: {"cmd": "dial", "uri": U} {"cmd": "hold"} {"cmd": "unhold"} {"cmd": "xfer", "uri": U}
          {"cmd": "xfer_replaces", "other": KEY} {"cmd": "dial2", "uri": U} (second, consult call)
          {"cmd": "dtmf", "digits": D} {"cmd": "hangup", "call": KEY?} {"cmd": "record", "path": P}
          {"cmd": "quit"}
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time

import pjsua2 as pj

from agent_tui.center.voice import pjbase

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
        self.info = pjbase.start_endpoint(ca_file=args.ca, host="127.0.0.1", log_level=args.log_level,
                                          user_agent="agent-tui test phone")
        self.ep = self.info.ep
        self.calls: dict[str, Leg] = {}
        self.player = None
        if args.play:
            self.player = pj.AudioMediaPlayer()
            self.player.createPlayer(args.play, 0)
        self.recorders: dict[str, pj.AudioMediaRecorder] = {}
        self.record_path = args.record
        self.n = 0
        phone = self

        class Acc(pj.Account):
            def onRegState(self, prm):
                emit({"ev": "registration", "code": prm.code, "reason": str(prm.reason)})

            def onIncomingCall(self, prm):
                leg = phone.new_leg(prm.callId)
                ci = leg.getInfo()
                emit({"ev": "ringing", "call": leg.key, "from": str(ci.remoteUri),
                      "conversation": _header(prm.rdata, "X-Agent-Tui-Conversation")})
                op = pj.CallOpParam(True)
                op.statusCode = 180
                leg.answer(op)
                if phone.args.auto_answer:
                    op = pj.CallOpParam(True)
                    op.statusCode = 200
                    leg.answer(op)

        if args.register:
            acfg = pjbase.account_config(
                f"sip:{args.user}@{args.domain}", transport_id=self.info.transport_id,
                registrar=args.register, proxy=args.register + ";lr", user=args.user,
                ha1_or_password=password)
        else:
            acfg = pjbase.account_config(f"sip:{args.user}@127.0.0.1", transport_id=self.info.transport_id)
        self.acc = Acc()
        self.acc.create(acfg)

    def new_leg(self, call_id: int = pj.PJSUA_INVALID_ID) -> Leg:
        self.n += 1
        leg = Leg(self, f"c{self.n}", call_id)
        self.calls[leg.key] = leg
        return leg

    def wire(self, leg: Leg) -> None:
        am = pjbase.call_audio(leg)
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
            a = pjbase.call_audio(self.calls[cmd["call"]])
            b = pjbase.call_audio(self.calls[cmd["other"]])
            a.startTransmit(b)
            b.startTransmit(a)
            emit({"ev": "conference", "calls": [cmd["call"], cmd["other"]]})
        elif op == "dtmf" and leg is not None:
            leg.dialDtmf(cmd["digits"])
        elif op == "hangup" and leg is not None:
            leg.hangup(prm)
        return True


class Leg(pj.Call):
    def __init__(self, phone: Phone, key: str, call_id: int) -> None:
        super().__init__(phone.acc, call_id)
        self.phone = phone
        self.key = key
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
                self.phone.retired.append(rec)
            self.phone.retired.append(self)

    def onDtmfDigit(self, prm):
        emit({"ev": "dtmf", "call": self.key, "digit": str(prm.digit)})

    def onCallMediaState(self, prm):
        self.phone.wire(self)
        emit({"ev": "media", "call": self.key, "state": pjbase.media_state(self)})

    def onCallReplaceRequest(self, prm):
        # An INVITE with Replaces for this call (attended transfer): a new Call object takes over.
        self.phone.n += 1
        new = Leg(self.phone, f"c{self.phone.n}", pj.PJSUA_INVALID_ID)
        self.phone.calls[new.key] = new
        prm.newCall = new
        emit({"ev": "replaced", "call": self.key, "by": new.key})

    def onCallTransferStatus(self, prm):
        emit({"ev": "xfer_status", "call": self.key, "code": prm.statusCode, "final": prm.finalNotify})
        if prm.finalNotify and prm.statusCode // 100 == 2:
            self.hangup(pj.CallOpParam(True))
        prm.cont = not prm.finalNotify


def _header(rdata, name: str) -> str:
    for line in str(rdata.wholeMsg).split("\r\n"):
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip()
    return ""


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
    args = ap.parse_args()
    password = ""
    if args.register:
        password = json.loads(sys.stdin.readline())["password"]
    q: queue.Queue[dict] = queue.Queue()

    def reader() -> None:
        for line in sys.stdin:
            if line.strip():
                q.put(json.loads(line))
        q.put({"cmd": "quit"})

    phone = Phone(args, password)
    phone.retired = []
    threading.Thread(target=reader, daemon=True).start()
    emit({"ev": "ready", "port": phone.info.port})
    running = True
    while running:
        phone.ep.libHandleEvents(10)
        phone.retired.clear()
        while True:
            try:
                cmd = q.get_nowait()
            except queue.Empty:
                break
            try:
                running = phone.handle(cmd) and running
            except pj.Error as exc:
                emit({"ev": "error", "cmd": cmd.get("cmd"), "message": exc.info()})
    for key in list(phone.calls):
        if not phone.calls[key].gone:
            try:
                phone.calls[key].hangup(pj.CallOpParam(True))
            except pj.Error:
                pass
    end = time.time() + 2
    while time.time() < end and any(not c.gone for c in phone.calls.values()):
        phone.ep.libHandleEvents(10)
    phone.recorders.clear()
    phone.calls.clear()
    phone.retired.clear()
    phone.player = None
    phone.acc.shutdown()
    phone.acc = None
    phone.ep.libDestroy()
    emit({"ev": "bye"})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
