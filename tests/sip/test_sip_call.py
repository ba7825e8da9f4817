"""Two real pjsua2 phones in separate processes, TLS (CA-verified) + mandatory SRTP, real audio.

Timeline of the caller's script (seconds after "answered"), used to check the recordings:
0-2.5 both tones | 2.5-4.5 hold: silence both ways | 4.5-6 tones | 6-7.5 caller muted | 7.5-8 tones
| 8-9 DTMF (RFC 4733 events replace the caller's audio while a digit lasts).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kit.audio_check import read_wav, rms_windows, tone_windows

pytestmark = pytest.mark.slow

WIN = 0.25


def _show(flags: list) -> str:
    return "".join("#" if f else "." for f in flags)


def _span(flags: list, start: float, end: float) -> list:
    """Windows fully inside [start, end] seconds."""
    return flags[int(start / WIN) + 1 : int(end / WIN)]


def test_call_carries_tones_both_ways_with_hold_mute_and_dtmf(pki, tones, phones, tmp_path: Path):
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
            "play": str(tones[440]),
            "record": str(tmp_path / "agent.wav"),
        },
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
            "play": str(tones[1000]),
            "record": str(tmp_path / "customer.wav"),
            "dtmf": "123#",
            "dtmf_delay": 8.0,
            "hold_after": 2.5,
            "hold_for": 2.0,
            "mute_after": 6.0,
            "mute_for": 1.5,
            "duration": 9.0,
        },
        name="customer",
    )
    customer.ready_port()
    c = customer.result(60)
    a = agent.result(30)

    assert c["result"] == "completed", c
    assert a["result"] == "completed" and a["ended_by"] == "remote", a
    assert c["codec"] == "G722/16000" and a["codec"] == "G722/16000"
    assert c["srtp"].startswith("AES"), c  # SDES-SRTP was negotiated (mandatory on both sides)
    assert a["dtmf_received"] == "123#"
    assert c["tx_packets"] > 100 and c["rx_packets"] > 100
    assert c["held_seen"] and a["held_seen"]

    # What the agent heard: the customer's 1000 Hz, except on hold and while the customer was muted.
    agent_audio, rate = read_wav(tmp_path / "agent.wav")
    heard = tone_windows(agent_audio, rate, 1000)
    print("agent heard 1000 Hz:", _show(heard))
    assert all(_span(heard, 0.3, 2.3)), _show(heard)
    assert not any(_span(heard, 2.9, 4.3)), "hold must silence customer -> agent: " + _show(heard)
    assert all(_span(heard, 5.0, 5.8))
    assert not any(_span(heard, 6.4, 7.3)), "mute must silence customer -> agent"

    # What the customer heard: the agent's 440 Hz, silent on hold, still there while muted.
    cust_audio, rate = read_wav(tmp_path / "customer.wav")
    heard = tone_windows(cust_audio, rate, 440)
    print("customer heard 440 Hz:", _show(heard))
    assert all(_span(heard, 0.3, 2.3))
    assert not any(_span(heard, 2.9, 4.3)), "hold must silence agent -> customer"
    levels = rms_windows(cust_audio, rate)
    assert max(_span(levels, 2.9, 4.3)) < 100
    assert all(_span(heard, 5.0, 5.8))
    assert all(_span(heard, 6.4, 7.3)), "muting the customer must not silence the agent"

    for p in (agent, customer):
        assert p.proc.returncode == 0, p.stderr[-2000:]
        assert "Assertion" not in p.stderr and "Traceback" not in p.stderr, p.stderr[-2000:]


def test_rejected_call_reports_busy_to_the_caller(pki, phones):
    agent = phones(
        {
            "ca_file": str(pki.ca),
            "cert_file": str(pki.cert),
            "key_file": str(pki.key),
            "user": "agent1",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "auto_answer": True,
            "reject_code": 486,
            "wait": 30,
        },
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
        },
        name="customer",
    )
    customer.ready_port()
    c = customer.result(60)
    a = agent.result(30)
    assert a["result"] == "rejected", a
    assert c["result"] == "failed" and c["status_code"] == 486, c
    assert "486" in c["message"]
