"""Kamailio in front of the agents and the voice engine: TLS, registration, a real call."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from agent_tui.center.voice import kamailio
from agent_tui.secure.pki import make_ca, make_server_cert
from tests.kit.voicekit import AGENT2_HZ, AGENT_HZ, CUSTOMER_HZ, PY, start_engine, start_phone
from tests.kit.waiting import wait_until
from tests.voice.voice_audio import band_share, rms, windows

pytestmark = pytest.mark.slow


def _registrar(center: Path) -> str:
    a = kamailio.address(center)
    return f"sip:{a['host']}:{a['port']};transport=tls"


def test_config_holds_no_password_and_ha1_file_is_private(kam_center):
    kdir = kam_center / "kamailio"
    sub = kdir / "db" / "subscriber"
    assert stat.S_IMODE(os.stat(sub).st_mode) == 0o600
    text = sub.read_text()
    assert "s3cret" not in text and kamailio.ha1("agent1", "127.0.0.1", "s3cret-agent1") in text
    cfg = (kdir / "kamailio.cfg").read_text()
    # No SIP listener but TLS (the one "udp:" is rtpengine's control socket on 127.0.0.1).
    listens = [ln for ln in cfg.splitlines() if ln.startswith("listen=")]
    assert listens and all(ln.startswith("listen=tls:") for ln in listens)
    assert "s3cret" not in cfg


def test_call_through_kamailio_with_registration(kam_center, tones, procs, tmp_path):
    eng = start_engine(procs, kam_center)
    reg = eng.wait("registration", timeout=20)
    assert reg["code"] == 200, reg
    rec = tmp_path / "a1"
    phone = start_phone(procs, kam_center, "agent1", play=tones["agent"], record=rec,
                        register=_registrar(kam_center), password="s3cret-agent1")
    assert phone.wait("registration", timeout=20)["code"] == 200
    cust_rec = tmp_path / "customer-heard.wav"
    cust = procs([PY, "-m", "agent_tui.center.voice.call_cli", str(kam_center), "--from", "+31611122233",
                  "--play", str(tones["customer"]), "--record", str(cust_rec), "--duration", "60",
                  "--dtmf", "7", "--dtmf-at", "0.2", "--events"], "customer")
    incoming = eng.wait("incoming", timeout=20)
    assert incoming["from"] == "+31611122233"
    assert eng.wait("dtmf")["digit"] == "7"
    eng.send(cmd="ring", call=incoming["call"], agent="agent1", conversation="c-test",
             uri="sip:agent1@127.0.0.1;transport=tls")
    ring = phone.wait("ringing")
    assert ring["conversation"] == "c-test"
    assert eng.wait("ringing")["agent"] == "agent1"
    assert eng.wait("answered")["agent"] == "agent1"
    media = phone.wait(lambda e: e.get("ev") == "media" and e["state"] == "active")
    leg = Path(f"{rec}.{media['call']}.wav")
    wait_until(lambda: leg.exists() and os.path.getsize(leg) > 44 + 2 * 32000, 15, "2 s at the agent")
    size = os.path.getsize(cust_rec)
    wait_until(lambda: os.path.getsize(cust_rec) > size + 32000, 15, "1 s more at the customer")
    # RFC 4733 digits cross the engine both ways (they are events, not audio).
    phone.send(cmd="dtmf", digits="9")
    assert cust.wait(lambda e: e.get("ev") == "dtmf_received")["digit"] == "9"
    phone.send(cmd="hangup")
    eng.wait("ended")
    summary = cust.wait(lambda e: "result" in e, timeout=20)
    assert summary["answered"] and summary["dtmf_received"] == "9"
    heard = [band_share(w, r, CUSTOMER_HZ) for t, w, r in windows(leg) if t >= 0.5 and rms(w) > 0.005]
    assert heard and sum(x > 0.5 for x in heard) >= len(heard) * 2 // 3
    end = (size - 44) / 32000
    back = [band_share(w, r, AGENT_HZ) for t, w, r in windows(cust_rec) if t >= end - 1.0 and rms(w) > 0.005]
    assert back and sum(x > 0.5 for x in back) >= len(back) * 2 // 3


def test_wrong_password_is_refused(kam_center, tones, procs, tmp_path):
    phone = start_phone(procs, kam_center, "agent2", play=tones["agent2"], record=tmp_path / "x",
                        register=_registrar(kam_center), password="wrong")
    reg = phone.wait("registration", timeout=20)
    assert reg["code"] in (401, 403, 407), reg


def test_phone_refuses_server_not_signed_by_its_ca(kam_center, tones, procs, tmp_path):
    other = tmp_path / "other-ca"
    make_ca(other)
    make_server_cert(other, [])
    argv_center = tmp_path / "fake"
    (argv_center / "tls").mkdir(parents=True)
    (argv_center / "tls" / "ca.pem").write_bytes((other / "ca.pem").read_bytes())
    phone = start_phone(procs, argv_center, "agent1", play=tones["agent"], record=tmp_path / "y",
                        register=_registrar(kam_center), password="s3cret-agent1")
    reg = phone.wait("registration", timeout=20)
    assert reg["code"] != 200
    # No SIP answer: the TLS handshake failed, and the reason says why in words.
    assert reg["code"] == 503 and "certificate verification" in reg["reason"].lower(), reg


def test_consult_transfer_replaces_agent1_with_agent2(kam_center, tones, procs, tmp_path):
    eng = start_engine(procs, kam_center)
    assert eng.wait("registration", timeout=20)["code"] == 200
    p1 = start_phone(procs, kam_center, "agent1", play=tones["agent"], record=tmp_path / "a1",
                     register=_registrar(kam_center), password="s3cret-agent1")
    p2 = start_phone(procs, kam_center, "agent2", play=tones["agent2"], record=tmp_path / "a2",
                     register=_registrar(kam_center), password="s3cret-agent2")
    assert p1.wait("registration", timeout=20)["code"] == 200
    assert p2.wait("registration", timeout=20)["code"] == 200
    cust_rec = tmp_path / "customer-heard.wav"
    cust = procs([PY, "-m", "agent_tui.center.voice.call_cli", str(kam_center), "--from", "+31699988877",
                  "--play", str(tones["customer"]), "--record", str(cust_rec), "--duration", "60"], "customer")
    call = eng.wait("incoming", timeout=20)["call"]
    eng.send(cmd="ring", call=call, agent="agent1", uri="sip:agent1@127.0.0.1;transport=tls")
    eng.wait(lambda e: e.get("ev") == "answered" and e["agent"] == "agent1")
    first = p1.wait("answered")["call"]
    # agent1 consults agent2 (a direct call through Kamailio), then transfers with Replaces.
    p1.send(cmd="dial2", uri="sip:agent2@127.0.0.1;transport=tls")
    consult = p1.wait("dialing")["call"]
    p2.wait("answered")
    p1.wait(lambda e: e.get("ev") == "answered" and e["call"] == consult)
    mark = p2.mark()
    p1.send(cmd="xfer_replaces", call=first, other=consult)
    xfer = eng.wait("transfer")
    assert xfer["kind"] == "consult" and xfer["target"] == "agent2"
    assert eng.wait(lambda e: e.get("ev") == "answered" and e["agent"] == "agent2")["call"] == call
    # agent2's phone swapped the consult call for the engine's call: it hears the customer.
    new = p2.wait("replaced", after=mark)["by"]
    media = p2.wait(lambda e: e.get("ev") == "media" and e["state"] == "active" and e["call"] == new,
                    after=mark)
    leg = tmp_path / f"a2.{media['call']}.wav"
    wait_until(lambda: leg.exists() and os.path.getsize(leg) > 44 + 2 * 32000, 15, "2 s at agent2")
    # agent1 is out of the call (both of its legs end).
    p1.wait(lambda e: e.get("ev") == "ended" and e["call"] == first)
    p1.wait(lambda e: e.get("ev") == "ended" and e["call"] == consult)
    p2.send(cmd="hangup", call=media["call"])
    eng.wait("ended")
    cust.wait(lambda e: "result" in e, timeout=20)
    p2.stop()
    heard = [band_share(w, r, CUSTOMER_HZ) for t, w, r in windows(leg) if t >= 0.5 and rms(w) > 0.005]
    assert heard and sum(x > 0.5 for x in heard) >= len(heard) * 2 // 3


def test_agent_dialling_a_number_is_refused_not_queued(kam_center, tones, procs, tmp_path):
    eng = start_engine(procs, kam_center)
    assert eng.wait("registration", timeout=20)["code"] == 200
    p1 = start_phone(procs, kam_center, "agent1", play=tones["agent"], record=tmp_path / "a1",
                     register=_registrar(kam_center), password="s3cret-agent1")
    assert p1.wait("registration", timeout=20)["code"] == 200
    p1.send(cmd="dial", uri="sip:+31699999999@127.0.0.1;transport=tls")
    assert p1.wait("ended")["code"] == 480
    refused = eng.wait("outbound_refused")
    assert refused["agent"] == "agent1"
    assert not any(e.get("ev") == "incoming" for e in eng.events)


def test_three_way_conference_through_the_engine(kam_center, tones, procs, tmp_path):
    """agent1 adds agent2 to the customer's call (mixed on agent1's phone): all three hear each other."""
    eng = start_engine(procs, kam_center)
    assert eng.wait("registration", timeout=20)["code"] == 200
    p1 = start_phone(procs, kam_center, "agent1", play=tones["agent"], record=tmp_path / "a1",
                     register=_registrar(kam_center), password="s3cret-agent1")
    p2 = start_phone(procs, kam_center, "agent2", play=tones["agent2"], record=tmp_path / "a2",
                     register=_registrar(kam_center), password="s3cret-agent2")
    assert p1.wait("registration", timeout=20)["code"] == 200
    assert p2.wait("registration", timeout=20)["code"] == 200
    cust_rec = tmp_path / "customer-heard.wav"
    cust = procs([PY, "-m", "agent_tui.center.voice.call_cli", str(kam_center), "--from", "+31611100022",
                  "--play", str(tones["customer"]), "--record", str(cust_rec), "--duration", "60"], "customer")
    call = eng.wait("incoming", timeout=20)["call"]
    eng.send(cmd="ring", call=call, agent="agent1", uri="sip:agent1@127.0.0.1;transport=tls")
    eng.wait("answered")
    first = p1.wait("answered")["call"]
    p1.send(cmd="dial2", uri="sip:agent2@127.0.0.1;transport=tls")
    consult = p1.wait("dialing")["call"]
    p1.wait(lambda e: e.get("ev") == "answered" and e["call"] == consult)
    m2 = p2.wait(lambda e: e.get("ev") == "media" and e["state"] == "active")
    p1.send(cmd="conference", call=first, other=consult)
    p1.wait("conference")
    size = os.path.getsize(cust_rec)
    leg2 = tmp_path / f"a2.{m2['call']}.wav"
    size2 = os.path.getsize(leg2) if leg2.exists() else 0
    wait_until(lambda: os.path.getsize(cust_rec) > size + 2 * 32000, 15, "2 s of conference at the customer")
    wait_until(lambda: os.path.getsize(leg2) > size2 + 2 * 32000, 15, "2 s of conference at agent2")
    p1.send(cmd="hangup", call=consult)
    p1.send(cmd="hangup", call=first)
    eng.wait("ended")
    cust.wait(lambda e: "result" in e, timeout=20)
    p2.stop()
    t0 = (size - 44) / 32000 + 0.5
    # In a mix of two tones each holds about half the energy.
    both = [(band_share(w, r, AGENT_HZ), band_share(w, r, AGENT2_HZ))
            for t, w, r in windows(cust_rec) if t0 <= t <= t0 + 1.5 and rms(w) > 0.005]
    assert both and all(a > 0.15 and b > 0.15 for a, b in both), both
    t2 = (size2 - 44) / 32000 + 0.5
    heard = [band_share(w, r, CUSTOMER_HZ) for t, w, r in windows(leg2) if t2 <= t <= t2 + 1.5 and rms(w) > 0.005]
    assert heard and all(x > 0.15 for x in heard), heard


def test_second_engine_takes_callers_when_the_first_is_full(kam_center, tones, procs, tmp_path):
    """Kamailio tries the engines in q order; a full engine's 486 moves the caller on."""
    e0 = start_engine(procs, kam_center)
    assert e0.wait("registration", timeout=20)["code"] == 200
    e1 = procs([PY, "-m", "agent_tui.center.voice", str(kam_center), "--index", "1"], "engine1")
    e1.wait("ready", timeout=20)
    assert e1.wait("registration", timeout=20)["code"] == 200
    for i in range(3):
        procs([PY, "-m", "agent_tui.center.voice.call_cli", str(kam_center), "--from", f"+3162222000{i}",
               "--play", str(tones["customer"]), "--duration", "60"], "customer")
        wait_until(lambda i=i: sum(1 for p in (e0, e1) for e in p.events if e.get("ev") == "incoming") > i,
                   20, f"caller {i} queued")
    at0 = [e["call"] for e in e0.events if e.get("ev") == "incoming"]
    at1 = [e["call"] for e in e1.events if e.get("ev") == "incoming"]
    assert len(at0) == 2 and len(at1) == 1, (at0, at1)
    assert all(c.startswith("call-e0-") for c in at0) and at1[0].startswith("call-e1-")
