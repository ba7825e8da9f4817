"""Home networks: agents behind two NAT routers (nftables masquerade fully-random, stateful filter,
short conntrack timeouts, 64 kbit/s tbf uplink, random UDP loss) reach each other and customers.

The short version of bench/home_network.py: one lab, one center (Kamailio + rtpengine + engine),
one phone per home, speech both ways. Each call is checked by what the other side *recorded*.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.kit.homecall import HomeCenter, heard_s, recorded, stats, wait_media, write_speech_wav
from tests.kit.homelab import HomeLab, unavailable_reason
from tests.kit.netlab import NetLabUnavailable
from tests.kit.voicekit import JsonProc
from tests.kit.waiting import wait_until

pytestmark = pytest.mark.slow

LOSS_PCT = 1  # the numgen rule is live, low enough that 2 s of speech always gets through
TCP_TIMEOUT_S = 6  # compressed: a home router that forgets an idle TCP flow after 6 s ...
KEEPALIVE_S = 2  # ... and a phone whose TCP keep-alive probes (every 2 s while quiet) hold it


@dataclass
class Home2:
    lab: HomeLab
    center: HomeCenter
    engine: JsonProc
    p1: JsonProc
    p2: JsonProc
    rec1: Path
    rec2: Path
    speech: dict[str, Path]


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home2]:
    why = unavailable_reason()
    if why:
        pytest.skip(why)
    tmp = tmp_path_factory.mktemp("homes")
    speech = {name: write_speech_wav(tmp / f"{name}.wav", text, pitch, 20.0) for name, text, pitch in (
        ("customer", "Hello, I am calling about my invoice of last month.", 40),
        ("agent1", "Good morning, this is agent one, how can I help you?", 20),
        ("agent2", "Agent two speaking, I can take this one over.", 80))}
    lab = HomeLab(up_kbit=64, down_kbit=256, loss_pct=LOSS_PCT)
    try:
        lab.start()
    except NetLabUnavailable as exc:
        pytest.skip(f"cannot build the home lab here: {exc}")
    center = None
    try:
        for h in lab.homes:
            h.conntrack_timeouts(udp_s=5, udp_stream_s=10, tcp_established_s=TCP_TIMEOUT_S)
        center = HomeCenter(lab, tmp)
        engine = center.engine()
        assert engine.wait("registration", timeout=20)["code"] == 200
        rec1, rec2 = tmp / "a1", tmp / "a2"
        p1 = center.home_phone(lab.homes[0], "agent1", speech["agent1"], rec1, keepalive=KEEPALIVE_S)
        p2 = center.home_phone(lab.homes[1], "agent2", speech["agent2"], rec2, keepalive=KEEPALIVE_S)
        assert p1.wait("registration", timeout=20)["code"] == 200
        assert p2.wait("registration", timeout=20)["code"] == 200
        # Like the desk, the home phones' SIP crosses the NAT on TLS 1.3 (sip/tls_relay.py).
        log = center.kam.log.read_text(errors="replace")
        assert {"agent1", "agent2"} <= set(re.findall(r"register sip:(agent\d)@\S+ .* tls=TLSv1\.3", log)), log[-1500:]
        yield Home2(lab, center, engine, p1, p2, rec1, rec2, speech)
    finally:
        if center is not None:
            center.close()
        lab.close()


def _colleague_call(h: Home2, caller: JsonProc, callee: JsonProc, caller_rec: Path, callee_rec: Path,
                    callee_user: str) -> None:
    m1, m2 = caller.mark(), callee.mark()
    caller.send(cmd="dial", uri=h.center.uri(callee_user))
    key = caller.wait("dialing", after=m1)["call"]
    callee.wait("ringing", after=m2)
    in_key = wait_media(callee, after=m2)["call"]
    wait_media(caller, after=m1, call=key)
    a_wav, b_wav = recorded(caller_rec, {"call": key}), recorded(callee_rec, {"call": in_key})
    wait_until(lambda: heard_s(a_wav) >= 2.0 and heard_s(b_wav) >= 2.0, 20,
               "2 s of speech heard at each end of the colleague call")
    st = stats(caller, key)
    assert st["rx"] > 0 and st["mos"] is not None, st
    caller.send(cmd="hangup", call=key)
    callee.wait(lambda e: e.get("ev") == "ended" and e["call"] == in_key, after=m2)


def test_colleague_call_between_two_nats_carries_speech_both_ways(homes: Home2) -> None:
    # Both phones sit on 192.168.77.2 behind their own masquerade: only the relay can join them.
    _colleague_call(homes, homes.p1, homes.p2, homes.rec1, homes.rec2, "agent2")


def test_customer_call_to_agent_behind_nat_carries_speech_both_ways(homes: Home2) -> None:
    h = homes
    cust_rec = h.center.dir.parent / "customer-heard.wav"
    m1 = h.p1.mark()
    cust = h.center.customer(h.speech["customer"], cust_rec, name="customer-direct")
    call = h.engine.wait("incoming", timeout=20)["call"]
    h.engine.send(cmd="ring", call=call, agent="agent1", conversation="c-home", uri=h.center.uri("agent1"))
    assert h.p1.wait("ringing", after=m1)["conversation"] == "c-home"
    media = wait_media(h.p1, after=m1)
    wait_until(lambda: heard_s(recorded(h.rec1, media)) >= 2.0 and heard_s(cust_rec) >= 2.0, 20,
               "2 s of speech at the agent and at the customer")
    h.p1.send(cmd="hangup", call=media["call"])
    assert cust.wait(lambda e: "result" in e, timeout=20)["answered"]


def test_consult_transfer_between_homes_hands_the_customer_over(homes: Home2) -> None:
    h = homes
    cust_rec = h.center.dir.parent / "customer-xfer.wav"
    m1, m2, me = h.p1.mark(), h.p2.mark(), h.engine.mark()
    cust = h.center.customer(h.speech["customer"], cust_rec, name="customer-xfer", number="+31699988877")
    call = h.engine.wait("incoming", timeout=20, after=me)["call"]
    h.engine.send(cmd="ring", call=call, agent="agent1", uri=h.center.uri("agent1"))
    first = wait_media(h.p1, after=m1)["call"]
    # agent1 consults agent2 (home to home, through rtpengine), then transfers with Replaces.
    h.p1.send(cmd="dial2", uri=h.center.uri("agent2"))
    consult = h.p1.wait(lambda e: e.get("ev") == "dialing", after=m1)["call"]
    consult_in = wait_media(h.p2, after=m2)["call"]
    wait_until(lambda: heard_s(recorded(h.rec2, {"call": consult_in})) >= 1.0, 20, "agent2 hears agent1 (consult)")
    h.p1.wait(lambda e: e.get("ev") == "answered" and e["call"] == consult, after=m1)
    mark = h.p2.mark()
    size = len(cust_rec.read_bytes()) if cust_rec.exists() else 0
    h.p1.send(cmd="xfer_replaces", call=first, other=consult)
    new = h.p2.wait("replaced", after=mark)["by"]
    media = wait_media(h.p2, after=mark, call=new)
    after_s = max(0.0, (size - 44) / 32000)
    wait_until(lambda: heard_s(recorded(h.rec2, media)) >= 2.0 and heard_s(cust_rec, after_s) >= 2.0, 20,
               "agent2 and the customer hear each other after the transfer")
    h.p1.wait(lambda e: e.get("ev") == "ended" and e["call"] == first, after=m1)
    h.p2.send(cmd="hangup", call=new)
    assert cust.wait(lambda e: "result" in e, timeout=20)["answered"]


def test_call_after_idle_period_reaches_the_agent(homes: Home2) -> None:
    # Compressed time: the routers forget idle TCP after 6 s; nothing is signalled for 10 s. The
    # deadline below is the idle period itself (the stimulus), not a wait for something to happen.
    idle_until = time.monotonic() + TCP_TIMEOUT_S + 4
    wait_until(lambda: time.monotonic() >= idle_until, TCP_TIMEOUT_S + 10, "the idle period", interval=0.5)
    # agent2 calls agent1: Kamailio reaches agent1 only through agent1's own NATed TLS flow.
    _colleague_call(homes, homes.p2, homes.p1, homes.rec2, homes.rec1, "agent1")
