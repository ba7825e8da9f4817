"""Demo data: a small internet/energy provider's contact center.

Agents ``agent1`` … ``agent6`` and the supervisor ``lead1`` all log in with
the password ``demo`` (demo only, and documented as such). Simulated back-office
colleagues cannot log in; the simulation moves their presence and lets them
answer in team chat.
"""

from __future__ import annotations

import sqlite3
import time

from agent_tui.center import auth
from agent_tui.center.store import dumps

DEMO_PASSWORD = "demo"

TEAMS = [
    ("care", "Customer care", "front"),
    ("flex", "Flex pool", "front"),
    ("backoffice", "Back office", "back"),
]

# user, name, role, team, teams, skills, lang
USERS = [
    ("agent1", "Anna de Vries", "agent", "care", ["care"], ["general", "billing", "tech", "social"], "nl"),
    ("agent2", "Bram Jansen", "agent", "care", ["care"], ["general", "billing"], "nl"),
    ("agent3", "Chloe Smit", "agent", "care", ["care"], ["general", "tech"], "en"),
    ("agent4", "Daan Bakker", "agent", "flex", ["flex"], ["general", "social"], "nl"),
    ("agent5", "Eva Visser", "agent", "flex", ["flex"], ["general", "billing", "tech"], "en"),
    ("agent6", "Finn Mulder", "agent", "backoffice", ["backoffice"], ["billing", "moves"], "nl"),
    ("lead1", "Lotte Meijer", "supervisor", "care", ["care", "flex", "backoffice"],
     ["general", "billing", "tech", "social", "moves"], "nl"),
]

# Simulated colleagues (no password: they cannot log in).
COLLEAGUES = [
    ("bo-sanne", "Sanne Kok (billing)", "backoffice", ["billing"]),
    ("bo-joris", "Joris Peters (field service)", "backoffice", ["tech"]),
    ("bo-mila", "Mila Hendriks (moves)", "backoffice", ["moves"]),
    ("care-tim", "Tim de Boer", "care", ["general"]),
]

# queue, name, channel, skill
QUEUES = [
    ("chat", "Web chat", "chat", "general"),
    ("chat-tech", "Web chat — technical", "chat", "tech"),
    ("email", "E-mail", "email", "general"),
    ("email-billing", "E-mail — invoices", "email", "billing"),
    ("sms", "SMS", "sms", "general"),
    ("social", "Social media", "social", "social"),
    ("voice", "Phone", "voice", "general"),
    ("moves", "Moving house (back office)", "email", "moves"),
]

WRAPUP_CODES = [
    ("solved", "Solved in first contact"),
    ("info", "Information given"),
    ("invoice", "Invoice question"),
    ("outage", "Outage reported"),
    ("move", "Moving house"),
    ("callback", "Callback agreed"),
    ("escalated", "Escalated to back office"),
    ("no-answer", "Customer did not answer"),
]

# shortcut, lang, title, text
CANNED = [
    ("hello", "en", "Greeting", "Hello, thank you for contacting Polder Net & Power. How can I help you?"),
    ("hello", "nl", "Begroeting", "Goedendag, bedankt voor uw bericht aan Polder Net & Power. Waarmee kan ik u helpen?"),
    ("wait", "en", "One moment", "One moment please, I am looking this up for you."),
    ("wait", "nl", "Moment", "Een moment geduld alstublieft, ik zoek het voor u op."),
    ("outage", "en", "Known outage",
     "There is a known outage in your area. Our engineers are working on it; we expect it to be fixed within 4 hours."),
    ("outage", "nl", "Bekende storing",
     "Er is een bekende storing in uw regio. Onze monteurs werken eraan; we verwachten dat het binnen 4 uur is opgelost."),
    ("restart", "en", "Restart modem",
     "Please switch your modem off, wait 30 seconds and switch it on again. The lights should be steady within 5 minutes."),
    ("restart", "nl", "Modem herstarten",
     "Zet uw modem uit, wacht 30 seconden en zet hem weer aan. Binnen 5 minuten horen de lampjes constant te branden."),
    ("invoice", "en", "Invoice online", "You can find all your invoices in My Polder under 'Invoices'."),
    ("invoice", "nl", "Factuur online", "U vindt al uw facturen in Mijn Polder onder 'Facturen'."),
    ("bye", "en", "Closing", "Is there anything else I can do for you? Have a nice day!"),
    ("bye", "nl", "Afsluiting", "Kan ik nog iets anders voor u doen? Nog een fijne dag!"),
]


def seed_structure(conn: sqlite3.Connection, *, demo_queues: bool = True) -> None:
    """Queues and wrap-up codes every center needs (also without --demo)."""
    queues = QUEUES if demo_queues else [(c, c.capitalize(), c, "general")
                                          for c in ("chat", "email", "sms", "social", "voice")]
    conn.executemany("INSERT OR IGNORE INTO queues(queue, name, channel, skill) VALUES (?,?,?,?)", queues)
    conn.executemany("INSERT OR IGNORE INTO wrapup_codes(code, label) VALUES (?,?)", WRAPUP_CODES)


def seed(conn: sqlite3.Connection, *, password: str = DEMO_PASSWORD) -> None:
    """Insert the demo teams, users, colleagues, queues, codes and canned responses."""
    now = time.time()
    conn.executemany("INSERT OR IGNORE INTO teams(team, name, kind) VALUES (?,?,?)", TEAMS)
    # One hash per user (own salt each); scrypt makes this the slow part of `init --demo`.
    for user, name, role, team, teams, skills, lang in USERS:
        conn.execute(
            "INSERT OR IGNORE INTO users(user, name, role, team, teams, skills, lang, pw_hash, state_since,"
            " idle_since) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (user, name, role, team, dumps(teams), dumps(skills), lang, auth.hash_password(password), now, now))
    for user, name, team, skills in COLLEAGUES:
        conn.execute(
            "INSERT OR IGNORE INTO users(user, name, role, team, teams, skills, lang, pw_hash, simulated, state,"
            " reason, state_since) VALUES (?,?,?,?,?,?,?,NULL,1,'available','',?)",
            (user, name, "agent", team, dumps([team]), dumps(skills), "nl", now))
    seed_structure(conn)
    conn.executemany("INSERT OR IGNORE INTO canned(shortcut, lang, title, text) VALUES (?,?,?,?)", CANNED)
