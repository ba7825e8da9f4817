"""The team lead's ops over the real wire: roles and team scope, figures driven by traffic,
tasks (escalate → assign → close, evented), urgent items with their actions, announcement read
receipts, the KB review queue with a diff, stale articles, and the report."""

from __future__ import annotations

import time

import pytest

from tests.kit.wsclient import CmdError, WsClient


async def _accept(agent: WsClient) -> str:
    offer = await agent.wait_event("offer.new")
    got = await agent.cmd("offer.accept", offer=offer["data"]["offer"])
    return got["conversation"]["id"]


async def test_lead_ops_are_for_leads_and_agents_never_get_team_figures(center):
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    for op, args in [("lead.figures", {}), ("lead.agents", {}), ("lead.urgent", {}), ("task.list", {}),
                     ("report.get", {"from": 0, "to": 10}), ("kb.queue", {}), ("kb.stale", {})]:
        with pytest.raises(CmdError) as err:
            await a1.cmd(op, **args)
        assert err.value.code == "forbidden", op
    await a1.close()


async def test_traffic_drives_figures_tasks_and_report(center):
    lead = await WsClient.login(center.url, center.ca_file, "lead1")
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    assert lead.welcome["snapshot"]["state"]["state"] != "available"  # a lead takes no offers at login
    before = (await lead.cmd("lead.figures"))["today"]["total"]
    await a1.cmd("state.set", state="available")
    center.inject("sms", "+31600000001", "my modem blinks red")
    conv = await _accept(a1)
    await a1.cmd("conv.send", conversation=conv, text="please restart it")
    # escalate: a task for the lead, evented to both
    esc = await a1.cmd("task.escalate", conversation=conv, note="customer asks for a manager")
    task = esc["task"]
    assert task["kind"] == "escalation" and task["team"] == "care"
    ev = await lead.wait_event("task.updated", lambda d: d["task"]["id"] == task["id"])
    assert ev["data"]["task"]["note"] == "customer asks for a manager"
    urgent = (await lead.cmd("lead.urgent"))["items"]
    assert any(i["kind"] == "escalation" and i["task"]["id"] == task["id"] for i in urgent)
    assigned = await lead.cmd("task.assign", task=task["id"], assignee="agent1", due_at=int(time.time()) + 3600)
    assert assigned["task"]["assignee"]["user"] == "agent1"
    assert [t["id"] for t in (await a1.cmd("task.mine"))["tasks"]] == [task["id"]]
    closed = await lead.cmd("task.close", task=task["id"])
    assert closed["task"]["status"] == "closed"
    await a1.wait_event("task.updated", lambda d: d["task"]["status"] == "closed")
    # the conversation is handled: the figures and the agents table move
    await a1.cmd("conv.wrapup", conversation=conv, code="solved")
    figs = await lead.cmd("lead.figures")
    total = figs["today"]["total"]
    assert total["incoming"] == before["incoming"] + 1 and total["handled"] == before["handled"] + 1
    assert total["aht_s"] is not None and total["fcr"] == 100.0 and total["service_level"] == 100.0
    sms = next(q for q in figs["today"]["queues"] if q["queue"] == "sms")
    assert sms["handled"] == 1 and sms["channel"] == "sms"
    assert sum(figs["buckets"]["incoming"]) == total["incoming"]
    agents = {a["user"]: a for a in (await lead.cmd("lead.agents"))["agents"]}
    assert agents["agent1"]["handled"] == 1 and agents["agent1"]["state"] == "available"
    assert "lead1" not in agents
    tl = await lead.cmd("lead.timeline", agent="agent1")
    assert [s["state"] for s in tl["states"]][-1] == "available"
    rep = await lead.cmd("report.get", **{"from": int(time.time()) - 3600, "to": int(time.time()) + 60})
    assert rep["total"]["handled"] == 1
    assert {a["user"]: a["handled"] for a in rep["agents"]}["agent1"] == 1
    for c in (lead, a1):
        await c.close()


