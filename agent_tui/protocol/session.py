"""The client side of a center session, as a state machine without I/O.

Modelled on websockets' ``protocol.py``: the transport feeds received text in
with :meth:`ClientSession.receive` and sends whatever
:meth:`ClientSession.frames_to_send` returns. Nothing here reads a clock,
opens a socket or awaits: the caller passes ``now`` (any monotonic seconds),
so the machine is deterministic and tested without a network.

What the machine guarantees (see docs/protocol.md, "Sequence numbers and acks"
and "Commands and idempotency"):

- every event of the agent's stream is delivered **once, in seq order**:
  a seq at or below the last processed one is a duplicate (dropped, acked
  again); a seq beyond last+1 is a gap, reported as :class:`ResyncNeeded`,
  after which the rest of this connection's events are ignored until the
  transport reconnects and resumes from :attr:`ClientSession.last_seq`;
- every command stays in the **outbox** until the center answers it with a
  ``result`` or an ``error``; after :meth:`connection_lost` the unanswered
  ones are sent again on the next connection **with the same ids**, so the
  center's idempotency store makes a retried command take effect once;
- acks are cumulative and batched: at most one per second, or at once when
  50 events are unacked or a duplicate arrived, and on close.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from agent_tui.protocol import codec
from agent_tui.protocol import messages as m

# Ack policy (docs/protocol.md): cumulative, at most every ACK_INTERVAL seconds
# or every ACK_EVERY events, and on close.
ACK_INTERVAL = 1.0
ACK_EVERY = 50

# Error codes that answer a ``hello``: the login itself failed.
AUTH_CODES = frozenset({
    m.ErrorCode.AUTH_FAILED.value,
    m.ErrorCode.TOKEN_INVALID.value,
    m.ErrorCode.UNSUPPORTED_VERSION.value,
})


# --- what receive() returns ----------------------------------------------------


@dataclass
class Welcome:
    """The center accepted the login. ``resumed`` False means ``snapshot`` is the truth."""

    session: str
    token: str | None = field(repr=False)
    user: dict[str, Any]
    last_seq: int
    resumed: bool
    snapshot: dict[str, Any] | None = field(repr=False)
    grace_s: float | None
    frame: dict[str, Any] = field(repr=False)  # holds the token too
    token_changed: bool = False  # a token the caller should persist (keyring)


@dataclass
class Event:
    """One event of the agent's stream, delivered exactly once and in order."""

    seq: int
    ts: float
    kind: str
    data: dict[str, Any]
    frame: dict[str, Any]


@dataclass
class Result:
    """A command succeeded; it has left the outbox."""

    id: str
    op: str
    data: dict[str, Any]


@dataclass
class CommandFailed:
    """The center refused a command (``error`` with ``re``); it has left the outbox."""

    id: str
    op: str
    code: str
    message: str


@dataclass
class AuthFailed:
    """The ``hello`` was refused. ``retry_with_password``: the token was rejected
    and a password is known, so reconnecting at once will log in with it."""

    code: str
    message: str
    retry_with_password: bool = False


@dataclass
class ServerError:
    """An ``error`` frame that answers no pending command (e.g. our frame was malformed)."""

    code: str
    message: str
    re: str | None = None


@dataclass
class ResyncNeeded:
    """A gap in the event stream: close this connection and resume from ``last_seq``."""

    expected: int
    got: int


@dataclass
class Pong:
    """Round-trip time of an app-level ping, in seconds."""

    rtt: float


@dataclass
class BadFrame:
    """The center sent something this client cannot parse; it was ignored."""

    code: str
    message: str


SessionEvent = (Welcome | Event | Result | CommandFailed | AuthFailed | ServerError
                | ResyncNeeded | Pong | BadFrame)


# --- the outbox ------------------------------------------------------------------


