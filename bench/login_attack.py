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
import os
import re
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
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        await asyncio.sleep(5)
        # The answers so far, per second of attack (the bench reads the last line it printed).
        rate = {k: round(v / (time.monotonic() - t0)) for k, v in attack.answers.items()}
        print(f"attack answers per second: {rate}", flush=True)
    await attack.stop()


async def _logins(url: str, ca: Path, count: int) -> tuple[list[float], list[float]]:
    """Total (connect to welcome) and the hello → welcome part of each login."""
    took, hello = [], []
    for _ in range(count):
        t0 = time.monotonic()
        c = await WsClient.open(url, ca, local_addr=("127.0.0.2", 0))
        t1 = time.monotonic()
        await c.hello("agent1", "demo")
        took.append(time.monotonic() - t0)
        hello.append(time.monotonic() - t1)
        await c.close()
    return took, hello


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of process *pid* so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _center_split(lines: list[str]) -> str:
    """The center's own account of agent1's logins (its log, ``-v``), p50 / p95 in ms."""
    parts: dict[str, list[float]] = {"slot wait": [], "scrypt": [], "check": [], "welcome": []}
    for ln in lines:
        if mt := re.search(r"for agent1: (\d+) ms waiting for a hashing slot, (\d+) ms hashing", ln):
            parts["slot wait"].append(float(mt.group(1)))
            parts["scrypt"].append(float(mt.group(2)))
        if mt := re.search(r"agent1 logged in \(test, .*; check (\d+) ms, welcome (\d+) ms\)", ln):
            parts["check"].append(float(mt.group(1)))
            parts["welcome"].append(float(mt.group(2)))
    return "center's split (p50 / p95 ms): " + ", ".join(
        f"{k} {benchlib.pct(v, 50):.0f} / {benchlib.pct(v, 95):.0f}" if v else f"{k} not logged" for k, v in parts.items())


def _line(name: str, took_hello: tuple[list[float], list[float]]) -> str:
    took, hello = took_hello
    return (f"{name}: n={len(took)} p50 {benchlib.pct(took, 50) * 1000:.0f} ms, p95 {benchlib.pct(took, 95) * 1000:.0f} ms,"
            f" max {max(took) * 1000:.0f} ms; of which hello → welcome p50 {benchlib.pct(hello, 50) * 1000:.0f} ms,"
            f" p95 {benchlib.pct(hello, 95) * 1000:.0f} ms (load average {os.getloadavg()[0]:.1f})")


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
        with CenterProcess.serve(copy_center(tpl, Path(tmp) / "center"), "-v") as cp:
            cpu0, t0 = _cpu_s(cp.proc.pid), time.monotonic()
            print(_line("without attack", asyncio.run(_logins(cp.url, cp.ca_file, 10))))
            cpu = (_cpu_s(cp.proc.pid) - cpu0) / (time.monotonic() - t0)
            print(_center_split([ln.text for ln in cp.log.lines]))
            print(f"center CPU during those logins: {cpu * 100:.0f} % of one core")
            attacker = subprocess.Popen(
                [sys.executable, __file__, "--hostile", str(args.hostile), "--attacker", cp.url, str(cp.ca_file),
                 str(20 + args.logins * 3)], stdout=subprocess.PIPE, text=True, env=child_env())
            # Let the attack build up: its hellos are answered, then rate limited.
            cp.log.wait(lambda ln: "failed login" in ln.text, 60, what="the attack's first failed login")
            time.sleep(5)  # the attack ramps up (a bench, not a test)
            seen = len(cp.log.lines)
            cpu0, acpu0, t0 = _cpu_s(cp.proc.pid), _cpu_s(attacker.pid), time.monotonic()
            took = asyncio.run(_logins(cp.url, cp.ca_file, args.logins))
            cpu = (_cpu_s(cp.proc.pid) - cpu0) / (time.monotonic() - t0)
            acpu = (_cpu_s(attacker.pid) - acpu0) / (time.monotonic() - t0)
            print(_line(f"during attack by {args.hostile} connections", took))
            print(_center_split([ln.text for ln in cp.log.lines[seen:]]))
            print(f"CPU during the real logins: center {cpu * 100:.0f} %, attacker {acpu * 100:.0f} % of one core")
            rss = cp.rss_mb()
            attacker.terminate()
            out, _ = attacker.communicate(timeout=60)
            print((out.strip().splitlines() or ["attack answers: none printed"])[-1])
            hashed = sum("failed login" in ln.text for ln in cp.log.lines)
            print(f"center RSS during the attack {rss:.0f} MiB; hostile hellos that got a password check: {hashed}"
                  " (the rest were refused without one)")


if __name__ == "__main__":
    main()
