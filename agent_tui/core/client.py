"""The center client: an asyncio shell around the sans-I/O session machine.

:class:`agent_tui.protocol.session.ClientSession` decides *what* to send and
what a received frame means (seq order, duplicates, outbox, acks). This module
only moves frames over a ``wss://`` WebSocket and owns the reconnect loop:

- jittered exponential backoff (0.5 s doubling to a 10 s cap), reset after a
  connection that stayed up for STABLE_AFTER seconds;
- resume with ``since`` = the last processed seq, so the center replays what
  was missed; unanswered commands are resent with their original ids;
- an app-level ``ping`` every ``ping_interval`` seconds gives the RTT and
  detects a link that is silently dead (no pong before the next ping);
- three distinct failures a user can act on: :class:`AuthError`,
  :class:`TrustError`, :class:`UnreachableError`.

Callbacks run on the loop that called :meth:`CenterClient.start`.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import random
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from agent_tui import __version__
from agent_tui.protocol import codec
from agent_tui.protocol import messages as m
from agent_tui.protocol import session as ps
from agent_tui.secure.tls import client_ssl_context

log = logging.getLogger(__name__)

BACKOFF_START = 0.5
BACKOFF_CAP = 10.0
OPEN_TIMEOUT = 10.0    # TCP + TLS + WebSocket handshake
WELCOME_TIMEOUT = 10.0  # the center answers hello within this
CLOSE_TIMEOUT = 3.0
LOGOUT_TIMEOUT = 5.0
STABLE_AFTER = 10.0     # a connection up this long resets the backoff
MAX_QUICK_RETRIES = 3   # immediate reconnects (gap, token fallback) before backing off


# --- public types (the shared contract, see /work/team/brief.md) -----------------


@dataclass(frozen=True)
class ConnectionStatus:
    """What the desk shows in its status bar. ``state`` is one of
    "connecting", "online", "reconnecting", "offline", "auth_failed"."""

    state: str = "offline"
    rtt_ms: float | None = None
    detail: str = ""
    queued: int = 0


class CommandError(Exception):
    """The center refused a command (an ``error`` frame with its ``code``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{message} ({code})")
        self.code = code
        self.message = message


class AuthError(Exception):
    """Wrong user or password, or a rejected token and no password to fall back to."""


class TrustError(Exception):
    """The center's TLS certificate is not signed by the configured CA file."""


class UnreachableError(Exception):
    """The center cannot be reached (refused, unreachable, timed out, not a center)."""


class OutboxStore(Protocol):
    """Where queued commands outlive the process (core/desk_cache.py): ``outbox_put``
    before a command can be sent, ``outbox_drop`` when the center answered it."""

    def wants(self, op: str) -> bool: ...
    def outbox_put(self, command_id: str, op: str, args: dict[str, Any]) -> None: ...
    def outbox_drop(self, command_id: str) -> None: ...


class _Reconnect(Exception):
    """Internal: end this connection and connect again at once (gap, token fallback)."""


class _LinkDead(Exception):
    """Internal: no pong came back; the link is silently dead."""


# --- the client ------------------------------------------------------------------


class CenterClient:
    """A session with a center that survives link drops. See the module docstring.

    ``since`` (an extension of the contract): resume the event stream after this
    seq on the first connection instead of a fresh login (``ctl events --cursor``).
    """

    def __init__(
        self,
        server: str,
        ca_file: str | Path,
        user: str,
        *,
        password: str | None = None,
        token: str | None = None,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        on_welcome: Callable[[dict[str, Any]], None] | None = None,
        on_status: Callable[[ConnectionStatus], None] | None = None,
        on_token: Callable[[str], None] | None = None,
        client_name: str = "agent-tui",
        ping_interval: float = 10.0,
        since: int | None = None,
        outbox_store: OutboxStore | None = None,
    ) -> None:
        parts = urlsplit(server)
        if parts.scheme != "wss" or not parts.hostname:
            # TLS is not optional: a ws:// URL is a configuration mistake, not a mode.
            raise ValueError(f"server must be a wss://HOST:PORT address, not {server!r}")
        self.server = server
        self.ca_file = Path(ca_file)
        self.user = user
        self._hostport = parts.netloc
        self._session = ps.ClientSession(user=user, password=password, token=token,
                                         client=client_name, since=since)
        self.on_event = on_event
        self.on_welcome = on_welcome
        self.on_status = on_status
        self.on_token = on_token
        self.ping_interval = ping_interval
        self.outbox_store = outbox_store
        self.status = ConnectionStatus("offline", None, "not started", 0)
        self._futures: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._ws: ClientConnection | None = None
        self._welcome: dict[str, Any] | None = None
        self._online = False
        self._ever_online = False
        self._fatal: Exception | None = None
        self._attempt: asyncio.Future[Any] | None = None
        self._closing = False
        self._logout = False
        self._online_since: float | None = None  # loop time of this connection's welcome
        self._rx_at = 0.0  # loop time of the last frame received (liveness)

    # -- contract surface -----------------------------------------------------

    @property
    def outbox(self) -> list[ps.CommandHandle]:
        """Commands not yet answered by the center (op, args, id), oldest first."""
        return self._session.outbox

    @property
    def last_seq(self) -> int:
        """The highest event seq processed (delivered to ``on_event``)."""
        return self._session.last_seq

    @property
    def token(self) -> str | None:
        return self._session.token

    @property
    def password(self) -> str | None:
        """The password this client logs in with; None when it has only a session token."""
        return self._session.password

    @property
    def online(self) -> bool:
        return self._online

    async def start(self) -> None:
        """Start the reconnect loop in the background; returns at once."""
        if self._task is not None:
            return
        loop = asyncio.get_running_loop()
        self._attempt = loop.create_future()
        self._set_status("connecting", f"connecting to {self._hostport}")
        self._task = loop.create_task(self._run(), name=f"agent-tui client {self._hostport}")

    async def retry_login(self, password: str) -> None:
        """After an :class:`AuthError` (state "auth_failed"): log in again with a
        new password. Queued commands are kept and go out once online."""
        if self._closing:
            raise RuntimeError("the client is closed")
        self._session.password = password
        self._session.token = None
        self._fatal = None
        if self._task is not None and self._task.done():
            self._task = None
        await self.start()

    async def wait_online(self, timeout: float) -> dict[str, Any]:
        """Wait for a welcome and return it. Raises the outcome of the current (or
        last) connection attempt if it failed: :class:`AuthError`,
        :class:`TrustError` or :class:`UnreachableError`; UnreachableError also
        when no welcome came within *timeout* seconds."""
        if self._task is None:
            raise RuntimeError("CenterClient.start() was not called")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._online and self._welcome is not None:
                return self._welcome
            if self._fatal is not None:
                raise self._fatal
            remaining = deadline - loop.time()
            attempt = self._attempt
            if remaining <= 0 or attempt is None:
                detail = f": {self.status.detail}" if self.status.detail else ""
                raise UnreachableError(f"no connection to {self._hostport} within {timeout:g} s{detail}")
            try:
                outcome = await asyncio.wait_for(asyncio.shield(attempt), remaining)
            except asyncio.TimeoutError:
                continue
            if isinstance(outcome, BaseException):
                raise outcome
            if isinstance(outcome, dict):
                return outcome

    def submit(self, op: str, **args: Any) -> asyncio.Future[dict[str, Any]]:
        """Queue a command (works offline); the future gets the result ``data`` or
        a :class:`CommandError`. Bad arguments raise CommandError("bad_args") at once."""
        if self._closing:
            raise CommandError("closed", "the client is closing")
        try:
            handle = self._session.command(op, **args)
        except codec.ProtocolError as exc:
            raise CommandError(exc.code, exc.message) from None
        store = self.outbox_store
        if store is not None and store.wants(op):
            try:
                store.outbox_put(handle.id, handle.op, handle.args)  # on disk before on the wire
            except Exception:  # a full disk must not stop the agent's message
                log.exception("could not store command %s in the local cache", op)
        return self._future_for(handle.id)

    def restore(self, command_id: str, op: str, args: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        """Queue again a command stored by an earlier run (see :class:`OutboxStore`),
        with its original id, so that it takes effect once. Call before :meth:`start`."""
        try:
            self._session.adopt(command_id, op, args)
        except codec.ProtocolError as exc:
            self._forget_stored(command_id, op)
            raise CommandError(exc.code, exc.message) from None
        return self._future_for(command_id)

    def _future_for(self, command_id: str) -> asyncio.Future[dict[str, Any]]:
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._futures[command_id] = fut
        self._wake.set()
        self._set_status(self.status.state, self.status.detail)
        return fut

    def _forget_stored(self, command_id: str, op: str) -> None:
        store = self.outbox_store
        if store is not None and store.wants(op):
            try:
                store.outbox_drop(command_id)
            except Exception:  # see submit: the center's answer still counts
                log.exception("could not drop command %s from the local cache", op)

    def cancel(self, command_id: str) -> bool:
        """Take back a queued command that was never sent (the agent undid a
        message typed offline). Its future fails with CommandError("cancelled").
        A command already sent may have taken effect, so it cannot be cancelled."""
        op = next((c.op for c in self._session.outbox if c.id == command_id), "")
        if not self._session.cancel(command_id):
            return False
        self._forget_stored(command_id, op)
        fut = self._futures.pop(command_id, None)
        if fut is not None and not fut.done():
            fut.set_exception(CommandError("cancelled", "cancelled before it was sent"))
        self._set_status(self.status.state, self.status.detail)
        return True

    async def call(self, op: str, **args: Any) -> dict[str, Any]:
        """Send a command and await its result ``data``; raises :class:`CommandError`.
        Retries after link drops use the same idempotency id (takes effect once)."""
        return await self.submit(op, **args)

    async def close(self, logout: bool = False) -> None:
        """Stop. Without *logout* the center keeps the agent's state for its grace
        period (other sessions go on); with *logout* the session ends at once."""
        if self._closing:
            return
        if logout and self._online:
            try:
                await asyncio.wait_for(self.call("logout"), LOGOUT_TIMEOUT)
            except (CommandError, asyncio.TimeoutError) as exc:
                log.warning("logout was not confirmed by the center: %s", exc)
        self._closing = True
        self._logout = logout
        self._stop.set()
        self._wake.set()
        task = self._task
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), CLOSE_TIMEOUT + 1)
            except asyncio.TimeoutError:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        for fut in self._futures.values():
            if not fut.done():
                fut.set_exception(CommandError("closed", "the client closed before the center answered"))
        self._futures.clear()
        self._online = False
        self._set_status("offline", "closed")

    # -- the reconnect loop -----------------------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        failures = 0  # attempts since the last stable connection
        quick = 0
        while not self._closing:
            if self._attempt is None or self._attempt.done():
                self._attempt = loop.create_future()
            try:
                await self._connect_once()
                retry_now = False
            except _Reconnect:
                retry_now = True
            except AuthError as exc:
                self._fail(exc, "auth_failed", str(exc), fatal=True)
                return
            except TrustError as exc:
                # Not fatal: a certificate can be fixed on the center while we wait.
                self._fail(exc, "reconnecting" if self._ever_online else "connecting", str(exc))
                retry_now = False
            except UnreachableError as exc:
                self._fail(exc, "reconnecting" if self._ever_online else "connecting", str(exc))
                retry_now = False
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug must not end the loop silently
                log.exception("center connection failed unexpectedly")
                self._fail(UnreachableError(f"connection to {self._hostport} failed: {exc}"),
                           "reconnecting", f"internal error: {exc}")
                retry_now = False
            if self._closing:
                return
            up_for = (loop.time() - self._online_since) if self._online_since is not None else 0.0
            if up_for >= STABLE_AFTER:
                failures = 0
                quick = 0
            if retry_now and quick < MAX_QUICK_RETRIES:
                # A gap or a rejected token: reconnect at once, but not forever
                # (a center that keeps sending gaps must not make us spin).
                quick += 1
                continue
            delay = backoff_delay(failures)
            failures += 1
            try:
                await asyncio.wait_for(self._stop.wait(), delay)
            except asyncio.TimeoutError:
                pass

    def _fail(self, exc: Exception, state: str, detail: str, fatal: bool = False) -> None:
        if fatal:
            self._fatal = exc
        attempt = self._attempt
        if attempt is not None and not attempt.done():
            attempt.set_result(exc)  # a value, not set_exception: nobody may be waiting
        self._set_status(state, detail)

    async def _connect_once(self) -> None:
        """One connection: open, log in, then pump frames until it ends."""
        self._online_since = None
        ws = await self._open()
        self._ws = ws
        try:
            await self._login(ws)
            self._online_since = asyncio.get_running_loop().time()
            await self._pump(ws)
        finally:
            self._ws = None
            was_online = self._online
            self._online = False
            self._session.connection_lost()
            try:
                await asyncio.wait_for(ws.close(), CLOSE_TIMEOUT)
            except (asyncio.TimeoutError, OSError, ConnectionClosed):
                pass
            if was_online and not self._closing:
                self._set_status("reconnecting", f"connection to {self._hostport} lost; reconnecting")

    async def _open(self) -> ClientConnection:
        try:
            ctx = client_ssl_context(self.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise TrustError(f"cannot use CA file {self.ca_file}: {exc}") from None
        try:
            ws = await connect(
                self.server,
                subprotocols=[m.SUBPROTOCOL],  # type: ignore[list-item]
                ssl=ctx,
                compression="deflate",
                open_timeout=OPEN_TIMEOUT,
                close_timeout=CLOSE_TIMEOUT,
                ping_interval=None,  # our own app-level ping measures RTT and liveness
                max_size=self._session.max_frame,
                proxy=None,
                user_agent_header=f"agent-tui/{__version__}",
            )
        except ssl.SSLCertVerificationError as exc:
            reason = getattr(exc, "verify_message", None) or str(exc)
            raise TrustError(
                f"TLS certificate of {self._hostport} is not trusted by CA file {self.ca_file}: {reason}"
            ) from None
        except ssl.SSLError as exc:
            raise UnreachableError(f"TLS handshake with {self._hostport} failed: {exc}") from None
        except InvalidURI as exc:
            raise UnreachableError(f"bad server address {self.server!r}: {exc}") from None
        except InvalidStatus as exc:
            if exc.response.status_code == 503:  # the center's login admission: retried with the backoff
                raise UnreachableError(f"the center at {self._hostport} is busy (too many logins in progress "
                                       "from this address); trying again") from None
            raise UnreachableError(f"{self._hostport} is not an agent-tui center: {exc}") from None
        except InvalidHandshake as exc:
            raise UnreachableError(f"{self._hostport} is not an agent-tui center: {exc}") from None
        except (OSError, asyncio.TimeoutError) as exc:
            raise UnreachableError(f"cannot connect to {self._hostport}: {describe_connect_error(exc)}") from None
        if ws.subprotocol != m.SUBPROTOCOL:
            await ws.close()
            raise UnreachableError(f"{self._hostport} does not speak {m.SUBPROTOCOL}")
        return ws

    async def _login(self, ws: ClientConnection) -> None:
        loop = asyncio.get_running_loop()
        await ws.send(codec.encode(self._session.hello_frame()))
        deadline = loop.time() + WELCOME_TIMEOUT
        while not self._session.is_open:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise UnreachableError(f"{self._hostport} did not answer the login")
            try:
                text = await asyncio.wait_for(ws.recv(), remaining)
            except asyncio.TimeoutError:
                raise UnreachableError(f"{self._hostport} did not answer the login") from None
            except ConnectionClosed as exc:
                raise UnreachableError(f"{self._hostport} closed the connection during login: {exc}") from None
            self._dispatch(self._session.receive(text, loop.time()))

    async def _pump(self, ws: ClientConnection) -> None:
        reader = asyncio.ensure_future(self._read(ws))
        writer = asyncio.ensure_future(self._write(ws))
        try:
            done, _ = await asyncio.wait({reader, writer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in (reader, writer):
                t.cancel()
            await asyncio.gather(reader, writer, return_exceptions=True)
        for t in done:
            exc = t.exception()
            if exc is not None:
                if isinstance(exc, _Reconnect):
                    raise exc
                if isinstance(exc, _LinkDead):
                    log.info("link to %s is dead (no pong); reconnecting", self._hostport)
                    # No close handshake over a dead link: it would only wait out CLOSE_TIMEOUT.
                    ws.transport.abort()
                    return
                if isinstance(exc, ConnectionClosed):
                    return
                raise exc

    async def _read(self, ws: ClientConnection) -> None:
        loop = asyncio.get_running_loop()
        async for text in ws:
            self._rx_at = loop.time()
            self._dispatch(self._session.receive(text, loop.time()))
            self._wake.set()  # acks may be due

    async def _write(self, ws: ClientConnection) -> None:
        loop = asyncio.get_running_loop()
        next_ping = loop.time()
        ping_sent_at: float | None = None
        while True:
            now = loop.time()
            if self._closing:
                final = self._session.final_ack_frame()
                if final is not None:
                    await ws.send(codec.encode(final))
                if self._logout:
                    await ws.send(codec.encode(self._session.bye_frame()))
                return
            for frame in self._session.frames_to_send(now):
                await ws.send(codec.encode(frame))
            # Any frame since the ping proves the link lives (a pong may queue
            # behind a burst of events on a slow link).
            if ping_sent_at is not None and self._rx_at >= ping_sent_at:
                ping_sent_at = None
            if now >= next_ping:
                if ping_sent_at is not None:
                    raise _LinkDead()
                ping_sent_at = now
                await ws.send(codec.encode(self._session.ping_frame(now)))
                next_ping = now + self.ping_interval
            wake_at = next_ping
            ack_at = self._session.next_ack_at()
            if ack_at is not None:
                wake_at = min(wake_at, ack_at)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), max(0.0, wake_at - loop.time()))
            except asyncio.TimeoutError:
                pass

    # -- turning session events into callbacks -------------------------------------

    def _dispatch(self, events: list[ps.SessionEvent]) -> None:
        for ev in events:
            if isinstance(ev, ps.Event):
                self._callback(self.on_event, ev.frame)
            elif isinstance(ev, ps.Result):
                self._forget_stored(ev.id, ev.op)
                fut = self._futures.pop(ev.id, None)
                if fut is not None and not fut.done():
                    fut.set_result(ev.data)
                self._set_status(self.status.state, self.status.detail)
            elif isinstance(ev, ps.CommandFailed):
                self._forget_stored(ev.id, ev.op)
                fut = self._futures.pop(ev.id, None)
                if fut is not None and not fut.done():
                    fut.set_exception(CommandError(ev.code, ev.message))
                self._set_status(self.status.state, self.status.detail)
            elif isinstance(ev, ps.Welcome):
                self._on_welcome(ev)
            elif isinstance(ev, ps.Pong):
                self.status = replace(self.status, rtt_ms=round(ev.rtt * 1000, 1))
                self._set_status(self.status.state, self.status.detail, force=True)
            elif isinstance(ev, ps.AuthFailed):
                if ev.retry_with_password:
                    log.info("session token rejected; logging in with the password")
                    raise _Reconnect()
                if ev.code == m.ErrorCode.UNSUPPORTED_VERSION.value:
                    raise UnreachableError(f"{self._hostport}: {ev.message}")
                what = "session token rejected" if ev.code == m.ErrorCode.TOKEN_INVALID.value \
                    else "wrong user or password"
                raise AuthError(f"{what} for {self.user} at {self._hostport}: {ev.message}")
            elif isinstance(ev, ps.ResyncNeeded):
                log.info("event gap (expected %d, got %d); resuming", ev.expected, ev.got)
                raise _Reconnect()
            elif isinstance(ev, ps.ServerError):
                log.warning("center error %s: %s", ev.code, ev.message)
            elif isinstance(ev, ps.BadFrame):
                log.warning("ignored a frame from the center: %s", ev.message)

    def _on_welcome(self, ev: ps.Welcome) -> None:
        self._welcome = ev.frame
        self._online = True
        self._ever_online = True
        if ev.token_changed and ev.token and self.on_token is not None:
            self._callback(self.on_token, ev.token)
        attempt = self._attempt
        if attempt is not None and not attempt.done():
            attempt.set_result(ev.frame)
        self._set_status("online", f"online at {self._hostport}" + (" (resumed)" if ev.resumed else ""))
        self._callback(self.on_welcome, ev.frame)

    def _callback(self, fn: Callable[[Any], None] | None, arg: Any) -> None:
        if fn is None:
            return
        try:
            fn(arg)
        except Exception:  # a faulty consumer must not break the session
            log.exception("callback %r failed", fn)

    def _set_status(self, state: str, detail: str, force: bool = False) -> None:
        new = ConnectionStatus(state=state, rtt_ms=self.status.rtt_ms, detail=detail,
                               queued=len(self._session.outbox))
        if new == self.status and not force:
            return
        self.status = new
        self._callback(self.on_status, new)


def backoff_delay(failures: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after *failures* failed attempts in a row: exponential from
    BACKOFF_START to BACKOFF_CAP, with jitter (a random point in the upper half)
    so that 200 agents behind one dropped office link do not all return at once."""
    ceiling = min(BACKOFF_CAP, BACKOFF_START * (2 ** min(failures, 16)))
    return (rng or random).uniform(ceiling / 2, ceiling)


def describe_connect_error(exc: BaseException) -> str:
    """A short human reason for a failed connect (asyncio's messages name no cause)."""
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return "timed out"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror or exc})"
    if isinstance(exc, OSError):
        reasons = {
            errno.ECONNREFUSED: "connection refused (is the center running on that port?)",
            errno.EHOSTUNREACH: "host unreachable",
            errno.ENETUNREACH: "network unreachable",
            errno.ECONNRESET: "connection reset",
            errno.ETIMEDOUT: "timed out",
        }
        if exc.errno in reasons:
            return reasons[exc.errno]
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or type(exc).__name__
