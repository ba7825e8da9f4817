"""Frame sizes under a megabyte of customer text (issue 9 §1).

Starts a real center on a thread (TLS on loopback, the test kit's :class:`CenterHandle`), has
customers send nine SMS of 32 KB, a 300 KB e-mail and two 200 KB chat messages to agent1, and
prints the size of every frame that carries them to the desk's client library (which refuses
anything over the 256 KiB it announces): the welcome of a fresh login, the offer.accept answers,
each conv.get page, each conv.text part and each history.get page, plus the time to read all of
the text back.

Usage: ``.venv/bin/python bench/frame_sizes.py``
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import benchlib
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from agent_tui.center.init import init_center
from agent_tui.core.client import CenterClient
from agent_tui.protocol import codec
from agent_tui.protocol import messages as m
from tests.kit.center import CenterHandle
from tests.kit.waiting import until

SMS = [(f"SMS {i}: " + "Mijn factuur klopt niet, graag uitleg.\n" * 1000)[:32 * 1024] for i in range(9)]
MAIL = ("Geachte heer, mevrouw — de rekening van €129,95 is te hoog.\n" * 5200)[:300_000]
CHAT = [(f"chat {i}: " + "Waar blijft mijn pakket?\n" * 9000)[:200_000] for i in range(2)]


def kib(n: int) -> str:
    return f"{n / 1024:.1f} KiB"


async def main(center: CenterHandle) -> None:
    events: list[dict] = []
    a = CenterClient(center.url, center.ca_file, "agent1", password="demo", on_event=events.append)
    await a.start()
    await a.wait_online(15)
    await a.call("state.set", state="available")
    await asyncio.to_thread(center.inject, "sms", "+31600000001", SMS[0])
    await asyncio.to_thread(center.inject, "email", "jan@example.nl", MAIL, subject="Rekening")
    await asyncio.to_thread(center.inject, "chat", "jan@example.nl", CHAT[0])
    convs: dict[str, str] = {}
    accept_sizes = []
    while len(convs) < 3:
        offer = await until(lambda: next((e["data"] for e in events if e["kind"] == "offer.new"
                                          and e["data"]["conversation"]["channel"] not in convs), None),
                            what="an offer")
        got = await a.call("offer.accept", offer=offer["offer"])
        accept_sizes.append(codec.frame_size(got))
        convs[got["conversation"]["channel"]] = got["conversation"]["id"]
    for text in SMS[1:]:
        await asyncio.to_thread(center.inject, "sms", "+31600000001", text)
    await asyncio.to_thread(center.inject, "chat", "jan@example.nl", CHAT[1])
    total = sum(len(t.encode()) for t in [*SMS, MAIL, *CHAT])

    t0 = time.perf_counter()
    b = CenterClient(center.url, center.ca_file, "agent1", password="demo")
    await b.start()
    welcome = await b.wait_online(15)
    login_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    page_sizes, part_sizes, wire = [], [], 0
    for conv in convs.values():
        before = None
        while True:
            page = await b.call("conv.get", conversation=conv, before=before)
            page_sizes.append(codec.frame_size(page))
            wire += page_sizes[-1]
            for msg in page["messages"]:
                offset = len(msg["text"]) if msg.get("truncated") else None
                while offset is not None:
                    part = await b.call("conv.text", conversation=conv, message=msg["id"], offset=offset)
                    part_sizes.append(codec.frame_size(part))
                    wire += part_sizes[-1]
                    offset = part["next"]
            before = page["older"]
            if before is None:
                break
    read_s = time.perf_counter() - t0
    hist = [codec.frame_size(await b.call("history.get", customer="jan@example.nl", limit=1))]
    await a.close()
    await b.close()

    print(f"# frame sizes — {benchlib.machine()}")
    print(f"customer text: {total / 1e6:.2f} MB in 12 messages; frame limit {kib(m.MAX_FRAME_BYTES)}")
    print(f"welcome (fresh login): {kib(codec.frame_size(welcome))}, login {login_s * 1000:.0f} ms")
    print(f"offer.accept answers: {', '.join(kib(s) for s in accept_sizes)}")
    print(f"conv.get pages: {len(page_sizes)}, largest {kib(max(page_sizes))}")
    print(f"conv.text parts: {len(part_sizes)}, largest {kib(max(part_sizes))}")
    print(f"history.get page: {kib(max(hist))}")
    print(f"read everything back: {wire / 1e6:.2f} MB of JSON in {read_s * 1000:.0f} ms")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "center"
        init_center(d, demo=True, port=0, ingress_port=0)
        cfg = yaml.safe_load((d / "center.yaml").read_text()) or {}
        cfg.update({"demo": False, "port": 0, "ingress_port": 0, "voice": {"enabled": False}})
        (d / "center.yaml").write_text(yaml.safe_dump(cfg))
        handle = CenterHandle(d).start()
        try:
            asyncio.run(main(handle))
        finally:
            handle.stop()
