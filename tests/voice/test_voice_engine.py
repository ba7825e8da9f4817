"""The voice engine on its own (direct TLS, no Kamailio): real calls, real audio.

The test plays the center's part on the engine's JSON-line interface (the bridge
does this in production) so that the engine's behaviour is checked on its own:
a customer (`center call`) dials the queue, an agent phone picks the call up,
tones cross in both directions, hold silences both directions, DTMF digits are
reported, and a blind transfer moves the caller to a second agent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.kit.voicekit import AGENT2_HZ, AGENT_HZ, CUSTOMER_HZ, PY, start_engine, start_phone
from tests.kit.waiting import wait_until
from tests.voice.voice_audio import band_share, rms, windows

pytestmark = pytest.mark.slow


def _grown(path: Path, seconds: float, start_size: int, rate_bytes: int = 32000):
    """A condition: the WAV at *path* holds *seconds* more audio than at *start_size* bytes."""
    return lambda: path.exists() and os.path.getsize(path) >= start_size + int(seconds * rate_bytes)


def _size(path: Path) -> int:
    return os.path.getsize(path) if path.exists() else 0


def _share_in(path: Path, t0: float, t1: float, freq: float) -> list[float]:
    """Band shares of *freq* for the 0.5 s windows fully inside [t0, t1] (recording seconds)."""
    return [band_share(w, r, freq) for t, w, r in windows(path, 0.5)
            if t >= t0 and t + 0.5 <= t1 and rms(w) > 0.005] or [0.0]


def test_customer_reaches_agent_with_audio_hold_and_dtmf(center_dir, tones, procs, tmp_path):
    eng = start_engine(procs, center_dir)
    agent_rec = tmp_path / "agent-heard"
    phone = start_phone(procs, center_dir, "agent1", play=tones["agent"], record=agent_rec)
    cust_rec = tmp_path / "customer-heard.wav"
    cust = procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center_dir), "--from",
                  "+31612345678", "--play", str(tones["customer"]), "--record", str(cust_rec),
                  "--duration", "60", "--dtmf", "42#", "--dtmf-at", "0.3", "--events"], "customer")

    incoming = eng.wait("incoming")
    assert incoming["from"] == "+31612345678"
    call = incoming["call"]
    # DTMF (RFC 4733) from the customer reaches the engine, digit by digit.
    wait_until(lambda: sum(1 for e in eng.events if e.get("ev") == "dtmf") >= 3, 15, "3 DTMF digits")
    digits = [e["digit"] for e in eng.events if e.get("ev") == "dtmf" and e["call"] == call]
    assert digits == ["4", "2", "#"]
    cmedia = cust.wait("media")

    eng.send(cmd="expect", call=call, agent="agent1")
    uri = eng.wait("pickup")["uri"]
    assert uri.startswith("sip:pickup-") and ";transport=tls" in uri
    phone.send(cmd="dial", uri=uri)
    answered = eng.wait("answered")
    assert answered["agent"] == "agent1" and answered["codec"]
    pmedia = phone.wait(lambda e: e.get("ev") == "media" and e["state"] == "active")
    leg_rec = Path(f"{agent_rec}.{pmedia['call']}.wav")

    # Talking: let 2 s of audio pass (measured on the recording itself, not a sleep).
    wait_until(_grown(cust_rec, 2.0, _size(cust_rec)), 15, "2 s of talk on the customer's recording")
    wait_until(_grown(leg_rec, 2.0, 0), 15, "2 s on the agent's recording")

    mark = eng.mark()
    phone.send(cmd="hold")
    held = eng.wait(lambda e: e.get("ev") == "hold" and e["on"] is True, after=mark)
    hold_sizes = (_size(cust_rec), _size(leg_rec))
    wait_until(_grown(cust_rec, 2.0, hold_sizes[0]), 15, "2 s of hold on the customer's recording")
    mark = eng.mark()
    phone.send(cmd="unhold")
    eng.wait(lambda e: e.get("ev") == "hold" and e["on"] is False, after=mark)
    resume_sizes = (_size(cust_rec), _size(leg_rec))
    wait_until(_grown(cust_rec, 2.0, resume_sizes[0]), 15, "2 s after resume")
    phone.send(cmd="hangup")
    ended = eng.wait("ended")
    assert ended["call"] == call
    summary = cust.wait(lambda e: "result" in e, timeout=20)
    assert summary["answered"] and summary["result"] == "remote-hangup"
    assert summary["dtmf_sent"] == "42#"
    assert held["agent"] == "agent1" and cmedia["ev"] == "media"

    # Convert the byte offsets at hold/resume into recording seconds (16-bit mono 16 kHz + header).
    def secs(n: int) -> float:
        return max(0.0, (n - 44) / 32000)

    c_hold, a_hold = secs(hold_sizes[0]), secs(hold_sizes[1])
    c_res, a_res = secs(resume_sizes[0]), secs(resume_sizes[1])
    # Before hold: each side hears the other's tone (most windows; a codec glitch may spoil one).
    assert _mostly(_share_in(leg_rec, 0.3, a_hold - 0.2, CUSTOMER_HZ))
    assert _mostly(_share_in(cust_rec, c_hold - 1.8, c_hold - 0.2, AGENT_HZ))
    # On hold: neither tone crosses (0.4 s margins for the re-INVITE round trip). A held
    # pjsua2 phone may receive no frames at all, which is silence as well.
    assert max(_share_in(leg_rec, a_hold + 0.4, a_res - 0.1, CUSTOMER_HZ)) < 0.1
    assert max(_share_in(cust_rec, c_hold + 0.4, c_res - 0.1, AGENT_HZ)) < 0.1
    assert c_res - c_hold > 1.5  # the customer's side really spent time on hold
    # After resume: audio flows again, both ways.
    assert _mostly(_share_in(cust_rec, c_res + 0.5, c_res + 2.0, AGENT_HZ))
    assert _mostly(_share_in(leg_rec, a_res + 0.5, a_res + 1.8, CUSTOMER_HZ))


def _mostly(shares: list[float], level: float = 0.5) -> bool:
    return sum(1 for x in shares if x > level) >= max(1, (len(shares) * 2 + 2) // 3)


def test_blind_transfer_moves_caller_to_second_agent(center_dir, tones, procs, tmp_path):
    eng = start_engine(procs, center_dir)
    p1 = start_phone(procs, center_dir, "agent1", play=tones["agent"], record=tmp_path / "a1")
    p2 = start_phone(procs, center_dir, "agent2", play=tones["agent2"], record=tmp_path / "a2")
    cust_rec = tmp_path / "customer-heard.wav"
    cust = procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center_dir), "--from",
                  "+31687654321", "--play", str(tones["customer"]), "--record", str(cust_rec),
                  "--duration", "60", "--events"], "customer")
    call = eng.wait("incoming")["call"]
    eng.send(cmd="expect", call=call, agent="agent1")
    p1.send(cmd="dial", uri=eng.wait("pickup")["uri"])
    eng.wait(lambda e: e.get("ev") == "answered" and e["agent"] == "agent1")

    # agent1 transfers blind to agent2: the engine reports it (the center picks the target),
    # agent1's phone sees the REFER succeed and hangs up, the caller is back on hold music.
    # In direct mode the phones' SIP server is the engine, so targets are named at its address.
    ready = eng.wait("ready")
    p1.send(cmd="xfer", uri=f"sip:agent2@{ready['host']}:{ready['port']};transport=tls")
    xfer = eng.wait("transfer")
    assert xfer["kind"] == "blind" and xfer["target"] == "agent2" and xfer["agent"] == "agent1"
    st = p1.wait(lambda e: e.get("ev") == "xfer_status" and e["final"])
    assert st["code"] == 200
    p1.wait("ended")

    mark = eng.mark()
    eng.send(cmd="expect", call=call, agent="agent2")
    p2.send(cmd="dial", uri=eng.wait("pickup", after=mark)["uri"])
    eng.wait(lambda e: e.get("ev") == "answered" and e["agent"] == "agent2")
    media = p2.wait(lambda e: e.get("ev") == "media" and e["state"] == "active")
    rec2 = tmp_path / f"a2.{media['call']}.wav"
    wait_until(_grown(rec2, 2.0, 0), 15, "2 s on agent2's recording")
    size = _size(cust_rec)
    wait_until(_grown(cust_rec, 1.5, size), 15, "customer recording after transfer")
    p2.send(cmd="hangup")
    cust.wait(lambda e: "result" in e, timeout=20)
    # agent2 hears the customer; the customer hears agent2 at the end.
    assert max(_share_in(rec2, 0.5, 2.0, CUSTOMER_HZ)) > 0.5
    end = (size - 44) / 32000
    assert max(_share_in(cust_rec, end - 0.2, end + 1.5, AGENT2_HZ)) > 0.5


def test_pickup_token_is_single_use(center_dir, tones, procs, tmp_path):
    eng = start_engine(procs, center_dir)
    p1 = start_phone(procs, center_dir, "agent1", play=tones["agent"], record=tmp_path / "a1")
    p2 = start_phone(procs, center_dir, "intruder", play=tones["agent2"], record=tmp_path / "x")
    procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center_dir), "--from", "+31600000000",
           "--play", str(tones["customer"]), "--duration", "30"], "customer")
    call = eng.wait("incoming")["call"]
    eng.send(cmd="expect", call=call, agent="agent1")
    uri = eng.wait("pickup")["uri"]
    p1.send(cmd="dial", uri=uri)
    eng.wait("answered")
    p2.send(cmd="dial", uri=uri)
    refused = p2.wait("ended")
    assert refused["code"] in (404, 410)
    mark = p2.mark()
    p2.send(cmd="dial", uri=uri.replace("pickup-", "pickup-x"))
    assert p2.wait("ended", after=mark)["code"] in (404, 410)


def test_simulated_demo_caller_waits_talks_and_hangs_up(center_dir, tones, procs, tmp_path):
    eng = start_engine(procs, center_dir)
    phone = start_phone(procs, center_dir, "agent1", play=tones["agent"], record=tmp_path / "a1")
    eng.send(cmd="simulate", **{"from": "+31600000099", "name": "Demo Caller", "talk_s": 1.5})
    incoming = eng.wait("incoming")
    assert incoming["from"] == "+31600000099" and incoming["name"] == "Demo Caller"
    eng.send(cmd="expect", call=incoming["call"], agent="agent1")
    phone.send(cmd="dial", uri=eng.wait("pickup")["uri"])
    eng.wait("answered")
    media = phone.wait(lambda e: e.get("ev") == "media" and e["state"] == "active")
    # The simulated caller hangs up by itself after talking for a while.
    ended = eng.wait("ended", timeout=20)
    assert ended["call"] == incoming["call"] and ended["talk_s"] >= 1.0
    phone.wait(lambda e: e.get("ev") == "ended" and e["call"] == media["call"])
    phone.stop()
    leg = tmp_path / f"a1.{media['call']}.wav"
    assert any(rms(w) > 0.02 for _t, w, _r in windows(leg)), "the agent heard nothing from the caller"


def test_engine_keeps_a_slot_for_each_waiting_callers_agent(center_dir, tones, procs, tmp_path):
    """pjsua2-python has 4 call slots: two waiting callers fill the engine (each keeps one
    free for its agent), a third hears busy, and both waiting callers can still be answered."""
    eng = start_engine(procs, center_dir)
    customers = []
    for i in range(2):
        customers.append(procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center_dir), "--from",
                                f"+3160000010{i}", "--play", str(tones["customer"]), "--duration", "60"],
                               "customer"))
        eng.wait(lambda e, i=i: e.get("ev") == "incoming" and e["from"] == f"+3160000010{i}")
    third = procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center_dir), "--from", "+31600000109",
                   "--duration", "5"], "customer")
    assert eng.wait("busy")["slots"] == 4
    refused = third.wait(lambda e: "result" in e)
    assert not refused["answered"] and refused["code"] == 486
    calls = [e["call"] for e in eng.events if e.get("ev") == "incoming"]
    for n, call in enumerate(calls):
        phone = start_phone(procs, center_dir, f"agent{n + 1}", play=tones["agent"], record=tmp_path / f"a{n}")
        mark = eng.mark()
        eng.send(cmd="expect", call=call, agent=f"agent{n + 1}")
        phone.send(cmd="dial", uri=eng.wait("pickup", after=mark)["uri"])
        assert eng.wait(lambda e, n=n: e.get("ev") == "answered" and e["agent"] == f"agent{n + 1}")["call"] == call


def _answered_or_refused(eng, phone, agent: str, after: int) -> dict:
    """The engine's ``answered`` for *agent*, or the phone's ``ended`` (e.g. pjsua's own 486)."""
    def done() -> dict | None:
        for e in eng.events[after:]:
            if e.get("ev") == "answered" and e["agent"] == agent:
                return e
        return next((e for e in phone.events if e.get("ev") == "ended"), None)

    return wait_until(done, 20, f"{agent} answered or refused")


def test_a_lead_cannot_take_the_slot_a_waiting_callers_agent_needs(center_dir, tones, procs, tmp_path):
    """Two waiting callers fill the engine's 4 slots (each keeps one for its agent). A lead who
    asks to listen in on the first call must not take the slot the second caller's agent needs:
    pjsua would answer that agent's pickup 486 itself. Deterministic order: the lead asks first."""
    eng = start_engine(procs, center_dir)
    for n in (1, 2):
        procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center_dir), "--from", f"+3160000020{n}",
               "--play", str(tones["customer"]), "--duration", "60"], "customer")
        eng.wait(lambda e, n=n: e.get("ev") == "incoming" and e["from"] == f"+3160000020{n}")
    first, second = (e["call"] for e in eng.events if e.get("ev") == "incoming")
    p1 = start_phone(procs, center_dir, "agent1", play=tones["agent"], record=tmp_path / "a1")
    eng.send(cmd="expect", call=first, agent="agent1")
    p1.send(cmd="dial", uri=eng.wait("pickup")["uri"])
    eng.wait(lambda e: e.get("ev") == "answered" and e["agent"] == "agent1")

    lead = start_phone(procs, center_dir, "lead1", play=tones["agent2"], record=tmp_path / "lead")
    mark = eng.mark()
    eng.send(cmd="monitor", call=first, lead="lead1", mode="listen", token="tok-lead")
    asked = eng.wait(lambda e: e.get("ev") in ("monitor_pickup", "monitor_failed"), after=mark)
    if asked["ev"] == "monitor_pickup":  # (before the fix) the lead takes the last slot
        lead.send(cmd="dial", uri=asked["uri"])
        eng.wait("monitor_started", after=mark)

    p2 = start_phone(procs, center_dir, "agent2", play=tones["agent2"], record=tmp_path / "a2")
    mark = eng.mark()
    eng.send(cmd="expect", call=second, agent="agent2")
    p2.send(cmd="dial", uri=eng.wait("pickup", after=mark)["uri"])
    got = _answered_or_refused(eng, p2, "agent2", mark)
    assert got.get("ev") == "answered" and got["call"] == second, f"agent2's pickup: {got}"
    # The lead was told, in words, why not (and can try again when a call ends).
    assert asked["ev"] == "monitor_failed" and asked["code"] == 503 and "slot" in asked["reason"], asked
    assert not [e for e in eng.events if e.get("ev") == "library_refused"]


