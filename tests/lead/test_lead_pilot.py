"""The acceptance run of the team lead's desk: one lead and three agents, each a real desk
(Pilot) against the real center. Traffic drives the figures; an escalation becomes a task, is
assigned and closed; an announcement reaches all three desks (and the lead sees who read it);
a proposed KB edit is approved and the article changes."""

from __future__ import annotations

import asyncio
import contextlib

from agent_tui.screens.lead import LeadScreen
from agent_tui.widgets.lead_announce import AnnouncementBar
from agent_tui.widgets.lead_tables import (
    AnnouncementsTable,
    ProposalsTable,
    TasksTable,
    UrgentTable,
)
from tests.kit.desk_helpers import wait_for

SIZE = (120, 40)


def cells(table) -> list[str]:
    return [str(getattr(c, "plain", c)) for row in range(table.row_count) for c in table.get_row_at(row)]


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def test_lead_and_three_agents(center, desk_factory):
    lead = desk_factory("lead1", initial_state="available")  # as `agent-tui demo` starts everyone
    agents = [desk_factory(u, initial_state="available") for u in ("agent1", "agent2", "agent3")]
    async with contextlib.AsyncExitStack() as stack:
        lp = await stack.enter_async_context(lead.run_test(size=SIZE))
        pilots = [await stack.enter_async_context(a.run_test(size=SIZE)) for a in agents]
        for app, pilot in zip(agents, pilots, strict=True):
            await wait_for(pilot, lambda app=app: app.state.agent.get("state") == "available", what="agent Available")
        await wait_for(lp, lambda: lead.online() and lead.state.me.get("role") == "supervisor", what="lead online")
        assert lead.state.agent.get("state") != "available"  # a lead takes no offers unless they choose to
        await wait_for(lp, lambda: lead.collector.started, what="full collections held for quiet moments")

        await lp.press("ctrl+l")
        await wait_for(lp, lambda: isinstance(lead.screen, LeadScreen), what="lead view")
        view: LeadScreen = lead.screen  # type: ignore[assignment]
        await wait_for(lp, lambda: "figures" in view.data and "agents" in view.data, what="figures loaded")
        before = view.data["figures"]["today"]["total"]["handled"]

        # ---- traffic: three customers, agent1 handles one to the end
        for i in range(3):
            await asyncio.to_thread(center.inject, "sms", f"+3161000000{i}", f"question {i}")
        for app, pilot in zip(agents, pilots, strict=True):
            await wait_for(pilot, lambda app=app: app.state.offers, what="offer")
            await pilot.press("f8")
            await wait_for(pilot, lambda app=app: app.state.conversations, what="accepted")
        conv1 = next(iter(agents[0].state.conversations))
        await center_call(center, lambda hub: hub.conversations.wrapup("agent1", conv1, "solved", None))
        await lp.press("f9")
        await wait_for(lp, lambda: view.data["figures"]["today"]["total"]["handled"] == before + 1,
                       what="handled figure moved")
        total = view.data["figures"]["today"]["total"]
        assert total["incoming"] >= 3 and total["fcr"] is not None
        panel_text = str(view.query_one("#fig-total").content)
        assert f"handled {before + 1} (" in panel_text

        # ---- escalation → task → assigned → closed
        a2, p2 = agents[1], pilots[1]
        await p2.press("alt+e")
        await wait_for(p2, lambda: a2.screen.query("#prompt-input"), what="escalate prompt")
        await type_text(p2, "angry")
        await p2.press("enter")
        await lp.press("f5")
        tasks = view.query_one(TasksTable)
        await wait_for(lp, lambda: any(x.get("note") == "angry" for x in tasks.items.values()),
                       what="escalation in the lead's tasks")
        task_id = next(k for k, x in tasks.items.items() if x.get("note") == "angry")
        tasks.move_cursor(row=list(tasks.items).index(task_id))
        tasks.focus()
        await lp.press("a")
        await wait_for(lp, lambda: lead.screen.query("#picker-filter"), what="agent picker")
        await type_text(lp, "Chl")
        await lp.press("enter")
        await wait_for(lp, lambda: lead.screen.query("#prompt-input"), what="due prompt")
        await type_text(lp, "+30")
        await lp.press("enter")
        await wait_for(lp, lambda: (tasks.items.get(task_id, {}).get("assignee") or {}).get("user") == "agent3",
                       what="task assigned to agent3")
        assert tasks.items[task_id]["due_at"] is not None
        mine = await agents[2].command("task.mine")
        assert [x["id"] for x in mine["tasks"]] == [task_id]
        await lp.press("c")
        await wait_for(lp, lambda: tasks.items.get(task_id, {}).get("status") == "closed", what="task closed")

        # ---- announcement to every desk, with a read receipt
        await lp.press("f6")
        await lp.press("n")
        await wait_for(lp, lambda: lead.screen.query("#prompt-input"), what="announcement prompt")
        await type_text(lp, "daily 9")
        await lp.press("enter")
        for app, pilot in zip(agents, pilots, strict=True):
            bar = await wait_for(pilot, lambda app=app: app.screen.query(AnnouncementBar), what="bar mounted")
            await wait_for(pilot, lambda bar=bar: bar.first().has_class("-visible")
                           and "daily 9" in str(bar.first().content), what="announcement on the desk")
        await pilots[0].press("ctrl+b")
        await wait_for(pilots[0], lambda: not agents[0].screen.query_one(AnnouncementBar).has_class("-visible"),
                       what="bar gone after read")
        anns = view.query_one(AnnouncementsTable)
        await wait_for(lp, lambda: any([r["user"] for r in a.get("read") or []] == ["agent1"]
                                       for a in anns.items.values()), what="read receipt at the lead")

        # ---- a proposed KB edit is approved and the article changes
        art = (await lead.command("kb.stale"))["articles"][0]["id"]
        old = await agents[2].command("kb.get", id=art)
        await agents[2].command("kb.propose", article=art, title=old["title"], body=old["body"] + "\nUpdated by Chloe.",
                                lang=old["lang"])
        await lp.press("f7")
        props = view.query_one(ProposalsTable)
        await wait_for(lp, lambda: props.row_count >= 1, what="proposal in the review queue")
        assert "+Updated by Chloe." in str(view.query_one("#kb-diff-text").content)
        props.focus()
        await lp.press("y")
        await wait_for(lp, lambda: props.row_count == 0, what="proposal reviewed")
        article = await center_call(center, lambda hub: hub.kb.get(art))
        assert article["body"].endswith("Updated by Chloe.")


