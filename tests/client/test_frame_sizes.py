"""Issue 9 §1: no frame is ever too big for its receiver.

Customers send about 1 MB of text in large messages (nine SMS of 32 KB, a 300 KB e-mail, two
200 KB chat messages) to a real center over real TLS. The desk's own client library
(:class:`CenterClient`, which refuses frames over the 256 KiB it announces) logs in, accepts,
resumes after a real link cut, pages transcripts and history, and reads every long message
back whole. A raw websocket client checks the frames themselves and the idempotency keys.
"""

from __future__ import annotations

import asyncio
from typing import Any

from agent_tui.core.client import CenterClient
from agent_tui.protocol import codec
from agent_tui.protocol import messages as m
from tests.client.test_center_client import proxied
from tests.kit.waiting import until
from tests.kit.wsclient import WsClient

SMS_FROM = "+31612345678"
MAIL_FROM = "jan@example.nl"


def sms_text(i: int) -> str:
    return (f"SMS {i}: " + "Mijn factuur klopt niet, graag uitleg. " * 1000)[:32 * 1024]


def mail_text() -> str:
    # Multi-byte text: budgets are counted in bytes of JSON, not in characters.
    return ("Geachte heer, mevrouw — de rekening van €129,95 is te hoog. " * 5200)[:300_000]


def chat_text(i: int) -> str:
    return (f"chat {i}: " + "Waar blijft mijn pakket? " * 9000)[:200_000]




async def accept_next(c: CenterClient, events: list[dict], taken: set[str]) -> dict:
    """Accept the next offer that arrives; return the accepted conversation."""
    ev = await until(lambda: next((e for e in events if e["kind"] == "offer.new"
                                   and e["data"]["offer"] not in taken), None), what="an offer")
    taken.add(ev["data"]["offer"])
    return (await c.call("offer.accept", offer=ev["data"]["offer"]))["conversation"]


async def whole_text(c: Any, conv: str, msg: dict) -> str:
    """A message's whole text: inline, or its preview followed by ``conv.text`` parts."""
    if not msg.get("truncated"):
        return msg["text"]
    parts, offset = [], 0
    while offset is not None:
        part = await c.call("conv.text", conversation=conv, message=msg["id"], offset=offset)
        assert part["length"] == msg["length"]
        parts.append(part["text"])
        offset = part["next"]
    return "".join(parts)


async def transcript(c: CenterClient, conv: str) -> list[dict]:
    """Every message of *conv*, paging back with ``before`` until ``older`` is None."""
    page = await c.call("conv.get", conversation=conv)
    msgs = page["messages"]
    pages = 1
    while page["older"] is not None:
        page = await c.call("conv.get", conversation=conv, before=page["older"])
        assert page["messages"], "a page must make progress"
        msgs = page["messages"] + msgs
        pages += 1
    assert pages > 1, "32 KB SMS over a 160 KiB budget need more than one page"
    return msgs


