"""baresip (a third-party SIP phone, Debian ``baresip-core``) against the center (issue 10 §4).

As a customer: a call to the queue over TLS with mandatory SRTP, answered by a pjsua2 agent
phone; each side plays a sine of known level and the other side's recording must hear it
within ±1 dB, per codec (G.722 was +6 dB one way and -6 dB the other before the fix).
As an agent phone: baresip registers at Kamailio with its own digest credentials, the engine
rings it for a customer's call, it answers, and audio crosses both ways.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from agent_tui.center.voice import kamailio
from tests.kit import baresip as bs_kit
from tests.kit.audio_check import write_tone_wav
from tests.kit.interop_levels import AGENT_HZ, AMP, CUSTOMER_HZ, measure, tone_rms
from tests.kit.voicekit import PY, start_engine
from tests.kit.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not bs_kit.available(), reason="baresip-core not installed")]


@pytest.mark.parametrize("codec", ["G722", "PCMU"])
def test_baresip_customer_is_level_correct_both_ways(codec, tmp_path, procs):
    got = measure(tmp_path, codec, seconds=2.0, procs=procs)
    assert abs(got["customer_to_agent_db"]) <= 1.0, got
    assert abs(got["agent_to_customer_db"]) <= 1.0, got


def test_baresip_as_a_registered_agent_phone(kam_center, procs, tmp_path):
    kamailio.set_sip_password(kam_center, "agent1", "s3cret-agent1")
    eng = start_engine(procs, kam_center)
    assert eng.wait("registration", timeout=20)["code"] == 200
    a = kamailio.address(kam_center)
    agent_wav = write_tone_wav(tmp_path / "agent-in.wav", AGENT_HZ, 30, rate=16000, amp=AMP)
    phone = bs_kit.Baresip(
        tmp_path / "baresip", ca=kam_center / "tls" / "ca.pem", aor="sip:agent1@127.0.0.1", play=agent_wav,
        codecs="G722/16000/1", password="s3cret-agent1",
        params=f'regint=300;answermode=auto;outbound="sip:{a["host"]}:{a["port"]};transport=tls"')
    try:
        phone.wait_for("200 OK", 20)  # registered at Kamailio with digest auth
        cust_wav = write_tone_wav(tmp_path / "customer-in.wav", CUSTOMER_HZ, 30, rate=16000, amp=AMP)
        cust_rec = tmp_path / "customer-heard.wav"
        procs([PY, "-m", "agent_tui.center.voice.call_cli", str(kam_center), "--from", "+31611199999",
               "--play", str(cust_wav), "--record", str(cust_rec), "--duration", "60", "--timeout", "20"],
              "customer")
        call = eng.wait("incoming", timeout=20)["call"]
        eng.send(cmd="ring", call=call, agent="agent1", conversation="c-bs",
                 uri="sip:agent1@127.0.0.1;transport=tls")
        answered = eng.wait("answered", timeout=20)
        assert answered["agent"] == "agent1" and answered["codec"].startswith("G722"), answered
        wait_until(lambda: (r := phone.recording("dec")) is not None and os.path.getsize(r) > 44 + 3 * 32000,
                   20, "3 s at baresip")
        start = os.path.getsize(cust_rec)
        wait_until(lambda: os.path.getsize(cust_rec) > start + 2 * 32000, 20, "2 s more at the customer")
        heard_by_agent = tone_rms(phone.recording("dec"), CUSTOMER_HZ, 16000, skip_s=1.0)  # type: ignore[arg-type]
        data = np.fromfile(str(cust_rec), dtype="<i2", offset=start).astype(np.float64)
        tail = cust_rec.with_suffix(".tail.wav")
        tail.write_bytes(b"\0" * 44 + data.astype("<i2").tobytes())
        heard_by_customer = tone_rms(tail, AGENT_HZ, 16000, skip_s=0.0)
    finally:
        phone.stop()
    sent = AMP / np.sqrt(2)
    for heard in (heard_by_agent, heard_by_customer):
        assert abs(20 * np.log10(heard / sent)) <= 1.0, (heard_by_agent, heard_by_customer, sent)
