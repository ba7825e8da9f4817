"""The acceptance call: a customer's tone reaches an agent whose headset is a virtual ALSA device.

Real parts end to end: `center serve` with voice (direct TLS, the demo setup), the agent
logged in over wss, the softphone engineer's headless phone (agent_tui.sip, PortAudio on
an ALSA `headset` device backed by files), the customer as `center call` playing a WAV.
The agent's speaker file must hold the customer's tone; the customer's recording must
hold the tone the agent's microphone sent.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.kit.paths import KIT_DIR
from tests.kit.voicekit import AGENT_HZ, CUSTOMER_HZ, PY
from tests.kit.wsclient import WsClient
from tests.voice.voice_audio import band_share, rms

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve().parent
PHONE_PROC = KIT_DIR / "phone_proc.py"

ASOUNDRC = """
pcm.headset {{
  type asym
  playback.pcm {{
    type file
    slave.pcm "null"
    file "{out}"
    format "raw"
  }}
  capture.pcm {{
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "{inp}"
    format "raw"
  }}
}}
"""


def _virtual_headset(tmp_path: Path, mic_hz: float) -> tuple[dict[str, str], Path]:
    """An ALSA `headset`: its microphone plays *mic_hz*, its speaker writes a raw file."""
    rate = 16000
    t = np.arange(rate * 30) / rate
    mic = tmp_path / "mic.raw"
    (np.sin(2 * np.pi * mic_hz * t) * 0.3 * 32767).astype("<i2").tofile(mic)
    speaker = tmp_path / "speaker.raw"
    conf = tmp_path / "asoundrc"
    conf.write_text(ASOUNDRC.format(out=speaker, inp=mic))
    return {"ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{conf}"}, speaker


def _shares(samples: np.ndarray, rate: int, freq: float, start_s: float = 0.5) -> list[float]:
    n = rate // 2
    return [band_share(samples[i:i + n], rate, freq) for i in range(int(start_s * rate), len(samples) - n, n)
            if rms(samples[i:i + n]) > 0.005]


@pytest.mark.skipif(not PHONE_PROC.exists(), reason="the softphone's headless test driver is not there")
async def test_customer_tone_reaches_agent_headset_and_back(make_center, tones, procs, tmp_path):
    center = make_center(voice={"enabled": True})
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    await a1.cmd("state.set", state="available")
    cust_rec = tmp_path / "customer-heard.wav"
    cust = procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center.dir), "--from", "+31687650000",
                  "--play", str(tones["customer"]), "--record", str(cust_rec), "--duration", "120",
                  "--events"], "customer")
    offered = await a1.wait_event("voice.offered", timeout=30)
    conv = offered["data"]["conversation"]

    # The agent answers on the softphone: it dials the one-time pickup URI, audio on the headset.
    env, speaker = _virtual_headset(tmp_path, AGENT_HZ)
    opts = {"ca_file": str(center.ca_file), "user": "agent1", "domain": "127.0.0.1",
            "bind_address": "127.0.0.1", "dial": offered["data"]["pickup"], "duration": 4.0,
            "headset": {"input_device": "headset", "output_device": "headset"}}
    def run_phone() -> tuple[str, str]:
        phone = subprocess.Popen([sys.executable, str(PHONE_PROC), json.dumps(opts)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env={**os.environ, **env})
        try:
            return phone.communicate(timeout=60)
        finally:
            if phone.poll() is None:
                phone.kill()
                phone.wait()

    out, err = await asyncio.to_thread(run_phone)
    result = json.loads([ln for ln in out.splitlines() if ln.strip()][-1])
    assert result["result"] == "completed", (result, err[-2000:])
    await a1.wait_event("conv.assigned", lambda d: d["conversation"]["id"] == conv, timeout=15)
    await a1.wait_event("voice.ended", lambda d: d["conversation"] == conv, timeout=15)
    # The agent hung up: the call is over for the customer too.
    summary = await asyncio.to_thread(cust.wait, lambda e: "result" in e, 20)
    assert summary["answered"] and summary["result"] == "remote-hangup"

    # The agent's ears: the customer's tone came out of the headset.
    heard = np.fromfile(speaker, dtype="<i2").astype(np.float64) / 32768.0
    shares = _shares(heard, 16000, CUSTOMER_HZ)
    assert len(shares) >= 4 and sum(x > 0.5 for x in shares) >= len(shares) * 2 // 3, shares
    # The customer's ears: the agent's microphone tone (after the announcement and hold music).
    from tests.voice.voice_audio import read_wav

    data, rate = read_wav(cust_rec)
    back = _shares(data, rate, AGENT_HZ, start_s=0.0)
    assert sum(x > 0.5 for x in back) >= 4, back
    await a1.close(bye=True)