async def test_a_megabyte_of_customer_text_never_makes_a_frame_too_big(center, proxy, clients):
    events: list[dict] = []
    welcomes: list[dict] = []
    url = proxied(proxy)
    a = await clients.online(url, center.ca_file, on_event=events.append, on_welcome=welcomes.append)
    await a.call("state.set", state="available")
    sent: dict[str, list[str]] = {"sms": [sms_text(0)], "email": [mail_text()], "chat": [chat_text(0)]}
    await asyncio.to_thread(center.inject, "sms", SMS_FROM, sent["sms"][0])
    await asyncio.to_thread(center.inject, "email", MAIL_FROM, sent["email"][0], subject="Rekening")
    await asyncio.to_thread(center.inject, "chat", MAIL_FROM, sent["chat"][0])
    taken: set[str] = set()
    accepted = [await accept_next(a, events, taken) for _ in range(3)]
    convs = {c["channel"]: c["id"] for c in accepted}
    assert set(convs) == {"sms", "email", "chat"}
    for full in accepted:  # offer.accept answers within the frame, long text as a preview
        assert codec.frame_size(full) < m.MAX_FRAME_BYTES
        msg = full["messages"][-1]
        assert msg.get("truncated", False) is (full["channel"] != "sms")
    for i in range(1, 9):
        sent["sms"].append(sms_text(i))
        await asyncio.to_thread(center.inject, "sms", SMS_FROM, sent["sms"][i])
    sent["chat"].append(chat_text(1))
    await asyncio.to_thread(center.inject, "chat", MAIL_FROM, sent["chat"][1])
    total = sum(len(t.encode()) for texts in sent.values() for t in texts)
    assert total > 1_000_000
    await until(lambda: sum(e["kind"] == "conv.message" for e in events) >= 8 + 1, what="the messages")

    # A fresh login (the case that failed with "1009 message too big"): headers plus newest messages.
    b = await clients.online(center.url, center.ca_file)
    snap = b._welcome["snapshot"]  # type: ignore[index]
    assert codec.frame_size(b._welcome) <= m.MAX_FRAME_BYTES
    by_channel = {c["channel"]: c for c in snap["conversations"]}
    assert set(by_channel) == {"sms", "email", "chat"}
    assert by_channel["sms"]["messages"][-1]["text"] == sent["sms"][-1]  # the newest SMS, whole
    # The budget is spent where there is more to show: what the short conversations leave goes to the SMS.
    assert codec.frame_size(snap) <= m.SNAPSHOT_BUDGET + 4096
    assert len(by_channel["sms"]["messages"]) >= 4
    assert by_channel["sms"]["older"] is not None  # the rest is a page away

    # Resume after a real link cut, with a new long message missed while the link was down.
    n_welcomes = len(welcomes)
    proxy.down()
    sent["sms"].append(sms_text(9))
    await asyncio.to_thread(center.inject, "sms", SMS_FROM, sent["sms"][9])
    proxy.up()
    await until(lambda: len(welcomes) > n_welcomes, timeout=30, what="a resumed session")
    assert welcomes[-1]["resumed"] is True
    await until(lambda: any(e["kind"] == "conv.message" and e["data"]["message"]["text"] == sent["sms"][9]
                            for e in events), what="the missed SMS replayed")

    # conv.get pages back through all ten SMS; every long message reads back whole.
    for channel, conv in convs.items():
        msgs = await transcript(b, conv) if channel == "sms" else (await b.call("conv.get", conversation=conv))[
            "messages"]
        texts = [await whole_text(b, conv, x) for x in msgs if x["direction"] == "in"]
        assert texts == sent[channel], channel

    # history.get: paged by conversation (limit/before), each within the budget.
    h1 = await b.call("history.get", customer=MAIL_FROM, limit=1)
    assert len(h1["conversations"]) == 1 and h1["next"]
    h2 = await b.call("history.get", customer=MAIL_FROM, limit=1, before=h1["next"])
    assert len(h2["conversations"]) == 1 and h2["next"] is None
    assert {h1["conversations"][0]["channel"], h2["conversations"][0]["channel"]} == {"email", "chat"}


async def test_retried_commands_get_bounded_answers_and_keys_bind_op_and_args(center, clients):
    events: list[dict] = []
    a = await clients.online(center.url, center.ca_file, on_event=events.append)
    await a.call("state.set", state="available")
    for i in range(9):
        await asyncio.to_thread(center.inject, "sms", SMS_FROM, sms_text(i))
    conv = (await accept_next(a, events, set()))["id"]

    raw = await WsClient.login(center.url, center.ca_file, "agent1")
    try:
        first = await raw.cmd_frame("conv.get", "key-1", conversation=conv)
        again = await raw.cmd_frame("conv.get", "key-1", conversation=conv)
        assert first == again and first["type"] == "result"
        assert codec.frame_size(first) <= m.ANSWER_BUDGET
        other_op = await raw.cmd_frame("conv.list", "key-1")
        assert other_op["type"] == "error" and other_op["code"] == "idempotency_conflict"
        other_args = await raw.cmd_frame("conv.get", "key-1", conversation=conv, limit=1)
        assert other_args["code"] == "idempotency_conflict"
        assert raw.welcome["max_frame"] == m.MAX_FRAME_BYTES
    finally:
        await raw.close()