async def center_call(center, fn):
    return await asyncio.to_thread(center.call, fn)


async def test_a_lead_takes_a_waiting_customer_and_can_handle_it(center, desk_factory):
    """Urgent tab, `t`: the conversation is on the lead's desk, the lead is On contact (offered
    nothing else) and is told they go back to Break after the wrap-up."""
    lead = desk_factory("lead1")
    async with lead.run_test(size=SIZE) as lp:
        await wait_for(lp, lambda: lead.online() and lead.state.agent.get("state") == "break", what="lead on Break")
        await asyncio.to_thread(center.inject, "chat", "vip-take", "gold customer, nobody answers", priority=2)
        await lp.press("ctrl+l")
        await wait_for(lp, lambda: isinstance(lead.screen, LeadScreen), what="lead view")
        view: LeadScreen = lead.screen  # type: ignore[assignment]
        await lp.press("f4")
        urgent = view.query_one(UrgentTable)
        await wait_for(lp, lambda: any(((x.get("conversation") or {}).get("customer") or {}).get("id") == "vip-take"
                                       for x in urgent.items.values()), what="the customer among urgent items")
        key = next(k for k, x in urgent.items.items()
                   if ((x.get("conversation") or {}).get("customer") or {}).get("id") == "vip-take")
        urgent.move_cursor(row=list(urgent.items).index(key))
        await lp.press("t")
        await wait_for(lp, lambda: not isinstance(lead.screen, LeadScreen), what="back on the desk")
        await wait_for(lp, lambda: key in lead.state.conversations, what="the conversation on the lead's desk")
        await wait_for(lp, lambda: lead.state.agent.get("state") == "on_contact", what="lead On contact")