@dataclass
class CommandHandle:
    """A command waiting in the outbox. ``id`` is the idempotency key (UUID4)."""

    id: str
    op: str
    args: dict[str, Any]
    # True once sent on the *current* connection; reset by connection_lost().
    sent: bool = False
    attempts: int = 0

    def frame(self) -> dict[str, Any]:
        return {"type": "cmd", "id": self.id, "op": self.op, "args": self.args}


# --- the machine -------------------------------------------------------------------

IDLE = "idle"              # no connection
HELLO_SENT = "hello_sent"  # connected, waiting for welcome
OPEN = "open"              # welcome received: commands and acks flow
FAILED = "failed"          # the login was refused on this connection


@dataclass
class ClientSession:
    """Client session state across any number of connections.

    ``since``: resume the event stream after this seq on the first connection
    (e.g. a cursor a tester persisted); None means a fresh login with a snapshot.
    """

    user: str | None = None
    # Secrets stay out of repr(): a session object that ends up in a log or a
    # traceback must not carry the password or the token with it.
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    client: str = "agent-tui"
    since: int | None = None
    # The largest frame this client accepts (announced in hello); the center's own limit
    # arrives in welcome (``peer_max_frame``). Neither side sends a frame over the other's.
    max_frame: int = m.MAX_FRAME_BYTES

    state: str = field(default=IDLE, init=False)
    last_seq: int = field(default=0, init=False)  # highest seq processed
    session_id: str | None = field(default=None, init=False)
    rtt: float | None = field(default=None, init=False)
    welcome: Welcome | None = field(default=None, init=False, repr=False)
    peer_max_frame: int = field(default=m.MAX_FRAME_BYTES, init=False)
    _outbox: dict[str, CommandHandle] = field(default_factory=dict, init=False)
    _have_stream: bool = field(default=False, init=False)  # last_seq means something
    _acked: int = field(default=0, init=False)      # highest seq acked on this connection
    _ack_forced: bool = field(default=False, init=False)  # a duplicate arrived: ack again now
    _last_ack_at: float | None = field(default=None, init=False)
    _resync: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.token is None and (self.user is None or self.password is None):
            raise ValueError("a session needs a token, or a user and a password")
        if self.since is not None:
            if self.since < 0:
                raise ValueError("since must be 0 or more")
            self.last_seq = self.since
            self._have_stream = True
        codec.announced_limit(self.max_frame)  # raises ProtocolError outside the allowed range

    # -- connection life ------------------------------------------------------

    def hello_frame(self) -> dict[str, Any]:
        """The first frame of a new connection. Call once per connection.

        Uses the token when there is one (so the password crosses the wire only
        once), and asks to resume after the last processed seq when this client
        has seen the stream before.
        """
        auth: dict[str, Any]
        if self.token is not None:
            auth = {"token": self.token}
        else:
            assert self.user is not None and self.password is not None
            auth = {"user": self.user, "password": self.password}
        frame: dict[str, Any] = {"type": "hello", "v": m.PROTOCOL_VERSION, "auth": auth,
                                 "client": self.client, "max_frame": self.max_frame}
        if self._have_stream:
            frame["resume"] = {"since": self.last_seq}
        self.state = HELLO_SENT
        self._resync = False
        for cmd in self._outbox.values():
            cmd.sent = False
        return frame

    def connection_lost(self) -> None:
        """The transport lost (or closed) the connection. Unanswered commands
        will be sent again, with the same ids, after the next welcome."""
        self.state = IDLE
        self._resync = False
        self._ack_forced = False
        for cmd in self._outbox.values():
            cmd.sent = False

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    # -- commands -------------------------------------------------------------

    def command(self, op: str, **args: Any) -> CommandHandle:
        """Queue a command; raises :class:`codec.ProtocolError` for bad arguments
        (so a caller's mistake fails at once, not after a round trip)."""
        clean = codec.validate_args(op, {k: v for k, v in args.items() if v is not None})
        handle = CommandHandle(id=str(uuid.uuid4()), op=op, args=clean)
        self._outbox[handle.id] = handle
        return handle

    def adopt(self, command_id: str, op: str, args: dict[str, Any]) -> CommandHandle:
        """Put back a command restored from disk (a crash or a quit) with its original
        idempotency key. It may have reached the center before, so it counts as
        attempted: it cannot be cancelled, and the center answers a repeat once."""
        clean = codec.validate_args(op, {k: v for k, v in args.items() if v is not None})
        handle = CommandHandle(id=command_id, op=op, args=clean, attempts=1)
        self._outbox[handle.id] = handle
        return handle

    @property
    def outbox(self) -> list[CommandHandle]:
        """Commands not yet answered, oldest first."""
        return list(self._outbox.values())

    def cancel(self, command_id: str) -> bool:
        """Forget a queued command that was never sent (e.g. the user undid it).

        A command already sent may have taken effect, so it stays until answered.
        """
        cmd = self._outbox.get(command_id)
        if cmd is None or cmd.attempts:
            return False
        del self._outbox[command_id]
        return True

    # -- outgoing -------------------------------------------------------------

    def frames_to_send(self, now: float) -> list[dict[str, Any]]:
        """Frames the transport should send now: commands not yet sent on this
        connection (in outbox order) and an ack when one is due."""
        if self.state != OPEN:
            return []
        out: list[dict[str, Any]] = []
        for cmd in self._outbox.values():
            if not cmd.sent:
                cmd.sent = True
                cmd.attempts += 1
                out.append(cmd.frame())
        if self.ack_due(now):
            out.append(self._take_ack(now))
        return out

    def ack_due(self, now: float) -> bool:
        """True when the ack policy says an ack should go out now."""
        if self.state != OPEN:
            return False
        if self._ack_forced:
            return True
        unacked = self.last_seq - self._acked
        if unacked <= 0:
            return False
        if unacked >= ACK_EVERY:
            return True
        return self._last_ack_at is None or now - self._last_ack_at >= ACK_INTERVAL

    def next_ack_at(self) -> float | None:
        """The ``now`` from which :meth:`ack_due` holds (for the transport's
        timer; 0.0 means at once), or None when nothing waits to be acked."""
        if self.state != OPEN:
            return None
        unacked = self.last_seq - self._acked
        if not self._ack_forced and unacked <= 0:
            return None
        if self._ack_forced or unacked >= ACK_EVERY or self._last_ack_at is None:
            return 0.0
        return self._last_ack_at + ACK_INTERVAL

    def final_ack_frame(self) -> dict[str, Any] | None:
        """The ack to send before closing, if anything is unacked."""
        if self.state != OPEN or (self.last_seq <= self._acked and not self._ack_forced):
            return None
        return self._take_ack(self._last_ack_at or 0.0)

    def _take_ack(self, now: float) -> dict[str, Any]:
        self._acked = self.last_seq
        self._ack_forced = False
        self._last_ack_at = now
        return {"type": "ack", "seq": self.last_seq}

    def ping_frame(self, now: float) -> dict[str, Any]:
        """An app-level ping; the pong's echo of ``t`` gives the RTT."""
        return {"type": "ping", "t": now}

    def bye_frame(self) -> dict[str, Any]:
        """End the session on the center now (no grace period)."""
        return {"type": "bye"}

    # -- incoming -------------------------------------------------------------

    def receive(self, text: str | bytes, now: float = 0.0) -> list[SessionEvent]:
        """Feed one frame received from the center. Never raises on bad input:
        an unparseable frame becomes :class:`BadFrame`."""
        try:
            frame = codec.decode_server_frame(text, self.max_frame)
        except codec.ProtocolError as exc:
            return [BadFrame(exc.code, exc.message)]
        ftype = frame["type"]
        if ftype == "event":
            return self._on_event(frame, now)
        if ftype == "result":
            return self._on_result(frame)
        if ftype == "error":
            return self._on_error(frame)
        if ftype == "welcome":
            return self._on_welcome(frame)
        # pong
        t = frame.get("t")
        if isinstance(t, bool) or not isinstance(t, (int, float)):
            return []
        rtt = max(0.0, now - float(t))
        self.rtt = rtt
        return [Pong(rtt)]

    def _on_welcome(self, frame: dict[str, Any]) -> list[SessionEvent]:
        if self.state != HELLO_SENT:
            return [BadFrame(m.ErrorCode.MALFORMED.value, "welcome outside a login; ignored")]
        last_seq = frame.get("last_seq")
        if isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0:
            return [BadFrame(m.ErrorCode.MALFORMED.value, "welcome needs an integer last_seq")]
        resumed = frame.get("resumed") is True
        token = frame.get("token") if isinstance(frame.get("token"), str) else None
        token_changed = token is not None and token != self.token
        if token is not None:
            self.token = token
        if not resumed:
            # A fresh login: the snapshot is the truth as of last_seq; the
            # events up to it are not sent, so the stream continues after it.
            self.last_seq = last_seq
        self._have_stream = True
        self._acked = self.last_seq
        self._ack_forced = False
        self._last_ack_at = None
        self.state = OPEN
        user = frame.get("user")
        if not isinstance(user, dict):
            user = {}
        snapshot = frame.get("snapshot")
        if not isinstance(snapshot, dict):
            snapshot = None
        try:
            self.peer_max_frame = codec.announced_limit(frame.get("max_frame"))
        except codec.ProtocolError:
            self.peer_max_frame = m.MAX_FRAME_BYTES  # a center announcing nonsense gets the floor
        grace = frame.get("grace_s")
        session = frame.get("session")
        self.session_id = session if isinstance(session, str) else None
        welcome = Welcome(
            session=self.session_id or "",
            token=token,
            user=user,
            last_seq=last_seq,
            resumed=resumed,
            snapshot=snapshot,
            grace_s=float(grace) if isinstance(grace, (int, float)) and not isinstance(grace, bool) else None,
            frame=frame,
            token_changed=token_changed,
        )
        self.welcome = welcome
        return [welcome]

    def _on_event(self, frame: dict[str, Any], now: float) -> list[SessionEvent]:
        if self.state != OPEN or self._resync:
            # Before welcome nothing is expected; after a gap the transport is
            # about to reconnect and resume, which replays these in order.
            return []
        seq = frame["seq"]
        if seq <= self.last_seq:
            self._ack_forced = True  # tell the center again how far we are
            return []
        if seq != self.last_seq + 1:
            self._resync = True
            return [ResyncNeeded(expected=self.last_seq + 1, got=seq)]
        self.last_seq = seq
        ts = frame.get("ts")
        ts_f = float(ts) if isinstance(ts, (int, float)) and not isinstance(ts, bool) else 0.0
        return [Event(seq=seq, ts=ts_f, kind=frame["kind"], data=frame["data"], frame=frame)]

    def _on_result(self, frame: dict[str, Any]) -> list[SessionEvent]:
        cmd = self._outbox.pop(frame["re"], None)
        if cmd is None:
            # A second answer to a command answered before (the original and
            # a resend both got through): already delivered once.
            return []
        data = frame.get("data")
        return [Result(cmd.id, cmd.op, data if isinstance(data, dict) else {})]

    def _on_error(self, frame: dict[str, Any]) -> list[SessionEvent]:
        code, message = frame["code"], frame["message"]
        re = frame.get("re") if isinstance(frame.get("re"), str) else None
        if re is not None and re in self._outbox:
            cmd = self._outbox.pop(re)
            return [CommandFailed(cmd.id, cmd.op, code, message)]
        if self.state == HELLO_SENT and code in AUTH_CODES:
            self.state = FAILED
            retry = False
            if code == m.ErrorCode.TOKEN_INVALID.value:
                self.token = None
                retry = self.password is not None and self.user is not None
            return [AuthFailed(code, message, retry_with_password=retry)]
        return [ServerError(code, message, re)]
