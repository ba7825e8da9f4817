"""Center offer latency: 200 connected agents, a burst of 2,000 customer contacts.

Starts a real center (``center serve`` as a subprocess, TLS on loopback), logs in
N agents over wss, makes them available, then posts a burst of contacts to the
HTTPS ingress as fast as it can. Every agent accepts each offer at once and wraps
it up at once, so the burst drains through the agents' capacity.

Prints, with the machine it ran on:
- offer latency: the center stored the contact (queued_at) → the agent received ``offer.new``
  (includes waiting in the queue while all capacity is taken);
- of which routing + commit: queued_at → the offer event's timestamp (the center's clock);
- from the start of the customer's HTTPS POST (keep-alive connections, as an integration holds).

Usage: ``.venv/bin/python bench/offer_latency.py [--agents 200] [--contacts 2000] [--write-docs]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import benchlib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from websockets.asyncio.client import connect

from agent_tui.center import auth, store
from agent_tui.center.init import init_center
from agent_tui.protocol import codec
from agent_tui.secure.tls import client_ssl_context

PROFILE = ""  # --profile FILE: the center runs under cProfile and writes its profile there
CHANNELS = [("chat", "chat"), ("email", "email"), ("sms", "sms"), ("social", "social")]


def machine() -> str:
    return benchlib.machine(f"SQLite {__import__('sqlite3').sqlite_version}")


pct = benchlib.pct


def make_center(base: Path, n_agents: int) -> Path:
    d = base / "center"
    init_center(d, demo=True, port=0, ingress_port=0)
    text = (d / "center.yaml").read_text()
    text = text.replace("demo: true", "demo: false").replace("offer_timeout_s: 20", "offer_timeout_s: 120")
    (d / "center.yaml").write_text(text)
    conn = store.connect(d / "center.db")
    # A cheap scrypt cost for the 200 bench users only, so setup takes seconds, not minutes.
    pw = auth.hash_password("bench", n=2**10)
    now = time.time()
    conn.execute("BEGIN")
    for i in range(n_agents):
        conn.execute(
            "INSERT INTO users(user, name, role, team, teams, skills, lang, pw_hash, state_since, idle_since)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            (f"bench{i:03d}", f"Bench Agent {i}", "agent", "flex", '["flex"]', '["general","social"]', "en", pw,
             now, now))
    conn.execute("COMMIT")
    conn.close()
    return d


class Agent:
    def __init__(self, user: str, source: str = "127.0.0.1"):
        self.user = user
        self.source = source  # agents work from home: each from its own address, not 200 behind one
        self.ws = None
        self.offers = 0

    async def run(self, url: str, ctx: ssl.SSLContext, ready: asyncio.Event, rec: dict, go: asyncio.Event) -> None:
        async with connect(url, ssl=ctx, subprotocols=["agent-tui.v1"], max_size=None, open_timeout=60,
                           ping_interval=None, local_addr=(self.source, 0)) as ws:
            self.ws = ws
            await ws.send(codec.encode({"type": "hello", "v": 1, "auth": {"user": self.user, "password": "bench"}}))
            w = json.loads(await ws.recv())
            assert w["type"] == "welcome", w
            await ws.send(codec.encode({"type": "cmd", "id": str(uuid.uuid4()), "op": "state.set",
                                        "args": {"state": "available"}}))
            ready.set()
            async for text in ws:
                f = json.loads(text)
                if f.get("type") != "event":
                    continue
                if f["kind"] == "offer.new":
                    t = time.time()
                    conv = f["data"]["conversation"]
                    cust = conv["customer"]["id"]
                    rec.setdefault(cust, {})["offer_at"] = t
                    rec[cust]["offer_ts"] = f["ts"]
                    rec[cust]["queued_at"] = conv["queued_at"]
                    self.offers += 1
                    await ws.send(codec.encode({"type": "cmd", "id": str(uuid.uuid4()), "op": "offer.accept",
                                                "args": {"offer": f["data"]["offer"]}}))
                    await ws.send(codec.encode({"type": "cmd", "id": str(uuid.uuid4()), "op": "conv.wrapup",
                                                "args": {"conversation": conv["id"], "code": "solved"}}))
                    rec["_total"]["offered"] = rec["_total"].get("offered", 0) + 1  # (not a scan per offer)
                    if rec["_total"]["offered"] >= rec["_total"]["n"]:
                        go.set()


class IngressConn:
    """One keep-alive HTTPS connection to the ingress (as an integration would hold)."""

    def __init__(self, host: str, port: int, ctx: ssl.SSLContext, key: str):
        self.host, self.port, self.ctx, self.key = host, port, ctx, key
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: dict) -> float:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port, ssl=self.ctx)
        assert self.reader is not None
        data = json.dumps(body).encode()
        self.writer.write((f"POST /v1/messages HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.key}\r\n"
                           f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data)
        await self.writer.drain()
        status = await self.reader.readline()
        t = time.time()
        length = 0
        while True:
            h = await self.reader.readline()
            if h in (b"\r\n", b""):
                break
            if h.lower().startswith(b"content-length:"):
                length = int(h.split(b":")[1])
        await self.reader.readexactly(length)
        if b" 201 " not in status:
            raise RuntimeError(status)
        return t

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def bench(n_agents: int, n_contacts: int, concurrency: int, per_hour: float = 0.0) -> dict:
    """*per_hour* 0: a burst (post as fast as the ingress takes them); else a steady open-loop
    arrival of *per_hour* contacts an hour (contact i is posted at start + i × 3600 / per_hour)."""
    tmp = Path(tempfile.mkdtemp(prefix="agent-tui-bench-"))
    proc = None
    try:
        d = make_center(tmp, n_agents)
        prof = ["-m", "cProfile", "-o", PROFILE] if PROFILE else []
        proc = subprocess.Popen([sys.executable, *prof, "-m", "agent_tui.center", "serve", str(d), "--port", "0",
                                 "--ingress-port", "0"], stdout=subprocess.PIPE, text=True, cwd=REPO)
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[1]
        ingress = proc.stdout.readline().split()[1]
        host, port = ingress.split("//")[1].rsplit(":", 1)
        ctx = client_ssl_context(d / "tls" / "ca.pem")
        key = (d / "secrets" / "ingress.key").read_text().strip()
        rec: dict = {"_total": {"n": n_contacts}}
        go = asyncio.Event()
        agents = [Agent(f"bench{i:03d}", f"127.0.1.{1 + i % 250}") for i in range(n_agents)]
        readies = [asyncio.Event() for _ in agents]
        t0 = time.time()
        tasks = []
        for a, r in zip(agents, readies):
            tasks.append(asyncio.create_task(a.run(url, ctx, r, rec, go)))
            await asyncio.sleep(0)
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 300)
        login_s = time.time() - t0
        await asyncio.sleep(2.0)  # let the center settle (presence batches) before the burst
        conns = [IngressConn(host, int(port), ctx, key) for _ in range(concurrency)]
        todo: asyncio.Queue[int] = asyncio.Queue()
        for i in range(n_contacts):
            todo.put_nowait(i)

        async def worker(c: IngressConn) -> None:
            while not todo.empty():
                i = todo.get_nowait()
                if per_hour:
                    await asyncio.sleep(max(0.0, tb + i * 3600.0 / per_hour - time.time()))
                ch, q = CHANNELS[i % len(CHANNELS)]
                cust = f"cust-{i:05d}"
                t_sent = time.time()
                t_done = await c.post({"channel": ch, "from": cust, "text": f"burst contact {i}", "queue": q})
                rec.setdefault(cust, {}).update({"sent": t_sent, "posted": t_done})

        tb = time.time()
        await asyncio.gather(*(worker(c) for c in conns))
        for c in conns:
            c.close()
        burst_s = time.time() - tb
        await asyncio.wait_for(go.wait(), 600)
        drain_s = time.time() - tb
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        rows = [r for k, r in rec.items() if k != "_total" and "offer_at" in r and "sent" in r]
        # Center and agents run on the same machine, so their clocks are the same clock.
        offer = [(r["offer_at"] - r["queued_at"]) * 1000 for r in rows]
        routing = [(r["offer_ts"] - r["queued_at"]) * 1000 for r in rows]
        e2e = [(r["offer_at"] - r["sent"]) * 1000 for r in rows]
        return {"agents": n_agents, "contacts": n_contacts, "per_hour": per_hour, "offers": len(rows),
                "login_s": login_s,
                "burst_post_s": burst_s, "drain_s": drain_s,
                "offer_p50": pct(offer, 50), "offer_p99": pct(offer, 99),
                "e2e_p50": pct(e2e, 50), "e2e_p99": pct(e2e, 99),
                "routing_p50": pct(routing, 50), "routing_p99": pct(routing, 99)}
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def report(r: dict) -> str:
    if r["per_hour"]:
        load = (f"steady load of {r['per_hour']:,.0f} contacts/hour: {r['contacts']} contacts posted to the HTTPS "
                f"ingress over {r['burst_post_s']:.1f} s")
    else:
        load = f"burst of {r['contacts']} contacts posted to the HTTPS ingress in {r['burst_post_s']:.1f} s"
    return "\n".join([
        f"machine: {machine()}",
        f"{r['agents']} agents connected over wss (login {r['login_s']:.1f} s); {load}; all {r['offers']} offered, "
        f"accepted and wrapped up after {r['drain_s']:.1f} s",
        f"offer latency, contact stored by the center → agent has offer.new: "
        f"p50 {r['offer_p50']:.0f} ms, p99 {r['offer_p99']:.0f} ms",
        f"  of which routing + commit (queued → offer event, center clock): "
        f"p50 {r['routing_p50']:.0f} ms, p99 {r['routing_p99']:.0f} ms",
        f"  from the start of the customer's HTTPS POST (keep-alive connections): "
        f"p50 {r['e2e_p50']:.0f} ms, p99 {r['e2e_p99']:.0f} ms",
    ])


def write_docs(text: str) -> None:
    path = REPO / "docs" / "benchmarks.md"
    body = path.read_text() if path.exists() else "# Benchmarks\n"
    section = (f"## Center offer latency\n\n`.venv/bin/python bench/offer_latency.py` "
               f"({time.strftime('%Y-%m-%d')}), on a machine shared with other work:\n\n```\n{text}\n```\n\n")
    start = body.find("## Center offer latency")
    if start == -1:
        body = body.rstrip("\n") + "\n\n" + section
    else:
        end = body.find("\n## ", start + 5)
        body = body[:start] + section + (body[end + 1:] if end != -1 else "")
    path.write_text(body)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=200)
    ap.add_argument("--contacts", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=20, help="parallel keep-alive ingress connections")
    ap.add_argument("--steady", action="store_true",
                    help="steady load instead of a burst: --per-hour contacts an hour for --duration seconds "
                         "(defaults for it: 500 agents, 10,000 contacts/hour, 180 s)")
    ap.add_argument("--per-hour", type=float, default=10000.0)
    ap.add_argument("--duration", type=float, default=180.0)
    ap.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    ap.add_argument("--profile", default="", help="run the center under cProfile, write the profile to this file")
    args = ap.parse_args()
    global PROFILE
    PROFILE = args.profile
    if args.steady:
        agents = args.agents if args.agents != 200 else 500
        contacts = int(args.per_hour * args.duration / 3600.0)
        r = asyncio.run(bench(agents, contacts, min(args.concurrency, 8), args.per_hour))
    else:
        r = asyncio.run(bench(args.agents, args.contacts, args.concurrency))
    text = report(r)
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
