"""A small SIP-over-TLS load and probe tool for the voice tests and benches (no sipp: it has no TLS).

* :func:`probe` sends one request (optionally padded to a given size) and returns the status
  of the first final answer;
* :class:`Flood` sends INVITEs at a fixed rate over a few TLS connections, answers every final
  response like a UA does (ACK; ACK + BYE for a 2xx, so the engine's slots come free), answers
  digest challenges when given a password, and counts the status codes.

Every INVITE carries a real SDP offer with SDES SRTP, like a customer's phone.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import socket
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


def tls_connect(host: str, port: int, ca_file: Path, timeout: float = 5.0) -> ssl.SSLSocket:
    ctx = ssl.create_default_context(cafile=str(ca_file))
    raw = socket.create_connection((host, port), timeout=timeout)
    return ctx.wrap_socket(raw, server_hostname=host)


def sdp(host: str) -> str:
    key = base64.b64encode(os.urandom(30)).decode()  # 16-byte key + 14-byte salt
    return (f"v=0\r\no=- 1 1 IN IP4 {host}\r\ns=-\r\nc=IN IP4 {host}\r\nt=0 0\r\n"
            "m=audio 40000 RTP/SAVP 0 101\r\n"
            f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{key}\r\n"
            "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n")


@dataclass
class _Dialog:
    call_id: str
    from_tag: str
    branch: str
    ruri: str
    to: str
    from_user: str
    from_domain: str = "load.invalid"
    cseq: int = 1
    authed: bool = False


def _request(method: str, d: _Dialog, local: str, *, branch: str | None = None, to: str | None = None,
             ruri: str | None = None, cseq: int | None = None, extra: str = "", body: str = "",
             pad_to: int = 0) -> bytes:
    head = (f"{method} {ruri or d.ruri} SIP/2.0\r\n"
            f"Via: SIP/2.0/TLS {local};branch={branch or d.branch};rport\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:{d.from_user}@{d.from_domain}>;tag={d.from_tag}\r\n"
            f"To: {to or d.to}\r\n"
            f"Call-ID: {d.call_id}\r\n"
            f"CSeq: {cseq if cseq is not None else d.cseq} {method}\r\n"
            f"Contact: <sip:{d.from_user}@{local};transport=tls>\r\n"
            f"{extra}")
    if body:
        head += "Content-Type: application/sdp\r\n"
    msg = head + f"Content-Length: {len(body.encode())}\r\n\r\n" + body
    if pad_to and len(msg) < pad_to:
        # Padding in a header of its own: the message is well formed, only big.
        filler = "X-Padding: " + "x" * (pad_to - len(msg) - len("X-Padding: \r\n")) + "\r\n"
        msg = head + filler + f"Content-Length: {len(body.encode())}\r\n\r\n" + body
    return msg.encode()


def _digest(user: str, password: str, method: str, uri: str, challenge: str) -> str:
    realm = re.search(r'realm="([^"]*)"', challenge)
    nonce = re.search(r'nonce="([^"]*)"', challenge)
    r, n = (realm.group(1) if realm else ""), (nonce.group(1) if nonce else "")
    ha1 = hashlib.md5(f"{user}:{r}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
    resp = hashlib.md5(f"{ha1}:{n}:{ha2}".encode()).hexdigest()
    return (f'Digest username="{user}", realm="{r}", nonce="{n}", uri="{uri}", '
            f'response="{resp}", algorithm=MD5')


class _Reader:
    """Splits a TLS byte stream into SIP messages (Content-Length framing)."""

    def __init__(self, sock: ssl.SSLSocket) -> None:
        self.sock = sock
        self.buf = b""

    def next(self) -> str | None:
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                head = self.buf[:end].decode(errors="replace")
                m = re.search(r"(?im)^(?:content-length|l)\s*:\s*(\d+)", head)
                total = end + 4 + (int(m.group(1)) if m else 0)
                if len(self.buf) >= total:
                    msg, self.buf = self.buf[:total], self.buf[total:]
                    return msg.decode(errors="replace")
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                return None
            except (OSError, ssl.SSLError):
                return ""
            if not chunk:
                return ""
            self.buf += chunk


def _hdr(msg: str, name: str) -> str:
    m = re.search(rf"(?im)^{name}\s*:\s*(.*?)\r?$", msg)
    return m.group(1).strip() if m else ""


def _all_hdr(msg: str, name: str) -> list[str]:
    return [v.strip() for v in re.findall(rf"(?im)^{name}\s*:\s*(.*?)\r?$", msg)]


def _status(msg: str) -> int:
    m = re.match(r"SIP/2\.0 (\d{3})", msg)
    return int(m.group(1)) if m else 0


def probe(host: str, port: int, ca_file: Path, to_uri: str, *, pad_to: int = 0, method: str = "INVITE",
          timeout: float = 10.0) -> tuple[int, str]:
    """Send one request on a fresh TLS connection; (final status, whole final response)."""
    with tls_connect(host, port, ca_file) as s:
        local = "{}:{}".format(*s.getsockname()[:2])
        d = _Dialog(call_id=secrets.token_hex(8), from_tag=secrets.token_hex(4),
                    branch="z9hG4bK" + secrets.token_hex(8), ruri=to_uri, to=f"<{to_uri}>",
                    from_user="+31600000001")
        body = sdp(host) if method == "INVITE" else ""
        s.sendall(_request(method, d, local, body=body, pad_to=pad_to))
        s.settimeout(timeout)
        reader = _Reader(s)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = reader.next()
            if not msg:
                return 0, ""
            code = _status(msg)
            if code >= 200:
                if method == "INVITE":
                    _end_invite(s, d, msg, code, local)
                return code, msg
        return 0, ""


def _end_invite(s: ssl.SSLSocket, d: _Dialog, msg: str, code: int, local: str) -> None:
    """What a UA does with the final answer to its INVITE: ACK it; a 2xx is also hung up at once."""
    to = _hdr(msg, "To") or _hdr(msg, "t")
    if code >= 300:
        s.sendall(_request("ACK", d, local, to=to))
        return
    contact = re.search(r"<([^>]+)>", _hdr(msg, "Contact") or _hdr(msg, "m"))
    target = contact.group(1) if contact else d.ruri
    routes = "".join(f"Route: {r}\r\n" for r in _all_hdr(msg, "Record-Route"))
    s.sendall(_request("ACK", d, local, to=to, ruri=target, branch="z9hG4bK" + secrets.token_hex(8), extra=routes))
    s.sendall(_request("BYE", d, local, to=to, ruri=target, branch="z9hG4bK" + secrets.token_hex(8),
                       cseq=d.cseq + 1, extra=routes))


@dataclass
class Flood:
    """INVITEs at *rate* per second for *duration* seconds to *to_uri*; see the module docstring."""

    host: str
    port: int
    ca_file: Path
    to_uri: str
    rate: float
    duration: float
    connections: int = 4
    user: str = ""  # with password: answer 401/407 with digest (an agent's stolen password)
    password: str = ""
    vary_caller: bool = True
    codes: Counter = field(default_factory=Counter)
    sent: int = 0
    errors: int = 0
    elapsed: float = 0.0

    def run(self) -> Flood:
        """Run the flood to its end (and up to 8 s more for answers); returns self with figures."""
        lock = threading.Lock()
        socks = []
        for _ in range(self.connections):
            try:
                socks.append(tls_connect(self.host, self.port, self.ca_file))
            except OSError:
                self.errors += 1
        if not socks:
            raise ConnectionError(f"no TLS connection to {self.host}:{self.port}")
        dialogs: list[dict[str, _Dialog]] = [{} for _ in socks]
        stop = threading.Event()
        readers = [threading.Thread(target=self._read, args=(s, dialogs[i], lock, stop), daemon=True)
                   for i, s in enumerate(socks)]
        for t in readers:
            t.start()
        start = time.monotonic()
        n = int(self.rate * self.duration)
        for i in range(n):
            due = start + i / self.rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)  # pacing the load generator, not synchronising a test
            k = i % len(socks)
            s = socks[k]
            local = "{}:{}".format(*s.getsockname()[:2])
            caller = f"+3169{i:07d}" if self.vary_caller else "+31690000000"
            d = _Dialog(call_id=secrets.token_hex(10), from_tag=secrets.token_hex(4),
                        branch="z9hG4bK" + secrets.token_hex(8), ruri=self.to_uri, to=f"<{self.to_uri}>",
                        from_user=self.user or caller,
                        from_domain=self.to_uri.split("@", 1)[-1].split(";", 1)[0] if self.user else "load.invalid")
            with lock:
                dialogs[k][d.call_id] = d
                try:
                    s.sendall(_request("INVITE", d, local, body=sdp(self.host)))
                    self.sent += 1
                except OSError:
                    self.errors += 1
        self.elapsed = time.monotonic() - start
        # Answers still in flight: wait until each INVITE has its final answer (bounded).
        deadline = time.monotonic() + 8.0
        while time.monotonic() < deadline and sum(self.codes.values()) < self.sent:
            time.sleep(0.05)  # polling the counters of the reader threads, with a deadline
        stop.set()
        with lock:  # not while a reader thread is still answering on a socket
            for s in socks:
                try:
                    s.close()
                except OSError:
                    pass
        return self

    def _read(self, s: ssl.SSLSocket, dialogs: dict[str, _Dialog], lock: threading.Lock,
              stop: threading.Event) -> None:
        s.settimeout(0.5)
        reader = _Reader(s)
        while not stop.is_set():
            msg = reader.next()
            if msg is None:
                continue
            if msg == "":
                return
            if not msg.startswith("SIP/2.0"):
                self._answer_request(s, msg, lock)
                continue
            code = _status(msg)
            d = dialogs.get(_hdr(msg, "Call-ID") or _hdr(msg, "i"))
            if d is None or code < 200 or "INVITE" not in _hdr(msg, "CSeq"):
                continue
            local = "{}:{}".format(*s.getsockname()[:2])
            with lock:
                try:
                    self._final(s, d, msg, code, local)
                except OSError:
                    self.errors += 1

    def _final(self, s: ssl.SSLSocket, d: _Dialog, msg: str, code: int, local: str) -> None:
        if code >= 300:
            _end_invite(s, d, msg, code, local)
        if code in (401, 407) and self.password and not d.authed:
            hname = "WWW-Authenticate" if code == 401 else "Proxy-Authenticate"
            aname = "Authorization" if code == 401 else "Proxy-Authorization"
            d.authed, d.cseq = True, d.cseq + 1
            d.branch = "z9hG4bK" + secrets.token_hex(8)
            auth = _digest(self.user, self.password, "INVITE", d.ruri, _hdr(msg, hname))
            s.sendall(_request("INVITE", d, local, extra=f"{aname}: {auth}\r\n", body=sdp(self.host)))
            return
        if 200 <= code < 300:
            _end_invite(s, d, msg, code, local)
        self.codes[code] += 1  # counted once answered in full: run() closes the sockets after the last

    def _answer_request(self, s: ssl.SSLSocket, msg: str, lock: threading.Lock) -> None:
        """A request to us (the engine's BYE after an unanswered 200, an OPTIONS): 200 OK."""
        if msg.startswith("ACK "):
            return
        lines = ["SIP/2.0 200 OK"] + [f"{h}: {v}" for h in ("Via", "From", "To", "Call-ID", "CSeq")
                                         for v in _all_hdr(msg, h)]
        with lock:
            try:
                s.sendall(("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n").encode())
            except OSError:
                pass
