"""A fixed, seeded desk state for snapshot tests and benchmarks (no center involved).

Snapshots must be stable, so the clock is frozen (NOW) and every time is relative to it.
"""

from __future__ import annotations

from typing import Any

from agent_tui.core.desk_state import DeskState

NOW = 1_764_000_000.0  # a fixed moment; the desk's clock is frozen here in snapshots


def _msg(conv: str, seq: int, direction: str, text: str, ago: float, who: str = "Customer",
         kind: str = "customer", subject: str | None = None) -> dict[str, Any]:
    m = {"id": f"{conv}-m{seq}", "conversation": conv, "seq": seq, "at": NOW - ago,
         "direction": direction, "author": {"kind": kind, "id": who.lower(), "name": who}, "text": text}
    if subject:
        m["subject"] = subject
    return m


def seeded_state(colleagues: int = 8, messages_per_conv: int = 3) -> DeskState:
    st = DeskState(clock=lambda: NOW)
    teams = [("care", "Customer care"), ("backoffice", "Back office"), ("flex", "Flex pool")]
    states = ["available", "on_contact", "break", "acw", "offline", "lunch", "meeting", "available"]
    names = ["Tim de Boer", "Bram Jansen", "Chloe Smit", "Lotte Meijer", "Joris Peters",
             "Sanne Kok", "Mila Hendriks", "Finn Mulder"]
    presence = []
    for i in range(colleagues):
        team_id, team_name = teams[i % 3] if i >= 2 else teams[0]
        presence.append({"user": f"agent{i + 2}", "name": names[i % len(names)] + ("" if i < 8 else f" {i}"),
                         "team": team_id, "team_name": team_name, "role": "agent",
                         "state": states[i % len(states)], "reason": "", "since": NOW - 60 * (i + 1)})
    convs = [
        {"id": "c1", "channel": "sms", "status": "active", "customer": {"id": "+31612345678", "name": "Jan de Vries"},
         "queue": "sms", "priority": 0, "created_at": NOW - 95, "last_message_at": NOW - 30, "unread": 1,
         "sla_s": 600},
        {"id": "c2", "channel": "email", "status": "active",
         "customer": {"id": "els@example.nl", "name": "Els Bos"}, "subject": "Invoice too high",
         "queue": "email", "priority": 2, "created_at": NOW - 3900, "last_message_at": NOW - 3800,
         "unread": 0, "sla_s": 3600},
        {"id": "c3", "channel": "social", "status": "active",
         "customer": {"id": "tw-88", "name": "Kees", "handle": "@kees_nl"}, "queue": "social",
         "priority": 1, "created_at": NOW - 200, "last_message_at": NOW - 100, "unread": 0, "sla_s": 240},
    ]
    texts = {
        "c1": ["Mijn internet doet het niet sinds vanochtend.", "De modem knippert rood."],
        "c2": ["Hello, my invoice for this month is much higher than usual. Can you explain why?"],
        "c3": ["@provider is there an outage in Utrecht?"],
    }
    for c in convs:
        msgs = []
        for j, text in enumerate(texts[c["id"]]):
            msgs.append(_msg(c["id"], j + 1, "in", text, 90 - j * 30, c["customer"]["name"],
                             subject=c.get("subject") if j == 0 else None))
        if c["id"] == "c1":
            msgs.append(_msg("c1", 3, "out", "Kunt u de modem 30 seconden uit zetten?", 40, "Anna de Vries",
                             "agent"))
            msgs.append(_msg("c1", 4, "note", "Klant al eerder gebeld over storing (zie historie).", 35,
                             "Anna de Vries", "agent"))
        c = dict(c, messages=msgs)
        convs[convs.index(next(x for x in convs if x["id"] == c["id"]))] = c
    welcome = {
        "user": {"user": "agent1", "name": "Anna de Vries", "role": "agent", "team": "care",
                 "team_name": "Customer care", "lang": "nl"},
        "last_seq": 10, "resumed": False,
        "snapshot": {
            "state": {"state": "on_contact", "reason": "", "since": NOW - 95},
            "presence": presence,
            "offers": [{"offer": "o1", "expires_at": NOW + 20, "timeout_s": 20,
                        "conversation": {"id": "c9", "channel": "chat", "customer": {"id": "web-7", "name": "Fenna Koster"},
                                         "subject": "Modem light is red", "priority": 0}}],
            "conversations": convs,
            "rooms": [{"room": "team:care", "name": "Customer care", "kind": "team", "unread": 2},
                      {"room": "dm:agent2", "name": "Tim de Boer", "kind": "dm", "unread": 0}],
            "queues": [{"queue": "chat", "name": "Web chat", "channel": "chat", "waiting": 3,
                        "longest_wait_s": 75, "agents_available": 2},
                       {"queue": "email", "name": "E-mail", "channel": "email", "waiting": 7,
                        "longest_wait_s": 1800, "agents_available": 1}],
            "announcements": [{"id": "a1", "team": "care", "from": {"user": "lead1", "name": "Lead Lisa"},
                               "text": "Daily start 09:00: storing in Utrecht, verwijs naar de storingspagina.",
                               "at": NOW - 3000}],
        },
    }
    st.apply_welcome(welcome)
    st.offers["o1"]["_local_expires"] = NOW + 14
    st.room_messages["team:care"] = [
        {"id": "t1", "room": "team:care", "at": NOW - 600, "from": {"user": "agent3", "name": "Bram Jansen"},
         "text": "Wie kan een Engelse chat overnemen?", "mentions": []},
        {"id": "t2", "room": "team:care", "at": NOW - 300, "from": {"user": "agent2", "name": "Tim de Boer"},
         "text": "@agent1 kun jij naar de storing in Utrecht kijken?", "mentions": ["agent1"]},
    ]
    for conv in st.conversations.values():
        conv.loaded = True
    if messages_per_conv > 3:
        for conv in st.conversations.values():
            for k in range(messages_per_conv):
                conv.add_message(_msg(conv.id, 100 + k, "in" if k % 2 else "out", f"message {k}", 10))
    return st
