"""Real logins while 150 hostile connections guess a password (issue 9, section 3).

Starts a center (``center serve`` as a subprocess, TLS on loopback) and an attacker process:
150 connections from 127.0.0.1 sending hellos for agent1 with random passwords (every third for
a made-up user), reconnecting whenever the center closes them. Meanwhile this process logs
agent1 in with the right password from 127.0.0.2, one login after the other, and times each
(TCP + TLS + WebSocket open, then hello → welcome). Before the attack, the same logins
without it, as the baseline.

Usage: ``.venv/bin/python bench/login_attack.py [--logins 30] [--hostile 150]``
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from agent_tui.center.init import init_center
from tests.kit.center_proc import CenterProcess, copy_center
from tests.kit.login_attack import Attack
from tests.kit.paths import child_env
from tests.kit.wsclient import WsClient


async def _attacker(url: str, ca: str, n: int, seconds: float) -> None:
    attack = Attack(url, Path(ca), n=n)
    attack.start()
    await asyncio.sleep(seconds)
    await attack.stop()
    print(dict(attack.answers), flush=True)


async def _logins(url: str, ca: Path, count: int) -> list[float]:
    took = []
    for _ in range(count):
        t0 = time.monotonic()
        c = await WsClient.login(url, ca, "agent1", "demo", local_addr=("127.0.0.2", 0))
        took.append(time.monotonic() - t0)
        await c.close()
    return took


def _line(name: str, took: list[float]) -> str:
    return (f"{name}: n={len(took)} p50 {benchlib.pct(took, 50) * 1000:.0f} ms, p95 {benchlib.pct(took, 95) * 1000:.0f} ms,"
            f" max {max(took) * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--logins", type=int, default=30)
    ap.add_argument("--hostile", type=int, default=150)
    ap.add_argument("--attacker", nargs=3, metavar=("URL", "CA", "SECONDS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.attacker:
        url, ca, seconds = args.attacker
        asyncio.run(_attacker(url, ca, args.hostile, float(seconds)))
        return
    print(benchlib.machine())
    with tempfile.TemporaryDirectory() as tmp:
        tpl = Path(tmp) / "tpl"
        init_center(tpl, demo=True, port=0, ingress_port=0)
        with CenterProcess.serve(copy_center(tpl, Path(tmp) / "center")) as cp:
            print(_line("without attack", asyncio.run(_logins(cp.url, cp.ca_file, 10))))
            attacker = subprocess.Popen(
                [sys.executable, __file__, "--hostile", str(args.hostile), "--attacker", cp.url, str(cp.ca_file),
                 str(20 + args.logins * 3)], stdout=subprocess.PIPE, text=True, env=child_env())
            # Let the attack build up: its hellos are answered, then rate limited.
            cp.log.wait(lambda ln: "failed login" in ln.text, 60, what="the attack's first failed login")
            time.sleep(5)  # the attack ramps up (a bench, not a test)
            took = asyncio.run(_logins(cp.url, cp.ca_file, args.logins))
            print(_line(f"during attack by {args.hostile} connections", took))
            rss = cp.rss_mb()
            attacker.terminate()
            attacker.wait(60)
            hashed = sum("failed login" in ln.text for ln in cp.log.lines)
            print(f"center RSS during the attack {rss:.0f} MiB; hostile hellos that got a password check: {hashed}"
                  " (the rest were refused without one)")


if __name__ == "__main__":
    main()
