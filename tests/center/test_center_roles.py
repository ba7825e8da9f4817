"""Roles by construction (issue 9 §4): every op of the op table, run for real as three people.

The rule table below is the test's statement of who may do what. The tests are generated from
the center's op table (:data:`agent_tui.center.commands.OPS` and the live ``hub.ops``):

- an op without a rule here fails (``test_every_op_has_a_declared_rule``), so a new op cannot
  slip in without someone deciding who may run it;
- each op runs against a real center as **the agent** who owns the conversation/offer (agent1,
  team care), **their lead** (a supervisor of team care only) and **an agent of another team**
  (agent4, team flex); "forbid" means the answer must be ``forbidden``, "allow" means it must
  not be (nor an internal error).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from agent_tui.center import auth
from agent_tui.center.commands import OPS
from agent_tui.center.store import agents as agent_store
from tests.kit.wsclient import CmdError, WsClient

ALLOW, FORBID = "allow", "forbid"
ACTORS = ("other", "lead", "owner")  # run in this order: the owner's run may use the thing up


@dataclass(frozen=True)
class Rule:
    owner: str  # agent1: the agent whose conversation / offer it is
    lead: str  # lead2: supervisor of agent1's team (care) only
    other: str  # agent4: an agent of another team (flex)
    args: Callable[[World, str], dict] = lambda w, who: {}


def _everyone() -> Rule:
    return Rule(ALLOW, ALLOW, ALLOW)


def _everyone_with(args: Callable[[World, str], Any]) -> Rule:
    return Rule(ALLOW, ALLOW, ALLOW, args)


def _lead_only(args: Callable[[World, str], Any] = lambda w, who: {}) -> Rule:
    return Rule(FORBID, ALLOW, FORBID, args)


def _owner_only(args: Callable[[World, str], Any]) -> Rule:
    return Rule(ALLOW, FORBID, FORBID, args)


def _owner_and_lead(args: Callable[[World, str], Any]) -> Rule:
    return Rule(ALLOW, ALLOW, FORBID, args)


RULES: dict[str, Rule] = {
    "whoami": _everyone(),
    "logout": _everyone(),
    "state.set": Rule(ALLOW, ALLOW, ALLOW, lambda w, who: {"state": "available" if who == "owner" else "break"}),
    "presence.get": _everyone(),
    "queue.get": _everyone(),
    "offer.accept": _owner_only(lambda w, who: {"offer": w.offer}),
    "offer.decline": _owner_only(lambda w, who: {"offer": w.offer}),
    "conv.list": _everyone(),
    "conv.get": _owner_and_lead(lambda w, who: {"conversation": w.conv}),
    "conv.send": _owner_only(lambda w, who: {"conversation": w.conv, "text": "hello"}),
    "conv.note": _owner_only(lambda w, who: {"conversation": w.conv, "text": "note"}),
    "conv.transfer": _owner_only(lambda w, who: {"conversation": w.conv, "queue": "chat"}),
    "conv.wrapup": _owner_only(lambda w, who: {"conversation": w.conv, "code": "solved"}),
    "conv.typing": _owner_only(lambda w, who: {"conversation": w.conv}),
    "conv.read": _owner_only(lambda w, who: {"conversation": w.conv, "upto": 1}),
    "wrapup.codes": _everyone(),
    "canned.list": _everyone(),
    "history.get": _owner_and_lead(lambda w, who: {"customer": w.customer}),
    "conv.text": _owner_and_lead(lambda w, who: {"conversation": w.conv, "message": w.message}),
    "team.rooms": _everyone(),
    "team.send": _owner_and_lead(lambda w, who: {"room": "team:care", "text": "hi team"}),
    "team.read": _owner_and_lead(lambda w, who: {"room": "team:care", "upto": 1}),
    "team.history": _owner_and_lead(lambda w, who: {"room": "team:care"}),
    "team.announce": _lead_only(lambda w, who: {"text": "daily start", "team": "care"}),
    "stats.get": _lead_only(),
    "kb.search": Rule(ALLOW, ALLOW, ALLOW, lambda w, who: {"query": "wachtwoord"}),
    "kb.get": Rule(ALLOW, ALLOW, ALLOW, lambda w, who: {"id": w.article}),
    "kb.suggest": _owner_and_lead(lambda w, who: {"conversation": w.conv}),
    "kb.propose": Rule(ALLOW, ALLOW, ALLOW, lambda w, who: {"title": "T", "body": "B", "lang": "en"}),
    "kb.proposals": _lead_only(),
    "voice.status": _lead_only(),  # registered by the voice bridge when voice runs
    "voice.monitor": _lead_only(lambda w, who: {"conversation": w.conv, "mode": "listen"}),
    "voice.monitor.stop": _lead_only(lambda w, who: {"conversation": w.conv}),
    # the team lead's desk (issue 11)
    "lead.figures": _lead_only(),
    "lead.agents": _lead_only(),
    "lead.timeline": _lead_only(lambda w, who: {"agent": "agent1"}),
    "lead.urgent": _lead_only(),
    "lead.assign": _lead_only(lambda w, who: {"conversation": w.conv, "agent": "agent1"}),
    "lead.take": _lead_only(lambda w, who: {"conversation": w.conv}),
    "lead.priority": _lead_only(lambda w, who: {"conversation": w.conv}),
    "report.get": _lead_only(lambda w, who: {"from": 0, "to": int(time.time())}),
    "task.list": _lead_only(),
    "task.create": _lead_only(lambda w, who: {"title": "call the customer back"}),
    "task.assign": _lead_only(lambda w, who: {"task": w.task, "assignee": "agent1"}),
    "task.close": _owner_and_lead(lambda w, who: {"task": w.task}),  # its assignee (agent1) or a lead
    "task.mine": _everyone(),
    "task.escalate": _owner_only(lambda w, who: {"conversation": w.conv, "note": "needs a lead"}),
    "team.announcement_read": _everyone_with(lambda w, who: {"id": w.announcement}),
    "team.announcement_reads": _lead_only(),
    "kb.queue": _lead_only(),
    "kb.stale": _lead_only(),
    "kb.confirm": _lead_only(lambda w, who: {"article": w.article}),
    "kb.edit": _lead_only(lambda w, who: {"article": w.article, "body": "checked and still right"}),
    "kb.review": _lead_only(lambda w, who: {"proposal": w.proposal, "approve": False}),
}
# Ops that end the session or use up the conversation run last / get a fresh one.
LAST = ("logout",)
FRESH_CONV = ("conv.transfer", "conv.wrapup")


@pytest.mark.parametrize("op", [op.name for op in OPS])
def test_every_op_has_a_declared_rule(op: str) -> None:
    """Generated from the op table: a new op without a rule here fails, and the rule agrees with its role."""
    assert op in RULES, f"op {op!r} has no role rule in tests/center/test_center_roles.py: declare who may run it"
    entry = next(o for o in OPS if o.name == op)
    rule = RULES[op]
    if entry.role == "supervisor":
        assert (rule.owner, rule.lead, rule.other) == (FORBID, ALLOW, FORBID)
    else:
        assert rule.owner == ALLOW, f"{op} is an agent op: its own agent must be allowed"


class World:
    """agent1's live things on a real center: an active conversation, a pending offer, a proposal."""

    def __init__(self, center: Any, owner: WsClient, lead: WsClient):
        self.center, self.owner, self.lead = center, owner, lead
        self.conv = ""
        self.customer = ""
        self.offer = ""
        self.article = ""
        self.proposal = ""
        self.message = ""
        self.task = ""
        self.announcement = 0

    async def new_offer(self) -> tuple[str, str, str]:
        """A chat from a new customer, offered to agent1 (the only one available). (offer, conv, customer)"""
        customer = f"web-{uuid.uuid4().hex[:8]}"
        out = await asyncio.to_thread(self.center.inject, "chat", customer, "my password does not work")
        conv = out["conversation"]["id"]
        ev = await self.owner.wait_event("offer.new", lambda d: d["conversation"]["id"] == conv)
        return ev["data"]["offer"], conv, customer

    async def new_conv(self) -> None:
        offer, conv, customer = await self.new_offer()
        await self.owner.cmd("offer.accept", offer=offer)
        self.conv, self.customer = conv, customer
        got = await self.owner.cmd("conv.get", conversation=conv)
        self.message = got["messages"][-1]["id"]

    async def prepare(self, op: str) -> None:
        if op.startswith("offer."):
            self.offer, _conv, _cust = await self.new_offer()
        if not self.conv or op in FRESH_CONV:
            await self.new_conv()
        if not self.article:
            self.article = (await self.owner.cmd("kb.search", query="wachtwoord"))["hits"][0]["id"]
        if op in ("task.assign", "task.close"):
            made = await self.lead.cmd("task.create", title="check the refund", assignee="agent1")
            self.task = made["task"]["id"]
        if op == "team.announcement_read":
            made = await self.lead.cmd("team.announce", text="daily start", team="care")
            self.announcement = made["announcement"]["id"]
        if op == "kb.review":
            made = await self.owner.cmd("kb.propose", title="New", body="text", lang="en")
            self.proposal = made["proposal"]["id"]


