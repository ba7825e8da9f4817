"""Levels per codec across the center, measured against baresip (issue 10 §4).

A baresip customer (third-party G.722/G.711 implementation) calls the voice engine over TLS with
SRTP; a pjsua2 agent phone answers. Each side plays a -12 dBFS sine (customer 1000 Hz, agent
1500 Hz); the gain is the level the other side recorded minus the level sent (0 dB = correct).
``--shift N`` runs every pjsua2 process with pjmedia's G.722 PCM shift N (2 = the wheel's default,
i.e. the tree before the fix; 1 = the fix) to show before and after side by side.

    .venv/bin/python bench/g722_levels.py [--shift 1] [--seconds 4]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository root, for tests.kit

from tests.kit.interop_levels import measure


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--shift", type=int, default=None, help="override the G.722 PCM shift (children)")
    ap.add_argument("--codecs", default="G722,PCMU,PCMA")
    args = ap.parse_args()
    if args.shift is not None:
        # The child processes read it (agent_tui.sip.endpoint.G722_PCM_SHIFT_ENV): bench only.
        os.environ["AGENT_TUI_BENCH_G722_SHIFT"] = str(args.shift)
    print(benchlib.machine("pjsua2 2.15.1", "baresip 1.0.0"))
    for codec in args.codecs.split(","):
        with tempfile.TemporaryDirectory() as d:
            print(json.dumps({"shift": args.shift, **measure(Path(d), codec, seconds=args.seconds)}))


if __name__ == "__main__":
    main()
