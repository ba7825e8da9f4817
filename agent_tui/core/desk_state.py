"""The desk's client-side picture of the world, built from welcome snapshots and events.

Pure data and pure functions: no textual, no asyncio, no I/O. The desk applies every
``welcome`` and ``event`` frame here (in seq order, as the client hands them over) and
then redraws the areas named in :attr:`DeskState.dirty`. Keeping this separate makes the
rules (what an event changes, what counts as unread, what is queued locally) easy to test
and to benchmark without a terminal.

Shapes follow docs/protocol.md ("Data shapes").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Areas of the screen an update can touch; the UI redraws only the dirty ones.
AREAS = ("agent", "presence", "conversations", "messages", "offers", "rooms", "team",
         "queues", "announcements", "connection")

# Keep at most this many messages per conversation / room in memory. Older ones are
# fetched again on demand (history), so a long shift cannot grow memory without bound.
MAX_MESSAGES = 2000

# States in which the agent takes no offers: going there withdraws pending offers at once.
NOT_READY = frozenset({"break", "lunch", "meeting", "training", "offline"})


@dataclass
class PendingSend:
    """A message the agent sent that the center has not confirmed yet.

    ``queued`` is True while the link is down: the desk marks it "queued" on screen;
    once the center answers it is replaced by the real message (deduplicated by id).
    """

    local_id: str
    conversation: str
    text: str
    kind: str  # "out" | "note" | "team"
    at: float
    subject: str | None = None
    queued: bool = False
    failed: str | None = None


@dataclass
class Conversation:
    """One conversation: the summary fields from the center plus its messages."""

    summary: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    loaded: bool = False  # messages fetched (conv.assigned / conv.get) rather than only summary
    # The center sends transcripts in pages: ``older`` is the ``before`` cursor of the page
    # before the oldest message held (None: nothing older, or not known yet).
    older: int | None = None
    typing_until: float = 0.0
    typing_who: str = ""

    @property
    def id(self) -> str:
        return str(self.summary.get("id", ""))

    @property
    def channel(self) -> str:
        return str(self.summary.get("channel", "chat"))

    @property
    def status(self) -> str:
        return str(self.summary.get("status", "active"))

    @property
    def unread(self) -> int:
        return int(self.summary.get("unread") or 0)

    def add_message(self, message: dict[str, Any]) -> bool:
        """Add ``message`` unless a message with its id is already there. True if added."""
        mid = message.get("id")
        if mid is not None:
            for existing in reversed(self.messages[-50:]):
                if existing.get("id") == mid:
                    return False
            if len(self.messages) > 50 and any(m.get("id") == mid for m in self.messages[:-50]):
                return False
        self.messages.append(message)
        self.messages.sort(key=lambda m: (m.get("seq") or 0, m.get("at") or 0))
        if len(self.messages) > MAX_MESSAGES:
            del self.messages[: len(self.messages) - MAX_MESSAGES]
            self.older = int(self.messages[0].get("seq") or 0) or None  # dropped ones: a page away
        return True

    def _oldest_seq(self) -> int | None:
        return min((int(m.get("seq") or 0) for m in self.messages), default=None)

    def add_page(self, messages: list[Any], older: Any) -> None:
        """Merge a page of messages (oldest first) with its ``older`` cursor from the center."""
        lowest_before = self._oldest_seq()
        page = [m for m in messages if isinstance(m, dict)]
        for m in page:
            self.add_message(m)
        page_low = min((int(m.get("seq") or 0) for m in page), default=None)
        if lowest_before is not None and (page_low is None or lowest_before < page_low):
            return  # older messages were held already: their cursor still stands
        self.older = older if isinstance(older, int) and not isinstance(older, bool) else None

    def complete_text(self, message_id: str, text: str) -> bool:
        """Replace a message's preview by its whole text (fetched with ``conv.text``)."""
        for m in self.messages:
            if m.get("id") == message_id and m.get("truncated"):
                m["text"] = text
                m.pop("truncated", None)
                m.pop("length", None)
                return True
        return False


