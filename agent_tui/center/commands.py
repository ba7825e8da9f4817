"""Commands: the table of ``cmd`` ops (op → service method, with the role it needs) and their
idempotent execution.

:data:`OPS` is the whole built-in table; other parts add ops with :meth:`Commands.register_op`
(the voice bridge adds ``voice.dial``), always with a role. Roles:

- ``"agent"`` — any logged-in user (agents and supervisors);
- ``"supervisor"`` — supervisors only; others get ``forbidden``.

Some ops check more inside their service (``conv.get`` lets a supervisor read any
conversation, ``history.get`` shows an agent their own customers only).

:meth:`Commands.run` runs one validated ``cmd`` frame: the same (user, id) returns the stored
answer without running again; otherwise the handler runs in a savepoint inside one
transaction that also stores the answer (see :mod:`agent_tui.center.events`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from agent_tui.center.conversations import Conversations
from agent_tui.center.events import Events
from agent_tui.center.knowledge import Knowledge
from agent_tui.center.model import Conn, DomainError, Handler
from agent_tui.center.presence import Presence
from agent_tui.center.sessions import Sessions
from agent_tui.center.stats import Stats
from agent_tui.center.store import events as event_store
from agent_tui.center.teamchat import TeamChat

log = logging.getLogger("agent_tui.center")

Role = Literal["agent", "supervisor"]
ROLES: tuple[Role, ...] = ("agent", "supervisor")


@dataclass(frozen=True)
class Services:
    """What the ops reach: the center's services, built by :class:`agent_tui.center.hub.Hub`."""

    presence: Presence
    sessions: Sessions
    conversations: Conversations
    teamchat: TeamChat
    stats: Stats
    knowledge: Knowledge


OpHandler = Callable[[Services, Conn, dict], dict]


@dataclass(frozen=True)
class Op:
    """One command: its name, what runs it, and the role a user needs to run it."""

    name: str
    handler: OpHandler
    role: Role


