"""A call plus active chats on a 64 kbit/s uplink (brief: "A call plus active chats must work on a
64 kbit/s uplink").

The agent's side — the headless softphone (`agent-tui ctl ... phone --profile low`) and a desk client
with three chat conversations — runs in a network namespace whose uplink is shaped to 64 kbit/s and
downlink to 256 kbit/s (tbf). The center and its voice engine listen on the host end of the link; a
customer calls the queue with `center call`, playing a 1 kHz tone, while the agent's phone plays
440 Hz. While the call is up the three customers and the agent keep writing. Functional, not timed:
audio must be heard both ways (checked by frequency) and every chat message must arrive exactly once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

pytestmark = pytest.mark.slow

CUSTOMERS = ["+31622220001", "+31622220002", "+31622220003"]
ROUNDS = 3


def test_low_profile_call_and_three_chats_on_64kbit_uplink(lab, lab_center, desk_agents, tones, audio_check,
                                                      tmp_path):
    center = lab_center(voice={"enabled": True, "host": lab.host_ip})
    link0 = lab.counters()
    desk = desk_agents(center, "agent1", accept_chats=True)
    desk.start()
    desk.call("state.set", state="available")

    convs: dict[str, str] = {}
    for cust in CUSTOMERS:
        convs[cust] = center.inject("chat", cust, f"hello from {cust}")["conversation"]["id"]
    for conv in convs.values():
        desk.wait_for(lambda ln, c=conv: ln["ev"] == "accepted" and ln["conversation"] == c, 30)

    # Not ready while the phone starts: a call offered before the phone's session is up would ring
    # nowhere (the desk in these tests has no softphone). The phone makes the agent available.
    desk.call("state.set", state="break")
    mark = len(desk.lines)

    # ---- the agent's headless phone, inside the namespace (its password on stdin)
    phone = lab.popen(
        [sys.executable, "-m", "agent_tui", "ctl", "--server", center.url, "--ca", str(center.ca_file),
         "--user", "agent1", "--password-stdin", "phone", "--auto-answer", "--wait", "40",
         "--duration", "8", "--profile", "low", "--play", str(tones[440]),
         "--record", str(tmp_path / "agent.wav")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    customer = None
    try:
        assert phone.stdin is not None
        phone.stdin.write("demo\n")
        phone.stdin.close()
        phone.stdin = None  # communicate() must not touch it again
        # The phone is ready for a call once it made the agent available (its session's state.set).
        desk.wait_for(lambda ln: ln["ev"] == "event" and ln["kind"] == "agent.state"
                      and ln["data"]["state"] in ("available", "on_contact"), 30, mark)
        customer = subprocess.Popen(
            [sys.executable, "-m", "agent_tui.center.voice.call_cli", str(center.dir), "--from", "+31612345678",
             "--play", str(tones[1000]), "--record", str(tmp_path / "customer.wav"), "--duration", "14",
             "--timeout", "30"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            desk.wait_for(lambda ln: ln["ev"] == "event" and ln["kind"] == "voice.answered", 45, mark)
        except AssertionError as exc:
            raise AssertionError(f"the call was not answered: {_outputs(phone, customer)}") from exc

        # ---- chats during the call: every customer writes and the agent answers, ROUNDS times
        written: list[str] = []
        tags: list[str] = []
        typed: dict[str, list[str]] = {c: [] for c in CUSTOMERS}
        for r in range(ROUNDS):
            for cust in CUSTOMERS:
                text = f"round {r} from {cust}"
                center.inject("chat", cust, text)
                written.append(text)
                reply = f"answer {r} to {cust}"
                tags.append(desk.submit("conv.send", conversation=convs[cust], text=reply))
                typed[cust].append(reply)
            n = len(written)
            desk.wait_for(lambda ln: _customer_texts(desk, written).total() >= n, 30)  # noqa: B023
        for tag in tags:
            desk.result(tag, 30)

        out, err = phone.communicate(timeout=60)
        _cust_out, cust_err = customer.communicate(timeout=60)
    finally:
        for p in (phone, customer):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait(10)

    assert phone.returncode == 0, (out, err[-3000:], cust_err[-2000:])
    result = json.loads(out.strip().splitlines()[-1])
    assert result["result"] == "completed", result
    assert result["codec"] in ("speex/8000", "iLBC/8000", "GSM/8000"), result
    assert 0 < result["tx_kbps"] <= 30 and 0 < result["rx_kbps"] <= 30, result

    # The media really crossed the shaped link (not a loopback shortcut): every RTP packet the phone
    # sent is among the packets the agent's uplink carried.
    link = lab.counters() - link0
    assert link.up_packets >= result["tx_packets"] > 0, (link, result)

    heard, rate = audio_check.read_wav(tmp_path / "agent.wav")
    assert sum(audio_check.tone_windows(heard, rate, 1000)) >= 6, "the agent hears the customer's 1 kHz tone"
    cust_heard, rate = audio_check.read_wav(tmp_path / "customer.wav")
    assert sum(audio_check.tone_windows(cust_heard, rate, 440)) >= 6, "the customer hears the agent's 440 Hz tone"

    # Every chat message written during the call arrived exactly once, both ways.
    got = _customer_texts(desk, written)
    assert all(got[t] == 1 for t in written), got
    for cust in CUSTOMERS:
        sent = [m["text"] for m in center.outbox(cust)]
        assert sent == typed[cust], (cust, sent)
    seqs = [ln["seq"] for ln in desk.lines if ln["ev"] == "event"]
    assert seqs == sorted(set(seqs))


def _outputs(*procs: subprocess.Popen) -> str:
    """What the phone and the customer printed (for failure messages)."""
    out = []
    for p in procs:
        if p.poll() is None:
            p.kill()
        so, se = p.communicate(timeout=20)
        out.append(f"{p.args[2:4]}: rc={p.returncode} stdout={so[-1500:]!r} stderr={se[-2500:]!r}")
    return "\n".join(out)


def _customer_texts(desk, wanted: list[str]) -> Counter:
    want = set(wanted)
    return Counter(e["data"]["message"]["text"] for e in desk.events("conv.message")
                   if e["data"]["message"]["text"] in want)
