"""Domain types shared by the center's services: errors, sessions and the live agent picture."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent_tui.protocol import messages as m

DAY = 86400.0
IDEM_KEEP_S = DAY  # how long a command's idempotency key and answer are kept
ACW_REASON = "after contact"  # reason of the acw state the center sets by itself
MAX_CONN_BACKLOG = 20000  # frames waiting for one slow connection before it is dropped (it can resume)


class DomainError(Exception):
    """A command that cannot be done; becomes an ``error`` frame with *code*."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = m.ErrorCode(code).value
        self.message = message


class Conn:
    """One authenticated session (one websocket), as the center's services see it.

    ``send`` must not block: the server puts frames into the connection's
    outgoing queue and a writer task drains it.
    """

    def __init__(self, user: str, session_id: str, send: Callable[[dict], None],
                 close: Callable[[int, str], None], client: str = ""):
        self.user = user
        self.session_id = session_id
        self._send = send
        self._close = close
        self.client = client
        self.closed = False
        # The largest frame the peer accepts (its hello's ``max_frame``; the protocol floor by default).
        self.max_frame = m.MAX_FRAME_BYTES

    def send(self, frame: dict) -> None:
        if not self.closed:
            self._send(frame)

    def close(self, code: int = 1000, reason: str = "") -> None:
        if not self.closed:
            self.closed = True
            self._close(code, reason)


@dataclass
class Agent:
    """The live picture of one user (agent, supervisor or simulated colleague)."""

    user: str
    name: str
    role: str
    team: str
    teams: list[str]
    skills: list[str]
    capacity: dict[str, int]
    lang: str
    simulated: bool
    state: str
    reason: str
    since: float
    idle_since: float
    last_seq: int
    conns: set[Conn] = field(default_factory=set)
    grace: asyncio.TimerHandle | None = None
    offers: dict[str, tuple[str, str]] = field(default_factory=dict)  # offer -> (conversation, channel)
    convs: dict[str, tuple[str, str]] = field(default_factory=dict)  # conversation -> (channel, status)
    chat_during_call: bool = False  # see CenterConfig.chat_during_call
    # A lead who took a conversation (lead.take) from Break etc.: the state they go back to once it
    # is wrapped up; meanwhile they are On contact but not routed offers.
    after_take: tuple[str, str] | None = None

    @property
    def present(self) -> bool:
        """Logged in: a live session, or a dropped one still within the grace period."""
        return bool(self.conns) or self.grace is not None

    def load(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for ch, _ in self.convs.values():
            out[ch] = out.get(ch, 0) + 1
        for _, ch in self.offers.values():
            out[ch] = out.get(ch, 0) + 1
        return out

    def info(self) -> dict[str, Any]:
        return {"user": self.user, "name": self.name, "role": self.role, "team": self.team,
                "teams": list(self.teams), "skills": list(self.skills),
                "capacity": dict(self.capacity), "lang": self.lang}


Handler = Callable[[Conn, dict], dict]
