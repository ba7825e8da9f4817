"""Commands: the ``op`` table, authorisation by role, and idempotent execution.

Part of :class:`agent_tui.center.hub.Hub` (a mixin).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agent_tui.center.model import Conn, DomainError, Handler
from agent_tui.center.store import dumps, loads
from agent_tui.protocol import messages as m

if TYPE_CHECKING:  # the hub's other parts, for mypy; at run time the base is object
    from agent_tui.center.hub_base import HubBase
else:
    HubBase = object

log = logging.getLogger("agent_tui.center")


class CommandsMixin(HubBase):
    """Maps each ``cmd`` op to a handler; answers are stored with the command id."""

    def register_op(self, op: str, handler: Handler, role: str | None = None) -> None:
        """Add or replace a command handler (e.g. ``voice.dial`` from the voice bridge)."""
        self.ops[op] = (handler, role)

    def command(self, conn: Conn, frame: dict) -> dict:
        """Run one validated ``cmd`` frame for *conn*; return its ``result`` or ``error`` frame.

        The same (user, id) returns the stored answer without running again.
        """
        cid, op, args = frame["id"], frame["op"], frame["args"]
        user = conn.user
        stored = self.db.execute("SELECT response FROM idem WHERE user = ? AND id = ?", (user, cid)).fetchone()
        if stored is not None:
            return loads(stored["response"])
        entry = self.ops.get(op)
        with self.tx():
            try:
                if entry is None:
                    raise DomainError("unknown_op", f"{op} is not available on this center yet")
                handler, role = entry
                if role == "supervisor" and self.agents[user].role != "supervisor":
                    raise DomainError("forbidden", f"{op} is for supervisors")
                with self._savepoint():
                    data = handler(conn, args)
                response: dict = {"type": "result", "re": cid, "ok": True, "data": data}
            except DomainError as exc:
                response = {"type": "error", "code": exc.code, "message": exc.message, "re": cid}
            except Exception:
                log.exception("command %s failed", op)
                response = {"type": "error", "code": "internal", "message": f"{op} failed inside the center",
                            "re": cid}
            self.db.execute("INSERT INTO idem(user, id, response, at) VALUES (?,?,?,?)",
                            (user, cid, dumps(response), self.clock()))
        return response

    def _register_ops(self) -> None:
        r = self.register_op
        r("whoami", lambda c, a: self.agents[c.user].info())
        r("logout", self._op_logout)
        r("state.set", lambda c, a: self.set_state(c.user, a["state"], a.get("reason", "") or ""))
        r("presence.get", lambda c, a: {"presence": [self.presence_entry(b) for b in self.agents.values()]})
        r("queue.get", lambda c, a: {"queues": self.queue_figures()})
        r("offer.accept", lambda c, a: self.accept_offer(c.user, a["offer"]))
        r("offer.decline", lambda c, a: self.decline_offer(c.user, a["offer"], a.get("reason")))
        r("conv.list", lambda c, a: {"conversations": [self.summary(self._known_conv_row(x))
                                                       for x in self.agents[c.user].convs]})
        r("conv.get", self._op_conv_get)
        r("conv.send", lambda c, a: self.send_to_customer(c.user, a["conversation"], a["text"], a.get("subject")))
        r("conv.note", lambda c, a: self.send_to_customer(c.user, a["conversation"], a["text"], note=True))
        r("conv.transfer", lambda c, a: self.transfer(c.user, a["conversation"], agent=a.get("agent"),
                                                      queue=a.get("queue"), note=a.get("note")))
        r("conv.wrapup", lambda c, a: self.wrapup(c.user, a["conversation"], a["code"], a.get("notes")))
        r("conv.typing", self._op_typing)
        r("conv.read", self._op_read)
        r("wrapup.codes", lambda c, a: {"codes": [dict(x) for x in self.db.execute(
            "SELECT code, label FROM wrapup_codes ORDER BY rowid")]})
        r("canned.list", lambda c, a: {"canned": [dict(x) for x in self.db.execute(
            "SELECT shortcut, title, text, lang FROM canned ORDER BY shortcut, lang")]})
        r("history.get", lambda c, a: self.history(c.user, a["customer"], a.get("limit", 20)))
        r("team.rooms", lambda c, a: {"rooms": self.team_rooms(c.user)})
        r("team.send", lambda c, a: self.team_send(c.user, a["room"], a["text"]))
        r("team.history", lambda c, a: self.team_history(c.user, a["room"], a.get("limit", 50), a.get("before")))
        r("team.announce", lambda c, a: self.announce(c.user, a["text"], a.get("team")), "supervisor")
        r("stats.get", lambda c, a: self.stats())
        r("kb.search", self._op_kb_search)
        r("kb.get", self._op_kb_get)
        r("kb.suggest", self._op_kb_suggest)
        r("kb.propose", self._op_kb_propose)
        r("kb.proposals", lambda c, a: {"proposals": self._kb().proposals()}, "supervisor")
        r("kb.review", self._op_kb_review, "supervisor")

    def _op_logout(self, c: Conn, a: dict) -> dict:
        self.db.execute("UPDATE sessions SET revoked = 1 WHERE id = ?", (c.session_id,))
        agent = self.agents[c.user]

        def finish() -> None:
            for other in list(agent.conns):
                if other.session_id == c.session_id:
                    agent.conns.discard(other)
                    other.close(1000, "logged out")
            if not agent.conns:
                self.go_offline(c.user, "logout")
        # Run after the result is queued on the connection, so the client still gets it.
        loop = self.loop
        assert loop is not None

        def finish_soon() -> None:
            loop.call_soon(finish)

        self.after_commit(finish_soon)
        return {}

    def _op_conv_get(self, c: Conn, a: dict) -> dict:
        self._own_conv(c.user, a["conversation"], read=True)
        return self.full(a["conversation"])

    def _op_typing(self, c: Conn, a: dict) -> dict:
        self._own_conv(c.user, a["conversation"])
        return {}

    def _op_read(self, c: Conn, a: dict) -> dict:
        row = self._own_conv(c.user, a["conversation"])
        last_in = self.db.execute("SELECT MAX(seq) FROM messages WHERE conversation = ? AND direction = 'in'",
                                  (row["id"],)).fetchone()[0] or 0
        if a["upto"] >= last_in and row["unread"]:
            self.db.execute("UPDATE conversations SET unread = 0 WHERE id = ?", (row["id"],))
            self.emit(c.user, "conv.updated", {"conversation": self.summary(self._known_conv_row(row["id"]))})
        return {}

    def _kb(self) -> Any:
        if self.kb is None:
            raise DomainError("unknown_op", "the knowledge base is not available on this center")
        return self.kb

    def _kb_call(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except ValueError as exc:  # KBError carries a protocol error code
            code = getattr(exc, "code", "bad_args")
            raise DomainError(code if code in m.ErrorCode._value2member_map_ else "bad_args", str(exc)) from None

    def _op_kb_search(self, c: Conn, a: dict) -> dict:
        kb = self._kb()
        hits = self._kb_call(lambda: kb.search(a["query"], limit=a.get("limit", 10), lang=a.get("lang")))
        return {"hits": hits}

    def _op_kb_get(self, c: Conn, a: dict) -> dict:
        art = self._kb_call(lambda: self._kb().get(a["id"]))
        if art is None:
            raise DomainError("not_found", f"no article {a['id']}")
        return art

    def _op_kb_suggest(self, c: Conn, a: dict) -> dict:
        kb = self._kb()
        row = self._own_conv(c.user, a["conversation"], read=True)
        texts = [r["text"] for r in self.db.execute(
            "SELECT text FROM messages WHERE conversation = ? AND direction = 'in' ORDER BY seq DESC LIMIT 3",
            (row["id"],))]
        if row["subject"]:
            texts.append(row["subject"])
        if not texts:
            return {"hits": []}
        return {"hits": self._kb_call(lambda: kb.suggest(" ".join(reversed(texts)), limit=a.get("limit", 5)))}

    def _op_kb_propose(self, c: Conn, a: dict) -> dict:
        kb = self._kb()
        tags = [t.strip() for t in (a.get("tags") or "").split(",") if t.strip()] or None
        proposal = self._kb_call(lambda: kb.propose(c.user, a.get("article"), a["title"], a["body"], a["lang"], tags))
        supervisors = [u for u, ag in self.agents.items() if ag.role == "supervisor"]
        self.emit_present("kb.proposal", {"proposal": proposal}, supervisors)
        return {"proposal": {"id": proposal["id"], "status": proposal["status"]}}

    def _op_kb_review(self, c: Conn, a: dict) -> dict:
        kb = self._kb()
        out = self._kb_call(lambda: kb.review(a["proposal"], c.user, a["approve"], a.get("comment")))
        if out is None:
            raise DomainError("not_found", f"no proposal {a['proposal']}")
        proposal = out.get("proposal") or {}
        article = out.get("article")
        proposer = proposal.get("user")
        if proposer in self.agents:
            data: dict[str, Any] = {"proposal": proposal, "approved": bool(a["approve"])}
            if article is not None:
                data["article"] = article
            self.emit(proposer, "kb.reviewed", data)
        return {"article": article} if article is not None else {}
