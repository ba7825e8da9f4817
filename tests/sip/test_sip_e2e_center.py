"""End to end with the real center voice engine (direct TLS, no Kamailio):
a simulated customer (`center call`) calls the queue; `ctl phone --auto-answer` (the headless
softphone, logged in as agent1) becomes Available, gets `voice.offered` with a pickup URI,
dials it, and the two hear each other's tones."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.kit.audio_check import read_wav, tone_windows
from tests.kit.waiting import LineLog

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


def _ctl_phone_popen(center, user: str, pw: Path, *phone_args: str) -> subprocess.Popen:
    return subprocess.Popen(
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
            user,
            "--password-stdin",
            "phone",
            *phone_args,
        ],
        stdin=pw.open(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen, timeout: float = 90) -> tuple[int, dict, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    lines = out.strip().splitlines()
    return proc.returncode, (json.loads(lines[-1]) if lines else {}), err


def test_colleague_call_needs_kamailio_in_direct_mode(make_center, tmp_path):
    center = make_center(voice={"enabled": True})
    pw = tmp_path / "pw"
    pw.write_text("demo\n")
    rc, out, err = _finish(_ctl_phone_popen(center, "agent1", pw, "--dial", "agent2"))
    assert rc == 1 and out["result"] == "failed", (out, err[-2000:])
    assert "Kamailio" in out["message"]


def _wait_stderr_event(proc: subprocess.Popen, ev: str, timeout: float) -> list[str]:
    """Read the phone's --events lines (stderr) until ``ev`` arrives; the lines read so far."""
    log: LineLog[str] = LineLog()

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            log.append(line)
        log.close()

    threading.Thread(target=pump, daemon=True).start()
    log.wait(lambda line: line.startswith("{") and json.loads(line).get("ev") == ev, timeout,
             what=f"the phone's {ev!r} event")
    return list(log.lines)


def test_colleagues_call_each_other_through_the_centers_kamailio(make_center, tones, tmp_path):
    center = make_center(voice={"enabled": True, "kamailio": {"enabled": True, "port": 0}})
    pw = tmp_path / "pw"
    pw.write_text("demo\n")
    callee = _ctl_phone_popen(
        center,
        "agent2",
        pw,
        "--auto-answer",
        "--wait",
        "40",
        "--duration",
        "30",
        "--events",
        "--play",
        str(tones[700]),
        "--record",
        str(tmp_path / "agent2.wav"),
    )
    try:
        _wait_stderr_event(callee, "registered", 30)  # agent2 is reachable before agent1 dials
        rc1, r1, err1 = _finish(
            _ctl_phone_popen(
                center,
                "agent1",
                pw,
                "--dial",
                "agent2",
                "--duration",
                "4",
                "--play",
                str(tones[440]),
                "--record",
                str(tmp_path / "agent1.wav"),
            )
        )
        out2, _ = callee.communicate(timeout=60)
    finally:
        if callee.poll() is None:
            callee.kill()
            callee.wait(10)
    r2 = json.loads(out2.strip().splitlines()[-1])
    assert rc1 == 0 and r1["result"] == "completed" and r1.get("registered"), (
        json.dumps(r1),
        err1[-2000:],
    )
    assert callee.returncode == 0 and r2["result"] == "completed" and r2.get("registered"), r2
    heard, rate = read_wav(tmp_path / "agent1.wav")
    assert sum(tone_windows(heard, rate, 700)) >= 6
    heard, rate = read_wav(tmp_path / "agent2.wav")
    assert sum(tone_windows(heard, rate, 440)) >= 6

