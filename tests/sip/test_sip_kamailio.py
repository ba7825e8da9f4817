"""The softphone with Kamailio (Debian package) as registrar/proxy over TLS: digest registration,
a wrong password refused in words, and a call between two registered phones with audio both ways.

Kamailio's config comes from the center's own generator (agent_tui.center.voice.kamailio)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agent_tui.center.voice import kamailio
from agent_tui.center.voice.settings import parse_voice_settings
from agent_tui.secure.pki import make_ca, make_server_cert
from tests.kit.audio_check import read_wav, tone_windows

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("kamailio") is None and not Path("/usr/sbin/kamailio").exists(),
        reason="kamailio not installed (Debian: kamailio kamailio-tls-modules)",
    ),
]


def _kam_dir(tmp_path: Path) -> Path:
    """A center dir with Kamailio configured (not started) and HA1s for agent1/agent2."""
    cdir = tmp_path / "center"
    make_ca(cdir / "tls")
    make_server_cert(cdir / "tls", [])
    (cdir / "secrets").mkdir(mode=0o700)
    settings = parse_voice_settings({"enabled": True, "kamailio": {"enabled": True, "port": 0}})
    kamailio.write_kamailio_config(cdir, settings)
    for user in ("agent1", "agent2"):
        kamailio.set_sip_password(cdir, user, f"pw-{user}")
    return cdir


@pytest.fixture
def kam(tmp_path: Path):
    cdir = _kam_dir(tmp_path)
    handle = kamailio.start_kamailio(cdir)
    try:
        yield cdir, handle
    finally:
        handle.stop()


def _phone_opts(cdir: Path, handle, user: str, password: str, **extra) -> dict:
    registrar = f"sip:{handle.host}:{handle.port};transport=tls"
    opts = {
        "ca_file": str(cdir / "tls" / "ca.pem"),
        "user": user,
        "domain": kamailio.address(cdir)["domain"],
        "registrar": registrar,
        "proxy": registrar + ";lr",
        "password": password,
        "bind_address": "127.0.0.1",
    }
    opts.update(extra)
    return opts


def test_registered_phones_call_each_other_through_kamailio(kam, tones, phones, tmp_path):
    cdir, handle = kam
    agent2 = phones(
        _phone_opts(
            cdir,
            handle,
            "agent2",
            "pw-agent2",
            auto_answer=True,
            wait=40,
            duration=40,
            play=str(tones[700]),
            record=str(tmp_path / "agent2.wav"),
        ),
        name="agent2",
    )
    agent2.ready_port()
    agent1 = phones(
        _phone_opts(
            cdir,
            handle,
            "agent1",
            "pw-agent1",
            dial="agent2",
            duration=4.0,
            play=str(tones[440]),
            record=str(tmp_path / "agent1.wav"),
            dtmf="5",
            dtmf_delay=3.0,
            log_file=str(tmp_path / "agent1.log"),
            log_level=5,
        ),
        name="agent1",
    )
    agent1.ready_port()
    r1 = agent1.result(90)
    r2 = agent2.result(60)
    assert r1["result"] == "completed" and r1.get("registered"), r1
    assert r2["result"] == "completed" and r2.get("registered"), json.dumps(r2)
    assert r1["srtp"].startswith("AES")
    assert r2["dtmf_received"] == "5"
    # The phone's debug log (level 5) holds neither SRTP keys nor the password nor digest answers.
    log = (tmp_path / "agent1.log").read_text(errors="replace")
    assert "REGISTER" in log or "registration" in log.lower()
    assert "inline:" not in log and "pw-agent1" not in log and "response=" not in log
    heard1, rate = read_wav(tmp_path / "agent1.wav")
    assert sum(tone_windows(heard1, rate, 700)) >= 6
    heard2, rate = read_wav(tmp_path / "agent2.wav")
    assert sum(tone_windows(heard2, rate, 440)) >= 6


def test_wrong_password_is_refused_with_words(kam, phones):
    cdir, handle = kam
    phone = phones(_phone_opts(cdir, handle, "agent1", "not-it", dial="agent2"), name="agent1")
    phone.ready_port()
    r = phone.result(60)
    assert r["result"] == "registration_failed", r
    assert "wrong user or password" in r["message"], r


def test_registration_is_retried_until_the_registrar_comes_up(tmp_path, phones):
    cdir = _kam_dir(tmp_path)
    addr = kamailio.address(cdir)

    class _Addr:  # what _phone_opts needs before Kamailio runs
        host, port = addr["host"], int(addr["port"])

    phone = phones(
        _phone_opts(
            cdir,
            _Addr,
            "agent1",
            "pw-agent1",
            dial="agent2",
            retry_s=3,
            register_wait=40,
            progress=True,
        ),
        name="agent1",
    )
    # Nothing listens yet: the first REGISTER fails. Start the registrar after that.
    # The phone's "ready" line and its first failure come from two threads, in either order.
    early = []
    line = phone.next_line(20)
    while "ready" not in line:
        early.append(line.get("ev"))
        line = phone.next_line(20)
    assert set(early) <= {"registration_failed"}, early
    if not early:
        assert phone.next_line(20).get("ev") == "registration_failed"
    handle = None
    try:
        handle = kamailio.start_kamailio(cdir)
        assert phone.next_line(30).get("ev") in ("registered", "registration_failed")
        r = phone.result(60)
    finally:
        if handle is not None:
            handle.stop()
    assert r.get("registered") is True, r
    assert r["registration_failures"] >= 1, r  # it failed first, then the retry registered


def test_phone_registers_again_after_the_registrar_restarts(tmp_path, phones):
    cdir = _kam_dir(tmp_path)
    handle = kamailio.start_kamailio(cdir)
    try:
        phone = phones(
            _phone_opts(
                cdir,
                handle,
                "agent1",
                "pw-agent1",
                auto_answer=True,
                wait=60,
                retry_s=3,
                progress=True,
            ),
            name="agent1",
        )
        phone.ready_port()
        assert phone.next_line(20).get("ev") == "registered"
        handle.stop()  # the registrar goes away: the phone's TLS connection drops
        handle = kamailio.start_kamailio(cdir)  # ... and comes back on the same port
        # The phone registers again by itself (failures in between are reported, not fatal).
        seen = []
        while not seen or seen[-1].get("ev") != "registered":
            seen.append(phone.next_line(30))
        assert all(e.get("ev") in ("registered", "registration_failed") for e in seen), seen
    finally:
        handle.stop()
