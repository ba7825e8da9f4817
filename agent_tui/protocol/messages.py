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

# --- frame sizes (docs/protocol.md, "Frame sizes") ------------------------------
# Both sides announce the largest frame they accept: ``max_frame`` in hello and in welcome.
# MAX_FRAME_BYTES is the default and the floor: every peer accepts at least this much, so
# whatever the center stores to send later (events, idempotent answers) is built to fit it.
MAX_FRAME_LIMIT = 64 * 1024 * 1024  # the largest limit a peer may announce
# Byte budgets (UTF-8 of the JSON) inside one frame, leaving room for the envelope.
SNAPSHOT_BUDGET = 192 * 1024  # welcome.snapshot: headers first, then the newest messages
TRANSCRIPT_BUDGET = 160 * 1024  # the messages of one conv.get / offer.accept / conv.assigned page
HISTORY_BUDGET = 160 * 1024  # all the conversations of one history.get page
ANSWER_BUDGET = MAX_FRAME_BYTES - 8 * 1024  # any stored result; over it the answer is too_large
# One message's text travels whole up to its channel's inline limit; above it the message
# carries a preview (``truncated``: true, ``length``: characters) and the desk fetches the
# rest with ``conv.text`` in parts of at most TEXT_PART_BYTES.
INLINE_TEXT_BYTES = {"chat": 64 * 1024, "sms": 64 * 1024, "social": 64 * 1024, "voice": 64 * 1024,
                     "email": 128 * 1024}
INLINE_TEXT_DEFAULT = 64 * 1024
PREVIEW_BYTES = 4 * 1024
TEXT_PART_BYTES = 128 * 1024
# A customer message as the ingress accepts it (stored whole, delivered as above).
MAX_INGRESS_TEXT = 1024 * 1024  # characters
MAX_INGRESS_BODY = 4 * 1024 * 1024  # bytes of one POST body
# Paging: transcripts and history.
MAX_PAGE = 500


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
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"  # a command id reused with another op or args
    INTERNAL = "internal"
    STORAGE_FULL = "storage_full"  # the center cannot store changes now (disk full); retry later


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
    "conv.get": {"conversation": _id(), "before": _int(1, 2**53), "limit": _int(1, MAX_PAGE)},
    # the rest of a message sent as a preview: characters from ``offset`` on, one part per call
    "conv.text": {"conversation": _id(), "message": _id(), "offset": _int(0, 2**53)},
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
    "history.get": {"customer": _id(), "limit": _int(1, 200), "before": _id(False)},
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
    # the team lead's desk (supervisor ops except task.close/mine/escalate and team.announcement_read)
    "lead.figures": {},
    "lead.agents": {},
    "lead.timeline": {"agent": _id()},
    "lead.urgent": {},
    "lead.assign": {"conversation": _id(), "agent": _id()},
    "lead.take": {"conversation": _id()},
    "lead.priority": {"conversation": _id(), "priority": _int(0, 9)},
    "report.get": {"from": _int(0, 2**40, True), "to": _int(0, 2**40, True)},
    "task.list": {},
    "task.create": {"title": _short(), "note": _text(False), "assignee": _id(False), "due_at": _int(0, 2**40),
                    "team": _id(False)},
    "task.assign": {"task": _id(), "assignee": _id(), "due_at": _int(0, 2**40)},
    "task.close": {"task": _id()},
    "task.mine": {},
    "task.escalate": {"conversation": _id(), "note": _text()},
    "team.announcement_read": {"id": _int(0, 2**53, True)},
    "team.announcement_reads": {},
    "kb.queue": {},
    "kb.stale": {"limit": _int(1, 200)},
    "kb.confirm": {"article": _id()},
    "kb.edit": {"article": _id(), "title": _short(False), "body": _text()},
    # voice (reserved for the softphone issue; the center answers unknown_op until then)
    "voice.dial": {"target": _short(), "conversation": _id(False)},
    # call monitoring by a lead (issue 11; supervisor only)
    "voice.monitor": {"conversation": _id(False), "agent": _id(False), "mode": Field("enum", False, frozenset({"listen", "whisper", "barge"})),
                      "token": Field("secret", False)},  # conversation or agent; token: see sip/autoanswer.py
    "voice.monitor.stop": {"conversation": _id()},
}

# --- events --------------------------------------------------------------------
# Server events (``event`` frames). ``data`` shapes are documented in docs/protocol.md.
EVENT_KINDS = frozenset({
    "agent.state",        # {agent, state, reason, since}
    "presence.delta",     # {changes: [{user, state, reason, since}]} (whole entries for users added while running)
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
    "center.storage",     # {ok, message}: the center went read-only (disk full) / stores again
    "task.updated",       # {task: {...}}  (the task's team leads, its assignee)
    "team.announcement_read",  # {id, user}  (the announcement's author)
    # reserved for the softphone issue
    "voice.offered", "voice.answered", "voice.ended",
    "voice.monitor",      # {conversation, lead, lead_name, mode: listen|whisper|barge, active, failed?} (issue 11)
})

CLIENT_FRAME_TYPES = frozenset({"hello", "cmd", "ack", "ping", "bye"})
SERVER_FRAME_TYPES = frozenset({"welcome", "result", "error", "event", "pong"})