OPS: tuple[Op, ...] = (
    # session and identity
    Op("whoami", lambda s, c, a: s.presence.agents[c.user].info(), "agent"),
    Op("logout", lambda s, c, a: s.sessions.logout(c), "agent"),
    Op("state.set", lambda s, c, a: s.presence.set_state(c.user, a["state"], a.get("reason", "") or ""), "agent"),
    Op("presence.get", lambda s, c, a: {"presence": s.presence.listing()}, "agent"),
    Op("queue.get", lambda s, c, a: {"queues": s.stats.queue_figures()}, "agent"),
    # offers and conversations
    Op("offer.accept", lambda s, c, a: s.conversations.accept_offer(c.user, a["offer"]), "agent"),
    Op("offer.decline", lambda s, c, a: s.conversations.decline_offer(c.user, a["offer"], a.get("reason")), "agent"),
    Op("conv.list", lambda s, c, a: {"conversations": s.conversations.list_of(c.user)}, "agent"),
    Op("conv.get", lambda s, c, a: s.conversations.get(c.user, a["conversation"]), "agent"),
    Op("conv.send", lambda s, c, a: s.conversations.send_to_customer(c.user, a["conversation"], a["text"],
                                                                     a.get("subject")), "agent"),
    Op("conv.note", lambda s, c, a: s.conversations.send_to_customer(c.user, a["conversation"], a["text"],
                                                                     note=True), "agent"),
    Op("conv.transfer", lambda s, c, a: s.conversations.transfer(c.user, a["conversation"], agent=a.get("agent"),
                                                                 queue=a.get("queue"), note=a.get("note")), "agent"),
    Op("conv.wrapup", lambda s, c, a: s.conversations.wrapup(c.user, a["conversation"], a["code"], a.get("notes")),
       "agent"),
    Op("conv.typing", lambda s, c, a: s.conversations.typing(c.user, a["conversation"]), "agent"),
    Op("conv.read", lambda s, c, a: s.conversations.mark_read(c.user, a["conversation"], a["upto"]), "agent"),
    Op("wrapup.codes", lambda s, c, a: s.conversations.wrapup_codes(), "agent"),
    Op("canned.list", lambda s, c, a: s.conversations.canned_answers(), "agent"),
    Op("history.get", lambda s, c, a: s.conversations.history(c.user, a["customer"], a.get("limit", 20)), "agent"),
    # team chat
    Op("team.rooms", lambda s, c, a: {"rooms": s.teamchat.rooms(c.user)}, "agent"),
    Op("team.send", lambda s, c, a: s.teamchat.send(c.user, a["room"], a["text"]), "agent"),
    Op("team.history", lambda s, c, a: s.teamchat.history(c.user, a["room"], a.get("limit", 50), a.get("before"),
                                                           bool(a.get("peek"))), "agent"),
    Op("team.announce", lambda s, c, a: s.teamchat.announce(c.user, a["text"], a.get("team")), "supervisor"),
    # figures
    Op("stats.get", lambda s, c, a: s.stats.stats(), "agent"),
    # knowledge base
    Op("kb.search", lambda s, c, a: s.knowledge.search(a["query"], a.get("limit", 10), a.get("lang")), "agent"),
    Op("kb.get", lambda s, c, a: s.knowledge.get(a["id"]), "agent"),
    Op("kb.suggest", lambda s, c, a: s.knowledge.suggest(c.user, a["conversation"], a.get("limit", 5)), "agent"),
    Op("kb.propose", lambda s, c, a: s.knowledge.propose(c.user, a.get("article"), a["title"], a["body"], a["lang"],
                                                         a.get("tags")), "agent"),
    Op("kb.proposals", lambda s, c, a: s.knowledge.proposals(), "supervisor"),
    Op("kb.review", lambda s, c, a: s.knowledge.review(c.user, a["proposal"], a["approve"], a.get("comment")),
       "supervisor"),
    # --- issue 8 (deskux): team-chat room read state, kept by the center ---
    Op("team.read", lambda s, c, a: s.teamchat.read(c.user, a["room"], a["upto"]), "agent"),
)


class Commands:
    """The op table of one center and the runner of ``cmd`` frames."""

    def __init__(self, events: Events, services: Services):
        self.events = events
        self.db = events.db
        self.clock = events.clock
        self.services = services
        self.ops: dict[str, Op] = {op.name: op for op in OPS}

    def register_op(self, op: str, handler: Handler, role: Role) -> None:
        """Add or replace a command (e.g. ``voice.dial`` from the voice bridge); *role* is required."""
        if role not in ROLES:
            raise ValueError(f"role of {op} must be one of {', '.join(ROLES)}, not {role!r}")
        self.ops[op] = Op(op, lambda _s, c, a: handler(c, a), role)

    def run(self, conn: Conn, frame: dict) -> dict:
        """Run one validated ``cmd`` frame for *conn*; return its ``result`` or ``error`` frame."""
        cid, op, args = frame["id"], frame["op"], frame["args"]
        user = conn.user
        stored = event_store.stored_answer(self.db, user, cid)
        if stored is not None:
            return stored
        entry = self.ops.get(op)
        with self.events.tx():
            try:
                if entry is None:
                    raise DomainError("unknown_op", f"{op} is not available on this center yet")
                if entry.role == "supervisor" and self.services.presence.agents[user].role != "supervisor":
                    raise DomainError("forbidden", f"{op} is for supervisors")
                with self.events.savepoint():
                    data = entry.handler(self.services, conn, args)
                response: dict = {"type": "result", "re": cid, "ok": True, "data": data}
            except DomainError as exc:
                response = {"type": "error", "code": exc.code, "message": exc.message, "re": cid}
            except Exception:
                log.exception("command %s failed", op)
                response = {"type": "error", "code": "internal", "message": f"{op} failed inside the center",
                            "re": cid}
            event_store.store_answer(self.db, user, cid, response, self.clock())
        return response
