"""Does the center give memory back after a flood? (issue 9, section 2)

Starts a center (``center serve`` as a subprocess), then: 500 logged-in sessions (one password
login, the rest with its token, from 127.0.0.1–127.0.0.10), 50 frames of 1 MB each sent on them
(the center answers ``too_large``), then all sessions close. Prints the center's RSS before, at the
peak, right after, and after its periodic ``malloc_trim`` (every 30 s) had a chance to run; then
the same flood again, to see whether what stays is bounded (by the peak) or grows per flood.

Usage: ``.venv/bin/python bench/center_flood.py [--sessions 500] [--frames 50]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import benchlib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from agent_tui.center.init import init_center
from agent_tui.center.memory import TRIM_EVERY_S
from tests.kit.center_proc import CenterProcess, copy_center
from tests.kit.wsclient import WsClient


async def flood(cp: CenterProcess, sessions: int, frames: int) -> dict[str, float]:
    rss = {"start": cp.rss_mb()}
    first = await WsClient.login(cp.url, cp.ca_file, "agent1")
    token = first.welcome["token"]
    clients = [first]
    for i in range(1, sessions, 10):
        batch = [WsClient.login(cp.url, cp.ca_file, "agent1", token=token, local_addr=(f"127.0.0.{1 + j}", 0))
                 for j in range(min(10, sessions - i))]
        clients += await asyncio.gather(*batch)
    rss["sessions"] = cp.rss_mb()
    big = "x" * 1_000_000
    for k in range(frames):
        c = clients[k % len(clients)]
        await c.send_raw(f'{{"type":"cmd","id":"big-{k}","op":"whoami","args":{{"pad":"{big}"}}}}')
        await c.wait_frame(lambda f: f.get("type") == "error", 30)
    rss["peak"] = max(rss["sessions"], cp.rss_mb())
    await asyncio.gather(*(c.close() for c in clients))
    cp.log.first(lambda ln: False, 3)  # give the closes 3 s to finish (nothing matches: a plain wait)
    rss["closed"] = cp.rss_mb()
    return rss


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=500)
    ap.add_argument("--frames", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=2, help="floods one after the other (does RSS keep growing?)")
    args = ap.parse_args()
    print(benchlib.machine())
    with tempfile.TemporaryDirectory() as tmp:
        tpl = Path(tmp) / "tpl"
        init_center(tpl, demo=True, port=0, ingress_port=0)
        with CenterProcess.serve(copy_center(tpl, Path(tmp) / "center")) as cp:
            for n in range(args.rounds):
                rss = asyncio.run(flood(cp, args.sessions, args.frames))
                time.sleep(TRIM_EVERY_S + 2)  # the center's periodic trim (a bench's wait, not a test's)
                rss["after trim"] = cp.rss_mb()
                print(f"round {n + 1}: {args.sessions} sessions, {args.frames} × 1 MB frames: center RSS "
                      + ", ".join(f"{k} {v:.0f} MiB" for k, v in rss.items()), flush=True)


if __name__ == "__main__":
    main()
