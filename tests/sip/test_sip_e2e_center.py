"""End to end with the real center voice engine (direct TLS, no Kamailio):
a simulated customer (`center call`) calls the queue; `ctl phone --auto-answer` (the headless
softphone, logged in as agent1) becomes Available, gets `voice.offered` with a pickup URI,
dials it, and the two hear each other's tones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from audio_check import read_wav, tone_windows

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent


def test_customer_call_reaches_headless_agent_through_the_center(make_center, tones, tmp_path):
    center = make_center(voice={"enabled": True})
    pw = tmp_path / "pw"
    pw.write_text("demo\n")
    pw.chmod(0o600)
    agent = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agent_tui",
            "ctl",
            "--server",
            center.url,
            "--ca",
            str(center.ca_file),
            "--user",
            "agent1",
            "--password-stdin",
            "phone",
            "--auto-answer",
            "--wait",
            "40",
            "--duration",
            "4",
            "--profile",
            "low",
            "--play",
            str(tones[440]),
            "--record",
            str(tmp_path / "agent.wav"),
        ],
        stdin=pw.open(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        customer = subprocess.run(
            [
                sys.executable,
                "-m",
                "agent_tui.center.voice.call_cli",
                str(center.dir),
                "--from",
                "+31612345678",
                "--play",
                str(tones[1000]),
                "--record",
                str(tmp_path / "customer.wav"),
                "--duration",
                "8",
                "--timeout",
                "30",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=90,
        )
        out, err = agent.communicate(timeout=60)
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait(10)
    assert agent.returncode == 0, (out, err[-3000:], customer.stdout, customer.stderr[-2000:])
    result = json.loads(out.strip().splitlines()[-1])
    assert result["result"] == "completed", result
    assert result["codec"] in ("speex/8000", "iLBC/8000", "GSM/8000"), (
        result
    )  # the low profile held
    assert result["tx_kbps"] <= 30 and result["rx_kbps"] <= 30, result
    heard, rate = read_wav(tmp_path / "agent.wav")
    assert sum(tone_windows(heard, rate, 1000)) >= 6, "the agent hears the customer"
    cust, rate = read_wav(tmp_path / "customer.wav")
    assert sum(tone_windows(cust, rate, 440)) >= 6, "the customer hears the agent"
