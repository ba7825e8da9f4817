"""Raw SIP INVITEs over TLS with chosen SDP offers, for the interop tests (issue 10 §4)."""

from __future__ import annotations

import secrets
import socket
import ssl
import time

GOOD_CRYPTO = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + "A" * 40 + "\r\n"
# Offers a standard PBX or SBC may send that our phones cannot take: (transport, crypto lines).
BAD_OFFERS = {
    "plain RTP": ("RTP/AVP", ""),
    "RTP/AVP with a=crypto": ("RTP/AVP", GOOD_CRYPTO),
    "no a=crypto": ("RTP/SAVP", ""),
    "AEAD GCM only": ("RTP/SAVP", "a=crypto:1 AEAD_AES_128_GCM inline:" + "A" * 38 + "\r\n"),
    "F8 only": ("RTP/SAVP", "a=crypto:1 F8_128_HMAC_SHA1_80 inline:" + "A" * 40 + "\r\n"),
}


def invite(host: str, port: int, local_port: int, user: str, transport: str, crypto: str,
           codecs: str = "0", rtpmap: str = "a=rtpmap:0 PCMU/8000\r\n") -> str:
    sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           f"m=audio 40000 {transport} {codecs}\r\n{rtpmap}{crypto}")
    return (
        f"INVITE sip:{user}@{host}:{port};transport=tls SIP/2.0\r\n"
        f"Via: SIP/2.0/TLS 127.0.0.1:{local_port};branch=z9hG4bK{secrets.token_hex(8)};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:pbx@127.0.0.1>;tag={secrets.token_hex(4)}\r\n"
        f"To: <sip:{user}@{host}:{port}>\r\n"
        f"Call-ID: {secrets.token_hex(8)}@127.0.0.1\r\n"
        "CSeq: 1 INVITE\r\n"
        f"Contact: <sip:pbx@127.0.0.1:{local_port};transport=tls>\r\n"
        "Content-Type: application/sdp\r\n"
        f"Content-Length: {len(sdp)}\r\n\r\n{sdp}"
    )


def final_response(host: str, port: int, ca: str, user: str, transport: str, crypto: str,
                   timeout: float = 15.0) -> tuple[int, str]:
    """Send one INVITE over TLS; return the first final response's (code, head)."""
    ctx = ssl.create_default_context(cafile=ca)
    with socket.create_connection((host, port), timeout=timeout) as raw, \
            ctx.wrap_socket(raw, server_hostname=host) as tls:
        tls.sendall(invite(host, port, tls.getsockname()[1], user, transport, crypto).encode())
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            chunk = tls.recv(65536)
            if not chunk:
                break
            data += chunk
            for part in data.decode(errors="replace").split("SIP/2.0 ")[1:]:
                head = part.split("\r\n\r\n", 1)[0]
                if int(part[:3]) >= 200 and "\r\n\r\n" in part:
                    return int(part[:3]), head
    raise AssertionError(f"no final response: {data!r}")
