"""Ring latency: from the voice engine's INVITE to the ring at the agent's softphone.

Full setup on loopback: Kamailio (TLS, registrar) in front of the voice engine and one
registered agent phone (pjsua2, the tests' headless phone). A customer call waits in the
queue; the engine INVITEs the agent through Kamailio N times (each ring is cancelled
after it shows). Printed per ring:

* invite→ring: the engine's INVITE (send time) to the phone's incoming-call callback,
  i.e. the moment a UI would start ringing — what the agent experiences;
* invite→180: the engine's own view (INVITE out, 180 Ringing back).

Usage: .venv/bin/python bench/voice_ring_latency.py [--rings 30]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the repository root, for tests.kit

from agent_tui.center.config import load_center_config
from agent_tui.center.voice import kamailio
from agent_tui.center.voice.prompts import write_tone_wav
from agent_tui.secure.pki import make_ca, make_server_cert
from tests.kit.voicekit import PY, JsonProc

pct = benchlib.pct


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rings", type=int, default=30)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ring-bench-"))
    center = tmp / "center"
    make_ca(center / "tls")
    make_server_cert(center / "tls", [])
    (center / "center.yaml").write_text("voice:\n  enabled: true\n  kamailio: {enabled: true, port: 0}\n")
    kamailio.write_kamailio_config(center, load_center_config(center))
    kamailio.set_sip_password(center, "agent1", "bench-pw")
    kam = kamailio.start_kamailio(center)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs: list[JsonProc] = []
    try:
        eng = JsonProc([PY, "-m", "agent_tui.center.voice", str(center)], cwd=tmp, env=env, name="engine")
        procs.append(eng)
        eng.wait("ready", 20)
        assert eng.wait("registration", 20)["code"] == 200
        tone = write_tone_wav(tmp / "tone.wav", [(440.0, 1.0)])
        addr = kamailio.address(center)
        phone = JsonProc([PY, str(ROOT / "tests" / "kit" / "phone_agent.py"), "--ca", str(center / "tls" / "ca.pem"),
                          "--register", f"sip:{addr['host']}:{addr['port']};transport=tls", "--user", "agent1",
                          "--domain", addr["domain"], "--play", str(tone)],
                         cwd=tmp, env=env, name="agent1", stdin_first=json.dumps({"password": "bench-pw"}))
        procs.append(phone)
        assert phone.wait("registration", 20)["code"] == 200
        cust = JsonProc([PY, "-m", "agent_tui.center.voice.call_cli", str(center), "--from", "+31600000001",
                         "--play", str(tone), "--duration", "600"], cwd=tmp, env=env, name="customer")
        procs.append(cust)
        call = eng.wait("incoming", 20)["call"]
        to_ring: list[float] = []
        to_180: list[float] = []
        for _ in range(args.rings):
            em, pm = eng.mark(), phone.mark()
            eng.send(cmd="ring", call=call, agent="agent1", uri=f"sip:agent1@{addr['domain']};transport=tls")
            inv = eng.wait("inviting", 10, after=em)
            ring = phone.wait("ringing", 10, after=pm)
            r180 = eng.wait("ringing", 10, after=em)
            to_ring.append((ring["t"] - inv["t"]) * 1000)
            to_180.append(float(r180["ms"]))
            eng.send(cmd="cancel", call=call, agent="agent1")
            phone.wait("ended", 10, after=pm)
        print(f"voice ring latency over {args.rings} rings through Kamailio/TLS on "
              f"{platform.node()} ({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}):")
        for name, vals in (("invite->ring at the phone", to_ring), ("invite->180 at the engine", to_180)):
            print(f"  {name:28s} p50 {statistics.median(vals):6.1f} ms  p95 {pct(vals, 95):6.1f} ms  "
                  f"max {max(vals):6.1f} ms")
    finally:
        for p in reversed(procs):
            p.stop()
        kam.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
