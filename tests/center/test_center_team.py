"""Team chat (rooms and DMs), presence deltas (batched), announcements, KB wiring."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from tests.kit.wsclient import CmdError, WsClient


async def test_team_room_message_reaches_team_members_only(center):
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")  # care
    a2 = await WsClient.login(center.url, center.ca_file, "agent2")  # care
    a4 = await WsClient.login(center.url, center.ca_file, "agent4")  # flex
    sent = await a1.cmd("team.send", room="team:care", text="who knows the new tariff? @agent2")
    assert sent["message"]["mentions"] == ["agent2"]
    got = await a2.wait_event("team.message")
    assert got["data"]["room"] == "team:care"
    assert got["data"]["message"]["from"] == {"user": "agent1", "name": "Anna de Vries"}
    with pytest.raises(CmdError) as err:
        await a4.cmd("team.send", room="team:care", text="can I join?")
    assert err.value.code == "forbidden"
    rooms = {r["room"]: r for r in (await a2.cmd("team.rooms"))["rooms"]}
    assert rooms["team:care"]["unread"] == 1 and rooms["team:care"]["kind"] == "team"
    hist = await a2.cmd("team.history", room="team:care")
    assert [m["text"] for m in hist["messages"]] == ["who knows the new tariff? @agent2"]
    rooms = {r["room"]: r for r in (await a2.cmd("team.rooms"))["rooms"]}
    assert rooms["team:care"]["unread"] == 0  # reading the history marks it read
    assert "team.message" not in a4.kinds()
    for c in (a1, a2, a4):
        await c.close()


async def test_direct_messages_are_named_from_the_readers_view(center):
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    a6 = await WsClient.login(center.url, center.ca_file, "agent6")
    await a1.cmd("team.send", room="dm:agent6", text="can you check a refund?")
    got = await a6.wait_event("team.message")
    assert got["data"]["room"] == "dm:agent1"
    await a6.cmd("team.send", room="dm:agent1", text="on it")
    back = await a1.wait_event("team.message", lambda d: d["message"]["text"] == "on it")
    assert back["data"]["room"] == "dm:agent6"
    rooms = {r["room"]: r for r in (await a1.cmd("team.rooms"))["rooms"]}
    assert rooms["dm:agent6"]["kind"] == "dm" and rooms["dm:agent6"]["name"] == "Finn Mulder"
    with pytest.raises(CmdError) as err:
        await a1.cmd("team.send", room="dm:nobody", text="x")
    assert err.value.code == "not_found"
    await a1.close()
    await a6.close()


async def test_presence_deltas_are_batched(make_center):
    center = make_center(presence_batch_s=0.5)
    watcher = await WsClient.login(center.url, center.ca_file, "lead1")
    agents = [await WsClient.login(center.url, center.ca_file, f"agent{i}") for i in (1, 2, 3)]
    start = len(watcher.events)
    # three agents change state quickly, each twice
    for c in agents:
        await c.cmd("state.set", state="available")
    for c in agents:
        await c.cmd("state.set", state="lunch", reason="noon")

    def all_lunch(d: dict) -> bool:
        return {p["user"] for p in d["changes"] if p["state"] == "lunch"} >= {"agent1", "agent2", "agent3"}

    await watcher.wait_event("presence.delta", all_lunch, start=start)
    deltas = [e for e in watcher.events[start:] if e["kind"] == "presence.delta"]
    # batched: at most one frame per interval (timestamps come from the center's clock) …
    gaps = [b["ts"] - a["ts"] for a, b in itertools.pairwise(deltas)]
    assert all(g >= 0.45 for g in gaps), gaps
    # … so six quick changes take fewer frames than changes, each user once per frame (latest state)
    assert len(deltas) < 6
    for d in deltas:
        users = [p["user"] for p in d["data"]["changes"]]
        assert len(users) == len(set(users))
    entry = next(p for p in deltas[-1]["data"]["changes"] if p["user"] == "agent2")
    # only what changes: the desk has name and team from its snapshot (fan-out size, issue 12)
    assert entry == {"user": "agent2", "state": "lunch", "reason": "noon", "since": entry["since"]}
    for c in [watcher, *agents]:
        await c.close()


async def test_supervisor_announcement_reaches_the_team(center):
    lead = await WsClient.login(center.url, center.ca_file, "lead1")
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    a4 = await WsClient.login(center.url, center.ca_file, "agent4")
    out = await lead.cmd("team.announce", text="Daily start in 5 minutes", team="care")
    got = await a1.wait_event("team.announcement")
    assert got["data"]["text"] == "Daily start in 5 minutes" and got["data"]["id"] == out["announcement"]["id"]
    assert "team.announcement" not in a4.kinds()
    late = await WsClient.login(center.url, center.ca_file, "agent2")
    assert [a["text"] for a in late.welcome["snapshot"]["announcements"]] == ["Daily start in 5 minutes"]
    for c in (lead, a1, a4, late):
        await c.close()


async def test_kb_search_get_suggest_are_wired(center):
    a = await WsClient.login(center.url, center.ca_file, "agent1")
    hits = (await a.cmd("kb.search", query="wachtwoord vergeten", lang="nl"))["hits"]
    assert hits and hits[0]["lang"] == "nl" and "«" in hits[0]["snippet"]
    art = await a.cmd("kb.get", id=hits[0]["id"])
    assert art["id"] == hits[0]["id"] and art["body"]
    with pytest.raises(CmdError) as err:
        await a.cmd("kb.get", id="kb-xx-9999")
    assert err.value.code == "not_found"
    await a.cmd("state.set", state="available")
    await asyncio.to_thread(center.inject, "chat", "web-kb", "My modem keeps restarting, the internet drops")
    o = await a.wait_event("offer.new")
    conv = (await a.cmd("offer.accept", offer=o["data"]["offer"]))["conversation"]["id"]
    sug = await a.cmd("kb.suggest", conversation=conv)
    assert sug["hits"], "a modem question must suggest something"
    await a.close()


async def test_kb_proposal_review_flow_with_events(center):
    a = await WsClient.login(center.url, center.ca_file, "agent2")
    lead = await WsClient.login(center.url, center.ca_file, "lead1")
    p = await a.cmd("kb.propose", title="Modem lights explained", body="Red light: no signal. Orange: updating.",
                    lang="en", tags="modem,lights")
    assert p["proposal"]["status"] == "pending"
    ev = await lead.wait_event("kb.proposal")
    assert ev["data"]["proposal"]["id"] == p["proposal"]["id"]
    with pytest.raises(CmdError) as err:
        await a.cmd("kb.proposals")
    assert err.value.code == "forbidden"
    pending = (await lead.cmd("kb.proposals"))["proposals"]
    assert p["proposal"]["id"] in [x["id"] for x in pending]
    r = await lead.cmd("kb.review", proposal=p["proposal"]["id"], approve=True, comment="thanks")
    assert r["article"]["title"] == "Modem lights explained"
    done = await a.wait_event("kb.reviewed")
    assert done["data"]["approved"] is True and done["data"]["article"]["id"] == r["article"]["id"]
    found = (await a.cmd("kb.search", query="modem lights"))["hits"]
    assert r["article"]["id"] in [h["id"] for h in found]
    await a.close()
    await lead.close()


async def test_dm_rooms_list_only_the_users_own_pairs_even_with_like_wildcards_in_names(center):
    import subprocess
    import sys

    # "a_1" as a LIKE pattern also matches "ab1": the room list must not show ab1's DMs to a_1.
    for user in ("a_1", "ab1"):
        res = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "agent_tui.center", "user", "add", str(center.dir), user,
                             "--team", "care", "--password-stdin"],
            input="s3cret!\n", capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr
    ab1 = await WsClient.login(center.url, center.ca_file, "ab1", "s3cret!")
    await ab1.cmd("team.send", room="dm:agent2", text="private to agent2")
    a_1 = await WsClient.login(center.url, center.ca_file, "a_1", "s3cret!")
    rooms = [r["room"] for r in (await a_1.cmd("team.rooms"))["rooms"]]
    assert rooms == ["team:care"], rooms
    await ab1.close()
    await a_1.close()
