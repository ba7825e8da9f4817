"""Live call quality from real RTCP: a clean call is not flagged; a lossy one (pjmedia drops 15% of
the RTP it receives, for real) shows the loss, a lower MOS and a warning in words."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def _call(pki, tones, phones, rx_drop_pct: int) -> dict:
    callee = phones(
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
        },
        name="callee",
    )
    port = callee.ready_port()
    caller = phones(
        {
            "ca_file": str(pki.ca),
            "user": "customer",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "dial": f"sip:agent1@127.0.0.1:{port};transport=tls",
            "duration": 5.0,
            "play": str(tones[1000]),
            "rx_drop_pct": rx_drop_pct,
        },
        name="caller",
    )
    caller.ready_port()
    return caller.result(60)


def test_lossy_call_is_flagged_and_clean_call_is_not(pki, tones, phones):
    lossy = _call(pki, tones, phones, 15)
    assert lossy["result"] == "completed", lossy
    assert 5 <= lossy["loss_pct"] <= 30, lossy
    assert lossy["degraded"] is True, lossy
    assert any("packet loss" in w for w in lossy["quality_warnings"]), lossy
    clean = _call(pki, tones, phones, 0)
    assert clean["loss_pct"] == 0 and clean["degraded"] is False, clean
    assert clean["quality_samples"] >= 2
    assert lossy["mos"] < clean["mos"] - 0.5, (lossy["mos"], clean["mos"])
