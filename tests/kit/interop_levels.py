"""Levels across a codec path, measured against baresip (issue 10 §4).

A baresip customer calls the voice engine (direct mode, SRTP) with one codec; a pjsua2 agent
phone picks the call up. Each side plays a sine of known level; the other side's recording
gives the level it heard. Gain 0 dB = level-correct. Shared by the test and the bench.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from agent_tui.secure.pki import make_ca, make_server_cert
from tests.kit.audio_check import write_tone_wav
from tests.kit.baresip import Baresip
from tests.kit.voicekit import JsonProc, start_engine, start_phone
from tests.kit.waiting import wait_until

CUSTOMER_HZ = 1000.0
AGENT_HZ = 1500.0
RATES = {"G722": 16000, "PCMU": 8000, "PCMA": 8000}  # baresip's codec names and sample rates
AMP = 0.25  # -12 dBFS peak: room above for a +6 dB error without clipping


def _db(x: float) -> float:
    return 20 * np.log10(max(x, 1e-9))


def tone_rms(path: Path, freq: float, rate: int, skip_s: float = 0.5) -> float:
    """RMS of the band around *freq* in a 16-bit mono WAV at *rate* (read raw past the 44-byte
    header: the writer may not have finalised it yet)."""
    data = np.fromfile(str(path), dtype="<i2", offset=44).astype(np.float64) / 32768.0
    data = data[int(skip_s * rate):]
    n = min(len(data), 4 * rate)
    seg = data[:n]
    spec = np.fft.rfft(seg * np.hanning(n))
    f = np.fft.rfftfreq(n, 1 / rate)
    band = np.abs(f - freq) < 40
    # Parseval with the Hann window's energy (sum w^2 = 3n/8).
    return float(np.sqrt(2 * np.sum(np.abs(spec[band]) ** 2) / (n * n * 3 / 8)))


def measure(work: Path, codec: str, seconds: float = 3.0,
            procs: Callable[..., JsonProc] | None = None) -> dict:
    """One call baresip → engine → pjsua2 agent with *codec*; the gains each way in dB."""
    center = work / "center"
    make_ca(center / "tls")
    make_server_cert(center / "tls", [])
    (center / "center.yaml").write_text("voice:\n  enabled: true\n", encoding="utf-8")
    started: list[JsonProc] = []

    def own_procs(argv: list[str], name: str, **kw: object) -> JsonProc:
        from tests.kit.paths import child_env

        p = JsonProc(argv, cwd=work, env=child_env(), name=name, **kw)  # type: ignore[arg-type]
        started.append(p)
        return p

    run = procs or own_procs
    rate = RATES[codec]
    cust_wav = write_tone_wav(work / "bs-in.wav", CUSTOMER_HZ, 30, rate=rate, amp=AMP)  # aufile: the codec's rate
    agent_wav = write_tone_wav(work / "agent-in.wav", AGENT_HZ, 30, amp=AMP)
    bs = None
    try:
        eng = start_engine(run, center)
        ready = eng.wait("ready")
        phone = start_phone(run, center, "agent1", play=agent_wav, record=work / "agent")
        bs = Baresip(work / "baresip", ca=center / "tls" / "ca.pem", aor="sip:+31611110000@127.0.0.1;transport=tls",
                     play=cust_wav, codecs=f"{codec}/{rate}/1")
        bs.wait_for("baresip is ready", 20)
        bs.command(f"/dial sip:+31201234567@{ready['host']}:{ready['port']};transport=tls")
        call = eng.wait("incoming", timeout=20)["call"]
        eng.send(cmd="expect", call=call, agent="agent1")
        phone.send(cmd="dial", uri=eng.wait("pickup")["uri"])
        answered = eng.wait("answered")
        media = phone.wait(lambda e: e.get("ev") == "media" and e["state"] == "active")
        rec = work / f"agent.{media['call']}.wav"
        wait_until(lambda: rec.exists() and os.path.getsize(rec) > 44 + (seconds + 0.5) * 32000, 20,
                   "the agent's recording")
        wait_until(lambda: (r := bs.recording("dec")) is not None and os.path.getsize(r) > 44 + seconds * rate * 2,
                   20, "baresip's recording")
        heard_by_agent = tone_rms(rec, CUSTOMER_HZ, 16000)
        heard_by_customer = tone_rms(bs.recording("dec"), AGENT_HZ, rate)  # type: ignore[arg-type]
        phone.send(cmd="hangup")
        eng.wait("ended")
    finally:
        if bs is not None:
            bs.stop()
        for p in reversed(started):
            p.ask_to_quit()
        for p in reversed(started):
            p.stop()
    sent = AMP / np.sqrt(2)
    return {"codec": codec, "agent_leg_codec": answered.get("codec", ""),
            "customer_to_agent_db": round(float(_db(heard_by_agent) - _db(sent)), 2),
            "agent_to_customer_db": round(float(_db(heard_by_customer) - _db(sent)), 2)}


if __name__ == "__main__":  # python -m tests.kit.interop_levels G722 (a quick look)
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        print(json.dumps(measure(Path(d), sys.argv[1] if len(sys.argv) > 1 else "G722")))
