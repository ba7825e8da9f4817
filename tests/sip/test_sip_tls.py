"""TLS trust: a softphone refuses a SIP server whose certificate the configured CA did not sign."""

from __future__ import annotations

import socket
import ssl
import threading

import pytest

from agent_tui.secure.tls import server_ssl_context


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
