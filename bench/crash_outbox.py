"""Kill -9 the desk 50 times while it queues, sends and drafts, and count every message.

A desk client with the encrypted local cache (tests/kit/desk_agent.py --cache) runs against a
real center over TLS; each round it is killed (SIGKILL) after a random number of its own
outputs, every 5th round the last record of its journal is also torn (a power cut). A final
clean run sends what is left. Prints: messages stored / arrived, lost, duplicated, rounds, time.

Run: AGENT_TUI_PRIVATE_KEYRING=1 scripts/with-keyring .venv/bin/python bench/crash_outbox.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchlib import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench scripts run from a checkout, not an install

from agent_tui.center.init import init_center
from tests.kit.center import CenterHandle
from tests.kit.crash_desk import crash_rounds


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--seed", type=int, default=50)
    args = ap.parse_args()
    # The center writes to connections of desks that were just killed: asyncio warns each time.
    logging.getLogger("asyncio").setLevel(logging.ERROR)
    tmp = Path(tempfile.mkdtemp(prefix="crash-outbox-"))
    try:
        init_center(tmp / "center", demo=True, port=0, ingress_port=0)
        cfg = tmp / "center" / "center.yaml"
        cfg.write_text(cfg.read_text().replace("demo: true", "demo: false"))
        center = CenterHandle(tmp / "center").start()
        t0 = time.monotonic()
        try:
            tally = crash_rounds(center.url, center.ca_file, tmp / "cache", rounds=args.rounds,
                                 rng=random.Random(args.seed), torn_every=5)
        finally:
            center.stop()
        took = time.monotonic() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(machine())
    print(f"rounds {tally.rounds} (kill -9 each), torn journals {tally.torn}, {took:.1f} s")
    print(f"messages handed to the desk {len(tally.written)}, stored before a kill {len(tally.typed)}, "
          f"arrived {sum(tally.arrived.values())} ({len(tally.arrived)} distinct)")
    print(f"lost {len(tally.lost())}, duplicated {len(tally.duplicated())}, "
          f"torn-record allowance used {len(tally.may_miss & (tally.typed - set(tally.arrived)))}, "
          f"drafts restored as stored {tally.restored_drafts_ok}/{tally.rounds}")
    return 1 if tally.lost() or tally.duplicated() else 0


if __name__ == "__main__":
    sys.exit(main())
