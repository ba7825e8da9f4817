"""Routing, offers, conversations: several agents at once over real TLS websockets."""

from __future__ import annotations

import asyncio

import pytest

from tests.kit.wsclient import CmdError, WsClient


async def login_ready(center, user: str) -> WsClient:
    c = await WsClient.login(center.url, center.ca_file, user)
    await c.cmd("state.set", state="available")
    return c


async def inject(center, *args, **kw) -> dict:
    return await asyncio.to_thread(center.inject, *args, **kw)


async def test_offer_goes_to_agent_with_the_skill(center):
    # chat-tech needs skill "tech": agent2 (general, billing) must not get it, agent3 (tech) must.
    a2 = await login_ready(center, "agent2")
    a3 = await login_ready(center, "agent3")
    out = await inject(center, "chat", "web-1", "my modem blinks red", queue="chat-tech", name="Jan")
    conv = out["conversation"]["id"]
    offer = await a3.wait_event("offer.new")
    assert offer["data"]["conversation"]["id"] == conv
    assert offer["data"]["conversation"]["customer"]["name"] == "Jan"
    assert offer["data"]["timeout_s"] > 0 and offer["data"]["expires_at"] > offer["ts"]
    assert "offer.new" not in a2.kinds()
    await a2.close()
    await a3.close()


async def test_offer_goes_to_longest_idle_agent(center):
    first = await login_ready(center, "agent2")
    second = await login_ready(center, "agent1")
    await inject(center, "email", "a@example.nl", "question one", queue="email-billing")
    offer = await first.wait_event("offer.new")  # agent2 became available first
    assert "offer.new" not in second.kinds()
    await inject(center, "email", "b@example.nl", "question two", queue="email-billing")
    offer2 = await second.wait_event("offer.new")
    assert offer2["data"]["conversation"]["customer"]["id"] == "b@example.nl"
    assert offer["data"]["conversation"]["customer"]["id"] == "a@example.nl"
    await first.close()
    await second.close()


async def test_capacity_per_channel_is_respected(make_center):
    center = make_center(capacity={"chat": 2})
    a = await login_ready(center, "agent2")
    for i in range(3):
        await inject(center, "chat", f"web-{i}", f"hello {i}")
    await a.wait_event("offer.new")
    # two offers (capacity 2), the third stays queued
    await a.wait_event("offer.new", start=a.kinds().index("offer.new") + 1)
    q = await a.cmd("queue.get")
    chat = next(x for x in q["queues"] if x["queue"] == "chat")
    assert chat["waiting"] == 3  # 2 offered + 1 queued still count as waiting
    offers = [e for e in a.events if e["kind"] == "offer.new"]
    assert len(offers) == 2
    # accepting and wrapping up one frees room: the third is offered
    r = await a.cmd("offer.accept", offer=offers[0]["data"]["offer"])
    await a.cmd("conv.wrapup", conversation=r["conversation"]["id"], code="solved")
    third = await a.wait_event("offer.new", lambda d: d["conversation"]["customer"]["id"] == "web-2")
    assert third
    await a.close()


async def test_offer_timeout_reoffers_to_next_agent_and_sets_missed(make_center):
    center = make_center(offer_timeout_s=1.0)
    a1 = await login_ready(center, "agent1")
    a2 = await login_ready(center, "agent2")
    await inject(center, "sms", "+31600000001", "storing?")
    first = await a1.wait_event("offer.new")  # agent1 is the longest idle
    revoked = await a1.wait_event("offer.revoked", timeout=10)
    assert revoked["data"] == {"offer": first["data"]["offer"],
                               "conversation": first["data"]["conversation"]["id"], "reason": "timeout"}
    missed = await a1.wait_event("agent.state", lambda d: d["state"] == "missed")
    assert missed["data"]["reason"]
    second = await a2.wait_event("offer.new", timeout=10)
    assert second["data"]["conversation"]["id"] == first["data"]["conversation"]["id"]
    # the timed-out offer can no longer be accepted
    with pytest.raises(CmdError) as err:
        await a1.cmd("offer.accept", offer=first["data"]["offer"])
    assert err.value.code == "conflict"
    await a1.close()
    await a2.close()


async def test_decline_goes_to_next_agent(center):
    a1 = await login_ready(center, "agent1")
    a2 = await login_ready(center, "agent2")
    await inject(center, "chat", "web-9", "hi")
    offer = await a1.wait_event("offer.new")
    assert await a1.cmd("offer.decline", offer=offer["data"]["offer"], reason="busy") == {}
    rev = await a1.wait_event("offer.revoked")
    assert rev["data"]["reason"] == "declined"
    nxt = await a2.wait_event("offer.new")
    assert nxt["data"]["conversation"]["id"] == offer["data"]["conversation"]["id"]
    # declining does not make agent1 not-ready
    assert not any(e["data"]["state"] == "missed" for e in a1.events if e["kind"] == "agent.state")
    await a1.close()
    await a2.close()


