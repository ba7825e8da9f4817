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

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from agent_tui.center.conversations import Conversations
from agent_tui.center.events import Events
from agent_tui.center.knowledge import Knowledge
from agent_tui.center.lead import Lead
from agent_tui.center.model import Conn, DomainError, Handler
from agent_tui.center.presence import Presence
from agent_tui.center.sessions import Sessions
from agent_tui.center.stats import Stats
from agent_tui.center.storage import StorageFull, is_storage_fault
from agent_tui.center.store import events as event_store
from agent_tui.center.tasks import Tasks
from agent_tui.center.teamchat import TeamChat
from agent_tui.protocol import codec
from agent_tui.protocol import messages as m

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
    tasks: Tasks  # the team lead's desk
    lead: Lead


OpHandler = Callable[[Services, Conn, dict], dict]


@dataclass(frozen=True)
class Op:
    """One command: its name, what runs it, and the role a user needs to run it."""

    name: str
    handler: OpHandler
    role: Role


def _voice_off() -> dict:
    raise DomainError("conflict", "call monitoring needs the voice engine (center.yaml voice.enabled)")


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
    Op("conv.get", lambda s, c, a: s.conversations.get(c.user, a["conversation"], a.get("before"),
                                                       a.get("limit", m.MAX_PAGE)), "agent"),
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
    Op("history.get", lambda s, c, a: s.conversations.history(c.user, a["customer"], a.get("limit", 20),
                                                              a.get("before")), "agent"),
    # frame sizes (issue 9 §1): the rest of a long message, in parts
    Op("conv.text", lambda s, c, a: s.conversations.text_part(c.user, a["conversation"], a["message"],
                                                              a.get("offset", 0)), "agent"),
    # team chat
    Op("team.rooms", lambda s, c, a: {"rooms": s.teamchat.rooms(c.user)}, "agent"),
    Op("team.send", lambda s, c, a: s.teamchat.send(c.user, a["room"], a["text"]), "agent"),
    Op("team.history", lambda s, c, a: s.teamchat.history(c.user, a["room"], a.get("limit", 50), a.get("before"),
                                                           bool(a.get("peek"))), "agent"),
    Op("team.announce", lambda s, c, a: s.teamchat.announce(c.user, a["text"], a.get("team")), "supervisor"),
    # figures
    # Team figures are for leads only, and a lead sees their own team(s) (issue 9 §4).
    Op("stats.get", lambda s, c, a: s.stats.stats(c.user), "supervisor"),
    # knowledge base
    Op("kb.search", lambda s, c, a: s.knowledge.search(a["query"], a.get("limit", 10), a.get("lang")), "agent"),
    Op("kb.get", lambda s, c, a: s.knowledge.get(a["id"]), "agent"),
    Op("kb.suggest", lambda s, c, a: s.knowledge.suggest(c.user, a["conversation"], a.get("limit", 5)), "agent"),
    Op("kb.propose", lambda s, c, a: s.knowledge.propose(c.user, a.get("article"), a["title"], a["body"], a["lang"],
                                                         a.get("tags")), "agent"),
    Op("kb.proposals", lambda s, c, a: s.knowledge.proposals(), "supervisor"),
    Op("kb.review", lambda s, c, a: s.knowledge.review(c.user, a["proposal"], a["approve"], a.get("comment")),
       "supervisor"),
    # call monitoring (issue 11): the voice bridge binds these (center/voice/monitoring.py) when voice runs
    Op("voice.monitor", lambda s, c, a: _voice_off(), "supervisor"),
    Op("voice.monitor.stop", lambda s, c, a: _voice_off(), "supervisor"),
    # --- the team lead's desk (center/lead.py, center/tasks.py): every op scoped to the lead's teams
    Op("lead.figures", lambda s, c, a: s.lead.figures(c.user), "supervisor"),
    Op("lead.agents", lambda s, c, a: s.lead.agents(c.user), "supervisor"),
    Op("lead.timeline", lambda s, c, a: s.lead.timeline(c.user, a["agent"]), "supervisor"),
    Op("lead.urgent", lambda s, c, a: s.lead.urgent(c.user), "supervisor"),
    Op("lead.assign", lambda s, c, a: s.lead.assign(c.user, a["conversation"], a["agent"]), "supervisor"),
    Op("lead.take", lambda s, c, a: s.lead.assign(c.user, a["conversation"], None), "supervisor"),
    Op("lead.priority", lambda s, c, a: s.lead.raise_priority(c.user, a["conversation"], a.get("priority")),
       "supervisor"),
    Op("report.get", lambda s, c, a: s.lead.report(c.user, float(a["from"]), float(a["to"])), "supervisor"),
    Op("task.list", lambda s, c, a: s.tasks.listing(c.user), "supervisor"),
    Op("task.create", lambda s, c, a: s.tasks.create(c.user, a["title"], a.get("note"), a.get("assignee"),
                                                     a.get("due_at"), a.get("team")), "supervisor"),
    Op("task.assign", lambda s, c, a: s.tasks.assign(c.user, a["task"], a["assignee"], a.get("due_at")),
       "supervisor"),
    Op("task.close", lambda s, c, a: s.tasks.close(c.user, a["task"]), "agent"),  # its assignee or a lead
    Op("task.mine", lambda s, c, a: s.tasks.mine(c.user), "agent"),
    Op("task.escalate", lambda s, c, a: s.tasks.escalate(c.user, a["conversation"], a["note"]), "agent"),
    Op("team.announcement_read", lambda s, c, a: s.teamchat.announcement_read(c.user, a["id"]), "agent"),
    Op("team.announcement_reads", lambda s, c, a: s.teamchat.announcement_receipts(c.user), "supervisor"),
    Op("kb.queue", lambda s, c, a: s.knowledge.review_queue(), "supervisor"),
    Op("kb.stale", lambda s, c, a: s.knowledge.stale(a.get("limit", 50)), "supervisor"),
    Op("kb.confirm", lambda s, c, a: s.knowledge.confirm(a["article"]), "supervisor"),
    Op("kb.edit", lambda s, c, a: s.knowledge.edit(c.user, a["article"], a.get("title"), a["body"]), "supervisor"),
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
        """Run one validated ``cmd`` frame for *conn*; return its ``result`` or ``error`` frame.

        The id is an idempotency key bound to the op and its arguments: the same (user, id) with
        the same op and arguments gets the stored answer without running again; with another op
        or other arguments it gets ``idempotency_conflict``. No answer (stored or not) is larger
        than :data:`messages.ANSWER_BUDGET`: a bigger one is rolled back and answered ``too_large``.
        """
        cid, op, args = frame["id"], frame["op"], frame["args"]
        user = conn.user
        args_hash = hashlib.sha256(json.dumps(args, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        stored = event_store.stored_answer(self.db, user, cid)
        if stored is not None:
            answer, stored_op, stored_hash = stored
            if stored_op is not None and (stored_op, stored_hash) != (op, args_hash):
                return {"type": "error", "code": "idempotency_conflict", "re": cid,
                        "message": f"command id {cid[:64]} was used for another command; use a new id"}
            if codec.frame_size(answer) > m.ANSWER_BUDGET:
                # Stored before answers were bounded: sent again it would fail at every retry.
                return {"type": "error", "code": "too_large", "re": cid,
                        "message": f"the stored answer to {op} is too large to send; ask again with a new id"}
            return answer
        entry = self.ops.get(op)
        try:
            return self._run(conn, entry, op, cid, args, args_hash)
        except StorageFull as exc:
            # Not stored, so not answered for good: the same command id may run again later.
            return {"type": "error", "code": StorageFull.code, "message": exc.message, "re": cid}

    def _run(self, conn: Conn, entry: Op | None, op: str, cid: str, args: dict, args_hash: str) -> dict:
        user = conn.user
        before = self.db.total_changes
        with self.events.tx():
            try:
                if entry is None:
                    raise DomainError("unknown_op", f"{op} is not available on this center yet")
                if entry.role == "supervisor" and self.services.presence.agents[user].role != "supervisor":
                    raise DomainError("forbidden", f"{op} is for supervisors")
                with self.events.savepoint():
                    data = entry.handler(self.services, conn, args)
                    response: dict = {"type": "result", "re": cid, "ok": True, "data": data}
                    size = codec.frame_size(response)
                    if size > m.ANSWER_BUDGET:  # raised inside the savepoint: its effects roll back
                        raise DomainError("too_large", f"the answer to {op} would be {size} bytes, more than "
                                                       f"{m.ANSWER_BUDGET}; ask for less (limit, before)")
            except DomainError as exc:
                response = {"type": "error", "code": exc.code, "message": exc.message, "re": cid}
            except Exception as exc:
                if is_storage_fault(exc):
                    raise  # the transaction rolls back and the center goes read-only (events.py)
                log.exception("command %s failed", op)
                response = {"type": "error", "code": "internal", "message": f"{op} failed inside the center",
                            "re": cid}
            if not (self.events.read_only and self.db.total_changes == before):
                # In read-only mode a command that changed nothing (a read) is answered without
                # storing its answer: running it again gives the same.
                event_store.store_answer(self.db, user, cid, response, self.clock(), op, args_hash)
        return response