def _add_lead(hub: Any) -> None:
    agent_store.add_login_user(hub.db, name="lead2", display_name="Care Lead", role="supervisor", team="care",
                               skills=[], lang="en", pw_hash=auth.hash_password("demo", n=2**10), now=time.time())


async def test_every_op_as_agent_lead_and_other_team_agent(center):
    await asyncio.to_thread(center.call, _add_lead)
    owner = await WsClient.login(center.url, center.ca_file, "agent1")
    await owner.cmd("state.set", state="available")
    clients = {"owner": owner, "lead": await WsClient.login(center.url, center.ca_file, "lead2"),
               "other": await WsClient.login(center.url, center.ca_file, "agent4")}
    world = World(center, owner, clients["lead"])
    ops = sorted(center.call(lambda hub: list(hub.ops)), key=lambda name: name in LAST)
    missing = [op for op in ops if op not in RULES]
    assert not missing, f"ops without a declared role rule: {missing}"
    wrong: list[str] = []
    for op in ops:
        rule = RULES[op]
        await world.prepare(op)
        for who in ACTORS:
            expect = getattr(rule, who)
            try:
                await clients[who].cmd(op, **rule.args(world, who))
                got = ALLOW
            except CmdError as exc:
                if exc.code == "internal":
                    wrong.append(f"{op} as {who}: internal error {exc.message}")
                got = FORBID if exc.code == "forbidden" else ALLOW
            if got != expect:
                wrong.append(f"{op} as {who}: expected {expect}, got {got}")
        if op in FRESH_CONV:
            world.conv = ""  # transferred away or closed: the next op gets a new one
    assert not wrong, "\n".join(wrong)
    for c in clients.values():
        await c.close()


async def test_a_lead_sees_the_figures_of_their_own_teams_only(center):
    await asyncio.to_thread(center.call, _add_lead)
    lead2 = await WsClient.login(center.url, center.ca_file, "lead2")
    lead1 = await WsClient.login(center.url, center.ca_file, "lead1")
    care = await lead2.cmd("stats.get")
    users = {a["user"] for a in care["agents"]}
    assert {"agent1", "agent2", "agent3", "lead2"} <= users
    assert not users & {"agent4", "agent5", "agent6"}, "a lead of care sees flex/back-office agents"
    assert care["teams"] == ["care"]
    everyone = {a["user"] for a in (await lead1.cmd("stats.get"))["agents"]}
    assert {"agent1", "agent4", "agent6"} <= everyone  # lead1 leads care, flex and back office
    for c in (lead1, lead2):
        await c.close()
