"""The desk's own softphone (agent_tui.sip.phone.Softphone) in a child process, for the voice tests.

Unlike ``phone_agent.py`` (a bare pjsua2 test phone), this runs the product's phone class, so
what it decides (ringing, answering a monitoring leg by itself) is the product's decision. Its
microphone is a WAV file, its ear one WAV recording (every call mixed, as a headset would).

Usage: python softphone_agent.py --ca CA --register sip:HOST:PORT;transport=tls --user lead1
        --domain D --play WAV --record WAV   (the password is the first stdin line: {"password": ...})
Commands (JSON lines): {"cmd": "expect_monitor", "token": T} {"cmd": "answer", "call": K}
          {"cmd": "hangup", "call": K} {"cmd": "quit"}
Events (JSON lines): ready, registration {code}, incoming {call, monitor, headers},
          state {call, state, code}, media {call, status}, error {cmd, message}.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time

from agent_tui.sip import events as ev
from agent_tui.sip.account import AccountSpec
from agent_tui.sip.engine import EngineConfig
from agent_tui.sip.phone import FileMediaSpec, Softphone

_lock = threading.Lock()


def emit(obj: dict) -> None:
    obj.setdefault("t", time.time())
    with _lock:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()


def on_event(e: object) -> None:
    if isinstance(e, ev.Registered):
        emit({"ev": "registration", "code": 200})
    elif isinstance(e, ev.RegistrationFailed):
        emit({"ev": "registration", "code": e.status_code, "reason": e.message})
    elif isinstance(e, ev.IncomingCall):
        emit({"ev": "incoming", "call": e.call, "monitor": e.monitor, "headers": e.headers})
    elif isinstance(e, ev.CallState):
        emit({"ev": "state", "call": e.call, "state": e.state, "code": e.status_code})
    elif isinstance(e, ev.CallMedia):
        emit({"ev": "media", "call": e.call, "status": e.status, "srtp": e.srtp_suite})
    elif isinstance(e, ev.CommandFailed):
        emit({"ev": "error", "cmd": e.command, "message": e.message})


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ca", required=True)
    ap.add_argument("--register", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--domain", default="127.0.0.1")
    ap.add_argument("--play", default="")
    ap.add_argument("--record", default="")
    ap.add_argument("--log-level", type=int, default=0)
    args = ap.parse_args()
    password = json.loads(sys.stdin.readline())["password"]
    phone = Softphone(
        EngineConfig(ca_file=args.ca, profile="normal", log_level=args.log_level, user_agent="agent-tui test desk phone"),
        AccountSpec(user=args.user, domain=args.domain, registrar=args.register, proxy=args.register + ";lr",
                    password=password),
        on_event=on_event, media=FileMediaSpec(play=args.play or None, record=args.record or None, loop=True))
    phone.start()
    emit({"ev": "ready"})
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            cmd = json.loads(line)
            op = cmd.get("cmd")
            if op == "quit":
                break
            if op == "expect_monitor":
                phone.expect_monitor(str(cmd["token"]))
                emit({"ev": "armed"})
            elif op == "answer":
                phone.answer(str(cmd["call"]))
            elif op == "hangup":
                phone.hangup(str(cmd["call"]))
    finally:
        phone.stop()
    emit({"ev": "bye"})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
