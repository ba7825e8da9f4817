"""Subprocess for the lifecycle test: stop the softphone while a call is up, then GC and exit.

argv[1]: JSON {ca_file, target}. Prints one JSON line with what happened.
"""

from __future__ import annotations

import gc
import json
import sys
import time

from agent_tui.sip import events as ev
from agent_tui.sip.account import AccountSpec
from agent_tui.sip.engine import EngineConfig, SipEngine, SipError
from agent_tui.sip.phone import FileMediaSpec, Softphone
from tests.kit.waiting import LineLog


def main() -> int:
    cfg = json.loads(sys.argv[1])
    events: LineLog[object] = LineLog()
    on_event = events.append

    def wait(pred, timeout: float = 20.0) -> object | None:
        return events.first(pred, timeout)  # None at the deadline

    out: dict = {}
    try:  # a bad CA path fails in words, and leaves the process able to start a phone after
        SipEngine(EngineConfig(ca_file="/nonexistent/ca.pem")).start()
        out["bad_ca"] = "started"
    except SipError as exc:
        out["bad_ca"] = str(exc)
    phone = Softphone(
        EngineConfig(ca_file=cfg["ca_file"], bind_address="127.0.0.1"),
        AccountSpec(user="agent1", domain="127.0.0.1"),
        on_event=on_event,
        media=FileMediaSpec(),
    )
    phone.start()
    try:
        SipEngine(EngineConfig(ca_file=cfg["ca_file"])).start()
        out["second_engine"] = "started"
    except SipError as exc:
        out["second_engine"] = str(exc)
    key = phone.dial(cfg["target"]).result(10)
    answered = wait(
        lambda e: isinstance(e, ev.CallState) and e.call == key and e.state == "answered"
    )
    out["answered"] = answered is not None
    if cfg.get("forget_stop"):
        # The program "forgets" stop(): the engine's atexit hook must tear pjsua2 down cleanly.
        print(json.dumps(out), flush=True)
        return 0
    t0 = time.monotonic()
    phone.stop()  # with the call still up
    out["stop_s"] = round(time.monotonic() - t0, 2)
    out["ended_event"] = any(isinstance(e, ev.CallState) and e.state == "ended" for e in events.lines)
    out["stopped_event"] = any(isinstance(e, ev.EngineStopped) for e in events.lines)
    try:
        phone.dial(cfg["target"]).result(5)
        out["after_stop"] = "dialled"
    except SipError as exc:
        out["after_stop"] = str(exc)
    del phone
    gc.collect()
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
