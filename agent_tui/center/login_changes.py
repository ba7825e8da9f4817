"""A running center acts on ``center user passwd|role|disable`` within a second.

The CLI is another process. It writes each change together with a row of ``user_changes``
(:mod:`agent_tui.center.store.user_changes`); the center polls the newest seq every
:data:`POLL_S` and, for each new change, reloads the user's role, closes the user's live
sessions with :data:`~agent_tui.center.send_queue.CLOSE_LOGIN_CHANGED` and, for a disabled
account, takes the agent offline.

Why the database and not an admin socket: both sides already share it, a change made while
the center is stopped needs nothing replayed (the next start reads the users afresh), there is
no second endpoint to secure, and a poll is one indexed ``MAX(seq)`` every 250 ms.
"""

from __future__ import annotations

import logging
import sqlite3

from agent_tui.center.model import Agent
from agent_tui.center.send_queue import CLOSE_LOGIN_CHANGED
from agent_tui.center.sessions import Sessions
from agent_tui.center.store import agents as agent_store
from agent_tui.center.store import user_changes

log = logging.getLogger("agent_tui.center")

POLL_S = 0.25


class LoginChanges:
    """Polls ``user_changes`` (see the module docstring)."""

    def __init__(self, db: sqlite3.Connection, agents: dict[str, Agent], sessions: Sessions):
        self.db = db
        self.agents = agents
        self.sessions = sessions
        # Changes made before this start are already in the users table the center loaded.
        self.seen = user_changes.latest(db)

    def poll(self) -> None:
        """Apply the changes since the last poll (the timers run this every :data:`POLL_S`)."""
        if user_changes.latest(self.db) == self.seen:
            return
        for row in user_changes.since(self.db, self.seen):
            self.seen = row["seq"]
            try:
                self._apply(row["user"], row["what"])
            except Exception:  # one bad change must not stop the others
                log.exception("applying a login change of %s failed", row["user"])

    def _apply(self, user: str, what: str) -> None:
        a = self.agents.get(user)
        if a is None:
            return
        row = agent_store.user(self.db, user)
        if row is not None:
            a.role = row["role"]
        live = [c for c in a.conns if not c.closed]
        for c in live:
            c.close(CLOSE_LOGIN_CHANGED, f"your login was changed ({what}); log in again")
        log.info("login of %s changed (%s): %d session(s) closed", user, what, len(live))
        if what == "disabled" and a.state != "offline":
            self.sessions.go_offline(user, "account disabled")
