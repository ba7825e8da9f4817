"""The center's network shell: the wss endpoint for agents and the HTTPS ingress.

Thin I/O around :class:`agent_tui.center.hub.Hub`: frames are decoded and
validated with :mod:`agent_tui.protocol.codec`, handed to the hub, and the
hub's answers and events are written back by one writer task per connection
(so a slow client never blocks the center; one that falls too far behind is
disconnected and resumes from the database).

- Customers come in over HTTPS: ``POST /v1/messages`` (:meth:`CenterServer._route_http`)
  checks the bearer key, validates the body with the codec's public ingress checks
  (:func:`_ingress_args`) and calls :meth:`Hub.ingest` (→ :mod:`agent_tui.center.conversations`);
  ``POST /v1/leave`` ends a conversation; ``GET /v1/outbox`` serves the agents' replies.
- Agents come in over wss: ``hello`` → :meth:`Hub.check_token` or a password check, then
  :meth:`Hub.attach` (welcome, resume); each ``cmd`` frame → :meth:`Hub.command`
  (→ :mod:`agent_tui.center.commands`) and its answer goes back on the same connection; events
  reach the connection through ``Conn.send`` (``_Session.send``) after their transaction commits.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from agent_tui.center.admission import BUSY_RETRY_AFTER_S, LOGIN_DEADLINE_S, Admission, RateLimited
from agent_tui.center.config import CenterConfig
from agent_tui.center.hub import Conn, DomainError, Hub
from agent_tui.center.send_queue import CLOSE_BEHIND, CLOSE_BUSY, SendQueue
from agent_tui.center.storage import StorageFull
from agent_tui.center.tls_gate import TLS_GATE, gated
from agent_tui.protocol import codec
from agent_tui.protocol import messages as m
from agent_tui.secure.tls import server_ssl_context

log = logging.getLogger("agent_tui.center.server")

# websockets refuses (closes) messages above this; frames between MAX_FRAME_BYTES and this
# get a `too_large` error reply and the connection stays open.
WS_MAX_SIZE = 4 * m.MAX_FRAME_BYTES
# Before login a connection may send only small frames (a hello is well under 4 KiB): a crowd of
# unauthenticated peers must not make the center buffer a megabyte each.
PRELOGIN_MAX_SIZE = 64 * 1024
# Incoming frames websockets buffers per connection before it stops reading the socket.
WS_MAX_QUEUE = 4
# The transport's own buffer: ws.send waits (and the writer counts as blocked) above this.
WS_WRITE_LIMIT = 32 * 1024
STALL_CHECK_S = 1.0  # how often sessions are checked for a writer stuck on a full socket
TLS_HANDSHAKE_TIMEOUT_S = 10.0


class _Session:
    """Per-connection state: the send queue (:class:`SendQueue`), the login, the peer address."""

    def __init__(self, ws: ServerConnection):
        self.ws = ws
        self.out = SendQueue(ws)
        self.conn: Conn | None = None
        self.bye = False
        peer = ws.remote_address
        self.addr = str(peer[0]) if peer else "?"
        self.out.label = self.addr

    def send(self, frame: dict) -> None:
        self.out.send(frame)

    def close(self, code: int = 1000, reason: str = "") -> None:
        self.out.close(code, reason)

    def protocol_error(self, frame: dict) -> bool:
        return self.out.protocol_error(frame)


class CenterServer:
    """Serves the wss endpoint and the HTTPS ingress for one :class:`Hub`."""

    def __init__(self, hub: Hub, cfg: CenterConfig, *, host: str | None = None, port: int | None = None,
                 ingress_port: int | None = None):
        self.hub = hub
        self.cfg = cfg
        self.host = host or cfg.host
        self.port = cfg.port if port is None else port
        self.ingress_port = cfg.ingress_port if ingress_port is None else ingress_port
        self.ssl = server_ssl_context(cfg.tls_dir / "server.pem", cfg.tls_dir / "server.key")
        self.ingress_key = cfg.ingress_key_file.read_text(encoding="utf-8").strip()
        self._ws_server: Any = None
        self._http_server: asyncio.AbstractServer | None = None
        self._sessions: set[_Session] = set()
        self.admission = Admission()
        self.keepalive_s = cfg.keepalive_s
        self._watchdog: asyncio.Task[None] | None = None
        self._handshakes: set[asyncio.Task[None]] = set()  # TLS handshakes in the gate (tls_gate)
        self.url = ""
        self.ingress_url = ""

    async def start(self) -> None:
        # TLS is done by the gate (not by the listening socket), so that an address over its cap
        # is refused before the handshake: see agent_tui/center/tls_gate.py.
        # Python 3.10's asyncio start_tls (before the 3.11 rewrite of its TLS layer) stalled some
        # handshakes behind the gate; there the listener does TLS itself, and an address over its
        # cap is refused right after the handshake instead of before it.
        tls: dict[str, Any] = (
            {"ssl": None, "create_connection": gated(self.ssl, self.admission.refuse_before_tls, self._handshakes,
                                                      TLS_HANDSHAKE_TIMEOUT_S)}
            if TLS_GATE else {"ssl": self.ssl})
        self._ws_server = await serve(
            self._handle, self.host, self.port, **tls,
            subprotocols=[Subprotocol(m.SUBPROTOCOL)],
            compression="deflate", max_size=WS_MAX_SIZE, max_queue=WS_MAX_QUEUE, write_limit=WS_WRITE_LIMIT,
            ping_interval=self.keepalive_s / 2, ping_timeout=self.keepalive_s / 2,
            close_timeout=5, process_request=self._check_subprotocol,
        )
        self._watchdog = asyncio.get_running_loop().create_task(self._watch_stalls())
        port = self._ws_server.sockets[0].getsockname()[1]
        self.url = f"wss://{self._url_host(self.host)}:{port}"
        self._http_server = await asyncio.start_server(
            self._http, self.cfg.ingress_host, self.ingress_port, ssl=self.ssl, limit=64 * 1024)
        iport = self._http_server.sockets[0].getsockname()[1]
        self.ingress_url = f"https://{self._url_host(self.cfg.ingress_host)}:{iport}"

    @staticmethod
    def _url_host(host: str) -> str:
        return f"[{host}]" if ":" in host else host

    async def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        for s in list(self._sessions):
            s.close(1001, "center stopping")
        if self._http_server is not None:
            self._http_server.close()
        if self._ws_server is not None:
            self._ws_server.close()
            for t in list(self._handshakes):  # connections still in their TLS handshake (tls_gate)
                t.cancel()
            try:
                await asyncio.wait_for(self._ws_server.wait_closed(), 5)
            except asyncio.TimeoutError:
                pass
        if self._http_server is not None:
            try:
                await asyncio.wait_for(self._http_server.wait_closed(), 2)
            except asyncio.TimeoutError:
                pass
        self.admission.close()

    async def _watch_stalls(self) -> None:
        """Close sessions whose writer has been stuck on a full socket for the keepalive timeout.

        websockets' own ping cannot: it waits behind the blocked write, so its timeout never starts.
        """
        while True:
            await asyncio.sleep(STALL_CHECK_S)
            now = time.monotonic()
            for s in list(self._sessions):
                if s.out.stalled_for(now) > self.keepalive_s:
                    log.warning("session of %s stopped reading for %.0f s: closing it", s.out.label,
                                self.keepalive_s)
                    s.close(CLOSE_BEHIND, "not reading: socket full for the keepalive timeout; reconnect and resume")

    def _check_subprotocol(self, connection: ServerConnection, request: Any) -> Any:
        offered = request.headers.get("Sec-WebSocket-Protocol", "")
        if m.SUBPROTOCOL not in [p.strip() for p in offered.split(",")]:
            return connection.respond(400, f"this is an agent-tui center; use subprotocol {m.SUBPROTOCOL}\n")
        peer = connection.remote_address
        if peer and self.admission.busy(str(peer[0])):
            # Cheaper than upgrading and then closing; and a clear answer the desk retries after a while.
            # The next connections from there within a second are closed before TLS (tls_gate).
            self.admission.busy_answered(str(peer[0]))
            response = connection.respond(
                503, "the center is busy: too many logins in progress from your address; try again later\n")
            response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_S)
            return response
        return None

    # ------------------------------------------------------------------ websocket sessions

    async def _handle(self, ws: ServerConnection) -> None:
        s = _Session(ws)
        self._sessions.add(s)
        try:
            if not self.admission.enter(s.addr):
                s.close(CLOSE_BUSY, "too many connections from your address are logging in; try again later")
            else:
                try:
                    ws.protocol.max_message_size = PRELOGIN_MAX_SIZE
                    logged_in = await self._login(s)
                finally:
                    self.admission.leave(s.addr)
                if logged_in:
                    ws.protocol.max_message_size = WS_MAX_SIZE
                    await self._serve_session(s)
        except ConnectionClosed:
            pass
        except Exception:
            log.exception("session failed")
        finally:
            sent = s.out.closing  # the center's own close (code, reason), if it closed the session
            self._sessions.discard(s)
            s.close()
            # Keep reading (and dropping) until the close handshake is done: websockets stops
            # reading when unread messages pile up, and would then never see the client's close.
            try:
                await asyncio.wait_for(self._drain(s.ws), 5)
            except Exception as exc:  # noqa: BLE001 — a peer that never finishes closing is just dropped
                log.debug("close handshake not completed: %r", exc)
            if s.conn is not None:
                s.conn.closed = True
                try:
                    self.hub.detach(s.conn, bye=s.bye)
                except Exception:
                    log.exception("detach failed")
            await s.out.finish(5)
            log.info("session of %s ended: close code %s (%s)", s.out.label, sent[0] if sent else ws.close_code,
                     sent[1] if sent else (ws.close_reason or "closed by the peer"))

    @staticmethod
    async def _drain(ws: ServerConnection) -> None:
        async for _ in ws:
            pass

    async def _login(self, s: _Session) -> bool:
        """Read frames until a good hello (True) or the end of the connection (False).

        The connection has LOGIN_DEADLINE_S to log in; time spent waiting for a password check
        (the hashing queue) does not count, so a burst of real logins does not time out.
        """
        deadline = time.monotonic() + LOGIN_DEADLINE_S
        while True:
            try:
                text = await asyncio.wait_for(s.ws.recv(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                s.send(codec.error_frame("not_authenticated", f"no login within {LOGIN_DEADLINE_S:g} s"))
                s.close(1008, "no login in time")
                return False
            try:
                frame = codec.decode_client_frame(text)
            except codec.ProtocolError as exc:
                if not s.protocol_error(exc.to_frame()):
                    return False
                continue
            if frame["type"] == "ping":
                s.send({"type": "pong", "t": frame.get("t")})
                continue
            if frame["type"] == "bye":
                s.close(1000, "bye")
                return False
            if frame["type"] != "hello":
                if not s.protocol_error(codec.error_frame("not_authenticated", "send hello first",
                                                          frame.get("id"))):
                    return False
                continue
            checking = time.monotonic()
            refused_for: float | None = None
            try:
                user, sid, token = await self._authenticate(frame, s.addr)
            except RateLimited as exc:
                # Answered at once, and the connection stays: a refusal without a hash is cheaper
                # than the TLS handshake of a reconnect (holding the answer back made crowds reconnect).
                if not s.protocol_error(codec.error_frame("rate_limited", str(exc))):
                    return False
                refused_for = exc.retry_after
            except DomainError as exc:
                if not s.protocol_error(codec.error_frame(exc.code, exc.message)):
                    return False
                continue
            finally:
                deadline += time.monotonic() - checking
            if refused_for is not None:
                # Nothing more is read from it until the wait is over (the deadline still runs):
                # a crowd guessing in a tight loop on open connections took the event loop's time.
                # A peer that closes meanwhile is let go at once (it must not hold its address's slot).
                try:
                    await asyncio.wait_for(s.ws.wait_closed(), min(refused_for, max(0.0, deadline - time.monotonic())))
                except asyncio.TimeoutError:
                    pass
                continue
            resume = frame.get("resume", {}).get("since") if frame.get("resume") else None
            s.conn = Conn(user, sid, s.send, s.close, frame.get("client", ""))
            s.conn.max_frame = frame["max_frame"]
            s.out.label = f"{user} ({s.addr})"
            s.out.replay = True  # the welcome and a resumed backlog are not held to the queue limit
            attaching = time.monotonic()
            try:
                welcome = self.hub.attach(s.conn, token, resume)
            finally:
                s.out.replay = False
            # Where a login's time went (bench/login_attack.py reads it): the check, then the welcome.
            log.info("session %s: %s logged in (%s, %s; check %.0f ms, welcome %.0f ms)", sid, user,
                     frame.get("client", "?"), "resumed" if welcome["resumed"] else "snapshot",
                     (attaching - checking) * 1000, (time.monotonic() - attaching) * 1000)
            return True

    async def _authenticate(self, hello: dict, addr: str) -> tuple[str, str, str]:
        a = hello["auth"]
        if "token" in a:  # cheap (one SHA-256 and a lookup): not rate limited, no hashing slot
            user, sid = self.hub.check_token(a["token"])
            return user, sid, a["token"]
        user = a["user"]
        self.admission.check(user, addr)  # before any database or hashing work
        stored = self.hub.check_password_row(user)
        # scrypt is deliberately slow: off the event loop, within the global hashing cap.
        ok = await self.admission.verify(user, addr, a["password"], stored)
        if not ok or user not in self.hub.agents:
            if stored is None:
                # Never echo an unknown name: it may be a password typed into the user field.
                log.warning("failed login from %s: unknown user name", addr)
            else:
                log.warning("failed login from %s for user %s: wrong password", addr, user)
            raise DomainError("auth_failed", "wrong user name or password")
        for fn in list(self.hub.password_listeners):  # e.g. the voice bridge keeps Kamailio's HA1 current
            try:
                fn(user, a["password"])
            except Exception:  # a listener must never break a login
                log.exception("password listener failed")
        sid, token = self.hub.create_session(user, hello.get("client", ""))
        return user, sid, token

    async def _serve_session(self, s: _Session) -> None:
        assert s.conn is not None
        async for text in s.ws:
            try:
                frame = codec.decode_client_frame(text)
            except codec.ProtocolError as exc:
                if not s.protocol_error(exc.to_frame()):
                    return
                continue
            ftype = frame["type"]
            if ftype == "cmd":
                s.send(self.hub.command(s.conn, frame))
            elif ftype == "ack":
                self.hub.ack(s.conn, frame["seq"])
            elif ftype == "ping":
                s.send({"type": "pong", "t": frame.get("t")})
            elif ftype == "bye":
                s.bye = True
                s.close(1000, "bye")
                return
            else:  # a second hello
                if not s.protocol_error(codec.error_frame("bad_args", "already logged in")):
                    return

    # ------------------------------------------------------------------ HTTPS ingress

    async def _http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One ingress connection; HTTP/1.1 keep-alive so integrations need not redo TLS per message."""
        try:
            for _ in range(1000):
                keep = False
                try:
                    status, body, keep = await asyncio.wait_for(self._http_request(reader), 15)
                except _NoRequest:
                    break
                except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError,
                        asyncio.LimitOverrunError, RecursionError):
                    status, body = 400, _err("malformed", "bad HTTP request")
                except Exception:
                    log.exception("ingress request failed")
                    status, body = 500, _err("internal", "ingress failed")
                payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
                reason = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
                          405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large",
                          500: "Internal Server Error", 507: "Insufficient Storage"}.get(status, "Error")
                head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\n"
                        f"Content-Length: {len(payload)}\r\n"
                        f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n").encode("ascii")
                writer.write(head + payload)
                await writer.drain()
                if not keep:
                    break
        except (ConnectionError, OSError):
            pass
        finally:
            try:
                writer.close()
                await asyncio.wait_for(writer.wait_closed(), 2)
            except (ConnectionError, asyncio.TimeoutError, OSError):
                pass

    async def _http_request(self, reader: asyncio.StreamReader) -> tuple[int, dict, bool]:
        raw = await reader.readline()
        if not raw:
            raise _NoRequest()
        line = raw.decode("latin-1").strip()
        parts = line.split()
        if len(parts) != 3:
            return 400, _err("malformed", "bad request line"), False
        method, target, version = parts
        headers: dict[str, str] = {}
        for _ in range(100):
            h = (await reader.readline()).decode("latin-1")
            if h in ("\r\n", "\n", ""):
                break
            k, _, v = h.partition(":")
            headers[k.strip().lower()] = v.strip()
        keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        length = int(headers.get("content-length", "0") or 0)
        if length < 0 or length > m.MAX_INGRESS_BODY:
            return 413, _err("too_large", f"body larger than {m.MAX_INGRESS_BODY} bytes"), False
        body = await reader.readexactly(length) if length else b""
        status, out = self._route_http(method, target, headers, body)
        return status, out, keep

    def _route_http(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        url = urlsplit(target)
        if url.path == "/v1/health":
            return 200, {"ok": True}
        presented = headers.get("authorization", "")
        expected = f"Bearer {self.ingress_key}"
        if not hmac.compare_digest(presented.encode("utf-8", "replace"), expected.encode("utf-8")):
            return 401, _err("auth_failed", "missing or wrong bearer key (see secrets/ingress.key)")
        try:
            if url.path == "/v1/messages":
                if method != "POST":
                    return 405, _err("bad_args", "use POST")
                return 201, self.hub.ingest(**_ingress_args(body))
            if url.path == "/v1/leave":
                if method != "POST":
                    return 405, _err("bad_args", "use POST")
                return 200, self._leave(body)
            if url.path == "/v1/outbox":
                if method != "GET":
                    return 405, _err("bad_args", "use GET")
                q = parse_qs(url.query)
                since = q.get("since", [None])[0]
                return 200, {"messages": self.hub.outbox(q.get("customer", [None])[0],
                                                         float(since) if since else None)}
        except DomainError as exc:
            return {"not_found": 404, "conflict": 409, "too_large": 413}.get(exc.code, 400), _err(exc.code, exc.message)
        except StorageFull as exc:  # disk full: nothing was stored; the sender should retry later
            return 507, _err(exc.code, exc.message)
        return 404, _err("not_found", f"no endpoint {url.path}")

    def _leave(self, body: bytes) -> dict:
        obj = _json_body(body)
        channel, customer = obj.get("channel"), obj.get("from")
        if not isinstance(channel, str) or not isinstance(customer, str):
            raise DomainError("bad_args", "leave needs channel and from")
        return {"conversation": self.hub.leave(channel, customer)}


class _NoRequest(Exception):
    """The client closed a keep-alive connection between requests."""


def _err(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def _json_body(body: bytes) -> dict:
    try:
        obj = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: JSON nested too deeply
        raise DomainError("malformed", "body must be JSON (not nested too deeply)") from None
    if not isinstance(obj, dict):
        raise DomainError("malformed", "body must be a JSON object")
    return obj


def _ingress_args(body: bytes) -> dict:
    """Validate ``POST /v1/messages`` with the same limits as the wire protocol."""
    obj = _json_body(body)
    unknown = set(obj) - {"channel", "from", "name", "subject", "text", "queue", "priority"}
    if unknown:
        raise DomainError("bad_args", f"unknown field {sorted(unknown)[0]!r}")
    try:
        channel = codec.require_str(obj.get("channel"), "channel", m.MAX_ID)
        customer = codec.require_str(obj.get("from"), "from", m.MAX_ID)
        text = codec.require_str(obj.get("text"), "text", m.MAX_INGRESS_TEXT)
        out: dict[str, Any] = {"channel": channel, "customer": customer, "text": text}
        for name in ("name", "subject"):
            if obj.get(name) is not None:
                out[name] = codec.require_str(obj[name], name, m.MAX_SHORT)
        if obj.get("queue") is not None:
            out["queue"] = codec.require_str(obj["queue"], "queue", m.MAX_ID)
        if obj.get("priority") is not None:
            out["priority"] = codec.require_int(obj["priority"], "priority", 0, 2)
    except codec.ProtocolError as exc:
        raise DomainError(exc.code, exc.message) from None
    return out


def write_run_file(cfg: CenterConfig, server: CenterServer) -> Path:
    """``DIR/run/center.json``: where this center listens, for ``center inject`` on the same host."""
    run = cfg.dir / "run"
    run.mkdir(exist_ok=True, mode=0o700)
    path = run / "center.json"
    tmp = run / f".center.json.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps({"wss": server.url, "ingress": server.ingress_url, "pid": os.getpid()}))
    os.replace(tmp, path)
    return path