async def test_conversation_life_accept_reply_note_wrapup_and_customer_sees_reply(center):
    a = await login_ready(center, "agent1")
    await inject(center, "chat", "web-42", "Hoe verander ik mijn wachtwoord?", name="Noor")
    offer = await a.wait_event("offer.new")
    acc = await a.cmd("offer.accept", offer=offer["data"]["offer"])
    conv = acc["conversation"]
    assert conv["status"] == "active" and conv["assigned_to"] == "agent1"
    assert conv["messages"][0]["direction"] == "in" and conv["messages"][0]["text"].startswith("Hoe")
    await a.wait_event("agent.state", lambda d: d["state"] == "on_contact")
    sent = await a.cmd("conv.send", conversation=conv["id"], text="Dat kan in Mijn Polder.")
    assert sent["message"]["direction"] == "out"
    await a.cmd("conv.note", conversation=conv["id"], text="internal: customer was polite")
    # the customer answers; the agent gets it as an event
    await inject(center, "chat", "web-42", "Dank je!")
    msg = await a.wait_event("conv.message", lambda d: d["message"]["text"] == "Dank je!")
    assert msg["data"]["conversation"] == conv["id"]
    outbox = await asyncio.to_thread(center.outbox, "web-42")
    assert [m["text"] for m in outbox] == ["Dat kan in Mijn Polder."]  # notes never reach the customer
    codes = await a.cmd("wrapup.codes")
    assert "solved" in {c["code"] for c in codes["codes"]}
    with pytest.raises(CmdError) as err:
        await a.cmd("conv.wrapup", conversation=conv["id"], code="no-such-code")
    assert err.value.code == "bad_args"
    done = await a.cmd("conv.wrapup", conversation=conv["id"], code="solved", notes="password reset explained")
    assert done["conversation"]["status"] == "closed"
    closed = await a.wait_event("conv.closed")
    assert closed["data"] == {"conversation": conv["id"], "reason": "wrapup"}
    await a.wait_event("agent.state", lambda d: d["state"] == "available")
    lead = await WsClient.login(center.url, center.ca_file, "lead1")  # team figures are for leads
    stats = await lead.cmd("stats.get")
    await lead.close()
    me = next(x for x in stats["agents"] if x["user"] == "agent1")
    assert me["handled_today"] == 1 and me["aht_s"] is not None
    assert stats["team"]["handled_today"] == 1 and stats["team"]["incoming_today"] == 1
    await a.close()


async def test_customer_leaving_starts_wrapup_with_acw_then_auto_close(make_center):
    center = make_center(acw_seconds=1.0)
    a = await login_ready(center, "agent1")
    await inject(center, "chat", "web-7", "hi")
    offer = await a.wait_event("offer.new")
    conv = (await a.cmd("offer.accept", offer=offer["data"]["offer"]))["conversation"]["id"]
    await asyncio.to_thread(center.leave, "chat", "web-7")
    upd = await a.wait_event("conv.updated", lambda d: d["conversation"]["status"] == "wrapup")
    assert upd["data"]["conversation"]["wrapup_deadline"] > upd["ts"]
    await a.wait_event("agent.state", lambda d: d["state"] == "acw")
    closed = await a.wait_event("conv.closed", timeout=10)
    assert closed["data"]["conversation"] == conv
    await a.wait_event("agent.state", lambda d: d["state"] == "available")
    await a.close()


async def test_transfer_to_agent_and_to_queue(center):
    a1 = await login_ready(center, "agent1")
    a2 = await login_ready(center, "agent2")
    a5 = await WsClient.login(center.url, center.ca_file, "agent5")  # logged in, not ready
    await inject(center, "email", "c@example.nl", "my invoice", queue="email-billing")
    offer = await a1.wait_event("offer.new")
    conv = (await a1.cmd("offer.accept", offer=offer["data"]["offer"]))["conversation"]["id"]
    # to an agent: assigned at once, with the note
    assert await a1.cmd("conv.transfer", conversation=conv, agent="agent5", note="needs billing fix") == {}
    gone = await a1.wait_event("conv.closed")
    assert gone["data"] == {"conversation": conv, "reason": "transferred"}
    got = await a5.wait_event("conv.assigned")
    assert got["data"]["conversation"]["id"] == conv
    assert any(m["direction"] == "note" and m["text"] == "needs billing fix"
               for m in got["data"]["conversation"]["messages"])
    with pytest.raises(CmdError) as err:  # no longer agent1's
        await a1.cmd("conv.send", conversation=conv, text="hello?")
    assert err.value.code == "forbidden"
    # to a queue: it is routed again (not back to agent5 who sent it)
    await a5.cmd("conv.transfer", conversation=conv, queue="email")
    await a5.wait_event("conv.closed", lambda d: d["reason"] == "transferred")
    again = await a2.wait_event("offer.new", lambda d: d["conversation"]["id"] == conv)
    assert again["data"]["conversation"]["queue"] == "email"
    with pytest.raises(CmdError) as err:
        await a2.cmd("conv.transfer", conversation=conv, queue="nope")
    assert err.value.code == "forbidden"  # not accepted yet: not a2's conversation
    for c in (a1, a2, a5):
        await c.close()


