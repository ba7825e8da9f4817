"""Smaller behaviours: hello timeout, unread/read, canned answers, stats ticks, transfer refusals."""

from __future__ import annotations

import asyncio

import pytest

from agent_tui.center import server as center_server
from tests.kit.wsclient import CmdError, WsClient


async def test_no_hello_in_time_closes_the_connection(center, monkeypatch):
    monkeypatch.setattr(center_server, "LOGIN_DEADLINE_S", 0.5)
    c = await WsClient.open(center.url, center.ca_file)
    f = await c.wait_frame(lambda f: f["type"] == "error")
    assert f["code"] == "not_authenticated"
    await asyncio.wait_for(c.closed.wait(), 10)
    assert c.ws.close_code == 1008
    await c.close()


async def test_unread_counts_and_read_marker(center):
    a = await WsClient.login(center.url, center.ca_file, "agent1")
    await a.cmd("state.set", state="available")
    await asyncio.to_thread(center.inject, "chat", "web-u", "one")
    o = await a.wait_event("offer.new")
    conv = (await a.cmd("offer.accept", offer=o["data"]["offer"]))["conversation"]
    assert conv["unread"] == 1
    await asyncio.to_thread(center.inject, "chat", "web-u", "two")
    msg = await a.wait_event("conv.message", lambda d: d["message"]["text"] == "two")
    listed = (await a.cmd("conv.list"))["conversations"]
    assert [c["unread"] for c in listed] == [2]
    await a.cmd("conv.read", conversation=conv["id"], upto=msg["data"]["message"]["seq"])
    upd = await a.wait_event("conv.updated", lambda d: d["conversation"]["unread"] == 0)
    assert upd["data"]["conversation"]["id"] == conv["id"]
    await a.close()


async def test_canned_answers_in_both_languages(center):
    a = await WsClient.login(center.url, center.ca_file, "agent1")
    canned = (await a.cmd("canned.list"))["canned"]
    langs = {c["lang"] for c in canned if c["shortcut"] == "hello"}
    assert langs == {"en", "nl"}
    await a.close()


async def test_stats_tick_follows_queue_changes(make_center):
    center = make_center(stats_tick_s=0.3)
    lead = await WsClient.login(center.url, center.ca_file, "lead1")
    start = len(lead.events)
    await asyncio.to_thread(center.inject, "email", "x@example.nl", "hello", queue="email")

    def email_waiting(d: dict) -> bool:
        return any(q["queue"] == "email" and q["waiting"] == 1 for q in d["queues"])

    tick = await lead.wait_event("stats.tick", email_waiting, start=start)
    assert tick
    stats = await lead.cmd("stats.get")
    assert stats["team"]["waiting"] == 1 and stats["team"]["incoming_today"] == 1
    assert {a["user"] for a in stats["agents"]} >= {"agent1", "lead1"}
    await lead.close()


async def test_transfer_refusals(center):
    a = await WsClient.login(center.url, center.ca_file, "agent1")
    await a.cmd("state.set", state="available")
    await asyncio.to_thread(center.inject, "chat", "web-t", "hi")
    o = await a.wait_event("offer.new")
    conv = (await a.cmd("offer.accept", offer=o["data"]["offer"]))["conversation"]["id"]
    cases = [({"agent": "agent4"}, "conflict"),  # not logged in
             ({"agent": "ghost"}, "not_found"),
             ({"queue": "nope"}, "not_found"),
             ({"queue": "email"}, "bad_args"),  # a chat cannot go to an e-mail queue
             ({}, "bad_args"),
             ({"agent": "agent1"}, "bad_args")]
    for args, code in cases:
        with pytest.raises(CmdError) as err:
            await a.cmd("conv.transfer", conversation=conv, **args)
        assert err.value.code == code, args
    assert [c["id"] for c in (await a.cmd("conv.list"))["conversations"]] == [conv]
    await a.close()


async def test_voice_is_a_channel_like_any_other_for_the_router(center):
    a = await WsClient.login(center.url, center.ca_file, "agent1")
    await a.cmd("state.set", state="available")
    summary = await asyncio.to_thread(
        center.call, lambda hub: hub.open_conversation("voice", "+31201234567", name="Caller"))
    o = await a.wait_event("offer.new")
    assert o["data"]["conversation"]["id"] == summary["id"] and o["data"]["conversation"]["channel"] == "voice"
    acc = await a.cmd("offer.accept", offer=o["data"]["offer"])
    assert acc["conversation"]["messages"][0]["direction"] == "system"
    # a second call is not offered while the agent is on one (voice capacity 1)
    await asyncio.to_thread(center.call, lambda hub: hub.open_conversation("voice", "+31207654321"))
    await asyncio.to_thread(center.call, lambda hub: hub.end_conversation(summary["id"]))
    await a.wait_event("conv.updated", lambda d: d["conversation"]["status"] == "wrapup")
    assert [e for e in a.events if e["kind"] == "offer.new"] == [o]
    await a.cmd("conv.wrapup", conversation=summary["id"], code="solved")
    second = await a.wait_event("offer.new", lambda d: d["conversation"]["customer"]["id"] == "+31207654321")
    assert second
    await a.close()
