"""Fixed answers of the lead's ops for the lead view's snapshot tests and benchmark (no center).

Times are relative to :data:`tests.kit.desk_seed.NOW` (the frozen clock of the snapshots); the
day starts 10 hours before it, so the pictures have 40 quarters of traffic.
"""

from __future__ import annotations

from typing import Any

from agent_tui.core.desk_state import DeskState
from tests.kit.desk_seed import NOW, seeded_state

DAY_START = NOW - 10 * 3600
STATES = ["available", "on_contact", "break", "acw", "on_contact", "missed", "lunch", "on_contact"]
NAMES = ["Anna de Vries", "Bram Jansen", "Chloe Smit", "Daan Bakker", "Eva Visser", "Finn Mulder",
         "Gijs [bold]Markup[/]", "Hanna Vos"]
QUEUES = [("chat", "Web chat", "chat"), ("chat-tech", "Web chat — technical", "chat"), ("email", "E-mail", "email"),
          ("sms", "SMS", "sms"), ("social", "Social media", "social"), ("voice", "Phone", "voice")]

LIMITS = {"voice": 1, "chat": 3, "email": 5, "sms": 4, "social": 4}


def _queue(i: int, q: tuple[str, str, str]) -> dict[str, Any]:
    return {"queue": q[0], "name": q[1], "channel": q[2], "incoming": 20 + 7 * i, "handled": 18 + 6 * i,
            "abandoned": i % 3, "answered": 19 + 6 * i, "waiting": i % 4, "longest_wait_s": 30.0 + 45 * i,
            "service_level": 95.0 - 4 * i, "aht_s": 240.0 + 30 * i, "fcr": 88.0 - i}


def lead_preset(agents: int = 8) -> dict[str, dict[str, Any]]:
    n = 40
    incoming = [(i * 7) % 11 + (3 if 12 < i < 30 else 0) for i in range(n)]
    handled = [max(0, x - (i % 3)) for i, x in enumerate(incoming)]
    sl = [None if x == 0 else float(70 + (i * 13) % 30) for i, x in enumerate(incoming)]
    queues = [_queue(i, q) for i, q in enumerate(QUEUES)]
    total = {"incoming": sum(q["incoming"] for q in queues), "handled": sum(q["handled"] for q in queues),
             "abandoned": 6, "answered": 190, "waiting": 6, "longest_wait_s": 255.0, "service_level": 86.0,
             "aht_s": 312.0, "fcr": 85.5}
    last_week = {**total, "incoming": total["incoming"] - 12, "handled": total["handled"] - 15,
                 "service_level": 81.0, "aht_s": 340.0, "fcr": 83.0}
    people = [{"user": f"agent{i + 1}", "name": NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i}"),
               "team": "care" if i % 2 == 0 else "flex", "state": STATES[i % len(STATES)], "reason": "",
               "since": NOW - 60 * (i + 3), "hours": round(1.5 + (i % 5) * 0.75, 2), "handled": 3 + (i * 5) % 17,
               "aht_s": 200.0 + (i * 37) % 300, "conversations": i % 3 + (2 if i % 5 == 2 else 0), "capacity": 17,
               "load": {k: v for k, v in (("chat", i % 3), ("email", 2 if i % 5 == 2 else 0)) if v},
               "limits": LIMITS} for i in range(agents)]
    conv = {"id": "c9", "channel": "chat", "status": "queued", "priority": 2, "queue": "chat",
            "customer": {"id": "vip-7", "name": "Gold Customer"}, "subject": None, "queued_at": NOW - 200}
    late = {**conv, "id": "c10", "priority": 0, "customer": {"id": "+31611", "name": "Piet [red]Puk[/]"},
            "queue": "sms", "channel": "sms", "queued_at": NOW - 700}
    esc = {"id": "t-1", "team": "care", "kind": "escalation", "title": "Bram Jansen: chat vip-7",
           "note": "customer wants a manager", "conversation": "c3", "created_by": {"user": "agent2",
           "name": "Bram Jansen"}, "created_at": NOW - 300, "assignee": None, "due_at": None, "status": "open",
           "closed_at": None, "closed_by": None, "updated_at": NOW - 300}
    task = {**esc, "id": "t-2", "kind": "task", "title": "Call back Mrs. Bos about the invoice", "note": "before 16:00",
            "assignee": {"user": "agent3", "name": "Chloe Smit"}, "due_at": NOW + 3600, "conversation": None}
    return {
        "figures": {"at": NOW, "day_start": DAY_START, "today": {"total": total, "queues": queues, "channels": []},
                    "last_week": last_week,
                    "buckets": {"size_s": 900, "incoming": incoming, "handled": handled, "service_level": sl}},
        "agents": {"at": NOW, "agents": people},
        "urgent": {"at": NOW, "items": [
            {"kind": "sla", "level": "past", "conversation": late, "since": NOW - 700, "priority": 0},
            {"kind": "escalation", "level": "escalation", "task": esc, "since": NOW - 300, "priority": 1},
            {"kind": "priority", "level": "priority", "conversation": conv, "since": NOW - 200, "priority": 2},
            {"kind": "agent", "level": "missed", "agent": {"user": "agent6", "name": "Finn Mulder"},
             "since": NOW - 480, "priority": 0}]},
        "tasks": {"tasks": [esc, task]},
        "announce": {"announcements": [{"id": 1, "team": "care", "text": "Daily start at 9:00 in the team room",
                                        "at": NOW - 3000, "read": [{"user": "agent1", "name": "Anna de Vries",
                                                                    "at": NOW - 2900}],
                                        "unread": [{"user": "agent2", "name": "Bram Jansen"}]}]},
        "kb": {"proposals": [{"id": "kbp-000001", "article": "kb-en-0003", "user": "agent3", "user_name": "Chloe Smit",
                              "title": "Modem blinks red", "created_at": NOW - 900, "status": "pending",
                              "diff": "@@ -1,3 +1,3 @@\n Modem blinks red\n \n-Restart the modem.\n+Restart the modem"
                                      " and wait 2 minutes."}]},
        "stale": {"articles": [{"id": "kb-en-0007", "lang": "en", "title": "Moving house: what to arrange",
                                "reviewed_at": NOW - 400 * 86400, "days_since_review": 400}]},
        "timeline": {"agent": people[0], "states": [
            {"state": "break", "since": DAY_START + 8 * 3600, "until": DAY_START + 8.2 * 3600},
            {"state": "available", "since": DAY_START + 8.2 * 3600, "until": DAY_START + 9 * 3600},
            {"state": "on_contact", "since": DAY_START + 9 * 3600, "until": None}]},
    }


def lead_state() -> DeskState:
    """The seeded desk, logged in as the team lead."""
    st = seeded_state()
    st.me = {"user": "lead1", "name": "Lotte Meijer", "role": "supervisor", "team": "care",
             "team_name": "Customer care", "lang": "nl"}
    st.agent = {"state": "break", "reason": "", "since": NOW - 600}
    return st
