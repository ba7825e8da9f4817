"""Blind and attended (consult) transfer between three real phones; the new pair hears each other.

customer (1000 Hz) calls agent1 (440 Hz); agent1 transfers to agent2 (700 Hz). Afterwards the
customer's recording ends with 700 Hz and agent2's recording holds the customer's 1000 Hz.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kit.audio_check import read_wav, tone_windows

pytestmark = pytest.mark.slow


def _agent(pki, name: str, tone: Path, rec: Path | None, **extra) -> dict:
    opts = {
        "ca_file": str(pki.ca),
        "cert_file": str(pki.cert),
        "key_file": str(pki.key),
        "user": name,
        "domain": "127.0.0.1",
        "bind_address": "127.0.0.1",
        "auto_answer": True,
        "wait": 40,
        "duration": 40,
        "play": str(tone),
    }
    if rec is not None:
        opts["record"] = str(rec)
    opts.update(extra)
    return opts


@pytest.mark.parametrize("consult", [False, True], ids=["blind", "consult"])
def test_transfer_moves_the_customer_to_a_second_agent(pki, tones, phones, tmp_path: Path, consult):
    agent2 = phones(_agent(pki, "agent2", tones[700], tmp_path / "agent2.wav"), name="agent2")
    port2 = agent2.ready_port()
    target = f"sip:agent2@127.0.0.1:{port2};transport=tls"
    agent1 = phones(
        _agent(
            pki, "agent1", tones[440], None, transfer_to=target, transfer_after=1.5, consult=consult
        ),
        name="agent1",
    )
    port1 = agent1.ready_port()
    customer = phones(
        {
            "ca_file": str(pki.ca),
            "user": "customer",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "dial": f"sip:agent1@127.0.0.1:{port1};transport=tls",
            "play": str(tones[1000]),
            "record": str(tmp_path / "customer.wav"),
            "duration": 7.0,
        },
        name="customer",
    )
    customer.ready_port()
    c = customer.result(90)
    a1 = agent1.result(60)
    a2 = agent2.result(60)

    assert a1["result"] == "completed" and a1["transfer_status"] == 200, a1
    assert c["result"] == "completed" and c.get("followed"), c  # the customer is on a new call now
    assert a2["result"] == "completed", a2

    cust, rate = read_wav(tmp_path / "customer.wav")
    end = tone_windows(cust[-rate * 2 :], rate, 700)
    assert sum(end) >= 5, f"customer should hear agent2 at the end: {end}"
    begin = tone_windows(cust[: rate * 1], rate, 440)
    assert sum(begin) >= 2, "customer first heard agent1"
    heard2, rate = read_wav(tmp_path / "agent2.wav")
    assert sum(tone_windows(heard2, rate, 1000)) >= 8, "agent2 must hear the customer"
    for p in (agent1, agent2, customer):
        assert p.proc.returncode == 0 and "Assertion" not in p.stderr, (p.name, p.stderr[-2000:])


def test_three_way_conference_lets_everyone_hear_everyone(pki, tones, phones, tmp_path: Path):
    agent2 = phones(_agent(pki, "agent2", tones[700], tmp_path / "agent2.wav"), name="agent2")
    port2 = agent2.ready_port()
    agent1 = phones(
        _agent(
            pki,
            "agent1",
            tones[440],
            None,
            conference_with=f"sip:agent2@127.0.0.1:{port2};transport=tls",
            conference_after=1.0,
            duration=5.0,
        ),
        name="agent1",
    )
    port1 = agent1.ready_port()
    customer = phones(
        {
            "ca_file": str(pki.ca),
            "user": "customer",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "dial": f"sip:agent1@127.0.0.1:{port1};transport=tls",
            "play": str(tones[1000]),
            "record": str(tmp_path / "customer.wav"),
            "duration": 20.0,
        },
        name="customer",
    )
    customer.ready_port()
    c = customer.result(90)
    assert c["result"] == "completed" and c["ended_by"] == "remote", (
        c
    )  # agent1 ended the conference
    assert agent1.result(30)["result"] == "completed"
    assert agent2.result(30)["ended_by"] == "remote"

    def has(samples, rate, freq) -> bool:
        import numpy as np

        spec = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
        freqs = np.fft.rfftfreq(samples.size, 1 / rate)
        band = spec[(freqs > freq * 0.97) & (freqs < freq * 1.03)].max()
        return band > 0.1 * spec[freqs > 100].max()

    cust, rate = read_wav(tmp_path / "customer.wav")
    tail = cust[-rate * 2 :]
    assert has(tail, rate, 440) and has(tail, rate, 700), "customer hears agent1 and agent2"
    heard2, rate = read_wav(tmp_path / "agent2.wav")
    mid = heard2[rate // 2 : rate * 3]
    assert has(mid, rate, 1000) and has(mid, rate, 440), "agent2 hears the customer and agent1"
