"""App-wide Textual messages (dataclasses), posted by widgets and handled by the desk.

Widgets never call the center themselves: they say what the agent asked for with one of
these, and the desk screen (which owns the client calls) acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class CenterWelcome(Message):
    """A ``welcome`` frame arrived (fresh snapshot or resume)."""

    frame: dict[str, Any]


@dataclass
class StateChanged(Message):
    """The desk state changed; ``areas`` names what to redraw (see core.desk_state.AREAS)."""

    areas: frozenset[str]


@dataclass
class ConnectionChanged(Message):
    """The client's connection status changed (online/reconnecting/offline, RTT, queued)."""

    status: Any


@dataclass
class OpenConversation(Message):
    conversation: str


@dataclass
class StartDirectChat(Message):
    user: str


@dataclass
class CallColleague(Message):
    """Call a colleague from the presence list (the softphone places the call)."""

    user: str


@dataclass
class SendReply(Message):
    """The agent sent text in the composer (``note`` True: internal note)."""

    conversation: str
    text: str
    note: bool = False
    subject: str | None = None


@dataclass
class SendTeamMessage(Message):
    room: str
    text: str


@dataclass
class OpenArticle(Message):
    article: str


@dataclass
class InsertIntoReply(Message):
    text: str


@dataclass
class KBQuery(Message):
    query: str


# --- the local cache (issue 8: nothing typed is lost) ---------------------------------


@dataclass
class DraftChanged(Message):
    """A draft changed: ``key`` is the conversation id, or "team" for the team-chat input
    (``subject`` then holds its room). The desk keeps it in the encrypted local cache."""

    key: str
    text: str
    subject: str = ""
