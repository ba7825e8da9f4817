"""The knowledge-base commands (``kb.*``): the KB engineer's :class:`KnowledgeBase` seen from
the center: its errors become protocol errors, suggestions read the customer's last
messages, proposals and reviews are pushed to the people concerned."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, TypeVar

from agent_tui.center.conversations import Conversations
from agent_tui.center.events import Events
from agent_tui.center.kb import KnowledgeBase
from agent_tui.center.model import DomainError
from agent_tui.center.presence import Presence
from agent_tui.protocol import messages as m

T = TypeVar("T")
REVIEW_AFTER_DAYS = 365  # the lead's desk: an article not reviewed for a year is past its review date


def _kb_call(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except ValueError as exc:  # KBError carries a protocol error code
        code = getattr(exc, "code", "bad_args")
        raise DomainError(code if code in m.ErrorCode._value2member_map_ else "bad_args", str(exc)) from None


class Knowledge:
    """``kb.search|get|suggest|propose|proposals|review`` over one :class:`KnowledgeBase`."""

    def __init__(self, kb: KnowledgeBase, events: Events, presence: Presence, conversations: Conversations):
        self.kb = kb
        self.events = events
        self.presence = presence
        self.conversations = conversations

    def search(self, query: str, limit: int = 10, lang: str | None = None) -> dict:
        return {"hits": _kb_call(lambda: self.kb.search(query, limit=limit, lang=lang))}

    def get(self, article: str) -> dict:
        art = _kb_call(lambda: self.kb.get(article))
        if art is None:
            raise DomainError("not_found", f"no article {article}")
        return art

    def suggest(self, user: str, conv: str, limit: int = 5) -> dict:
        """Articles that match what the customer of *conv* wrote last."""
        texts = self.conversations.recent_customer_text(user, conv)
        if not texts:
            return {"hits": []}
        return {"hits": _kb_call(lambda: self.kb.suggest(" ".join(texts), limit=limit))}

    def propose(self, user: str, article: str | None, title: str, body: str, lang: str, tags: str | None) -> dict:
        """An agent proposes a new article or a change; logged-in supervisors are told."""
        tag_list = [t.strip() for t in (tags or "").split(",") if t.strip()] or None
        proposal = _kb_call(lambda: self.kb.propose(user, article, title, body, lang, tag_list))
        self.events.emit_present("kb.proposal", {"proposal": proposal}, self.presence.supervisors())
        return {"proposal": {"id": proposal["id"], "status": proposal["status"]}}

    def proposals(self) -> dict:
        return {"proposals": self.kb.proposals()}

    def review(self, user: str, proposal_id: str, approve: bool, comment: str | None) -> dict:
        """A supervisor approves or rejects a proposal; the proposer is told."""
        out = _kb_call(lambda: self.kb.review(proposal_id, user, approve, comment))
        if out is None:
            raise DomainError("not_found", f"no proposal {proposal_id}")
        proposal = out.get("proposal") or {}
        article = out.get("article")
        proposer = proposal.get("user")
        if proposer in self.presence.agents:
            data: dict[str, Any] = {"proposal": proposal, "approved": bool(approve)}
            if article is not None:
                data["article"] = article
            self.events.emit(proposer, "kb.reviewed", data)
        return {"article": article} if article is not None else {}

    # ------------------------------------------------------------------ the lead's upkeep (center/lead.py's desk)

    def review_queue(self) -> dict:
        """``kb.queue``: pending proposals, each with a unified ``diff`` against the current article."""
        out = []
        for p in self.kb.proposals():
            current = self.kb.get(p["article"]) if p.get("article") else None
            old = [current["title"], ""] + current["body"].splitlines() if current else []
            new = [p["title"], ""] + p["body"].splitlines()
            diff = list(difflib.unified_diff(old, new, p.get("article") or "(new)", p["id"], lineterm="", n=2))
            proposer = self.presence.agents.get(p.get("user") or "")
            out.append({**p, "diff": "\n".join(diff[2:]), "user_name": proposer.name if proposer else p.get("user")})
        return {"proposals": out}

    def stale(self, limit: int = 50) -> dict:
        """``kb.stale``: articles past their review date, the longest unreviewed first."""
        return {"articles": self.kb.stale(REVIEW_AFTER_DAYS)[:limit], "review_after_days": REVIEW_AFTER_DAYS}

    def confirm(self, article: str) -> dict:
        """``kb.confirm``: the article is still right; its review date becomes today."""
        if not self.kb.mark_reviewed(article):
            raise DomainError("not_found", f"no article {article}")
        return {"article": self.get(article)}

    def edit(self, user: str, article: str, title: str | None, body: str) -> dict:
        """``kb.edit``: a lead changes an article directly (a proposal they approve at once)."""
        current = self.get(article)
        proposal = _kb_call(lambda: self.kb.propose(user, article, title or current["title"], body,
                                                    current["lang"], None))
        return self.review(user, proposal["id"], True, "edited by the team lead")
