"""One websocket session's way out: a bounded send queue, its writer task and its close.

Why bounded: a desk that stops reading (a frozen laptop, a link that keeps the TCP
connection but moves no bytes) must cost the center a fixed amount of memory, not
everything that happens while it is away. Each session may hold at most
:data:`MAX_QUEUE_BYTES` and :data:`MAX_QUEUE_FRAMES` of frames waiting for the socket;
past either it is closed with :data:`CLOSE_BEHIND` and comes back with ``resume`` —
every event is in the database, so nothing is lost.

Why the close does not go through the queue: the writer may be blocked in ``ws.send``
on a full socket, and a close queued behind it would never be sent. :meth:`SendQueue.close`
drops what is queued and closes from its own task; when the peer does not take the close
frame within :data:`CLOSE_GRACE_S` the TCP connection is aborted.

Why a stall timer: websockets' keepalive ping waits for the blocked write before it is
even sent, so its timeout never starts. :meth:`SendQueue.stalled_for` tells the server how
long the writer has been stuck; the server closes sessions stuck longer than the
keepalive timeout.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from agent_tui.protocol import codec

log = logging.getLogger("agent_tui.center.server")

MAX_QUEUE_BYTES = 4 * 1024 * 1024  # characters of encoded frames waiting for one session
MAX_QUEUE_FRAMES = 10_000
CLOSE_GRACE_S = 2.0  # how long a closing peer gets to take the close frame before the TCP abort
MAX_ERRORS = 20
ERROR_WINDOW_S = 60.0

# Close codes (4000-4999 are the application's; docs/protocol.md lists them).
CLOSE_BEHIND = 4001  # the send queue overflowed or the socket stopped moving: reconnect and resume
CLOSE_LOGIN_CHANGED = 4003  # password, role or account changed (center user …): log in again
CLOSE_BUSY = 1013  # "try again later": too many unauthenticated connections from one address


class SendQueue:
    """The outgoing side of one session (see the module docstring).

    ``send`` never blocks and never raises; ``close`` is idempotent. ``replay`` lifts the
    limits while :meth:`agent_tui.center.hub.Hub.attach` queues the welcome and the resumed
    events, so a resume of a long backlog cannot close itself in a loop.
    """

    def __init__(self, ws: ServerConnection, *, max_bytes: int = MAX_QUEUE_BYTES,
                 max_frames: int = MAX_QUEUE_FRAMES):
        self.ws = ws
        self.max_bytes = max_bytes
        self.max_frames = max_frames
        self._items: collections.deque[str] = collections.deque()
        self.queued_bytes = 0
        self.replay = False
        self.label = "?"  # who is on the other end, for the log (the user once logged in)
        self._allowance = 0  # bytes queued during replay, added to the limit until they are written
        self._wake = asyncio.Event()
        self.closing: tuple[int, str] | None = None
        self._closer: asyncio.Task[None] | None = None
        self._blocked_since: float | None = None
        self.errors: collections.deque[float] = collections.deque()
        self.writer = asyncio.get_running_loop().create_task(self._write())

    # ------------------------------------------------------------------ the API of Conn

    def send(self, frame: dict) -> None:
        if self.closing is not None:
            return
        text = codec.encode(frame)
        size = len(text)
        if self.replay:
            self._allowance += size
        elif (self.queued_bytes + size > self.max_bytes + self._allowance
              or len(self._items) >= self.max_frames):
            log.warning("send queue of %s full (%d frames, %d bytes): closing the session; it resumes "
                        "from the database", self.label, len(self._items), self.queued_bytes)
            self.close(CLOSE_BEHIND, "too far behind: send queue full; reconnect and resume")
            return
        self._items.append(text)
        self.queued_bytes += size
        self._wake.set()

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Close: after what is queued (a bye, a protocol error) — or at once, dropping the queue,
        when the session is behind or its writer is blocked on a full socket."""
        if self.closing is None:
            self.closing = (code, reason)
        elif self._closer is not None or code != CLOSE_BEHIND:
            return  # already closing (an overdue close may still be made urgent, below)
        self._wake.set()
        if code == CLOSE_BEHIND or self._blocked_since is not None:
            # Not behind the writer: it may be stuck in ws.send on a full socket.
            self._drop_queue()
            self._closer = asyncio.get_running_loop().create_task(self._shut(code, reason))

    # ------------------------------------------------------------------ for the server

    def stalled_for(self, now: float) -> float:
        """Seconds the writer has been blocked on one frame (0 when it is not, or once it is being shut)."""
        if self._blocked_since is None or self._closer is not None:
            return 0.0
        return now - self._blocked_since

    def protocol_error(self, frame: dict) -> bool:
        """Send an error frame; return False when the error budget is spent (close 1008)."""
        self.send(frame)
        now = time.monotonic()
        self.errors.append(now)
        while self.errors and self.errors[0] < now - ERROR_WINDOW_S:
            self.errors.popleft()
        if len(self.errors) > MAX_ERRORS:
            self.close(1008, "too many protocol errors")
            return False
        return True

    async def finish(self, timeout: float) -> None:
        """Wait for the writer (and a pending close) to end; cancel them after *timeout*."""
        tasks = [t for t in (self.writer, self._closer) if t is not None]
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        for t in pending:
            t.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    # ------------------------------------------------------------------ inside

    def _drop_queue(self) -> None:
        self._items.clear()
        self.queued_bytes = 0
        self._allowance = 0

    async def _write(self) -> None:
        try:
            while True:
                if not self._items:
                    if self.closing is not None:
                        break
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                text = self._items.popleft()
                self._blocked_since = time.monotonic()
                try:
                    await self.ws.send(text)
                finally:
                    self._blocked_since = None
                    self.queued_bytes = max(0, self.queued_bytes - len(text))  # 0 after a drop
                    self._allowance = max(0, self._allowance - len(text))
        except ConnectionClosed:
            return
        if self._closer is None and self.closing is not None:
            await self._shut(*self.closing)

    async def _shut(self, code: int, reason: str) -> None:
        try:
            await asyncio.wait_for(self.ws.close(code, reason), CLOSE_GRACE_S)
        except (asyncio.TimeoutError, ConnectionClosed, OSError):
            pass
        except Exception as exc:  # noqa: BLE001 — closing must end with the abort below, whatever happened
            log.debug("close of a session failed: %r", exc)
        transport: Any = self.ws.transport
        if transport is not None and not transport.is_closing():
            transport.abort()