async def test_urgent_priority_customer_is_assigned_by_the_lead(center):
    lead = await WsClient.login(center.url, center.ca_file, "lead1")
    a2 = await WsClient.login(center.url, center.ca_file, "agent2")  # on break at login: no offers
    center.inject("chat", "vip-1", "I am a gold customer", priority=2)
    urgent = await lead.cmd("lead.urgent")
    item = next(i for i in urgent["items"] if i["kind"] == "priority")
    conv = item["conversation"]["id"]
    raised = await lead.cmd("lead.priority", conversation=conv)
    assert raised["priority"] == 3
    await lead.cmd("lead.assign", conversation=conv, agent="agent2")
    got = await a2.wait_event("conv.assigned")
    assert got["data"]["conversation"]["id"] == conv
    assert not any(i.get("conversation", {}).get("id") == conv for i in (await lead.cmd("lead.urgent"))["items"])
    with pytest.raises(CmdError) as err:
        await lead.cmd("lead.assign", conversation=conv, agent="agent2")
    assert err.value.code == "conflict"
    for c in (lead, a2):
        await c.close()


async def test_announcement_read_receipts_and_kb_upkeep(center):
    lead = await WsClient.login(center.url, center.ca_file, "lead1")
    a3 = await WsClient.login(center.url, center.ca_file, "agent3")
    ann = (await lead.cmd("team.announce", text="daily start 9:00", team="care"))["announcement"]
    got = await a3.wait_event("team.announcement")
    await a3.cmd("team.announcement_read", id=got["data"]["id"])
    receipt = await lead.wait_event("team.announcement_read")
    assert receipt["data"] == {"id": ann["id"], "user": "agent3"}
    reads = (await lead.cmd("team.announcement_reads"))["announcements"][0]
    assert [r["user"] for r in reads["read"]] == ["agent3"]
    assert {"agent1", "agent2"} <= {u["user"] for u in reads["unread"]}
    # KB: a proposed edit shows as a diff; approving changes the article; the proposer is told
    stale = (await lead.cmd("kb.stale"))["articles"]
    art = stale[0]["id"]
    old = await a3.cmd("kb.get", id=art)
    prop = await a3.cmd("kb.propose", article=art, title=old["title"], body=old["body"] + "\nNew: call 0800.",
                        lang=old["lang"])
    queue = (await lead.cmd("kb.queue"))["proposals"]
    mine = next(p for p in queue if p["id"] == prop["proposal"]["id"])
    assert "+New: call 0800." in mine["diff"].splitlines()
    await lead.cmd("kb.review", proposal=mine["id"], approve=True, comment="thanks")
    told = await a3.wait_event("kb.reviewed")
    assert told["data"]["approved"] is True
    assert (await a3.cmd("kb.get", id=art))["body"].endswith("New: call 0800.")
    assert art not in {a["id"] for a in (await lead.cmd("kb.stale"))["articles"]}
    other = stale[1]["id"]
    await lead.cmd("kb.confirm", article=other)
    assert other not in {a["id"] for a in (await lead.cmd("kb.stale"))["articles"]}
    for c in (lead, a3):
        await c.close()


async def test_a_lead_who_takes_a_conversation_is_on_contact_and_back_on_break_after(center):
    lead = await WsClient.login(center.url, center.ca_file, "lead1")
    assert lead.welcome["snapshot"]["state"]["state"] == "break"
    center.inject("chat", "vip-9", "please help, gold customer", priority=2)
    item = next(i for i in (await lead.cmd("lead.urgent"))["items"] if i["kind"] == "priority")
    conv = item["conversation"]["id"]
    await lead.cmd("lead.take", conversation=conv)
    assert (await lead.wait_event("conv.assigned"))["data"]["conversation"]["id"] == conv
    await lead.wait_event("agent.state", lambda d: d["state"] == "on_contact")
    await lead.cmd("conv.wrapup", conversation=conv, code="solved")
    back = await lead.wait_event("agent.state", lambda d: d["state"] == "break")
    assert back["data"]["reason"] == lead.welcome["snapshot"]["state"]["reason"]
    await lead.close()


async def test_announce_without_a_team_goes_to_each_team_the_lead_leads_and_capacity_is_per_channel(center):
    lead = await WsClient.login(center.url, center.ca_file, "lead1")
    a4 = await WsClient.login(center.url, center.ca_file, "agent4")  # team flex
    out = await lead.cmd("team.announce", text="daily start")
    assert sorted(a["team"] for a in out["announcements"]) == ["backoffice", "care", "flex"]
    got = await a4.wait_event("team.announcement")
    assert got["data"]["team"] == "flex" and got["data"]["text"] == "daily start"
    row = next(a for a in (await lead.cmd("lead.agents"))["agents"] if a["user"] == "agent4")
    assert row["load"] == {} and row["limits"]["chat"] >= 1 and row["capacity"] == sum(row["limits"].values())
    for c in (lead, a4):
        await c.close()
