"""Subprocess driver for the SIP tests: one headless phone per process (pjsua2 allows one Endpoint).

Usage: python phone_proc.py '<json HeadlessOptions>'  — prints {"ready": PORT} when listening,
then one JSON line with the call result. Headset devices come from the environment (ALSA_CONFIG_PATH).
"""

from __future__ import annotations

import json
import sys

from agent_tui.sip.headless import HeadlessOptions, run_headless
from agent_tui.sip.phone import HeadsetSpec


def main() -> int:
    raw = json.loads(sys.argv[1])
    headset = raw.pop("headset", None)
    raw_progress = raw.pop("progress", False)
    opts = HeadlessOptions(**raw)
    if headset:
        opts.headset = HeadsetSpec(**headset)

    def ready(port: int) -> None:
        print(json.dumps({"ready": port}), flush=True)

    if raw_progress:
        opts.progress = lambda event: print(json.dumps(event), flush=True)
    result = run_headless(opts, on_ready=ready)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
