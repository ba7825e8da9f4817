"""Call monitoring in the voice engine (issue 11): a lead's phone bridged into a live call.

Real pjsua2 phones over TLS with SRTP, on the engine's JSON-line interface (the bridge plays
the center's part in production). The customer plays a 1000 Hz tone, the agent speaks
(espeak-ng), the lead plays a 1250 Hz tone. In one call the lead listens, whispers, then barges
in; the recordings say who heard whom in each phase.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pytest

from agent_tui.center.cli import configure_logging
from agent_tui.center.voice.monitoring import AUDIT_LOGGER, log
from tests.kit.voicekit import AGENT2_HZ, CUSTOMER_HZ, PY, speech_wav, start_engine, start_phone
from tests.kit.waiting import wait_until
from tests.voice.voice_audio import band_share, rms

pytestmark = pytest.mark.slow
LEAD_HZ = AGENT2_HZ
BYTES_PER_S = 32000  # 16 kHz mono 16-bit recordings


def _size(path: Path) -> int:
    return os.path.getsize(path) if path.exists() else 0


def _secs(n: int) -> float:
    return max(0.0, (n - 44) / BYTES_PER_S)


def _phase(path: Path, t0: float, t1: float, win: float = 0.25) -> list[np.ndarray]:
    """The windows of a recording fully inside [t0, t1] seconds."""
    # Read past the 44-byte header: a phone still running has not finalised its WAV header yet.
    data, rate = np.fromfile(str(path), dtype="<i2", offset=44).astype(np.float64) / 32768.0, 16000
    n = int(win * rate)
    return [data[i:i + n] for i in range(int(t0 * rate), int(t1 * rate) - n + 1, n)]


def _speech_share(w: np.ndarray, rate: int = 16000) -> float:
    """Share of the energy in 150..3400 Hz that is not within ±60 Hz of either test tone."""
    spec = np.abs(np.fft.rfft(w * np.hanning(len(w)))) ** 2
    f = np.fft.rfftfreq(len(w), 1 / rate)
    band = (f > 150) & (f < 3400)
    tones = (np.abs(f - CUSTOMER_HZ) < 60) | (np.abs(f - LEAD_HZ) < 60)
    total = spec[band].sum()
    return float(spec[band & ~tones].sum() / total) if total > 0 else 0.0


def _grow(path: Path, seconds: float, what: str) -> int:
    start = _size(path)
    wait_until(lambda: _size(path) >= start + int(seconds * BYTES_PER_S), 15, what)
    return start


def test_lead_listens_whispers_and_barges(center_dir, tones, procs, tmp_path):
    from agent_tui.center.voice.prompts import write_tone_wav

    speech = speech_wav(tmp_path / "agent-speech.wav")
    lead_tone = write_tone_wav(tmp_path / "lead.wav", [(LEAD_HZ, 30.0)])
    eng = start_engine(procs, center_dir)
    agent = start_phone(procs, center_dir, "agent1", play=speech, record=tmp_path / "agent")
    lead = start_phone(procs, center_dir, "lead1", play=lead_tone, record=tmp_path / "lead")
    cust_rec = tmp_path / "customer-heard.wav"
    procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center_dir), "--from", "+31612340000",
           "--play", str(tones["customer"]), "--record", str(cust_rec), "--duration", "60"], "customer")
    call = eng.wait("incoming")["call"]
    eng.send(cmd="expect", call=call, agent="agent1")
    agent.send(cmd="dial", uri=eng.wait("pickup")["uri"])
    eng.wait("answered")
    a_call = agent.wait(lambda e: e.get("ev") == "media" and e["state"] == "active")["call"]
    agent_rec = tmp_path / f"agent.{a_call}.wav"

    # The lead joins silently through a one-time pickup URI.
    eng.send(cmd="monitor", call=call, lead="lead1", mode="listen", token="tok-1")
    pickup = eng.wait("monitor_pickup")
    assert pickup["lead"] == "lead1" and pickup["uri"].startswith("sip:monitor-tok-1@")
    lead.send(cmd="dial", uri=pickup["uri"])
    started = eng.wait("monitor_started")
    assert started == {**started, "call": call, "lead": "lead1", "mode": "listen"}
    l_call = lead.wait(lambda e: e.get("ev") == "media" and e["state"] == "active")["call"]
    lead_rec = tmp_path / f"lead.{l_call}.wav"
    # A used token does not let a second phone in.
    mark = agent.mark()
    agent.send(cmd="dial2", uri=pickup["uri"])
    assert agent.wait(lambda e: e.get("ev") == "ended" and e["call"] != a_call, after=mark)["code"] in (404, 410)

    _grow(lead_rec, 0.5, "the lead's recording starts")
    c_listen = _size(cust_rec)
    a_listen = _size(agent_rec)
    l_listen = _grow(lead_rec, 2.5, "2.5 s of listening")
    c_whisper, a_whisper = _size(cust_rec), _size(agent_rec)
    eng.send(cmd="monitor_mode", call=call, mode="whisper")
    assert eng.wait("monitor_mode")["mode"] == "whisper"
    _grow(agent_rec, 2.0, "2 s of whisper")
    c_barge, a_barge = _size(cust_rec), _size(agent_rec)
    eng.send(cmd="monitor_mode", call=call, mode="barge")
    eng.wait(lambda e: e.get("ev") == "monitor_mode" and e["mode"] == "barge")
    _grow(cust_rec, 2.0, "2 s of barge")
    eng.send(cmd="monitor_stop", call=call)
    assert eng.wait("monitor_ended")["lead"] == "lead1"
    lead.wait(lambda e: e.get("ev") == "ended" and e["call"] == l_call)
    c_end = _size(cust_rec)
    agent.send(cmd="hangup", call=a_call)
    eng.wait("ended")

    # The lead heard the customer's tone and the agent's speech.
    heard = _phase(lead_rec, 0.3, _secs(l_listen) + 2.0)
    assert sum(band_share(w, 16000, CUSTOMER_HZ) > 0.2 for w in heard) >= len(heard) * 0.7
    # Speech windows put 2-20% of the energy outside the tones (measured); the codecs' own
    # distortion of a tone alone puts 0.01-0.05% there.
    shares = [round(_speech_share(w), 4) for w in heard]
    assert sum(x > 0.01 for x in shares) >= len(heard) * 0.5, shares
    # Listen: nobody hears the lead.
    margin = 0.4  # the mode change crosses the engine's command queue and a jitter buffer
    for path, t0, t1 in ((cust_rec, c_listen, c_whisper), (agent_rec, a_listen, a_whisper)):
        quiet = _phase(path, _secs(t0), _secs(t1) - margin)
        assert quiet and max(band_share(w, 16000, LEAD_HZ) for w in quiet) < 0.05
    # Whisper: the agent hears the lead, the customer does not.
    whisper_a = _phase(agent_rec, _secs(a_whisper) + margin, _secs(a_barge) - margin)
    assert sum(band_share(w, 16000, LEAD_HZ) > 0.1 for w in whisper_a) >= len(whisper_a) * 0.7
    whisper_c = _phase(cust_rec, _secs(c_whisper), _secs(c_barge) - margin)
    assert max(band_share(w, 16000, LEAD_HZ) for w in whisper_c) < 0.05
    # Barge: the customer hears the lead (and still the agent).
    barge_c = _phase(cust_rec, _secs(c_barge) + margin, _secs(c_end) - margin)
    assert barge_c and sum(band_share(w, 16000, LEAD_HZ) > 0.1 for w in barge_c) >= len(barge_c) * 0.7
    assert any(rms(w) > 0.01 for w in barge_c)


async def test_lead_monitors_through_the_center(make_center, tones, procs, tmp_path, caplog):
    """The ops: supervisors only, the agent and the lead are told, the center log says so."""
    import asyncio

    from tests.kit.wsclient import CmdError, WsClient

    caplog.set_level(logging.INFO, logger="agent_tui.center.voice")
    center = make_center(voice={"enabled": True})
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    await a1.cmd("state.set", state="available")
    lead = await WsClient.login(center.url, center.ca_file, "lead1")
    a2 = await WsClient.login(center.url, center.ca_file, "agent2")
    phone = await asyncio.to_thread(start_phone, procs, center.dir, "agent1", play=tones["agent"],
                                    record=tmp_path / "a1")
    lead_phone = await asyncio.to_thread(start_phone, procs, center.dir, "lead1", play=tones["agent2"],
                                         record=tmp_path / "l1")
    procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center.dir), "--from", "+31612349999",
           "--play", str(tones["customer"]), "--duration", "60", "--timeout", "30"], "customer")
    offered = await a1.wait_event("voice.offered", timeout=30)
    conv = offered["data"]["conversation"]
    # Before the agent answers there is nothing to monitor.
    with pytest.raises(CmdError) as not_yet:
        await lead.cmd("voice.monitor", conversation=conv, mode="listen")
    assert not_yet.value.code == "conflict"
    phone.send(cmd="dial", uri=offered["data"]["pickup"])
    await a1.wait_event("voice.answered", timeout=15)

    for who in (a1, a2):  # agents may not listen to anyone, not even to their own call
        with pytest.raises(CmdError) as denied:
            await who.cmd("voice.monitor", conversation=conv, mode="listen")
        assert denied.value.code == "forbidden"
    started = await lead.cmd("voice.monitor", conversation=conv, mode="listen")
    assert started["agent"] == "agent1" and started["pickup"].startswith("sip:monitor-")
    lead_phone.send(cmd="dial", uri=started["pickup"])
    told = await a1.wait_event("voice.monitor", lambda d: d["active"], timeout=15)
    assert told["data"] == {**told["data"], "conversation": conv, "lead": "lead1", "mode": "listen"}
    assert told["data"]["lead_name"]
    await lead.wait_event("voice.monitor", lambda d: d["active"] and d["mode"] == "listen", timeout=5)

    assert (await lead.cmd("voice.monitor", conversation=conv, mode="barge"))["joined"] is True
    await a1.wait_event("voice.monitor", lambda d: d["active"] and d["mode"] == "barge", timeout=10)
    await lead.cmd("voice.monitor.stop", conversation=conv)
    await a1.wait_event("voice.monitor", lambda d: not d["active"], timeout=10)
    await _wait_ended(lead_phone)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "lead lead1 is monitoring " + conv in logged and "lead lead1 stopped monitoring " + conv in logged
    for c in (a1, a2, lead):
        await c.close(bye=True)


async def _wait_ended(phone) -> None:
    import asyncio

    await asyncio.to_thread(phone.wait, "ended", 10)


def test_monitoring_is_scoped_to_the_leads_teams():
    """A lead of team ``care`` may not monitor an agent of team ``flex`` (a stand-in hub: the
    scoping rule on its own; the real center runs it in the test above)."""
    from types import SimpleNamespace as NS

    from agent_tui.center.model import DomainError
    from agent_tui.center.voice.monitoring import Monitoring

    hub = NS(agents={"lead2": NS(team="care", teams=["care"], name="L"),
                     "agent4": NS(team="flex", teams=["flex"], name="D"),
                     "agent1": NS(team="care", teams=["care"], name="A")})
    calls = {"c-1": NS(call="e-1", conv="c-1", agent="agent4"), "c-2": NS(call="e-2", conv="c-2", agent="agent1")}
    sent: list[dict] = []
    mon = Monitoring(hub, calls_by_conv=calls.get, send=sent.append,
                     engine_addr=lambda call: {"host": "127.0.0.1", "port": 5061}, ring_uri=lambda lead: None)
    with pytest.raises(DomainError) as denied:
        mon.op_monitor(NS(user="lead2"), {"conversation": "c-1", "mode": "listen"})
    assert denied.value.code == "forbidden" and not sent
    ok = mon.op_monitor(NS(user="lead2"), {"conversation": "c-2", "mode": "whisper"})
    assert ok["pickup"].startswith("sip:monitor-") and sent[0]["cmd"] == "monitor" and sent[0]["mode"] == "whisper"


def test_monitoring_is_logged_by_a_center_that_logs_warnings_only():
    """`center serve` without --verbose logs warnings only, but who monitors whom is an audit
    trail: the monitoring logger stays at INFO (center/cli.py configure_logging)."""
    monitoring, root = logging.getLogger(AUDIT_LOGGER), logging.getLogger()
    saved = (monitoring.level, root.level, list(root.handlers))
    try:
        root.handlers.clear()
        configure_logging(verbose=False)
        assert not logging.getLogger("agent_tui.center.voice").isEnabledFor(logging.INFO)
        assert log.name == AUDIT_LOGGER and log.isEnabledFor(logging.INFO)
    finally:
        monitoring.setLevel(saved[0])
        root.setLevel(saved[1])
        root.handlers[:] = saved[2]