@dataclass
class DeskState:
    """Everything the desk shows, kept current by :meth:`apply_welcome` / :meth:`apply_event`."""

    clock: Callable[[], float] = time.time
    me: dict[str, Any] = field(default_factory=dict)
    agent: dict[str, Any] = field(default_factory=lambda: {"state": "offline", "reason": "",
                                                           "since": 0.0})
    presence: dict[str, dict[str, Any]] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)
    rooms: dict[str, dict[str, Any]] = field(default_factory=dict)
    room_messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    queues: dict[str, dict[str, Any]] = field(default_factory=dict)
    announcements: list[dict[str, Any]] = field(default_factory=list)
    pending: dict[str, PendingSend] = field(default_factory=dict)
    closed_recently: list[dict[str, Any]] = field(default_factory=list)
    last_seq: int = 0
    dirty: set[str] = field(default_factory=set)
    # The center cannot store changes (its disk is full): the desk shows a banner until it can.
    center_read_only: bool = False

    # --- derived figures ---------------------------------------------------------
    @property
    def user(self) -> str:
        return str(self.me.get("user", ""))

    def unread_total(self) -> int:
        """Unread customer messages plus unread team/DM messages."""
        conv = sum(c.unread for c in self.conversations.values())
        return conv + sum(int(r.get("unread") or 0) for r in self.rooms.values())

    def queue_totals(self) -> tuple[int, float]:
        """(contacts waiting in all queues, longest wait in seconds)."""
        waiting = sum(int(q.get("waiting") or 0) for q in self.queues.values())
        longest = max((float(q.get("longest_wait_s") or 0) for q in self.queues.values()),
                      default=0.0)
        return waiting, longest

    def sorted_conversations(self) -> list[Conversation]:
        """Open conversations: urgent first, then oldest first (what needs the agent most)."""
        def key(c: Conversation) -> tuple:
            s = c.summary
            return (-(int(s.get("priority") or 0)), float(s.get("created_at") or 0), c.id)
        return sorted((c for c in self.conversations.values() if c.status != "closed"), key=key)

    def presence_by_team(self, text_filter: str = "") -> list[tuple[str, list[dict[str, Any]]]]:
        """Colleagues grouped by team name (own team first, back office after), filtered.

        The filter matches name, user id, team or state (case-insensitive) so typing
        "avail" shows who can help now.
        """
        needle = text_filter.strip().lower()
        groups: dict[str, list[dict[str, Any]]] = {}
        for entry in self.presence.values():
            if entry.get("user") == self.user:
                continue
            if needle:
                hay = " ".join(str(entry.get(k) or "") for k in
                               ("name", "user", "team_name", "team", "state")).lower()
                if needle not in hay:
                    continue
            team = str(entry.get("team_name") or entry.get("team") or "")
            groups.setdefault(team, []).append(entry)
        my_team = str(self.me.get("team_name") or "")
        my_team_id = str(self.me.get("team") or "")

        def team_key(name: str) -> tuple:
            members = groups[name]
            own = any(m.get("team") == my_team_id for m in members) or name == my_team
            return (0 if own else 1, name.lower())

        order = {"available": 0, "on_contact": 1, "acw": 2, "meeting": 3, "training": 3,
                 "break": 4, "lunch": 4, "missed": 5, "offline": 6}
        out = []
        for name in sorted(groups, key=team_key):
            members = sorted(groups[name], key=lambda e: (order.get(str(e.get("state")), 5),
                                                          str(e.get("name") or e.get("user"))))
            out.append((name, members))
        return out

    # --- applying frames ------------------------------------------------------------
    def _mark(self, *areas: str) -> None:
        self.dirty.update(areas)

    def take_dirty(self) -> set[str]:
        """Return and clear the set of areas changed since the last call."""
        d, self.dirty = self.dirty, set()
        return d

    def apply_welcome(self, welcome: dict[str, Any]) -> None:
        """Apply a ``welcome`` frame: a fresh snapshot replaces everything it covers."""
        user = welcome.get("user")
        if isinstance(user, dict):
            self.me = dict(user)
        self.last_seq = int(welcome.get("last_seq") or self.last_seq)
        storage = welcome.get("storage")
        self.center_read_only = isinstance(storage, dict) and storage.get("ok") is False
        snap = welcome.get("snapshot")
        if welcome.get("resumed") or not isinstance(snap, dict):
            self._mark("connection")
            return
        self.apply_snapshot(snap)

    def apply_snapshot(self, snap: dict[str, Any]) -> None:
        """Replace the state with a snapshot ``{state, presence, offers, conversations, ...}``."""
        st = snap.get("state")
        if isinstance(st, dict):
            self.agent = {"state": st.get("state", "offline"), "reason": st.get("reason") or "",
                          "since": float(st.get("since") or self.clock())}
        elif isinstance(st, str):
            self.agent = {"state": st, "reason": "", "since": self.clock()}
        self.presence = _index_by(snap.get("presence"), "user")
        self.offers = _index_by(snap.get("offers"), "offer")
        old = self.conversations
        self.conversations = {}
        for conv in snap.get("conversations") or []:
            if isinstance(conv, dict) and conv.get("id"):
                self._upsert_conversation(conv, old.get(str(conv["id"])))
        self.rooms = _index_by(snap.get("rooms"), "room")
        self.queues = _index_by(snap.get("queues"), "queue")
        self.announcements = [a for a in (snap.get("announcements") or []) if isinstance(a, dict)]
        self._mark(*AREAS)

    def _upsert_conversation(self, conv: dict[str, Any], existing: Conversation | None = None
                             ) -> Conversation:
        cid = str(conv["id"])
        c = existing or self.conversations.get(cid)
        summary = {k: v for k, v in conv.items() if k not in ("messages", "older")}
        if c is None:
            c = Conversation(summary=summary)
        else:
            c.summary.update(summary)
        if isinstance(conv.get("messages"), list):
            c.add_page(conv["messages"], conv.get("older"))
            # A snapshot may carry the header only (its byte budget was spent): fetch it on opening.
            c.loaded = bool(c.messages) or c.older is None
        self.conversations[cid] = c
        return c

    def apply_event(self, event: dict[str, Any]) -> None:
        """Apply one ``event`` frame (``{seq, ts, kind, data}``). Unknown kinds are ignored."""
        seq = event.get("seq")
        if isinstance(seq, int) and seq > self.last_seq:
            self.last_seq = seq
        kind = event.get("kind")
        data = event.get("data") or {}
        if not isinstance(data, dict):
            return
        handler = _HANDLERS.get(str(kind))
        if handler is not None:
            handler(self, data, float(event.get("ts") or self.clock()))

    # event handlers (one per kind) ------------------------------------------------
    def _on_agent_state(self, d: dict, ts: float) -> None:
        if d.get("user") not in (None, self.user) and self.user:
            return
        self.set_agent({"state": d.get("state", "offline"), "reason": d.get("reason") or "",
                        "since": float(d.get("since") or ts)})
        if self.user and self.user in self.presence:
            self.presence[self.user].update(self.agent)

    def _on_presence(self, d: dict, ts: float) -> None:
        for entry in d.get("changes") or []:
            if isinstance(entry, dict) and entry.get("user"):
                cur = self.presence.setdefault(str(entry["user"]), {})
                cur.update(entry)
        self._mark("presence")

    def _on_offer_new(self, d: dict, ts: float) -> None:
        if d.get("offer"):
            offer = dict(d)
            # Our own clock decides the countdown: the center's expires_at can be skewed
            # against ours, timeout_s is not.
            if offer.get("timeout_s"):
                offer["_local_expires"] = self.clock() + float(offer["timeout_s"])
            self.offers[str(d["offer"])] = offer
            self._mark("offers")

    def _on_offer_revoked(self, d: dict, ts: float) -> None:
        self.offers.pop(str(d.get("offer")), None)
        self._mark("offers")

    def _on_conv_assigned(self, d: dict, ts: float) -> None:
        conv = d.get("conversation")
        if isinstance(conv, dict) and conv.get("id"):
            self._upsert_conversation(conv)
            # An accepted offer is no longer an offer, whichever session accepted it.
            for oid, offer in list(self.offers.items()):
                oc = offer.get("conversation") or {}
                if isinstance(oc, dict) and oc.get("id") == conv["id"]:
                    del self.offers[oid]
                    self._mark("offers")
            self._mark("conversations", "messages")

    def _on_conv_updated(self, d: dict, ts: float) -> None:
        conv = d.get("conversation")
        if not isinstance(conv, dict) or not conv.get("id"):
            return
        if str(conv["id"]) in self.conversations or conv.get("assigned_to") == self.user:
            self._upsert_conversation(conv)
            self._mark("conversations")

    def _on_conv_message(self, d: dict, ts: float) -> None:
        cid = str(d.get("conversation") or "")
        msg = d.get("message")
        if not cid or not isinstance(msg, dict):
            return
        c = self.conversations.get(cid)
        if c is None:
            return  # not ours (any more); the center only sends it to those who may see it
        if c.add_message(msg):
            self.confirm_pending(msg)
            c.typing_until = 0.0
            self._mark("messages", "conversations")

    def _on_conv_typing(self, d: dict, ts: float) -> None:
        c = self.conversations.get(str(d.get("conversation") or ""))
        if c is not None:
            c.typing_until = self.clock() + 6.0
            c.typing_who = str(d.get("who") or "")
            self._mark("messages")

    def _on_conv_closed(self, d: dict, ts: float) -> None:
        cid = str(d.get("conversation") or "")
        c = self.conversations.pop(cid, None)
        if c is not None:
            self.closed_recently.append({**c.summary, "reason": d.get("reason")})
            del self.closed_recently[:-20]
        self._mark("conversations", "messages")

    def _on_team_message(self, d: dict, ts: float) -> None:
        room = str(d.get("room") or "")
        msg = d.get("message")
        if not room or not isinstance(msg, dict):
            return
        msgs = self.room_messages.setdefault(room, [])
        mid = msg.get("id")
        if mid is not None and any(m.get("id") == mid for m in msgs[-50:]):
            return
        msgs.append(msg)
        if len(msgs) > MAX_MESSAGES:
            del msgs[: len(msgs) - MAX_MESSAGES]
        r = self.rooms.setdefault(room, {"room": room, "name": room, "kind": room.split(":")[0],
                                         "unread": 0})
        r["last_message_at"] = msg.get("at")
        sender = (msg.get("from") or {}).get("user")
        if sender != self.user:
            r["unread"] = int(r.get("unread") or 0) + 1
        self.confirm_pending(msg, room=room)
        self._mark("team", "rooms")

    def _on_team_read(self, d: dict, ts: float) -> None:
        """Our read mark of a room moved (on this device or another): the center's count wins."""
        r = self.rooms.get(str(d.get("room") or ""))
        if r is not None and isinstance(d.get("unread"), int):
            r["unread"] = d["unread"]
            r["read_upto"] = int(d.get("upto") or 0)
            self._mark("rooms", "agent")

    def merge_room_history(self, room: str, messages: list[dict[str, Any]]) -> int:
        """Add messages fetched with ``team.history`` (e.g. sent while the agent was away) to
        *room*, once each, in id order. Returns how many were new."""
        msgs = self.room_messages.setdefault(room, [])
        known = {m.get("id") for m in msgs}
        new = [m for m in messages if isinstance(m, dict) and m.get("id") not in known]
        if new:
            msgs.extend(new)
            msgs.sort(key=lambda m: (float(m.get("at") or 0), _num(m.get("id"))))
            del msgs[:-MAX_MESSAGES]
            self._mark("team", "rooms")
        return len(new)

    def room_upto(self, room: str) -> int:
        """The id of the newest message of *room* the desk has (for ``team.read``)."""
        return max((_num(m.get("id")) for m in self.room_messages.get(room, [])), default=0)

    def _on_announcement(self, d: dict, ts: float) -> None:
        if any(a.get("id") == d.get("id") for a in self.announcements if d.get("id")):
            return
        self.announcements.append(dict(d))
        del self.announcements[:-10]
        self._mark("announcements")

    def _on_center_storage(self, d: dict, ts: float) -> None:
        self.center_read_only = d.get("ok") is False
        self._mark("connection")

    def _on_stats(self, d: dict, ts: float) -> None:
        self.queues.update(_index_by(d.get("queues"), "queue"))
        self._mark("queues")

    # --- local actions -------------------------------------------------------------------
    def set_agent(self, agent: dict[str, Any]) -> None:
        """The agent's own state is now ``agent`` ({state, reason, since}). A not-ready state
        withdraws every pending offer (the center revokes them too; the banner goes at once)."""
        self.agent = agent
        self._mark("agent")
        if agent.get("state") in NOT_READY and self.offers:
            self.offers.clear()
            self._mark("offers")

    def add_pending(self, p: PendingSend) -> None:
        """Show a just-sent message at once, marked as pending/queued."""
        self.pending[p.local_id] = p
        self._mark("team" if p.kind == "team" else "messages")

    def resolve_pending(self, local_id: str, message: dict[str, Any] | None = None,
                        error: str | None = None) -> None:
        """The center answered the send ``local_id``: keep its message, or show the error."""
        p = self.pending.get(local_id)
        if p is None:
            return
        if error is not None:
            p.failed = error
            p.queued = False
        else:
            del self.pending[local_id]
            if message:
                if p.kind == "team":
                    self._on_team_message({"room": p.conversation, "message": message}, p.at)
                else:
                    c = self.conversations.get(p.conversation)
                    if c is not None:
                        c.add_message(message)
        self._mark("team" if p.kind == "team" else "messages")

    def confirm_pending(self, message: dict[str, Any], room: str | None = None) -> None:
        """Nothing to do for echoes: pending entries are resolved by the command result."""

    def set_queued(self, queued: bool) -> None:
        """Mark every unresolved send as queued (link down) or in flight (link up)."""
        changed = False
        for p in self.pending.values():
            if p.failed is None and p.queued != queued:
                p.queued = queued
                changed = True
        if changed:
            self._mark("messages", "team")

    def complete_text(self, conversation: str, message_id: str, text: str) -> None:
        """The whole text of a long message arrived (``conv.text`` parts, joined)."""
        c = self.conversations.get(conversation)
        if c is not None and c.complete_text(message_id, text):
            self._mark("messages")

    def mark_read(self, conversation: str) -> int:
        """Clear the unread count locally; returns the highest message seq (for conv.read)."""
        c = self.conversations.get(conversation)
        if c is None:
            return 0
        if c.unread:
            c.summary["unread"] = 0
            self._mark("conversations", "agent")
        return max((int(m.get("seq") or 0) for m in c.messages), default=0)

    def mark_room_read(self, room: str) -> None:
        r = self.rooms.get(room)
        if r is not None and r.get("unread"):
            r["unread"] = 0
            self._mark("rooms", "agent")


