"""SIP signalling on the system's TLS stack (OpenSSL 3, TLS 1.3) for pjsua2, whose wheel has OpenSSL 1.0.2k.

pjsua2 talks plain SIP over TCP to ``127.0.0.1:<ephemeral>``; this relay terminates that connection and
carries the bytes to the registrar over TLS 1.3 made by Python's ``ssl`` (verification on, the center's
CA, the registrar's address checked against the certificate). The loopback leg never leaves the process:

* the listener is bound to 127.0.0.1 with an ephemeral port and takes one connection at a time;
* a connection is kept only when its other end is a socket of *this* process (its inode is among our
  file descriptors): no other program on the machine can talk through the relay;
* SDES keys (``a=crypto``) therefore still only leave the process inside TLS.

pjsua2 must believe the registrar is the relay, and Kamailio must see its own address in ``Route``. The
relay rewrites the one URI both ways in the header block (never in a body): towards Kamailio
``sip:127.0.0.1:<port>;transport=tcp`` → ``sip:HOST:PORT;transport=tls``, and back the other way (the
``Record-Route`` of dialogs), in the start line and the Route/Record-Route headers only. Framing is SIP's own (header block + ``Content-Length``).
"""

from __future__ import annotations

import os
import re
import selectors
import socket
import ssl
import threading
from dataclasses import replace
from pathlib import Path

from agent_tui.sip.config import AccountSpec

_CL = re.compile(rb"^(?:content-length|l)[ \t]*:[ \t]*(\d+)", re.IGNORECASE | re.MULTILINE)
MAX_MESSAGE = 65536  # a peer sending more without a complete header block is cut off


class RelayError(Exception):
    """The registrar's TLS could not be set up (address, certificate, version); the message says which."""


def split_messages(buf: bytearray) -> list[bytes]:
    """Remove and return every complete SIP message (or CRLF keep-alive) at the start of *buf*."""
    out: list[bytes] = []
    while buf:
        if buf.startswith(b"\r\n"):  # RFC 5626 keep-alives: CRLF CRLF, answered by CRLF
            n = 4 if buf.startswith(b"\r\n\r\n") else 2
            out.append(bytes(buf[:n]))
            del buf[:n]
            continue
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            break
        m = _CL.search(bytes(buf[:end + 2]))
        total = end + 4 + (int(m.group(1)) if m else 0)
        if len(buf) < total:
            break
        out.append(bytes(buf[:total]))
        del buf[:total]
    return out


def rewrite(msg: bytes, old: bytes, new: bytes) -> bytes:
    """*msg* with *old* replaced by *new* in its start line, ``Route`` and ``Record-Route`` only.

    Never in a body, and never in ``Authorization`` (its digest covers the URI the phone signed).
    """
    end = msg.find(b"\r\n\r\n")
    if end < 0:
        return msg
    lines = msg[:end].split(b"\r\n")
    for i, line in enumerate(lines):
        if i == 0 or line[:6].lower() == b"route:" or line[:13].lower() == b"record-route:":
            lines[i] = line.replace(old, new)
    return b"\r\n".join(lines) + msg[end:]


def socket_is_ours(local_port: int, peer_port: int) -> bool:
    """Whether the loopback TCP socket 127.0.0.1:peer_port → 127.0.0.1:local_port is one of our fds."""
    want_local, want_remote = f"0100007F:{peer_port:04X}", f"0100007F:{local_port:04X}"
    inode = ""
    try:
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            f = line.split()
            if f[1] == want_local and f[2] == want_remote:
                inode = f[9]
                break
        if not inode:
            return False
        target = f"socket:[{inode}]"
        for fd in os.listdir("/proc/self/fd"):
            try:
                if os.readlink(f"/proc/self/fd/{fd}") == target:
                    return True
            except OSError:
                continue
    except OSError:
        return False
    return False


