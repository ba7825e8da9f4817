"""An article's two parts: what may go to the customer, and what is for agents only.

An article body is one text on the wire and in the store (search, proposals and reviews keep
working on it as a whole); the agent-only part follows a line holding only
:data:`AGENT_ONLY_MARK`. The desk shows both, and inserts only the customer part into a reply.
The mark is punctuation, so full-text search does not index it as a word.
"""

from __future__ import annotations

import re

AGENT_ONLY_MARK = "»»»"
_SPLIT = re.compile(r"\n[ \t]*" + AGENT_ONLY_MARK + r"[ \t]*(?:\n|$)")


def split_body(body: str) -> tuple[str, str]:
    """(customer part, agent-only part) of an article ``body``; the second is "" when there is none."""
    parts = _SPLIT.split(body, maxsplit=1)
    if len(parts) == 1:
        return body.strip(), ""
    return parts[0].strip(), parts[1].strip()


def join_body(customer: str, agent: str = "") -> str:
    """The article body made of a customer part and an (optional) agent-only part."""
    customer, agent = customer.strip(), agent.strip()
    return f"{customer}\n\n{AGENT_ONLY_MARK}\n{agent}" if agent else customer
