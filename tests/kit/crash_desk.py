"""Kill -9 a desk (tests/kit/desk_agent.py with the encrypted local cache) at random points while
it queues, sends and drafts team messages, restart it, and count what reached the center.

Used by tests/client/test_crash_outbox.py (a few rounds) and bench/crash_outbox.py (50 rounds).
A message counts as *typed* once the desk said it stored it (``queued``); a typed message must
reach the center exactly once, an untyped one (killed before it was stored) at most once.
The latest stored draft must be what the next start restores.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_tui.core.client import CenterClient
from agent_tui.core.vault import JOURNAL
from tests.kit.paths import KIT_DIR, child_env
from tests.kit.waiting import LineLog

ROOM = "team:care"
START_TIMEOUT = 30.0


@dataclass
class Tally:
    rounds: int = 0
    typed: set[str] = field(default_factory=set)      # stored by the desk before the kill
    written: set[str] = field(default_factory=set)    # handed to the desk (maybe not stored)
    may_miss: set[str] = field(default_factory=set)   # the last record of a torn journal
    restored_drafts_ok: int = 0
    torn: int = 0
    arrived: Counter[str] = field(default_factory=Counter)

    def lost(self) -> set[str]:
        return {t for t in self.typed - self.may_miss if self.arrived[t] == 0}

    def duplicated(self) -> set[str]:
        return {t for t, n in self.arrived.items() if n > 1}


class Desk:
    """One run of the desk child; its stdout lines (JSON) land in ``log``."""

    def __init__(self, center_url: str, ca: Path, cache: Path, user: str = "agent1",
                 password: str = "demo", extra: tuple[str, ...] = ()) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(KIT_DIR / "desk_agent.py"), "--server", center_url, "--ca", str(ca),
             "--user", user, "--cache", str(cache), "--ping-interval", "2", *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=child_env())
        self.log: LineLog[dict[str, Any]] = LineLog()
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr or []), daemon=True).start()
        self.send_line(password)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                self.log.append(json.loads(line))
            except ValueError:
                continue
        self.log.close()

    def send_line(self, line: str) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # killed: the line was never typed

    def send(self, obj: dict[str, Any]) -> None:
        self.send_line(json.dumps(obj))

    def wait(self, ev: str, timeout: float = START_TIMEOUT, **match: Any) -> dict[str, Any]:
        return self.log.wait(lambda d: d.get("ev") == ev and all(d.get(k) == v for k, v in match.items()),
                             timeout, what=f"desk event {ev} {match}", detail=lambda: "".join(self.stderr[-5:]))

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def close(self) -> None:
        self.send({"cmd": "close"})
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()


def journal_of(cache: Path) -> Path:
    found = list(cache.glob(f"*/{JOURNAL}"))
    assert len(found) == 1, found
    return found[0]


def crash_rounds(center_url: str, ca: Path, cache: Path, rounds: int, rng: random.Random,
                 torn_every: int = 0) -> Tally:
    """*rounds* runs of the desk, each killed at a random point; then one clean run that
    sends what is left; then the count (see the module docstring)."""
    tally = Tally()
    n = 0
    chain: list[str | None] = [None]    # the successive drafts the journal held, latest last
    allowed: set[str | None] = {None}   # what the next start may restore
    last_typed: str | None = None       # the last message stored, in any round
    for r in range(rounds):
        desk = Desk(center_url, ca, cache)
        got = desk.wait("restored")["drafts"].get(ROOM)
        assert got in allowed, f"round {r}: restored draft {got!r}, expected one of {allowed}"
        tally.restored_drafts_ok += 1
        if got != chain[-1]:
            if len(chain) > 1 and got == chain[-2]:
                chain.pop()  # a torn journal lost the last draft write
            else:
                chain.append(got)  # a draft written but killed before it said so
        desk.send({"cmd": "start"})
        n_msgs = rng.randint(3, 9)
        # A random point: after k messages were stored, then a few more lines (sent, answered,
        # status) — so kills land while queued offline, in flight, and after answers.
        k, extra = rng.randint(0, n_msgs), rng.randint(0, 5)
        handed: list[str] = []
        for _ in range(n_msgs):
            if rng.random() < 0.3:
                text = f"draft {r}.{n} Mevrouw Jansen"
                handed.append(text)
                desk.send({"cmd": "draft", "key": ROOM, "text": text})
            tag = f"crash-{n:04d}"
            n += 1
            tally.written.add(tag)
            desk.send({"cmd": "call", "tag": tag, "op": "team.send", "args": {"room": ROOM, "text": tag}})
        stored_k = desk.log.first(lambda _d, d=desk, k=k: sum(x.get("ev") == "queued" for x in d.log.lines) >= k,
                                  15.0)
        if stored_k is not None:
            at = len(desk.log)
            desk.log.first(lambda _d, d=desk, at=at, e=extra: len(d.log) >= at + e, 1.0)
        desk.kill()
        confirmed = [d["tag"] for d in desk.log.lines if d.get("ev") == "queued"]
        tally.typed.update(confirmed)
        last_typed = confirmed[-1] if confirmed else last_typed
        n_drafted = sum(1 for d in desk.log.lines if d.get("ev") == "drafted")
        chain.extend(handed[:n_drafted])
        # A draft handed over but not yet confirmed may still have been written.
        allowed = {chain[-1], *handed[n_drafted:]}
        if torn_every and (r + 1) % torn_every == 0:
            j = journal_of(cache)
            size = j.stat().st_size
            if size > 0:
                with open(j, "r+b") as f:  # a power cut tears the last record
                    f.truncate(max(0, size - rng.randint(1, 24)))
                tally.torn += 1
                # The torn record was the last change of any run: the last stored message,
                # or the last draft write (which brings back the draft before it).
                if last_typed is not None:
                    tally.may_miss.add(last_typed)
                allowed |= {chain[-2] if len(chain) > 1 else None, *handed}
        tally.rounds += 1
    # The clean run: everything left goes out, then the desk closes.
    desk = Desk(center_url, ca, cache)
    restored = desk.wait("restored")
    assert restored["drafts"].get(ROOM) in allowed
    desk.send({"cmd": "start"})
    desk.wait("welcome")
    desk.log.wait(lambda d: d.get("ev") == "status" and d.get("queued") == 0 and d.get("state") == "online",
                  START_TIMEOUT, what="an empty outbox")
    desk.close()
    tally.arrived = Counter(asyncio.run(_history(center_url, ca)))
    return tally


async def _history(center_url: str, ca: Path) -> list[str]:
    client = CenterClient(center_url, ca, "agent1", password="demo", client_name="crash-count")
    await client.start()
    try:
        await client.wait_online(20)
        data = await client.call("team.history", room=ROOM, limit=500)
    finally:
        await client.close()
    return [str(m.get("text")) for m in data.get("messages") or [] if str(m.get("text")).startswith("crash-")]