def test_blind_transfer_pickup_waits_for_the_transfers_own_legs(center_dir, tones, procs, tmp_path):
    """A blind transfer in direct mode briefly holds all 4 slots (caller, transferring agent, the
    engine's transfer call to itself and its returning twin). The center hands the colleague the
    call the moment it hears of the transfer (the bridge's order, reproduced here): the pickup
    must not reach pjsua while those legs still hold every slot (it would answer 486 itself)."""
    eng = start_engine(procs, center_dir)
    p1 = start_phone(procs, center_dir, "agent1", play=tones["agent"], record=tmp_path / "a1")
    p2 = start_phone(procs, center_dir, "agent2", play=tones["agent2"], record=tmp_path / "a2")
    procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center_dir), "--from", "+31687650000",
           "--play", str(tones["customer"]), "--duration", "60"], "customer")
    call = eng.wait("incoming")["call"]
    eng.send(cmd="expect", call=call, agent="agent1")
    p1.send(cmd="dial", uri=eng.wait("pickup")["uri"])
    eng.wait(lambda e: e.get("ev") == "answered" and e["agent"] == "agent1")
    ready = eng.wait("ready")
    mark = eng.mark()
    p1.send(cmd="xfer", uri=f"sip:agent2@{ready['host']}:{ready['port']};transport=tls")
    eng.wait("transfer", after=mark)
    eng.send(cmd="expect", call=call, agent="agent2")  # at once, as the bridge does
    p2.send(cmd="dial", uri=eng.wait("pickup", after=mark)["uri"])
    got = _answered_or_refused(eng, p2, "agent2", mark)
    assert got.get("ev") == "answered" and got["call"] == call, f"agent2's pickup: {got}"
    assert p1.wait(lambda e: e.get("ev") == "xfer_status" and e["final"])["code"] == 200
    assert not [e for e in eng.events if e.get("ev") == "library_refused"]
