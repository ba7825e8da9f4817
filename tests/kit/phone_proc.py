"""Subprocess driver for the SIP tests: one headless phone per process (pjsua2 allows one Endpoint).

Usage: python phone_proc.py '<json HeadlessOptions>'  — prints {"ready": PORT} when listening,
then one JSON line with the call result. Headset devices come from the environment (ALSA_CONFIG_PATH).
"""

from __future__ import annotations

import json
import sys
import threading

from agent_tui.sip.headless import HeadlessOptions, run_headless
from agent_tui.sip.phone import HeadsetSpec


def main() -> int:
    raw = json.loads(sys.argv[1])
    headset = raw.pop("headset", None)
    raw_progress = raw.pop("progress", False)
    opts = HeadlessOptions(**raw)
    if headset:
        opts.headset = HeadsetSpec(**headset)

    lock = threading.Lock()

    def say(obj: dict) -> None:
        # Lines come from two threads (the runner and the phone's owner thread): one write each.
        with lock:
            sys.stdout.write(json.dumps(obj) + "\n")
            sys.stdout.flush()

    def ready(port: int) -> None:
        say({"ready": port})

    if raw_progress:
        opts.progress = say
    result = run_headless(opts, on_ready=ready)
    say(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