async def test_agent_cannot_read_another_agents_conversation(center):
    a1 = await login_ready(center, "agent1")
    a2 = await WsClient.login(center.url, center.ca_file, "agent2")
    lead = await WsClient.login(center.url, center.ca_file, "lead1")
    await inject(center, "chat", "web-secret", "my address is ...")
    offer = await a1.wait_event("offer.new")
    conv = (await a1.cmd("offer.accept", offer=offer["data"]["offer"]))["conversation"]["id"]
    for op, args in (("conv.get", {}), ("conv.send", {"text": "x"}), ("conv.note", {"text": "x"}),
                     ("conv.wrapup", {"code": "solved"}), ("kb.suggest", {})):
        with pytest.raises(CmdError) as err:
            await a2.cmd(op, conversation=conv, **args)
        assert err.value.code == "forbidden", op
    with pytest.raises(CmdError) as err:
        await a2.cmd("history.get", customer="web-secret")
    assert err.value.code == "forbidden"
    with pytest.raises(CmdError) as err:
        await a2.cmd("offer.accept", offer=offer["data"]["offer"])
    assert err.value.code in ("forbidden", "conflict")
    # a supervisor may read it
    assert (await lead.cmd("conv.get", conversation=conv))["id"] == conv
    with pytest.raises(CmdError) as err:
        await a2.cmd("team.announce", text="hi all")
    assert err.value.code == "forbidden"
    for c in (a1, a2, lead):
        await c.close()


async def test_history_shows_earlier_conversations_on_any_channel(center):
    a = await login_ready(center, "agent1")
    await inject(center, "chat", "cust-77", "first, by chat", name="Emma")
    o = await a.wait_event("offer.new")
    c1 = (await a.cmd("offer.accept", offer=o["data"]["offer"]))["conversation"]["id"]
    await a.cmd("conv.wrapup", conversation=c1, code="info")
    await inject(center, "sms", "cust-77", "then by sms")
    o2 = await a.wait_event("offer.new", lambda d: d["conversation"]["channel"] == "sms")
    c2 = (await a.cmd("offer.accept", offer=o2["data"]["offer"]))["conversation"]["id"]
    h = await a.cmd("history.get", customer="cust-77")
    assert h["customer"] == {"id": "cust-77", "name": "Emma"}
    assert [c["id"] for c in h["conversations"]] == [c2, c1]
    assert h["conversations"][1]["messages"][0]["text"] == "first, by chat"
    assert h["conversations"][1]["status"] == "closed"
    await a.close()


async def test_grace_expiry_requeues_digital_conversations_to_others(make_center):
    center = make_center(grace_seconds=1.0)
    a1 = await login_ready(center, "agent1")
    await inject(center, "chat", "web-g", "hello")
    o = await a1.wait_event("offer.new")
    conv = (await a1.cmd("offer.accept", offer=o["data"]["offer"]))["conversation"]["id"]
    a2 = await login_ready(center, "agent2")
    await a1.drop()
    again = await a2.wait_event("offer.new", lambda d: d["conversation"]["id"] == conv, timeout=10)
    acc = await a2.cmd("offer.accept", offer=again["data"]["offer"])
    assert acc["conversation"]["messages"][0]["text"] == "hello"
    await a2.close()


async def test_offers_survive_a_dropped_connection_within_grace(center):
    a1 = await login_ready(center, "agent1")
    seen = a1.last_seq
    token = a1.welcome["token"]
    await a1.drop()
    await inject(center, "chat", "web-d", "while you were away")
    back = await WsClient.login(center.url, center.ca_file, "agent1", token=token, since=seen)
    o = await back.wait_event("offer.new")
    acc = await back.cmd("offer.accept", offer=o["data"]["offer"])
    assert acc["conversation"]["customer"]["id"] == "web-d"
    # a fresh session of the same agent sees the active conversation in its snapshot
    fresh = await WsClient.login(center.url, center.ca_file, "agent1")
    assert [c["id"] for c in fresh.welcome["snapshot"]["conversations"]] == [acc["conversation"]["id"]]
    await back.close()
    await fresh.close()
