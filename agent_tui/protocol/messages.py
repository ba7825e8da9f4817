"""Wire protocol v1: the vocabulary and the limits.

This module is the single source of truth for what may cross the wire between
agent-tui and a center. ``docs/protocol.md`` describes the same thing in prose.
Everything here is plain data; validation lives in :mod:`agent_tui.protocol.codec`.

Frame kinds (the ``type`` field):

client -> center: ``hello``, ``cmd``, ``ack``, ``ping``, ``bye``
center -> client: ``welcome``, ``result``, ``error``, ``event``, ``pong``
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

PROTOCOL_VERSION = 1
SUBPROTOCOL = "agent-tui.v1"

# --- limits -----------------------------------------------------------------
# One frame (a JSON text message) after decompression.
MAX_FRAME_BYTES = 256 * 1024
# Customer-visible text: a chat line, an SMS, an e-mail body, a note.
MAX_TEXT = 32 * 1024
# Short strings: names, subjects, reasons, codes, search queries.
MAX_SHORT = 512
# Identifiers: conversation ids, offer ids, idempotency keys, user names.
MAX_ID = 128
# Passwords and tokens.
MAX_SECRET = 1024
# Lists inside args (e.g. batch sizes).
MAX_LIST = 1000


class AgentState(str, Enum):
    """Agent states. ``on_contact`` and ``missed`` are set by the center only."""

    AVAILABLE = "available"
    BREAK = "break"
    LUNCH = "lunch"
    MEETING = "meeting"
    TRAINING = "training"
    ACW = "acw"  # after-contact work
    OFFLINE = "offline"
    ON_CONTACT = "on_contact"
    MISSED = "missed"  # not ready: let an offer time out

    @property
    def agent_settable(self) -> bool:
        return self not in (AgentState.ON_CONTACT, AgentState.MISSED)


AGENT_SETTABLE_STATES = frozenset(s.value for s in AgentState if s.agent_settable)
ALL_STATES = frozenset(s.value for s in AgentState)


class Channel(str, Enum):
    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"
    SMS = "sms"
    SOCIAL = "social"


CHANNELS = frozenset(c.value for c in Channel)
DIGITAL_CHANNELS = frozenset(CHANNELS - {"voice"})

# Default concurrent capacity per channel (configurable in center.yaml).
DEFAULT_CAPACITY = {"voice": 1, "chat": 3, "social": 3, "sms": 5, "email": 5}


class ConversationStatus(str, Enum):
    QUEUED = "queued"
    OFFERED = "offered"
    ACTIVE = "active"
    WRAPUP = "wrapup"
    CLOSED = "closed"


class Role(str, Enum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"


class ErrorCode(str, Enum):
    """Error codes. Every ``error`` frame carries one plus a human message."""

    MALFORMED = "malformed"  # not JSON, not an object, wrong field types
    TOO_LARGE = "too_large"  # frame or field over its limit
    UNKNOWN_TYPE = "unknown_type"
    UNKNOWN_OP = "unknown_op"
    BAD_ARGS = "bad_args"
    UNSUPPORTED_VERSION = "unsupported_version"
    AUTH_FAILED = "auth_failed"  # wrong user or password
    TOKEN_INVALID = "token_invalid"  # expired or revoked token: log in again
    NOT_AUTHENTICATED = "not_authenticated"  # cmd before welcome
    FORBIDDEN = "forbidden"  # authenticated, but not allowed
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"  # e.g. offer already taken, conversation not active
    RATE_LIMITED = "rate_limited"
    INTERNAL = "internal"


# --- commands ----------------------------------------------------------------
# Each command op maps to its argument schema: name -> Field.


@dataclass(frozen=True)
class Field:
    kind: str  # "id" | "short" | "text" | "secret" | "int" | "bool" | "enum" | "channel" | "state"
    required: bool = True
    choices: frozenset[str] | None = None  # for kind="enum"
    minimum: int | None = None
    maximum: int | None = None


def _id(required: bool = True) -> Field:
    return Field("id", required)


def _short(required: bool = True) -> Field:
    return Field("short", required)


def _text(required: bool = True) -> Field:
    return Field("text", required)


def _int(lo: int, hi: int, required: bool = False) -> Field:
    return Field("int", required, minimum=lo, maximum=hi)


COMMANDS: dict[str, dict[str, Field]] = {
    # session / identity
    "whoami": {},
    "logout": {},
    # agent state
    "state.set": {"state": Field("state"), "reason": _short(False)},
    # presence and queues
    "presence.get": {},
    "queue.get": {},
    # offers
    "offer.accept": {"offer": _id()},
    "offer.decline": {"offer": _id(), "reason": _short(False)},
    # conversations
    "conv.list": {},
    "conv.get": {"conversation": _id()},
    "conv.send": {"conversation": _id(), "text": _text(), "subject": _short(False)},
    "conv.note": {"conversation": _id(), "text": _text()},
    "conv.transfer": {"conversation": _id(), "agent": _id(False), "queue": _id(False),
                      "note": _text(False)},
    "conv.wrapup": {"conversation": _id(), "code": _short(), "notes": _text(False)},
    "conv.typing": {"conversation": _id()},
    "conv.read": {"conversation": _id(), "upto": _int(0, 2**53)},
    "wrapup.codes": {},
    "canned.list": {},
    # customer history
    "history.get": {"customer": _id(), "limit": _int(1, 200)},
    # team chat: rooms are "team:<team id>" and "dm:<user>" (the other party)
    "team.rooms": {},
    "team.send": {"room": _id(), "text": _text()},
    "team.history": {"room": _id(), "limit": _int(1, 500), "before": _int(0, 2**53),
                     "peek": Field("bool", False)},
    "team.announce": {"text": _text(), "team": _id(False)},  # supervisor only
    # room read state kept by the center, so two devices agree (issue 8); peek: history unread
    "team.read": {"room": _id(), "upto": _int(0, 2**53, True)},
    # knowledge base
    "kb.search": {"query": _short(), "limit": _int(1, 50), "lang": Field("enum", False, frozenset({"en", "nl"}))},
    "kb.get": {"id": _id()},
    "kb.suggest": {"conversation": _id(), "limit": _int(1, 20)},
    "kb.propose": {"article": _id(False), "title": _short(), "body": _text(),
                   "lang": Field("enum", True, frozenset({"en", "nl"})), "tags": _short(False)},
    "kb.proposals": {},  # supervisor: list pending proposals
    "kb.review": {"proposal": _id(), "approve": Field("bool"), "comment": _short(False)},  # supervisor
    # statistics
    "stats.get": {},
    # voice (reserved for the softphone issue; the center answers unknown_op until then)
    "voice.dial": {"target": _short(), "conversation": _id(False)},
}

# --- events --------------------------------------------------------------------
# Server events (``event`` frames). ``data`` shapes are documented in docs/protocol.md.
EVENT_KINDS = frozenset({
    "agent.state",        # {agent, state, reason, since}
    "presence.delta",     # {changes: [{user, name, team, state, reason, since}]}
    "offer.new",          # {offer, conversation: {...summary}, expires_at, timeout_s}
    "offer.revoked",      # {offer, conversation, reason: timeout|declined|taken|cancelled}
    "conv.assigned",      # {conversation: {...full}}
    "conv.updated",       # {conversation: {...summary}}
    "conv.message",       # {conversation, message: {...}}
    "conv.typing",        # {conversation, who}
    "conv.closed",        # {conversation, reason}
    "team.message",       # {room, message: {...}}
    "team.announcement",  # {id, team, from, text, at}
    "team.read",          # {room, upto, unread}  (the user's read mark moved, on any device)
    "kb.proposal",        # {proposal: {...}}  (supervisors)
    "kb.reviewed",        # {proposal, approved, article}
    "stats.tick",         # {queues: [...]} (queue figures; sent at most every 2 s)
    # reserved for the softphone issue
    "voice.offered", "voice.answered", "voice.ended",
})

CLIENT_FRAME_TYPES = frozenset({"hello", "cmd", "ack", "ping", "bye"})
SERVER_FRAME_TYPES = frozenset({"welcome", "result", "error", "event", "pong"})
