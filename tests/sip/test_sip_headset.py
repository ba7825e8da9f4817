"""The agent's headset path for real: PortAudio (sounddevice) on a virtual ALSA device.

The ALSA `type file` PCMs read the microphone from a raw file and write the speaker to a raw
file, so the test checks what the agent's ears got and what their microphone sent, by frequency.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kit.audio_check import dominant_freq, read_raw, read_wav, tone_windows
from tests.kit.call_bar_kit import virtual_headset
from tests.kit.paths import child_env

pytestmark = pytest.mark.slow

def test_agent_headset_hears_customer_and_customer_hears_agent_microphone(
    pki, tones, phones, tmp_path
):
    env, speaker = virtual_headset(tmp_path, 1000.0)
    agent = phones(
        {
            "ca_file": str(pki.ca),
            "cert_file": str(pki.cert),
            "key_file": str(pki.key),
            "user": "agent1",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "auto_answer": True,
            "wait": 30,
            "duration": 30,
            "headset": {"input_device": "headset", "output_device": "headset"},
        },
        env=env,
        name="agent",
    )
    port = agent.ready_port()
    customer = phones(
        {
            "ca_file": str(pki.ca),
            "user": "customer",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "dial": f"sip:agent1@127.0.0.1:{port};transport=tls",
            "play": str(tones[440]),
            "record": str(tmp_path / "customer.wav"),
            "duration": 4.0,
        },
        name="customer",
    )
    customer.ready_port()
    c = customer.result(60)
    a = agent.result(30)
    assert c["result"] == "completed" and a["result"] == "completed", (c, a)

    # The agent's ears: the customer's 440 Hz came out of the headset.
    heard, rate = read_raw(speaker)
    assert heard.size > rate * 2, f"speaker file holds only {heard.size} samples"
    flags = tone_windows(heard, rate, 440)
    assert sum(flags) >= 8, "".join("#" if f else "." for f in flags)
    # The agent's microphone (1000 Hz) reached the customer.
    cust, rate = read_wav(tmp_path / "customer.wav")
    assert abs(dominant_freq(cust[rate // 2 :], rate) - 1000) < 20
    assert sum(tone_windows(cust, rate, 1000)) >= 8
    assert agent.proc.returncode == 0 and "Assertion" not in agent.stderr, agent.stderr[-2000:]


RINGER = """
pcm.ringer {{
  type file
  slave.pcm "null"
  file "{ring}"
  format "raw"
}}
"""


def test_level_meter_test_tone_and_ring_device(pki, tones, phones, tmp_path):
    env, speaker = virtual_headset(tmp_path, 1000.0)
    ring = tmp_path / "ring.raw"
    conf = Path(env["ALSA_CONFIG_PATH"].split(":")[-1])
    conf.write_text(conf.read_text() + RINGER.format(ring=ring))
    here = Path(__file__).resolve().parent
    agent = subprocess.Popen(
        [
            sys.executable,
            str(here / "headset_proc.py"),
            json.dumps(
                {"ca_file": str(pki.ca), "cert_file": str(pki.cert), "key_file": str(pki.key)}
            ),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # The script imports tests.kit; a crash prints every thread's Python stack (faulthandler).
        env=child_env(**env, PYTHONFAULTHANDLER="1"),
    )
    try:
        assert agent.stdout is not None
        first = json.loads(agent.stdout.readline() or "{}")
        assert "ready" in first, agent.stderr.read() if agent.stderr else ""
        customer = phones(
            {
                "ca_file": str(pki.ca),
                "user": "customer",
                "domain": "127.0.0.1",
                "bind_address": "127.0.0.1",
                "dial": f"sip:agent1@127.0.0.1:{first['ready']};transport=tls",
                "play": str(tones[440]),
                "record": str(tmp_path / "customer.wav"),
                "duration": 20.0,
            },
            name="customer",
        )
        customer.ready_port()
        c = customer.result(60)
        out = json.loads(agent.stdout.readline() or "{}")
        agent.wait(30)
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait(10)
    # A crash (e.g. SIGSEGV, returncode -11) shows the child's own words and stacks.
    assert agent.returncode == 0, agent.stderr.read()[-4000:] if agent.stderr else ""
    assert {"headset", "ringer"} <= set(out["devices"]), out
    assert out["mic_dbfs"] is not None and out["mic_dbfs"] > -30, out  # the level meter saw the mic
    assert out["answered"] and out["caller_id"] == "customer", out
    assert c["result"] == "completed" and c["ended_by"] == "remote", c

    rate = 16000
    heard, _ = read_raw(speaker)
    assert sum(tone_windows(heard, rate, 600)) >= 3, "the test tone played in the headset"
    assert sum(tone_windows(heard, rate, 440)) >= 4, "the call played in the headset"
    rang, _ = read_raw(ring)
    assert sum(tone_windows(rang, rate, 425)) >= 3, (
        "the ring device rang while the call was offered"
    )
    assert rang.size < rate * 12, "the ring stream runs in real time, not as fast as it can"
