"""`agent-tui ctl ... phone`: logs in to a real center, makes or waits for a call, prints one JSON object."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kit.audio_check import read_wav, tone_windows

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
REQUIRED = (
    "codec",
    "result",
    "tx_packets",
    "rx_packets",
    "tx_kbps",
    "rx_kbps",
    "loss_pct",
    "jitter_ms",
    "rtt_ms",
    "mos",
)


def ctl_phone(center, *phone_args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run(
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
            *phone_args,
        ],
        input="demo\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def _customer(phones, ca: Path, cert: Path, key: Path, tone: Path):
    peer = phones(
        {
            "ca_file": str(ca),
            "cert_file": str(cert),
            "key_file": str(key),
            "user": "customer",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "auto_answer": True,
            "wait": 60,
            "duration": 60,
            "play": str(tone),
        },
        name="customer",
    )
    return peer, peer.ready_port()


def test_ctl_phone_low_profile_call_prints_figures_as_one_json_object(
    center, tones, phones, tmp_path
):
    tls = center.dir / "tls"  # a SIP peer with a certificate from the center's CA
    _peer, port = _customer(
        phones, tls / "ca.pem", tls / "server.pem", tls / "server.key", tones[440]
    )
    proc = ctl_phone(
        center,
        "--dial",
        f"sip:customer@127.0.0.1:{port};transport=tls",
        "--duration",
        "4",
        "--profile",
        "low",
        "--play",
        str(tones[1000]),
        "--record",
        str(tmp_path / "heard.wav"),
    )
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 0 and len(lines) == 1, (proc.stdout, proc.stderr[-2000:])
    out = json.loads(lines[0])
    for key in REQUIRED:
        assert key in out, key
    assert (
        out["result"] == "completed" and out["codec"] == "speex/8000" and out["ptime_ms"] == 40
    ), out
    # The low profile's promise, measured: under 30 kbit/s each way at the IP layer incl. SRTP.
    assert 15 < out["tx_kbps"] <= 30 and 15 < out["rx_kbps"] <= 30, out
    assert out["tx_packets"] > 50 and out["rx_packets"] > 50 and out["loss_pct"] == 0
    assert 1.0 <= out["mos"] <= 4.5
    heard, rate = read_wav(tmp_path / "heard.wav")
    assert sum(tone_windows(heard, rate, 440)) >= 8


def test_ctl_phone_refuses_a_sip_peer_the_center_ca_did_not_sign(center, pki, tones, phones):
    _peer, port = _customer(phones, pki.ca, pki.cert, pki.key, tones[440])
    proc = ctl_phone(
        center, "--dial", f"sip:customer@127.0.0.1:{port};transport=tls", "--duration", "2"
    )
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout
    out = json.loads(lines[0])
    assert out["result"] == "tls_refused" and proc.returncode == 4, (out, proc.stderr)
    assert "not trusted" in out["message"] and "ca.pem" in out["message"]


def test_ctl_phone_auto_answer_without_a_call_times_out_with_exit_7(center):
    proc = ctl_phone(center, "--auto-answer", "--wait", "1")
    assert proc.returncode == 7, (proc.stdout, proc.stderr)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["result"] == "no_call"
    for key in REQUIRED:
        assert key in out
