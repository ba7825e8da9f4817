"""The full compressed shift of issue 8's acceptance: 40 contacts over the five channels, two
breaks with offers pending longer than the offer timeout, a 10 s link drop while typing, a kill -9
of the desk mid-shift and a restart, team chat while away, and 3 real calls (pjsua2 over TLS with
SRTP: answered on the call bar, held and resumed, the last one blind-transferred to a colleague's
headless phone; tests/kit/shift_calls.py) (tests/kit/desk_shift.py; the suite runs a shorter one
in tests/desk/test_desk_shift.py). Prints the counts and the time of each part.

Run: AGENT_TUI_PRIVATE_KEYRING=1 scripts/with-keyring .venv/bin/python bench/desk_shift.py [--contacts 40]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml
from benchlib import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench scripts run from a checkout, not an install

from agent_tui.center.init import init_center
from agent_tui.core.desk_cache import ENV_CACHE_DIR
from tests.kit.center import CenterHandle
from tests.kit.desk_shift import check, run_shift
from tests.kit.shift_calls import headset_env


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=40)
    ap.add_argument("--drop", type=float, default=10.0, help="seconds the link is down while typing")
    ap.add_argument("--offer-timeout", type=float, default=3.0)
    ap.add_argument("--calls", type=int, default=3, help="real calls (the last one transferred); 0: none")
    args = ap.parse_args()
    logging.getLogger("asyncio").setLevel(logging.ERROR)
    tmp = Path(tempfile.mkdtemp(prefix="desk-shift-"))
    os.environ[ENV_CACHE_DIR] = str(tmp / "cache")  # the desks' encrypted cache, this run only
    os.environ.setdefault("AGENT_TUI_CONFIG", str(tmp / "config.yaml"))
    (tmp / "calls").mkdir()
    os.environ.update(headset_env(tmp / "calls"))  # before this process's one pjsua2 engine opens it
    try:
        init_center(tmp / "center", demo=True, port=0, ingress_port=0)
        cfg_path = tmp / "center" / "center.yaml"
        cfg = yaml.safe_load(cfg_path.read_text()) or {}
        cfg.update({"demo": False, "voice": {"enabled": args.calls > 0}, "offer_timeout_s": args.offer_timeout})
        cfg_path.write_text(yaml.safe_dump(cfg))
        center = CenterHandle(tmp / "center").start()
        t0 = time.monotonic()
        try:
            report = asyncio.run(run_shift(center, contacts=args.contacts, drop_s=args.drop,
                                           offer_timeout=args.offer_timeout, calls=args.calls,
                                           calls_dir=tmp / "calls"))
        finally:
            center.stop()
        took = time.monotonic() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(machine())
    print(f"contacts {sum(report.channels.values())} {dict(report.channels)}, link drop {args.drop:.0f} s, "
          f"offer timeout {args.offer_timeout:.0f} s, {took:.1f} s wall "
          f"({', '.join(f'{k} until {v:.1f} s' for k, v in report.seconds.items())})")
    print(f"customer replies typed {sum(len(v) for v in report.answers.values())}, "
          f"sent to customers {sum(len(v) for v in report.outbox.values())}; call notes {len(report.notes)}; "
          f"team messages typed {len(report.team_typed)}; breaks kept {report.break_kept}; "
          f"states {[r['state'] for r in report.state_log]}")
    print(f"{len(report.calls)} real calls took {report.calls_s:.1f} s of the shift")
    for call in report.calls:
        print(f"call {call.caller} conv {call.conversation}: {'transferred' if call.transfer else 'wrapped up'}, "
              f"center {report.call_records.get(call.conversation)}, SRTP {call.srtp}, customer {call.customer.get('result')} "
              f"after {call.customer.get('talk_s')} s, taker {call.taker.get('result') if call.transfer else '-'}; "
              f"{', '.join(f'{k} {v:.1f} s' for k, v in call.seconds.items())}")
    try:
        check(report)
    except AssertionError as exc:
        print(f"FAILED: {exc}")
        return 1
    print("every customer answered exactly once, every typed text arrived once, no break overwritten, "
          "timeline as acted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