class SipTlsRelay:
    """Loopback TCP (pjsua2) ⇄ TLS 1.3 (the registrar); see the module docstring."""

    def __init__(self, host: str, port: int, ca_file: str | Path, *, server_name: str | None = None,
                 minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3, connect_timeout: float = 8.0,
                 keepalive_s: int = 25):
        self.host, self.port = host, port
        self.server_name = server_name or host
        try:
            self.ctx = ssl.create_default_context(cafile=str(ca_file))  # CERT_REQUIRED + hostname check
        except (OSError, ssl.SSLError) as exc:
            raise RelayError(f"CA file {ca_file}: {exc}") from None
        self.ctx.minimum_version = minimum
        self.connect_timeout = connect_timeout
        self.keepalive_s = keepalive_s
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.local_port = int(self.listener.getsockname()[1])
        self.version: str | None = None  # negotiated TLS version of the last connection
        self.refused = 0  # loopback connections from other processes, closed at once
        self.last_error = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sip-tls-relay", daemon=True)
        self._thread.start()

    @property
    def local_uri(self) -> str:
        """What pjsua2 uses as registrar (and, with ``;lr``, as proxy)."""
        return f"sip:127.0.0.1:{self.local_port};transport=tcp"

    @property
    def _inner(self) -> bytes:
        return f"sip:127.0.0.1:{self.local_port};transport=tcp".encode()

    @property
    def _outer(self) -> bytes:
        return f"sip:{self.host}:{self.port};transport=tls".encode()

    def close(self) -> None:
        self._stop.set()
        try:
            self.listener.close()
        except OSError:
            pass
        self._thread.join(5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                self.listener.settimeout(0.5)
                inner, (_addr, peer_port) = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not socket_is_ours(self.local_port, peer_port):
                self.refused += 1
                inner.close()
                continue
            try:
                raw = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)  # home NATs drop idle flows
                if hasattr(socket, "TCP_KEEPIDLE"):
                    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, self.keepalive_s)
                    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, min(10, self.keepalive_s))
                outer = self.ctx.wrap_socket(raw, server_hostname=self.server_name)
            except (OSError, ssl.SSLError) as exc:
                self.last_error = f"TLS to {self.host}:{self.port}: {exc}"
                inner.close()
                continue
            self.version = outer.version()
            self._pump(inner, outer)

    def _pump(self, inner: socket.socket, outer: ssl.SSLSocket) -> None:
        """Move whole SIP messages both ways until either side closes."""
        bufs = {inner: bytearray(), outer: bytearray()}
        other = {inner: outer, outer: inner}
        swap = {inner: (self._inner, self._outer), outer: (self._outer, self._inner)}
        inner.setblocking(False)
        outer.setblocking(False)
        sel = selectors.DefaultSelector()
        for s in (inner, outer):
            sel.register(s, selectors.EVENT_READ)
        try:
            while not self._stop.is_set():
                for key, _ in sel.select(0.5):
                    src: socket.socket = key.fileobj  # type: ignore[assignment]
                    try:
                        data = src.recv(65536)
                    except (ssl.SSLWantReadError, BlockingIOError):
                        continue
                    if not data:
                        return
                    buf = bufs[src]
                    buf += data
                    old, new = swap[src]
                    for msg in split_messages(buf):
                        other[src].setblocking(True)
                        other[src].sendall(rewrite(msg, old, new))
                        other[src].setblocking(False)
                    if len(buf) > MAX_MESSAGE:
                        return
                # An SSL socket may hold decrypted bytes the selector cannot see.
                while outer.pending():
                    data = outer.recv(65536)
                    bufs[outer] += data
                    for msg in split_messages(bufs[outer]):
                        inner.setblocking(True)
                        inner.sendall(rewrite(msg, self._outer, self._inner))
                        inner.setblocking(False)
        except (OSError, ssl.SSLError) as exc:
            self.last_error = str(exc)
        finally:
            sel.close()
            for s in (inner, outer):
                try:
                    s.close()
                except OSError:
                    pass


_TLS_REGISTRAR = re.compile(r"sips?:([^;:>]+|\[[^\]]+\]):(\d+)(;.*)?$")


def is_tls_registrar(registrar: str) -> bool:
    """Whether *registrar* is a URI the relay can carry: ``sip:HOST:PORT;transport=tls`` or ``sips:HOST:PORT``."""
    m = _TLS_REGISTRAR.match(registrar)
    return m is not None and (registrar.startswith("sips:") or "transport=tls" in (m.group(3) or "").lower())


def wanted(option: object, registrar: str) -> bool:
    """Whether SIP goes through the relay: the ``tls13`` setting (None: not set) and the registrar.

    The default (not set) is TLS 1.3 whenever the registrar is a TLS URI; ``false`` keeps pjsua2's own
    TLS 1.2; ``true`` insists (a registrar the relay cannot carry is then an error, not a fallback).
    No registrar (direct mode: the center's engine calls the phone's own TLS listener) never relays.
    """
    if not registrar:
        return False
    return is_tls_registrar(registrar) if option is None else bool(option)


def relay_account(spec: AccountSpec, ca_file: str | Path, keepalive_s: int = 25) -> tuple[SipTlsRelay, AccountSpec]:
    """Start a relay to *spec*'s TLS registrar; return it and the spec pjsua2 must use (registrar = relay).

    Raises :class:`RelayError` when the registrar is not a ``sip:HOST:PORT;transport=tls`` URI.
    """
    m = _TLS_REGISTRAR.match(spec.registrar)
    if m is None or (m.group(3) and "transport=tls" not in m.group(3).lower() and spec.registrar.startswith("sip:")):
        raise RelayError(f"registrar {spec.registrar!r}: TLS 1.3 relay needs sip:HOST:PORT;transport=tls")
    relay = SipTlsRelay(m.group(1).strip("[]"), int(m.group(2)), ca_file, keepalive_s=keepalive_s)
    return relay, replace(spec, registrar=relay.local_uri, proxy=relay.local_uri + ";lr")
