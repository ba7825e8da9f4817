"""Headless phone: resident memory (RSS) and CPU during a call, and what the memory is made of.

Two headless phones (real pjsua2, one process each, as in call_bandwidth.py) call each other over
loopback with TLS and mandatory SRTP, on the ``low`` profile (speex, 40 ms) sending a 440 Hz tone.
The answering phone is started the way ``agent-tui ctl ... phone`` runs it: the CLI with the
``ctl`` part's parsers and the center client imported, then the headless softphone.  During the call its
RSS and CPU time are read from /proc every 0.5 s; CPU is user + system time over the call's middle
(from 2 s after answer to 1 s before the end) as a share of one core.

The breakdown imports the same modules step by step in a fresh process and prints RSS after each.

    .venv/bin/python bench/phone_memory.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository root, for tests.kit
PROC = ROOT / "tests" / "kit" / "phone_proc.py"

from tests.kit.audio_check import write_tone_wav
from tests.kit.sip_certs import make_pki

# The answering phone: the ctl process's modules, then the test kit's phone driver.
CTL_PHONE = f"""
import runpy, sys
import agent_tui.cli, agent_tui.ctl.phone  # what `agent-tui ctl ... phone` has loaded
agent_tui.cli.build_parser(["ctl", "phone"])
sys.argv = [{str(PROC)!r}, sys.argv[1]]
runpy.run_path({str(PROC)!r}, run_name="__main__")
"""

STAGES = [
    ("interpreter", ""),
    ("asyncio + ssl", "import asyncio, ssl"),
    ("center client (websockets)", "import agent_tui.core.client"),
    ("keyring (credentials)", "import agent_tui.core.credentials"),
    ("CLI parser of `ctl`", "import agent_tui.cli; agent_tui.cli.build_parser(['ctl', 'phone'])"),
    ("ctl phone command", "import agent_tui.ctl.phone"),
    ("pjsua2 library", "import pjsua2; pjsua2.Endpoint"),
    ("agent_tui.sip.headless", "import agent_tui.sip.headless"),
    ("(numpy, not loaded by the phone)", "import numpy"),
]

BREAKDOWN = """
import sys
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
for name, code in STAGES:
    exec(code)
    print(f"{rss():.1f}\\t{len(sys.modules)}\\t{name}")
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def breakdown() -> list[str]:
    code = f"STAGES = {STAGES!r}\n" + BREAKDOWN
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    lines, prev = [], 0.0
    for row in out.stdout.splitlines():
        mb, mods, name = row.split("\t")
        lines.append(f"  {name:<34} {float(mb):6.1f} MB  (+{float(mb) - prev:5.1f})  {mods} modules")
        prev = float(mb)
    return lines


def call(pki: dict, seconds: float, wav: Path) -> dict:
    base = {"ca_file": pki["ca"], "domain": "127.0.0.1", "bind_address": "127.0.0.1", "profile": "low",
            "play": str(wav)}
    callee_opts = dict(base, cert_file=pki["cert"], key_file=pki["key"], user="agent1", auto_answer=True,
                       wait=30, duration=seconds + 30, progress=True)
    caller_opts = dict(base, user="customer", duration=seconds)
    callee = subprocess.Popen([sys.executable, "-c", CTL_PHONE, json.dumps(callee_opts)], stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    samples: list[tuple[float, float, float]] = []  # (time, rss MB, cpu s)
    try:
        assert callee.stdout is not None
        port = json.loads(callee.stdout.readline())["ready"]
        idle_rss = rss_mb(callee.pid)
        caller_opts["dial"] = f"sip:agent1@127.0.0.1:{port};transport=tls"
        caller = subprocess.Popen([sys.executable, str(PROC), json.dumps(caller_opts)], stdout=subprocess.PIPE,
                                  text=True, cwd=ROOT)
        answered: list[float] = []
        out = callee.stdout

        def watch() -> None:  # the callee's progress lines: note when it answered
            for line in out:
                if '"answered"' in line and not answered:
                    answered.append(time.monotonic())

        threading.Thread(target=watch, daemon=True).start()
        while caller.poll() is None:
            samples.append((time.monotonic(), rss_mb(callee.pid), cpu_s(callee.pid)))
            time.sleep(0.5)  # sampling period of the measurement, not a synchronisation
        result = json.loads((caller.stdout.read() if caller.stdout else "").strip().splitlines()[-1])
    finally:
        callee.kill()
        callee.wait()
    start = (answered[0] if answered else samples[0][0]) + 2.0
    end = samples[-1][0] - 1.0
    window = [s for s in samples if start <= s[0] <= end]
    cpu = (window[-1][2] - window[0][2]) / (window[-1][0] - window[0][0]) * 100 if len(window) > 1 else float("nan")
    return {"result": result.get("result"), "codec": result.get("codec"), "idle_rss": idle_rss,
            "peak_rss": max(s[1] for s in samples), "call_rss": window[-1][1] if window else float("nan"),
            "cpu_pct": cpu, "window_s": (window[-1][0] - window[0][0]) if len(window) > 1 else 0.0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=20.0, help="call length (default 20)")
    args = ap.parse_args()
    import pjsua2

    version = getattr(pjsua2, "__version__", "2.15")
    print(f"machine: {benchlib.machine(f'pjsua2 {version}')}")
    print("what a headless phone process is made of (RSS after each step, fresh process):")
    for line in breakdown():
        print(line)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        p = make_pki(d / "pki")
        pki = {"ca": str(p.ca), "cert": str(p.cert), "key": str(p.key)}
        wav = write_tone_wav(d / "tone.wav", 440.0, args.seconds + 5, amp=0.3)
        r = call(pki, args.seconds, wav)
    print(f"call ({r['result']}, {r['codec']}, profile low, TLS + SRTP, {args.seconds:g} s, loopback), answering phone "
          f"as `ctl phone` loads it:")
    print(f"  RSS registered and idle {r['idle_rss']:.1f} MB; in the call {r['call_rss']:.1f} MB, peak {r['peak_rss']:.1f} MB")
    print(f"  CPU in the call: {r['cpu_pct']:.2f} % of one core (over {r['window_s']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
