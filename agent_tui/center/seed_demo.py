"""Seeding a new center: the structure every center needs, the demo center, the demo articles.

The demo is "Polder Net & Power", a small internet/energy provider; its data lives in
``agent_tui/center/data/`` (read by :mod:`agent_tui.center.demo_data`).  Agents ``agent1`` …
``agent6`` and the supervisor ``lead1`` all log in with the password ``demo`` (demo only, and
documented as such).  Simulated back-office colleagues cannot log in; the simulation moves their
presence and lets them answer in team chat.
"""

from __future__ import annotations

import sqlite3
import time

from agent_tui.center import auth, demo_data
from agent_tui.center.kb import KnowledgeBase
from agent_tui.center.store import seed as seed_store

DEMO_PASSWORD = "demo"

# Without --demo, one queue per channel, served by everyone ("general" skill).
_PLAIN_CHANNELS = ("chat", "email", "sms", "social", "voice")


def seed_structure(conn: sqlite3.Connection, *, demo_queues: bool = True) -> None:
    """Queues and wrap-up codes every center needs (also without --demo)."""
    center = demo_data.demo_center()
    if demo_queues:
        queues = [(q.queue, q.name, q.channel, q.skill) for q in center.queues]
    else:
        queues = [(c, c.capitalize(), c, "general") for c in _PLAIN_CHANNELS]
    seed_store.add_queues(conn, queues)
    seed_store.add_wrapup_codes(conn, [(w.code, w.label) for w in center.wrapup_codes])


def seed(conn: sqlite3.Connection, *, password: str = DEMO_PASSWORD) -> None:
    """Insert the demo teams, users, colleagues, queues, codes and canned responses."""
    center = demo_data.demo_center()
    now = time.time()
    seed_store.add_teams(conn, [(t.team, t.name, t.kind) for t in center.teams])
    # One hash per user (own salt each); scrypt makes this the slow part of `init --demo`.
    for u in center.users:
        seed_store.add_login_user(
            conn, user=u.user, name=u.name, role=u.role, team=u.team, teams=u.teams,
            skills=u.skills, lang=u.lang, pw_hash=auth.hash_password(password), now=now)
    for c in center.colleagues:
        seed_store.add_simulated_colleague(
            conn, user=c.user, name=c.name, team=c.team, skills=c.skills, lang=c.lang, now=now)
    seed_structure(conn)
    seed_store.add_canned_replies(conn, [(r.shortcut, r.lang, r.title, r.text) for r in center.canned])


def seed_kb(conn: sqlite3.Connection, now: float | None = None) -> int:
    """Create the KB schema if needed and load the demo articles; returns how many were written.

    Idempotent: articles are written by id, so seeding twice leaves one copy of each.  Each
    article's ``age_days`` becomes its ``updated_at``/``reviewed_at``, counted back from ``now``.
    """
    now = time.time() if now is None else now
    KnowledgeBase.create_schema(conn)
    kb = KnowledgeBase(conn, clock=lambda: now)
    rows = []
    for a in demo_data.kb_articles():
        when = now - a["age_days"] * 86400.0
        rows.append(
            {
                "id": a["id"],
                "lang": a["lang"],
                "title": a["title"],
                "body": a["body"],
                "tags": a["tags"],
                "updated_at": when,
                "reviewed_at": when,
            }
        )
    return kb.add_articles(rows)
