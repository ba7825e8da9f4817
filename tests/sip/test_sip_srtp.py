"""SRTP is mandatory: an INVITE offering plain RTP (no a=crypto) is refused, over real TLS."""

from __future__ import annotations

import secrets
import socket
import ssl
import time

import pytest

pytestmark = pytest.mark.slow


def _invite(port: int, local_port: int, sdp_proto: str, crypto: bool) -> str:
    branch = "z9hG4bK" + secrets.token_hex(8)
    sdp = (
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        f"m=audio 40000 {sdp_proto} 0\r\na=rtpmap:0 PCMU/8000\r\n"
    )
    if crypto:
        sdp += "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + "A" * 40 + "\r\n"
    return (
        f"INVITE sip:agent1@127.0.0.1:{port};transport=tls SIP/2.0\r\n"
        f"Via: SIP/2.0/TLS 127.0.0.1:{local_port};branch={branch};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:plain@127.0.0.1>;tag={secrets.token_hex(4)}\r\n"
        f"To: <sip:agent1@127.0.0.1:{port}>\r\n"
        f"Call-ID: {secrets.token_hex(8)}@127.0.0.1\r\n"
        "CSeq: 1 INVITE\r\n"
        f"Contact: <sip:plain@127.0.0.1:{local_port};transport=tls>\r\n"
        "Content-Type: application/sdp\r\n"
        f"Content-Length: {len(sdp)}\r\n\r\n{sdp}"
    )


def _final_status(port: int, ca: str, sdp_proto: str, crypto: bool) -> int:
    ctx = ssl.create_default_context(cafile=ca)
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(_invite(port, tls.getsockname()[1], sdp_proto, crypto).encode())
        data = b""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            chunk = tls.recv(65536)
            if not chunk:
                break
            data += chunk
            codes = [
                int(line.split()[1])
                for line in data.decode(errors="replace").split("\r\n")
                if line.startswith("SIP/2.0 ")
            ]
            final = [c for c in codes if c >= 200]
            if final:
                return final[0]
    raise AssertionError(f"no final response: {data!r}")


def test_plain_rtp_offer_is_refused(pki, phones):
    agent = phones(
        {
            "ca_file": str(pki.ca),
            "cert_file": str(pki.cert),
            "key_file": str(pki.key),
            "user": "agent1",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "auto_answer": True,
            "wait": 20,
            "duration": 1,
        },
        name="agent",
    )
    port = agent.ready_port()
    status = _final_status(port, str(pki.ca), "RTP/AVP", crypto=False)
    assert status in (488, 406), status  # Not Acceptable Here: no SRTP, no call
    # Control: the very same offer with SDES-SRTP is answered.
    assert _final_status(port, str(pki.ca), "RTP/SAVP", crypto=True) == 200
