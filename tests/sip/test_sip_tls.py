"""TLS trust: a softphone refuses a SIP server whose certificate the configured CA did not sign."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import sys
import threading

import pytest

from agent_tui.secure.tls import server_ssl_context
from tests.kit.paths import child_env


@pytest.fixture
def rogue_tls_server(rogue_pki):
    """A TLS listener with a certificate from a CA the phone does not trust; notes what it got.

    pjsip checks the certificate once the TLS handshake is done, so the handshake itself may
    complete; what must never happen is a SIP request (with our credentials) going over it."""
    ctx = server_ssl_context(rogue_pki.cert, rogue_pki.key)
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()
    attempts: list[str] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(5)
            try:
                with ctx.wrap_socket(conn, server_side=True) as tls:
                    data = tls.recv(4096)
                    attempts.append("got-sip" if b"SIP/2.0" in data else "closed-without-sip")
            except (ssl.SSLError, OSError) as exc:
                attempts.append(f"refused: {exc}")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1], attempts
    stop.set()
    thread.join(5)
    sock.close()


def test_registration_to_untrusted_server_is_refused_with_clear_message(
    pki, phones, rogue_tls_server
):
    port, attempts = rogue_tls_server
    phone = phones(
        {
            "ca_file": str(pki.ca),
            "user": "agent1",
            "domain": "127.0.0.1",
            "password": "demo",
            "bind_address": "127.0.0.1",
            "registrar": f"sip:127.0.0.1:{port};transport=tls",
            "dial": "sip:agent2@127.0.0.1;transport=tls",
        },
        name="agent",
    )
    phone.ready_port()
    r = phone.result(60)
    print("refusal:", r.get("message"))
    assert r["result"] == "tls_refused", r
    assert "not trusted" in r["message"] and str(pki.ca) in r["message"], r["message"]
    assert attempts, "the phone never tried to connect"
    assert "got-sip" not in attempts, attempts  # no REGISTER (no credentials) went to that server
    assert phone.proc.returncode == 0 and "Assertion" not in phone.stderr


def test_call_to_untrusted_peer_is_refused(pki, rogue_pki, phones):
    rogue = phones(
        {
            "ca_file": str(rogue_pki.ca),
            "cert_file": str(rogue_pki.cert),
            "key_file": str(rogue_pki.key),
            "user": "rogue",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "auto_answer": True,
            "wait": 20,
        },
        name="rogue",
    )
    port = rogue.ready_port()
    phone = phones(
        {
            "ca_file": str(pki.ca),
            "user": "agent1",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "dial": f"sip:rogue@127.0.0.1:{port};transport=tls",
            "duration": 1,
        },
        name="agent",
    )
    phone.ready_port()
    r = phone.result(60)
    print("refusal:", r.get("message"))
    assert r["result"] == "tls_refused", r
    assert "not trusted" in r["message"], r
    rogue.stop()


_KEEPALIVE_CHILD = """
import json, os, socket, sys
from agent_tui.sip.config import EngineConfig
from agent_tui.sip.engine import SipEngine
ca, cert, key = sys.argv[1:4]
eng = SipEngine(EngineConfig(ca_file=ca, cert_file=cert, key_file=key, bind_address="127.0.0.1",
                             keepalive_s=7))
eng.start()
seen = []
for fd in os.listdir("/proc/self/fd"):
    try:
        s = socket.socket(fileno=os.dup(int(fd)))
    except OSError:
        continue
    with s:
        try:
            if s.type == socket.SOCK_STREAM and s.getsockname()[1] == eng.sip_port:
                seen.append([s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
                             s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
                             s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
                             s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT)])
        except (OSError, IndexError, TypeError):
            pass
eng.stop()
print(json.dumps(seen))
"""


def test_tls_socket_keepalive_is_what_the_config_says(pki):
    """TCP keep-alive on the SIP TLS socket: on, first probe after keepalive_s idle seconds, then
    every min(10, keepalive_s) s, 3 probes. (The values once came from freed memory: every option
    got the value of the last one, KEEPIDLE 3 instead of 7.) A child process: one pjsua2 per process."""
    run = subprocess.run([sys.executable, "-c", _KEEPALIVE_CHILD, str(pki.ca), str(pki.cert), str(pki.key)],
                         capture_output=True, text=True, timeout=60, env=child_env())
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen == [[1, 7, 7, 3]], seen
