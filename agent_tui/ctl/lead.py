"""``agent-tui ctl lead …``: the twins of every action of the team lead's view, for testers and
scripts (JSON out, exit codes as every ctl command), the agent's side of it (``escalate``,
``my-tasks``, ``task-close``, ``announcement-read``), and ``ctl report --from --to [--format]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import time
from typing import Any

from agent_tui.core.client import CenterClient
from agent_tui.ctl.commands import simple_op
from agent_tui.ctl.exits import EXIT_OK, EXIT_USAGE, CtlFailure, print_json
from agent_tui.secure.text import clean

REPORT_FIELDS = ("kind", "key", "name", "channel", "incoming", "handled", "abandoned", "answered", "service_level",
                 "longest_wait_s", "aht_s", "fcr", "hours")


def parse_day(text: str, *, end: bool = False) -> float:
    """``YYYY-MM-DD`` (local midnight; with *end*, the midnight after it) or ``YYYY-MM-DDTHH:MM``."""
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CtlFailure(EXIT_USAGE, f"not a date: {text!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    if end and len(text) <= 10:
        when += dt.timedelta(days=1)
    return when.timestamp()


def parse_due(text: str | None, now: float | None = None) -> int | None:
    """``HH:MM`` (today, or tomorrow when past), ``+MINUTES`` or epoch seconds."""
    if text is None:
        return None
    now = time.time() if now is None else now
    if text.startswith("+") and text[1:].isdigit():
        return int(now + 60 * int(text[1:]))
    if text.isdigit():
        return int(text)
    try:
        hh, mm = (int(x) for x in text.split(":", 1))
    except ValueError:
        raise CtlFailure(EXIT_USAGE, f"not a due time: {text!r} (HH:MM, +MINUTES or epoch seconds)") from None
    lt = time.localtime(now)
    at = time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, hh, mm, 0, 0, 0, -1))
    return int(at if at > now else at + 86400)


def report_rows(rep: dict[str, Any]) -> list[dict[str, Any]]:
    """The report as flat rows: the team total, each queue, each channel, each agent."""
    rows = [{"kind": "total", "key": "team", "name": "", "channel": "", **rep.get("total", {})}]
    rows += [{"kind": "queue", "key": q["queue"], **q} for q in rep.get("queues", [])]
    rows += [{"kind": "channel", "key": c["channel"], "name": "", **c} for c in rep.get("channels", [])]
    rows += [{"kind": "agent", "key": a["user"], "channel": "", **a} for a in rep.get("agents", [])]
    return [{f: ("" if r.get(f) is None else r.get(f)) for f in REPORT_FIELDS} for r in rows]


async def run_report(client: CenterClient, args: argparse.Namespace, welcome: dict[str, Any]) -> int:
    start = parse_day(args.from_)
    end = parse_day(args.to, end=True)
    rep = await client.call("report.get", **{"from": int(start), "to": int(end)})
    if args.format == "json":
        print_json(rep)
        return EXIT_OK
    out = csv.DictWriter(sys.stdout, fieldnames=REPORT_FIELDS, lineterminator="\n")
    out.writeheader()
    for row in report_rows(rep):
        out.writerow({k: clean(v, single_line=True) if isinstance(v, str) else v for k, v in row.items()})
    sys.stdout.flush()
    return EXIT_OK


def add_lead_parsers(sub: Any) -> None:
    """Add ``lead``, ``report`` and the agent's ``escalate``/``my-tasks``/``task-close``/
    ``announcement-read`` to ``agent-tui ctl``."""
    lead = sub.add_parser("lead", help="the team lead's actions (supervisors, scoped to their teams)")
    ls = lead.add_subparsers(dest="lead_command", metavar="COMMAND", required=True)

    def op(name: str, op_name: str, build: Any = None, help: str = "") -> argparse.ArgumentParser:
        p = ls.add_parser(name, help=help)
        p.set_defaults(ctl_run=simple_op(op_name, build))
        return p

    op("figures", "lead.figures", help="team figures today vs the same weekday last week, per 15 minutes")
    op("agents", "lead.agents", help="the agents table: state, hours, handled, AHT, conversations")
    op("timeline", "lead.timeline", lambda a: {"agent": a.agent}, help="an agent's states today").add_argument("agent")
    op("urgent", "lead.urgent", help="urgent items: SLA, priority customers, missed/long break, escalations")
    p = op("assign", "lead.assign", lambda a: {"conversation": a.conversation, "agent": a.agent},
           help="give a waiting conversation to an agent")
    p.add_argument("conversation")
    p.add_argument("agent")
    op("take", "lead.take", lambda a: {"conversation": a.conversation},
       help="take a waiting conversation myself").add_argument("conversation")
    p = op("priority", "lead.priority", lambda a: {"conversation": a.conversation, "priority": a.to},
           help="raise a waiting conversation's priority (default: one higher)")
    p.add_argument("conversation")
    p.add_argument("--to", type=int, metavar="N")
    op("tasks", "task.list", help="the tasks of your teams")
    p = op("task-create", "task.create", lambda a: {"title": a.title, "note": a.note, "assignee": a.assignee,
                                                   "due_at": parse_due(a.due), "team": a.team}, help="a new task")
    p.add_argument("title")
    p.add_argument("--note")
    p.add_argument("--assignee", metavar="USER")
    p.add_argument("--due", metavar="HH:MM|+MIN")
    p.add_argument("--team")
    p = op("task-assign", "task.assign", lambda a: {"task": a.task, "assignee": a.assignee, "due_at": parse_due(a.due)},
           help="assign a task to an agent or yourself")
    p.add_argument("task")
    p.add_argument("assignee")
    p.add_argument("--due", metavar="HH:MM|+MIN")
    op("task-close", "task.close", lambda a: {"task": a.task}, help="close a task").add_argument("task")
    p = op("announce", "team.announce", lambda a: {"text": a.text, "team": a.team},
           help="post an announcement pinned on every desk of the team")
    p.add_argument("text")
    p.add_argument("--team")
    op("reads", "team.announcement_reads", help="your announcements and who read them")
    op("kb-queue", "kb.queue", help="proposed KB edits with their diff")
    p = op("kb-review", "kb.review", lambda a: {"proposal": a.proposal, "approve": a.approve, "comment": a.comment},
           help="approve or reject a proposed edit")
    p.add_argument("proposal")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--approve", dest="approve", action="store_true")
    g.add_argument("--reject", dest="approve", action="store_false")
    p.add_argument("--comment")
    op("kb-stale", "kb.stale", help="articles past their review date")
    op("kb-confirm", "kb.confirm", lambda a: {"article": a.article},
       help="an article is still correct: review date today").add_argument("article")
    p = op("kb-edit", "kb.edit", lambda a: {"article": a.article, "title": a.title, "body": _body(a.body_file)},
           help="change an article (body from a file, - for stdin)")
    p.add_argument("article")
    p.add_argument("--body-file", required=True, metavar="FILE")
    p.add_argument("--title")

    p = sub.add_parser("report", help="team figures per queue, channel and agent for a period (supervisors)")
    p.add_argument("--from", dest="from_", required=True, metavar="DATE", help="YYYY-MM-DD (from its start)")
    p.add_argument("--to", required=True, metavar="DATE", help="YYYY-MM-DD (to its end)")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.set_defaults(ctl_run=run_report)

    p = sub.add_parser("escalate", help="escalate your conversation to the team lead with a note")
    p.add_argument("conversation")
    p.add_argument("note")
    p.set_defaults(ctl_run=simple_op("task.escalate", lambda a: {"conversation": a.conversation, "note": a.note}))
    p = sub.add_parser("my-tasks", help="the open tasks assigned to you")
    p.set_defaults(ctl_run=simple_op("task.mine"))
    p = sub.add_parser("task-close", help="close a task assigned to you")
    p.add_argument("task")
    p.set_defaults(ctl_run=simple_op("task.close", lambda a: {"task": a.task}))
    p = sub.add_parser("announcement-read", help="mark an announcement read (its author sees the receipt)")
    p.add_argument("id", type=int)
    p.set_defaults(ctl_run=simple_op("team.announcement_read", lambda a: {"id": a.id}))


def _body(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as err:
        raise CtlFailure(EXIT_USAGE, f"cannot read {path}: {err.strerror}") from None