_HANDLERS: dict[str, Callable[[DeskState, dict, float], None]] = {
    "agent.state": DeskState._on_agent_state,
    "presence.delta": DeskState._on_presence,
    "offer.new": DeskState._on_offer_new,
    "offer.revoked": DeskState._on_offer_revoked,
    "conv.assigned": DeskState._on_conv_assigned,
    "conv.updated": DeskState._on_conv_updated,
    "conv.message": DeskState._on_conv_message,
    "conv.typing": DeskState._on_conv_typing,
    "conv.closed": DeskState._on_conv_closed,
    "team.message": DeskState._on_team_message,
    "team.announcement": DeskState._on_announcement,
    "team.read": DeskState._on_team_read,
    "stats.tick": DeskState._on_stats,
    "center.storage": DeskState._on_center_storage,
}


def _num(value: Any) -> int:
    """A message id as a number (the center's ids are integers; anything else counts as 0)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _index_by(items: Any, key: str) -> dict[str, dict[str, Any]]:
    """Copies of the dicts in *items* (a list from the center), keyed by their *key* field.

    Anything that is not a dict with a non-empty *key* is skipped: the center's data is
    validated here, not trusted.
    """
    out: dict[str, dict[str, Any]] = {}
    for item in items or []:
        if isinstance(item, dict) and item.get(key):
            out[str(item[key])] = dict(item)
    return out


def sla_level(summary: dict[str, Any], now: float) -> str:
    """"ok" / "warn" / "breach" for a conversation: how much of its SLA target has run.

    The clock runs from when the customer started waiting (queued_at, else created_at).
    """
    sla = float(summary.get("sla_s") or 0)
    start = float(summary.get("queued_at") or summary.get("created_at") or now)
    if sla <= 0:
        return "ok"
    used = (now - start) / sla
    if used >= 1.0:
        return "breach"
    if used >= 0.75:
        return "warn"
    return "ok"


def fmt_duration(seconds: float) -> str:
    """Compact duration for lists: ``45s``, ``12:05``, ``1h02``."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    return f"{s // 3600}h{(s % 3600) // 60:02d}"
