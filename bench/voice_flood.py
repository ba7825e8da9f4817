"""SIP floods against the full setup (issue 10, section 1), the long version of the suite's test.

Kamailio (TLS) in front of the voice engine and agent1's registered phone; a customer talks to
agent1. Then, one after the other:

* A: 200 unauthenticated INVITE/s for 10 s to the queue number (customers' path to the engine);
* B: 200 INVITE/s for 10 s at agent1, authenticated with agent2's password (a stolen password);
* C: connections straight at the engine's TLS port (bypassing Kamailio), N per second for 5 s.

Printed: the answers by status code, whether Kamailio, the engine and the phone are still up,
how many seconds of audio the call in progress recorded at each end during each flood (it should
keep up with the wall clock), and how long until a well-behaved customer call gets through again.

Usage: .venv/bin/python bench/voice_flood.py [--rate 200] [--seconds 10] [--direct-rates 20,50,100]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the repository root, for tests.kit

from agent_tui.center.config import load_center_config
from agent_tui.center.voice import kamailio
from agent_tui.center.voice.prompts import write_tone_wav
from agent_tui.secure.pki import make_ca, make_server_cert
from tests.kit.paths import child_env
from tests.kit.sipload import Flood, tls_connect
from tests.kit.voicekit import PY, JsonProc

BYTES_PER_S = 32000  # the recorders' 16 kHz, 16-bit mono WAV


def _audio_s(path: Path) -> float:
    try:
        return max(0, os.path.getsize(path) - 44) / BYTES_PER_S
    except OSError:
        return 0.0


def _until_200(host: str, port: int, ca: Path, uri: str, limit: float = 30.0) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        try:
            one = Flood(host, port, ca, uri, rate=1, duration=1, connections=1).run()
            if one.codes.get(200):
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.5)  # a caller retrying, not a test synchronisation
    return None


def _connection_flood(host: str, port: int, ca: Path, rate: float, seconds: float) -> dict:
    """Open (and drop) TLS connections at *rate* per second, each trying one handshake."""
    counts = {"handshake_refused": 0, "connect_failed": 0, "accepted": 0}
    lock = threading.Lock()

    def one() -> None:
        try:
            with tls_connect(host, port, ca, timeout=3):
                key = "accepted"
        except ConnectionRefusedError:
            key = "connect_failed"
        except OSError:
            key = "handshake_refused"
        with lock:
            counts[key] += 1

    threads = []
    start = time.monotonic()
    for i in range(int(rate * seconds)):
        pause = start + i / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)  # pacing the load generator
        t = threading.Thread(target=one, daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join(10)
    return counts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--direct-rates", default="20,50,100")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="flood-bench-"))
    center = tmp / "center"
    make_ca(center / "tls")
    make_server_cert(center / "tls", [])
    (center / "center.yaml").write_text("voice:\n  enabled: true\n  kamailio: {enabled: true, port: 0}\n")
    kamailio.write_kamailio_config(center, load_center_config(center))
    for user in ("agent1", "agent2"):
        kamailio.set_sip_password(center, user, "pw-" + user)
    kam = kamailio.start_kamailio(center)
    a = kamailio.address(center)
    host, port, domain = a["host"], int(a["port"]), a["domain"]
    ca = center / "tls" / "ca.pem"
    registrar = f"sip:{host}:{port};transport=tls"
    procs: list[JsonProc] = []
    out: dict = {"machine": benchlib.machine("pjsua2 2.15.1", "Kamailio 5.6")}
    try:
        def start(argv: list[str], name: str, **kw: object) -> JsonProc:
            p = JsonProc(argv, cwd=tmp, env=child_env(), name=name, **kw)  # type: ignore[arg-type]
            procs.append(p)
            return p

        eng = start([PY, "-m", "agent_tui.center.voice", str(center), "--log-level", "1"], "engine")
        eng.wait("ready", 30)
        eng.wait("registration", 30)
        play_a = write_tone_wav(tmp / "agent.wav", [(1500.0, 120.0)])
        play_c = write_tone_wav(tmp / "cust.wav", [(1000.0, 120.0)])
        rec = tmp / "a1"
        phone = start([PY, str(ROOT / "tests" / "kit" / "phone_agent.py"), "--ca", str(ca), "--play", str(play_a),
                       "--record", str(rec), "--user", "agent1", "--register", registrar, "--domain", domain,
                       "--auto-answer", "--log-level", "1"], "agent1",
                      stdin_first=json.dumps({"password": "pw-agent1"}))
        phone.wait(lambda e: e.get("ev") == "registration" and e["code"] == 200, 30)
        cust_rec = tmp / "customer-heard.wav"
        start([PY, "-m", "agent_tui.center.voice.call_cli", str(center), "--from", "+31611122233",
               "--play", str(play_c), "--record", str(cust_rec), "--duration", "600", "--events"], "customer")
        incoming = eng.wait("incoming", 30)
        eng.send(cmd="ring", call=incoming["call"], agent="agent1", conversation="bench",
                 uri=f"sip:agent1@{domain};transport=tls")
        eng.wait("answered", 30)
        media = phone.wait(lambda e: e.get("ev") == "media" and e["state"] == "active", 30)
        leg = Path(f"{rec}.{media['call']}.wav")

        for name, flood in (
            ("A: queue, unauthenticated", Flood(host, port, ca, f"sip:+31201234567@{domain}", rate=args.rate,
                                                duration=args.seconds)),
            ("B: agent1, agent2's password", Flood(host, port, ca, f"sip:agent1@{domain}", rate=args.rate,
                                                   duration=args.seconds, user="agent2", password="pw-agent2")),
        ):
            rings_before = phone.mark()
            a0, c0, t0 = _audio_s(leg), _audio_s(cust_rec), time.monotonic()
            flood.run()
            wall = time.monotonic() - t0
            heard_a, heard_c = _audio_s(leg) - a0, _audio_s(cust_rec) - c0
            after = _until_200(host, port, ca, f"sip:+31201234567@{domain}")
            out[name] = {
                "sent": flood.sent, "errors": flood.errors, "codes": dict(sorted(flood.codes.items())),
                "send_s": round(flood.elapsed, 2), "wall_s": round(wall, 2),
                "audio_at_agent_s": round(heard_a, 2), "audio_at_customer_s": round(heard_c, 2),
                "rang_agent1": sum(1 for e in phone.events[rings_before:] if e.get("ev") == "ringing"),
                "engine_up": eng.proc.poll() is None, "kamailio_up": kam.running(), "phone_up": phone.proc.poll() is None,
                "legit_call_after_s": None if after is None else round(after, 2),
            }
            print(name, json.dumps(out[name]), flush=True)

        ready = eng.events[0]
        for rate in [float(r) for r in args.direct_rates.split(",") if r]:
            if eng.proc.poll() is not None:
                break
            counts = _connection_flood(ready["host"], int(ready["port"]), ca, rate, 5.0)
            key = f"C: straight at the engine, {rate:g} connections/s for 5 s"
            out[key] = {**counts, "engine_up": eng.proc.poll() is None}
            print(key, json.dumps(out[key]), flush=True)
    finally:
        for p in reversed(procs):
            p.ask_to_quit()
        for p in reversed(procs):
            p.stop()
        kam.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
