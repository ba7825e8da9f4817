"""The team lead's view with 200 agents and live traffic: key-to-screen latency and the bytes
the lead view adds at the lead's link.

A child process runs the real center (demo data + 200 more agents, no simulation) and the load:
200 agents logged in over real websockets (session tokens), each Available, accepting every
offer, replying, wrapping up after 2–6 s, and taking a break now and then (a few presence changes
a second); customers write in over the HTTPS ingress at ``--rate`` per second.

This process runs the real desk (headless, 120×40) logged in as ``lead1`` through a TCP proxy that
counts the bytes of the lead's link (TLS records, both directions). It measures:

* the link's bytes/s over ``--window`` s with the desk only, then with the lead view open
  (figures and urgent items every 5 s, the agents table every 10 s while shown, presence live);
  the difference is what the lead view adds;
* key-to-screen latency in the lead view: tab switches, row moves and sorting, from the key
  posted to the end of the screen update that shows its effect (rendered to terminal bytes as a
  real terminal update would be), p50/p95/max over ``--keys`` keys.

Run: .venv/bin/python bench/lead_view.py [--agents 200] [--rate 2] [--window 30] [--keys 60]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
from collections import Counter
from pathlib import Path

import benchlib
import yaml
from textual import events

from agent_tui.app import DeskApp, LoginInfo
from agent_tui.center.init import init_center
from agent_tui.center.store import agents as agent_store
from agent_tui.core.config import Config
from agent_tui.screens.lead import LeadScreen
from agent_tui.secure.tls import client_ssl_context
from agent_tui.widgets.lead_tables import AgentsTable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository root, for tests.kit

from tests.kit.center import CenterHandle
from tests.kit.proxy import TcpProxy
from tests.kit.wsclient import WsClient


class StackSampler:
    """Samples the UI thread's stack every ``every`` s on a thread: what a slow key waited for
    (``LEAD_BENCH_SAMPLE=1``). cProfile shows where time goes over all keys; this shows the few slow ones."""

    def __init__(self, every: float = 0.002) -> None:
        self.every = every
        self.main = threading.main_thread().ident
        self.samples: list[tuple[float, tuple[str, ...]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            frame = sys._current_frames().get(self.main)
            if frame is not None:
                stack = tuple(f"{Path(fs.filename).name}:{fs.name}" for fs in traceback.extract_stack(frame)[-40:])
                self.samples.append((time.perf_counter(), stack))

    def report(self, start: float, end: float, top: int = 8) -> str:
        inside = [st for t, st in self.samples if start <= t <= end]
        if not inside:
            return "  (no samples)"
        idle = sum(1 for st in inside if st and st[-1].endswith(("select", "_run_once", "poll")))
        counts: Counter[str] = Counter()
        for st in inside:
            for name in set(st):
                counts[name] += 1
        lines = [f"  {len(inside)} samples, {idle} idle in select"]
        lines += [f"  {n:4d} {name}" for name, n in counts.most_common(60)
                  if not name.startswith(("runpy", "base_events", "events.py", "asyncio", "lead_view.py"))][:top * 3]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------- the load (child)

def make_center(d: Path, n_agents: int) -> None:
    init_center(d, demo=True, port=0, ingress_port=0)
    cfg_path = d / "center.yaml"
    cfg = yaml.safe_load(cfg_path.read_text()) or {}
    cfg.update({"demo": False, "voice": {"enabled": False}})
    cfg_path.write_text(yaml.safe_dump(cfg))
    db = sqlite3.connect(d / "center.db", isolation_level=None)
    pw = db.execute("SELECT pw_hash FROM users WHERE user='agent1'").fetchone()[0]
    for i in range(n_agents):
        agent_store.add_login_user(db, name=f"load{i:03d}", display_name=f"Load Agent {i:03d}",
                                   role="agent", team="care" if i % 2 else "flex",
                                   skills=["general", "billing", "tech", "social"], lang="en", pw_hash=pw,
                                   now=time.time())
    db.close()


async def agent_loop(c: WsClient, rng: random.Random, stop: asyncio.Event) -> None:
    await c.cmd("state.set", state="available")
    seen = 0
    while not stop.is_set():
        try:
            ev = await c.wait_event("offer.new", start=seen, timeout=rng.uniform(20, 60))
        except Exception:  # noqa: BLE001 - no offer for a while: take a short break instead
            await c.cmd("state.set", state="break")
            await asyncio.sleep(rng.uniform(3, 10))
            await c.cmd("state.set", state="available")
            continue
        seen = c.events.index(ev) + 1
        try:
            got = await c.cmd("offer.accept", offer=ev["data"]["offer"])
        except Exception:  # noqa: BLE001 - taken or timed out meanwhile
            continue
        conv = got["conversation"]["id"]
        await c.cmd("conv.send", conversation=conv, text="Thank you, let me check that for you.")
        await asyncio.sleep(rng.uniform(2, 6))
        await c.cmd("conv.wrapup", conversation=conv, code="solved")
        await c.ack()


async def run_load(d: Path, n_agents: int, rate: float) -> None:
    center = CenterHandle(d).start()
    users = [f"load{i:03d}" for i in range(n_agents)]
    tokens = [center.call(lambda hub, u=u: hub.create_session(u, "bench")[1]) for u in users]
    clients = [await WsClient.login(center.url, center.ca_file, u, token=tok) for u, tok in zip(users, tokens)]
    stop = asyncio.Event()
    rng = random.Random(7)
    tasks = [asyncio.create_task(agent_loop(c, random.Random(rng.random()), stop)) for c in clients]
    ctx = client_ssl_context(center.ca_file)

    def post(i: int) -> None:
        body = json.dumps({"channel": rng.choice(["chat", "sms", "email", "social"]), "from": f"cust-{i}",
                           "text": f"question {i}", **({"priority": 2} if i % 17 == 0 else {})}).encode()
        req = urllib.request.Request(center.ingress_url + "/v1/messages", data=body, method="POST", headers={
            "Authorization": f"Bearer {center.ingress_key}", "Content-Type": "application/json"})
        urllib.request.urlopen(req, context=ctx, timeout=10).read()

    print(json.dumps({"url": center.url, "ca": str(center.ca_file)}), flush=True)
    i = 0
    next_at = time.monotonic()
    reader = asyncio.create_task(asyncio.to_thread(sys.stdin.readline))  # the parent closes stdin: stop
    while not reader.done():
        i += 1
        await asyncio.to_thread(post, i)
        next_at += 1.0 / rate
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    stop.set()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for c in clients:
        await c.close()
    center.stop()


# ---------------------------------------------------------------------------------- the lead (parent)

async def measure(url: str, ca: str, window: float, n_keys: int) -> dict:
    host, port = url.removeprefix("wss://").rsplit(":", 1)
    proxy = TcpProxy(host, int(port)).start()
    app = DeskApp(Config(language="en"), login=LoginInfo(f"wss://{host}:{proxy.port}", Path(ca), "lead1",
                                                         password="demo"),
                  initial_state="available", remember_login=False, cursor_blink=False)
    displays: list[float] = []
    watch: dict = {"cond": None, "shown": None}  # the key being timed: its effect, when it is on screen
    out: dict = {}
    async with app.run_test(size=(120, 40)) as pilot:
        original = app._display

        def display(screen, renderable):
            # The key's effect is in this update if it is in the state being drawn: checked here,
            # synchronously, so an update that lands before the bench's own task looks is counted.
            shows = watch["cond"] is not None and watch["shown"] is None and watch["cond"]()
            if renderable is not None and hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            original(screen, renderable)
            displays.append(time.perf_counter())
            if shows:
                watch["shown"] = displays[-1]

        app._display = display  # type: ignore[method-assign]
        while not app.online():
            await pilot.pause(0.1)
        await pilot.pause(5.0)  # the snapshot and reference data are in
        b0, t0 = sum(proxy.bytes.values()), time.monotonic()
        await asyncio.sleep(window)
        out["desk_bps"] = (sum(proxy.bytes.values()) - b0) / (time.monotonic() - t0)
        await pilot.press("ctrl+l")
        view = app.screen
        assert isinstance(view, LeadScreen)
        while "agents" not in view.data or "figures" not in view.data:
            await pilot.pause(0.1)
        out["agents_in_table"] = len(view.data["agents"]["agents"])
        b0, t0 = sum(proxy.bytes.values()), time.monotonic()
        await asyncio.sleep(window)
        out["lead_bps"] = (sum(proxy.bytes.values()) - b0) / (time.monotonic() - t0)
        out["figures"] = view.data["figures"]["today"]["total"]

        def tab() -> str:
            return view.tab()

        def cursor() -> int:
            return view.focused.cursor_row if view.focused is not None and hasattr(view.focused, "cursor_row") else -1

        table = view.query_one(AgentsTable)
        plan = [("f3", lambda: tab() == "agents")] + [("down", None)] * 4 + [("s", None)] + \
               [("f4", lambda: tab() == "urgent"), ("f5", lambda: tab() == "tasks"), ("f2", lambda: tab() == "figures")]
        lat = []
        per_key: dict[str, list[float]] = {}
        k = 0
        prof = cProfile.Profile() if os.environ.get("LEAD_BENCH_PROFILE") else None
        if prof is not None:  # where the keys' time goes (the UI thread only)
            prof.enable()
        sampler = StackSampler() if os.environ.get("LEAD_BENCH_SAMPLE") else None
        if sampler is not None:
            sampler.start()
        while len(lat) < n_keys:
            key, cond = plan[k % len(plan)]
            k += 1
            before_cursor, before_sort = cursor(), table.sort_by
            if key == "down" and before_cursor >= table.row_count - 1:
                key = "up"  # at the last row ↓ changes nothing: a key with no effect would wait for a poll
            if key in ("down", "up"):
                def cond(b: int = before_cursor) -> bool:
                    return cursor() != b
            elif key == "s":
                def cond(b: str = before_sort) -> bool:
                    return table.sort_by != b
            watch.update(cond=cond, shown=None)
            t_key = time.perf_counter()
            app.post_message(events.Key(key, None))
            deadline = t_key + 15.0
            while watch["shown"] is None and time.perf_counter() < deadline:
                await asyncio.sleep(0.0005)
            shown = watch["shown"]
            watch.update(cond=None)
            if shown is None:
                raise SystemExit(f"key {key} never reached the screen within 15 s")
            lat.append(shown - t_key)
            if sampler is not None and shown - t_key > 0.05:
                print(f"slow key #{k} {key}: {(shown - t_key) * 1000:.0f} ms (focus {type(view.focused).__name__}, "
                      f"tab {tab()}, cursor {cursor()})\n" + sampler.report(t_key, shown), file=sys.stderr)
            per_key.setdefault(key, []).append((shown - t_key) * 1000)
            if key == "f3":  # the next keys go to the agents table: let the tab switch settle (not timed)
                while view.focused is not table and time.perf_counter() < deadline + 5:
                    await asyncio.sleep(0.005)
            await asyncio.sleep(0.1)
        if sampler is not None:
            sampler.stop()
        if prof is not None:
            prof.disable()
            prof.dump_stats(os.environ["LEAD_BENCH_PROFILE"])
        out["latency_ms"] = [x * 1000 for x in lat]
        out["per_key"] = {key: round(benchlib.pct(v, 50), 1) for key, v in per_key.items()}
        out["slowest"] = {key: round(max(v), 1) for key, v in per_key.items()}
    proxy.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--agents", type=int, default=200)
    ap.add_argument("--rate", type=float, default=2.0, help="customers per second")
    ap.add_argument("--window", type=float, default=30.0, help="seconds per bytes measurement")
    ap.add_argument("--keys", type=int, default=60)
    ap.add_argument("--load", metavar="DIR", help=argparse.SUPPRESS)  # the child
    args = ap.parse_args()
    if args.load:
        asyncio.run(run_load(Path(args.load), args.agents, args.rate))
        return
    tmp = Path(tempfile.mkdtemp(prefix="lead-bench-"))
    try:
        make_center(tmp / "center", args.agents)
        child = subprocess.Popen([sys.executable, __file__, "--load", str(tmp / "center"), "--agents",
                                  str(args.agents), "--rate", str(args.rate)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert child.stdout is not None and child.stdin is not None
        ready = json.loads(child.stdout.readline())
        try:
            res = asyncio.run(measure(ready["url"], ready["ca"], args.window, args.keys))
        finally:
            child.stdin.close()
            child.wait(60)
        lat = res["latency_ms"]
        print(f"machine: {benchlib.machine()}")
        print(f"agents: {args.agents} logged in (+ the demo's), customers {args.rate:g}/s; "
              f"agents in the lead's table: {res['agents_in_table']}; today so far: {res['figures']}")
        print(f"lead's link: desk only {res['desk_bps']:.0f} B/s, with the lead view open {res['lead_bps']:.0f} B/s "
              f"-> the lead view adds {res['lead_bps'] - res['desk_bps']:.0f} B/s (TLS bytes, both directions, "
              f"{args.window:g} s each)")
        print(f"key-to-screen in the lead view over {len(lat)} keys: p50 {benchlib.pct(lat, 50):.1f} ms, "
              f"p95 {benchlib.pct(lat, 95):.1f} ms, max {max(lat):.1f} ms; median per key {res['per_key']}; "
              f"slowest per key {res['slowest']}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
