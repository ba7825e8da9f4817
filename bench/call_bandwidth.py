"""Bandwidth of a softphone call per profile, at the IP layer, per direction; and INVITE → ring time.

Two headless phones (real pjsua2, one process each) call each other over TLS with mandatory SRTP,
both on the same profile, sending a continuous tone (worst case: VAD never kicks in) and, for the
low profile, silence (VAD on: what a listening agent costs). kbit/s counts every RTP packet as
payload + RTP (12) + UDP (8) + IPv4 (20) + SRTP tag (10 for *_80 suites) bytes — RTCP (one
packet every ~5 s) is not included. "INVITE → ring" is the time from the caller's makeCall to the
callee's IncomingCall event (the SIP part of "INVITE to ring shown in the UI"; the desk adds one
post_message hop on top).

    .venv/bin/python bench/call_bandwidth.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository root, for tests.kit
PROC = ROOT / "tests" / "kit" / "phone_proc.py"

from tests.kit.audio_check import write_tone_wav
from tests.kit.sip_certs import make_pki


def machine() -> str:
    import pjsua2

    return benchlib.machine(f"pjsua2 {getattr(pjsua2, '__version__', '2.15')}")


def one_call(pki: dict, profile: str, seconds: float, wav: Path | None) -> tuple[dict, dict]:
    base = {
        "ca_file": pki["ca"],
        "domain": "127.0.0.1",
        "bind_address": "127.0.0.1",
        "profile": profile,
    }
    callee_opts = dict(
        base,
        cert_file=pki["cert"],
        key_file=pki["key"],
        user="agent1",
        auto_answer=True,
        wait=30,
        duration=seconds + 30,
    )
    caller_opts = dict(base, user="customer", duration=seconds)
    if wav is not None:
        callee_opts["play"] = caller_opts["play"] = str(wav)
    if os.environ.get("BENCH_SIP_LOG"):
        caller_opts.update(log_file=os.environ["BENCH_SIP_LOG"], log_level=5)
    callee = subprocess.Popen(
        [sys.executable, str(PROC), json.dumps(callee_opts)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert callee.stdout is not None
        port = json.loads(callee.stdout.readline())["ready"]
        caller_opts["dial"] = f"sip:agent1@127.0.0.1:{port};transport=tls"
        out = subprocess.run(
            [sys.executable, str(PROC), json.dumps(caller_opts)],
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + 60,
        )
        caller = json.loads(out.stdout.strip().splitlines()[-1])
        callee_res = json.loads(callee.stdout.readline())
    finally:
        callee.kill()
        callee.wait()
    return caller, callee_res


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seconds", type=float, default=10.0, help="call length (default 10)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        p = make_pki(d / "pki")
        pki = {"ca": str(p.ca), "cert": str(p.cert), "key": str(p.key)}
        tone = write_tone_wav(d / "tone.wav", 440.0, args.seconds + 5, amp=0.3)
        print(f"machine: {machine()}")
        print(
            f"call length {args.seconds:g} s, loopback, TLS + SRTP (SDES), both ends on the same profile"
        )
        print(
            f"{'profile':8} {'input':8} {'codec':12} {'ptime':>5} {'srtp':24} "
            f"{'tx kbit/s':>9} {'rx kbit/s':>9} {'tx pkts':>7} {'MOS':>4} {'INVITE→ring':>11}"
        )
        rows = [
            ("low", "tone", tone),
            ("low", "silence", None),
            ("normal", "tone", tone),
            ("normal", "silence", None),
        ]
        for profile, label, wav in rows:
            caller, callee = one_call(pki, profile, args.seconds, wav)
            if caller.get("result") != "completed":
                print(f"{profile:8} {label:8} FAILED: {caller.get('message')}")
                continue
            ring_ms = (callee.get("ring_at", 0) - caller.get("dial_at", 0)) * 1000
            print(
                f"{profile:8} {label:8} {caller['codec']:12} {caller['ptime_ms']:>3} ms {caller['srtp']:24} "
                f"{caller['tx_kbps']:>9.1f} {caller['rx_kbps']:>9.1f} {caller['tx_packets']:>7} "
                f"{caller['mos'] or 0:>4.2f} {ring_ms:>8.0f} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
