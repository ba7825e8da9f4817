"""Config errors, TLS certificates and routing decisions (no network needed)."""

from __future__ import annotations

import ssl

import pytest
from cryptography import x509

from agent_tui.center import router
from agent_tui.center.auth import hash_password, verify_password
from agent_tui.center.config import CenterConfigError, load_center_config
from agent_tui.secure import pki, tls


def test_config_error_names_file_line_and_field(tmp_path):
    (tmp_path / "center.yaml").write_text("port: 8443\ngrace_seconds: soon\n")
    with pytest.raises(CenterConfigError) as err:
        load_center_config(tmp_path)
    msg = str(err.value)
    assert "center.yaml" in msg and "line 2" in msg and "grace_seconds" in msg


def test_config_unknown_key_and_bad_channel(tmp_path):
    (tmp_path / "center.yaml").write_text("capacity:\n  chat: 3\n  fax: 1\n")
    with pytest.raises(CenterConfigError) as err:
        load_center_config(tmp_path)
    assert "line 3" in str(err.value) and "capacity.fax" in str(err.value)
    (tmp_path / "center.yaml").write_text("prot: 1\n")
    with pytest.raises(CenterConfigError) as err:
        load_center_config(tmp_path)
    assert "line 1" in str(err.value) and "prot" in str(err.value) and "unknown" in str(err.value)


def test_config_defaults_and_missing_file(tmp_path):
    (tmp_path / "center.yaml").write_text("offer_timeout_s: 1.5\ncapacity: {chat: 2}\n")
    cfg = load_center_config(tmp_path)
    assert cfg.offer_timeout_s == 1.5 and cfg.capacity["chat"] == 2 and cfg.capacity["email"] == 5
    with pytest.raises(CenterConfigError) as err:
        load_center_config(tmp_path / "nope")
    assert "center init" in str(err.value)


def test_server_certificate_names_hosts_and_is_signed_by_the_ca(tmp_path):
    pki.make_ca(tmp_path)
    pki.make_server_cert(tmp_path, ["desk.example.nl", "10.1.2.3"])
    cert = x509.load_pem_x509_certificate((tmp_path / "server.pem").read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    assert "desk.example.nl" in san.get_values_for_type(x509.DNSName)
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "10.1.2.3"}
    assert (tmp_path / "ca.key").stat().st_mode & 0o777 == 0o600
    ctx = tls.client_ssl_context(tmp_path / "ca.pem")
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    assert ctx.minimum_version >= ssl.TLSVersion.TLSv1_2


async def test_client_context_refuses_a_center_signed_by_another_ca(center, tmp_path):
    from websockets.asyncio.client import connect

    other = tmp_path / "other"
    pki.make_ca(other)
    with pytest.raises(ssl.SSLCertVerificationError):
        await connect(center.url, ssl=tls.client_ssl_context(other / "ca.pem"), subprotocols=["agent-tui.v1"],
                      open_timeout=10)


def test_password_hash_roundtrip():
    h = hash_password("demo", n=2**10)
    assert h.startswith("scrypt$") and "demo" not in h
    assert verify_password("demo", h) and not verify_password("Demo", h)
    assert not verify_password("demo", None) and not verify_password("demo", "garbage")


def _slot(user, skills=("general",), cap=None, idle=0.0, state="available", present=True, load=None):
    return router.AgentSlot(user, frozenset(skills), cap or {"chat": 3, "email": 5}, dict(load or {}), idle,
                            state, present)


def test_plan_longest_idle_first_and_round_robin():
    agents = [_slot("a", idle=30.0), _slot("b", idle=10.0), _slot("c", idle=20.0)]
    waiting = [router.Waiting(f"c{i}", "chat", "general", 0, float(i)) for i in range(3)]
    plan = router.plan(waiting, agents, now=100.0)
    assert plan == [("c0", "b"), ("c1", "c"), ("c2", "a")]


def test_plan_respects_skill_capacity_state_presence_and_exclusions():
    agents = [
        _slot("busy", cap={"chat": 1}, load={"chat": 1}),
        _slot("brk", state="break"),
        _slot("gone", present=False),
        _slot("noskill", skills=("billing",)),
        _slot("declined"),
        _slot("ok", idle=50.0),
    ]
    w = router.Waiting("c1", "chat", "general", 0, 0.0, excluded=frozenset({"declined"}))
    assert router.plan([w], agents, now=100.0) == [("c1", "ok")]


def test_plan_urgent_first_then_oldest():
    agents = [_slot("a", cap={"chat": 1})]
    waiting = [router.Waiting("old", "chat", "general", 0, 1.0), router.Waiting("urgent", "chat", "general", 2, 5.0)]
    assert router.plan(waiting, agents, now=10.0) == [("urgent", "a")]
