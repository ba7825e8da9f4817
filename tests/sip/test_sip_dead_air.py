"""Dead air (issue 10): a call that receives nothing while it sends is flagged in words and never
gets a MOS. pjmedia drops every RTP packet the caller receives, for real (its loss simulator)."""

from __future__ import annotations

import pytest

from agent_tui.sip.quality import NO_AUDIO_WARNING

pytestmark = pytest.mark.slow


def test_a_call_that_receives_nothing_warns_and_has_no_mos(pki, tones, phones):
    callee = phones({"ca_file": str(pki.ca), "cert_file": str(pki.cert), "key_file": str(pki.key),
                     "user": "agent1", "domain": "127.0.0.1", "bind_address": "127.0.0.1",
                     "auto_answer": True, "wait": 30, "duration": 30, "play": str(tones[440])},
                    name="callee")
    port = callee.ready_port()
    caller = phones({"ca_file": str(pki.ca), "user": "customer", "domain": "127.0.0.1",
                     "bind_address": "127.0.0.1", "dial": f"sip:agent1@127.0.0.1:{port};transport=tls",
                     "duration": 8.5, "play": str(tones[1000]), "rx_drop_pct": 100}, name="caller")
    caller.ready_port()
    res = caller.result(60)
    assert res["result"] == "completed", res
    assert res["rx_packets"] == 0 and res["tx_packets"] > 100, res
    assert res["mos"] is None, res
    assert res["degraded"] is True and NO_AUDIO_WARNING in res["quality_warnings"], res
