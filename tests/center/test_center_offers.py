"""Offers never overwrite an agent's state behind their back (issue 8 §2, the center's side), and
offer deadlines do not count the center's own downtime (issue 9 §5)."""

from __future__ import annotations

import asyncio
import time

from agent_tui.center import store
from agent_tui.center.store import routing as routing_store
from tests.kit.wsclient import WsClient


async def login_ready(center, user: str) -> WsClient:
    c = await WsClient.login(center.url, center.ca_file, user)
    await c.cmd("state.set", state="available")
    return c


async def settled(c: WsClient) -> None:
    """Every event the center sent before now has arrived (a result follows them on the wire)."""
    await c.cmd("whoami")


def states(c: WsClient) -> list[str]:
    return [e["data"]["state"] for e in c.events if e["kind"] == "agent.state"]


async def test_break_withdraws_a_pending_offer_at_once_and_is_never_overwritten_by_missed(make_center):
    center = make_center(offer_timeout_s=1.5)
    a1 = await login_ready(center, "agent1")
    await asyncio.to_thread(center.inject, "chat", "web-break", "hallo")
    offer = await a1.wait_event("offer.new")
    await a1.cmd("state.set", state="break", reason="koffie")
    gone = await a1.wait_event("offer.revoked", timeout=1.0)  # at once, well before the deadline
    assert gone["data"] == {"offer": offer["data"]["offer"], "conversation": offer["data"]["conversation"]["id"],
                            "reason": "cancelled"}
    # The conversation goes to the next agent; when that offer rings out, agent1's deadline is long past.
    a2 = await login_ready(center, "agent2")
    await a2.wait_event("offer.new", lambda d: d["conversation"]["id"] == gone["data"]["conversation"])
    await a2.wait_event("agent.state", lambda d: d["state"] == "missed", timeout=10)
    await settled(a1)
    assert states(a1)[-1] == "break" and "missed" not in states(a1)
    assert (await a1.cmd("whoami"))["user"] == "agent1"
    for c in (a1, a2):
        await c.close()


async def test_a_chat_offer_ringing_out_during_a_call_does_not_make_the_agent_missed(make_center):
    center = make_center(offer_timeout_s=1.0)
    a1 = await login_ready(center, "agent1")
    call = await asyncio.to_thread(center.call, lambda hub: hub.open_conversation("voice", "+31201234567"))
    voice_offer = await a1.wait_event("offer.new", lambda d: d["conversation"]["id"] == call["id"])
    await a1.cmd("offer.accept", offer=voice_offer["data"]["offer"])
    await a1.wait_event("agent.state", lambda d: d["state"] == "on_contact")
    await asyncio.to_thread(center.inject, "chat", "web-call", "are you there?")
    chat = await a1.wait_event("offer.new", lambda d: d["conversation"]["channel"] == "chat")
    out = await a1.wait_event("offer.revoked", lambda d: d["offer"] == chat["data"]["offer"], timeout=10)
    assert out["data"]["reason"] == "timeout"  # it moved on to the next agent …
    await settled(a1)
    assert "missed" not in states(a1)  # … without taking the agent off the phone's state
    assert states(a1)[-1] == "on_contact"
    await a1.close()


async def test_an_agent_whose_capacity_allows_chats_during_calls_is_missed_when_one_rings_out(make_center):
    """The exception: chat_during_call (center.yaml, or per agent in their capacity) says they take
    chats on a call, so letting one ring out is declining it. Here only agent1's capacity says so."""
    center = make_center(offer_timeout_s=1.0)
    center.stop()
    db = store.connect(center.dir / "center.db")
    try:
        db.execute("UPDATE users SET capacity = ? WHERE user = 'agent1'", ('{"chat_during_call": true}',))
    finally:
        db.close()
    center.start()
    a1 = await login_ready(center, "agent1")
    assert (await a1.cmd("whoami"))["capacity"].get("chat_during_call") is None  # not a channel
    call = await asyncio.to_thread(center.call, lambda hub: hub.open_conversation("voice", "+31201234568"))
    voice_offer = await a1.wait_event("offer.new", lambda d: d["conversation"]["id"] == call["id"])
    await a1.cmd("offer.accept", offer=voice_offer["data"]["offer"])
    await a1.wait_event("agent.state", lambda d: d["state"] == "on_contact")
    await asyncio.to_thread(center.inject, "chat", "web-call2", "are you there?")
    await a1.wait_event("offer.new", lambda d: d["conversation"]["channel"] == "chat")
    await a1.wait_event("agent.state", lambda d: d["state"] == "missed", timeout=10)
    await a1.close()


async def test_a_chat_offer_ringing_out_without_a_call_still_sets_missed(make_center):
    """The counterpart: the guard above is about calls, not a general amnesty."""
    center = make_center(offer_timeout_s=0.5)
    a1 = await login_ready(center, "agent1")
    await asyncio.to_thread(center.inject, "chat", "web-idle", "hi")
    await a1.wait_event("offer.new")
    await a1.wait_event("agent.state", lambda d: d["state"] == "missed", timeout=10)
    await a1.close()


async def test_offer_deadlines_move_by_the_time_the_center_was_down(make_center):
    center = make_center(offer_timeout_s=20.0, grace_seconds=30)
    a1 = await login_ready(center, "agent1")
    await asyncio.to_thread(center.inject, "chat", "web-down", "hallo")
    offer = (await a1.wait_event("offer.new"))["data"]["offer"]
    token = a1.welcome["token"]
    await a1.drop()
    await asyncio.to_thread(center.stop)
    # The center was down for 10 minutes: every time it wrote is that much older now.
    db = store.connect(center.dir / "center.db")
    try:
        alive = routing_store.last_alive(db)
        assert alive is not None
        db.execute("BEGIN IMMEDIATE")
        routing_store.shift_pending_offers(db, -600.0)
        routing_store.mark_alive(db, alive - 600.0)
        db.execute("COMMIT")
    finally:
        db.close()
    await asyncio.to_thread(center.start)
    back = await WsClient.login(center.url, center.ca_file, "agent1", password=None, token=token)
    await settled(back)
    row = await asyncio.to_thread(center.call, lambda hub: dict(routing_store.offer(hub.db, offer)))
    assert row["status"] == "pending"  # not timed out by the downtime …
    left = row["expires_at"] - time.time()
    assert 5.0 < left <= 20.0, left  # … and it has (about) the time it had left when the center stopped
    state = await asyncio.to_thread(center.call, lambda hub: hub.agents["agent1"].state)
    assert state == "available"
    await back.close()
