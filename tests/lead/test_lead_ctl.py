"""``agent-tui ctl lead …`` and ``ctl report`` as a tester runs them: real processes against
the real center; the agent's escalation becomes the lead's task; the report in CSV and JSON."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import sys
import time

from agent_tui.ctl.exits import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from tests.kit.wsclient import WsClient


def ctl(center, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent_tui", "ctl", "--server", center.url, "--ca",
                           str(center.ca_file), "--user", user, "--password-stdin", *args],
                          input="demo\n", capture_output=True, text=True, timeout=60)


def ok(proc: subprocess.CompletedProcess[str]) -> dict:
    assert proc.returncode == EXIT_OK, proc.stderr
    return json.loads(proc.stdout)


async def test_ctl_lead_twins_and_report(center):
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    await a1.cmd("state.set", state="available")
    center.inject("chat", "web-42", "where is my order")
    offer = await a1.wait_event("offer.new")
    conv = (await a1.cmd("offer.accept", offer=offer["data"]["offer"]))["conversation"]["id"]
    esc = ok(await asyncio.to_thread(ctl, center, "agent1", "escalate", conv, "needs a refund"))
    task = esc["task"]["id"]
    assigned = ok(await asyncio.to_thread(ctl, center, "lead1", "lead", "task-assign", task, "agent1", "--due", "+30"))
    assert assigned["task"]["assignee"]["user"] == "agent1" and assigned["task"]["due_at"] > time.time()
    assert [x["id"] for x in (await a1.cmd("task.mine"))["tasks"]] == [task]
    await a1.cmd("conv.wrapup", conversation=conv, code="solved")
    denied = await asyncio.to_thread(ctl, center, "agent1", "lead", "figures")
    assert denied.returncode == EXIT_REFUSED and "supervisors" in denied.stderr
    today = time.strftime("%Y-%m-%d")
    rep = await asyncio.to_thread(ctl, center, "lead1", "report", "--from", today, "--to", today, "--format", "csv")
    assert rep.returncode == EXIT_OK, rep.stderr
    rows = list(csv.DictReader(io.StringIO(rep.stdout)))
    by = {(r["kind"], r["key"]): r for r in rows}
    assert by[("total", "team")]["handled"] == "1" and by[("queue", "chat")]["incoming"] == "1"
    assert by[("agent", "agent1")]["handled"] == "1"
    bad = await asyncio.to_thread(ctl, center, "lead1", "report", "--from", "yesterday", "--to", today)
    assert bad.returncode == EXIT_USAGE
    await a1.close()
