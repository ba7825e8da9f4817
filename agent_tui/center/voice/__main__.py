"""``python -m agent_tui.center.voice DIR``: run the voice engine for a center directory.

The process speaks JSON lines: commands on stdin, events on stdout (one object per
line, flushed). Logs go to stderr. End of stdin = shut down, so the engine never
outlives the center that started it.

Commands (``{"cmd": ...}``):
  ``ring`` {call, agent, uri, conversation?}   INVITE an agent's softphone (Kamailio mode)
  ``expect`` {call, agent, token?}             direct mode: accept one pickup call from that agent
  ``cancel`` {call, agent?}                    stop ringing / forget pickups (offer withdrawn)
  ``release`` {call}                           drop the agent leg; the caller goes back to hold music
  ``hangup`` {call}                            end a customer's call
  ``dtmf`` {call, digits}                      send digits to the customer
  ``simulate`` {from, name?, talk_s?, give_up_s?}  demo: the engine itself calls the queue as a customer
  ``calls``                                    report the calls in progress
  ``monitor`` {call, lead, mode, token, uri?}  a lead listens in (listen|whisper|barge): pickup or ring
  ``monitor_mode`` {call, mode}                 change the monitoring mode
  ``monitor_stop`` {call}                       hang up the lead's monitoring leg
  ``quit``
Events (``{"ev": ...}``): ``ready`` {host, port}, ``incoming`` {call, from, name, to},
``pickup`` {call, agent, uri}, ``ringing`` {call, agent, ms}, ``answered`` {call, agent, codec},
``agent_failed`` {call, agent, code, reason}, ``hold`` {call, agent, on}, ``dtmf`` {call, digit, from},
``transfer`` {call, agent, target, kind: blind|consult}, ``agent_hangup`` {call, agent},
``ended`` {call, code, reason, talk_s}, ``registration`` {code, reason}, ``error`` {cmd, message},
``inviting`` {call, agent, t} (an INVITE to an agent leaves now; for ring-latency figures),
``outbound_refused`` {agent, to} (an agent dialled a number; there is no PSTN gateway),
``ports`` {ports} (reply to the ``ports`` diagnostics command),
``monitor_pickup`` {call, lead, uri}, ``monitor_started``/``monitor_mode`` {call, lead, mode},
``monitor_ended`` {call, lead, reason}, ``monitor_failed`` {call, lead, code, reason} (monitor.py).
``busy`` {from, ...} (a caller refused: no slot, or that number already waits),
``refused`` {reason, source} (full setup: a request that did not come through Kamailio),
``dead_leg`` {call, role, agent, reason} (no RTP for the timeout: the leg is hung up).
Call slots (slots.py): ``pickup_held`` {call, agent, slots, claimed} (the pickup URI waits for a free
slot), ``pickup_failed`` {call, agent, code, reason} (none freed up within the ring time),
``transfer_refused`` {call, agent, target, reason} (a REFER with no room for its calls: 503),
``library_refused`` {code, reason, to, claimed, slots} (pjsua answered an INVITE itself, e.g. 486).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from agent_tui.center.config import load_center_config
from agent_tui.center.voice import kamailio
from agent_tui.center.voice import settings as vs
from agent_tui.center.voice.engine import VoiceEngine


def _reader(submit: Callable[[dict], None], emit: Callable[[dict], None]) -> None:
    """stdin → commands for the engine's owner loop; end of input is ``quit``."""
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
        except ValueError as exc:
            emit({"ev": "error", "cmd": None, "message": f"bad command line: {exc}"})
            continue
        if not isinstance(cmd, dict):
            emit({"ev": "error", "cmd": None, "message": "bad command line: not a JSON object"})
            continue
        submit(cmd)
    submit({"cmd": "quit"})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m agent_tui.center.voice")
    ap.add_argument("dir", type=Path, help="center directory")
    ap.add_argument("--log-level", type=int, default=1)
    ap.add_argument("--index", type=int, default=0, help="engine number when a center runs several")
    args = ap.parse_args(argv)
    cdir: Path = args.dir
    cfg = load_center_config(cdir)
    vset = vs.parse_voice_settings(cfg.voice)
    out_lock = threading.Lock()
    real_stdout = sys.stdout
    # pjsua2 writes its own log lines to fd 1; keep the JSON channel clean by moving
    # them to stderr and writing events through a private duplicate of the original fd.
    events_fd = os.dup(1)
    os.dup2(2, 1)
    events = os.fdopen(events_fd, "w", buffering=1, encoding="utf-8")
    sys.stdout = sys.stderr

    def emit(ev: dict) -> None:
        with out_lock:
            events.write(json.dumps(ev) + "\n")
            events.flush()

    registrar = proxy = user = ha1 = token = ""
    domain = vset.host
    if vset.kamailio.enabled:
        k = kamailio.address(cdir)
        registrar = f"sip:{k['host']}:{k['port']};transport=tls"
        proxy = f"sip:{k['host']}:{k['port']};transport=tls;lr"
        user, ha1 = kamailio.engine_credentials(cdir, k["domain"])
        token = kamailio.proxy_token(cdir)
        domain = k["domain"]

    engine = VoiceEngine(
        ca_file=cdir / "tls" / "ca.pem", cert_file=cdir / "tls" / "server.pem",
        key_file=cdir / "tls" / "server.key", media_dir=vs.run_dir(cdir) / "media",
        host=vset.host, port=vset.port + args.index if vset.port else 0, emit=emit, registrar=registrar, proxy=proxy,
        sip_user=user, sip_ha1=ha1, domain=domain, ring_timeout_s=vset.ring_timeout_s,
        log_level=args.log_level, queue_number=vset.queue_number, max_calls=vset.max_calls,
        index=args.index, proxy_token=token, rtp_timeout_s=vset.rtp_timeout_s,
        max_waiting_per_caller=vset.max_waiting_per_caller,
    )
    addr = {"host": engine.host, "port": engine.port, "pid": os.getpid(),
            "queue_number": vset.queue_number}
    vs.engine_address_file(cdir, args.index).write_text(json.dumps(addr), encoding="utf-8")
    threading.Thread(target=_reader, args=(engine.submit, emit), daemon=True,
                     name="voice-stdin").start()
    try:
        engine.run()
    finally:
        try:
            vs.engine_address_file(cdir, args.index).unlink()
        except FileNotFoundError:
            pass
        sys.stdout = real_stdout
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
