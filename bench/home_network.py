"""Home networks, the full version of tests/net/test_net_home_nat.py: case → rings → audio each way → MOS → kbit/s.

Two homes behind their own NAT router (tests/kit/homelab.py: nftables ``masquerade fully-random``, a
stateful forward filter, short conntrack timeouts, tbf 64 kbit/s up / 256 kbit/s down, random UDP loss
with ``numgen random mod 100 < N drop``), both on the same private network 192.168.77.0/24. The center
(Kamailio + rtpengine + one voice engine) is on the lab's public address. Phones: tests/kit/phone_agent.py
with pjsua's NAT helpers, the low profile and VAD, speaking espeak-ng speech.

Per case: did the callee ring, seconds of speech recorded at each end out of the talk time, the caller's
MOS estimate (the call bar's, from RTCP; none when nothing was received) and the caller's home uplink in
kbit/s over the talk time (IP + Ethernet frames on the router's WAN: RTP/SRTP, RTCP, SIP/TLS, keep-alives).

    sudo .venv/bin/python bench/home_network.py [--talk 15] [--idle 130] [--tcp-timeout 120]

Needs root, iproute2, nftables, espeak-ng, sox, kamailio, rtpengine-daemon (./dev installs them).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository root, for tests.kit

from tests.kit.homecall import (
    CallRow,
    HomeCenter,
    heard_s,
    recorded,
    stats,
    uplink_kbps,
    wait_media,
    write_speech_wav,
)
from tests.kit.homelab import HomeLab, unavailable_reason


class Setup:
    def __init__(self, tmp: Path, *, loss: int, relay: str, keepalive: int, tcp_timeout: int, speech: dict):
        self.lab = HomeLab(up_kbit=64, down_kbit=256, loss_pct=loss).start()
        for h in self.lab.homes:
            h.conntrack_timeouts(udp_s=30, udp_stream_s=60, tcp_established_s=tcp_timeout)
        self.center = HomeCenter(self.lab, tmp, media_relay=relay)
        self.engine = self.center.engine()
        self.speech = speech
        self.rec1, self.rec2 = tmp / "a1", tmp / "a2"
        self.p1 = self.center.home_phone(self.lab.homes[0], "agent1", speech["agent1"], self.rec1, keepalive=keepalive)
        self.p2 = self.center.home_phone(self.lab.homes[1], "agent2", speech["agent2"], self.rec2, keepalive=keepalive)
        for p in (self.p1, self.p2):
            p.wait("registration", timeout=30)
        self.tmp = tmp

    def close(self) -> None:
        self.center.close()
        self.lab.close()


def _talk(seconds: float) -> None:
    time.sleep(seconds)  # the call's talk time is what is measured, not a synchronisation


def colleague(s: Setup, case: str, talk: float, reverse: bool = False) -> CallRow:
    caller, callee = (s.p2, s.p1) if reverse else (s.p1, s.p2)
    crec, erec = (s.rec2, s.rec1) if reverse else (s.rec1, s.rec2)
    home = s.lab.homes[1 if reverse else 0]
    m1, m2 = caller.mark(), callee.mark()
    caller.send(cmd="dial", uri=s.center.uri("agent1" if reverse else "agent2"))
    key = caller.wait("dialing", after=m1)["call"]
    try:
        callee.wait("ringing", after=m2, timeout=20)
        rings = True
    except AssertionError:
        rings = False
    if not rings:
        caller.send(cmd="hangup", call=key)
        return CallRow(case, False, 0, 0, talk, None, 0)
    in_key = wait_media(callee, after=m2)["call"]
    wait_media(caller, after=m1, call=key)
    before, t0 = home.wan_bytes(), time.monotonic()
    _talk(talk)
    st = stats(caller, key)
    kbps = uplink_kbps(home, before, time.monotonic() - t0)
    caller.send(cmd="hangup", call=key)
    callee.wait(lambda e: e.get("ev") == "ended" and e["call"] == in_key, after=m2)
    return CallRow(case, True, heard_s(recorded(crec, {"call": key})), heard_s(recorded(erec, {"call": in_key})),
                   talk, st["mos"], kbps)


def customer(s: Setup, case: str, talk: float) -> CallRow:
    """Customer (center side) → agent1; 'a' = the customer, 'b' = agent1."""
    cust_rec = s.tmp / f"cust-{time.monotonic_ns()}.wav"
    m1, me = s.p1.mark(), s.engine.mark()
    cust = s.center.customer(s.speech["customer"], cust_rec, name=f"customer-{me}")
    call = s.engine.wait("incoming", timeout=30, after=me)["call"]
    s.engine.send(cmd="ring", call=call, agent="agent1", uri=s.center.uri("agent1"))
    s.p1.wait("ringing", after=m1)
    media = wait_media(s.p1, after=m1)
    home = s.lab.homes[0]
    before, t0 = home.wan_bytes(), time.monotonic()
    _talk(talk)
    st = stats(s.p1, media["call"])
    kbps = uplink_kbps(home, before, time.monotonic() - t0)
    s.p1.send(cmd="hangup", call=media["call"])
    cust.wait(lambda e: "result" in e, timeout=30)
    return CallRow(case, True, heard_s(cust_rec), heard_s(recorded(s.rec1, media)), talk, st["mos"], kbps)


def transfer(s: Setup, case: str, talk: float) -> CallRow:
    """Customer → agent1, consult agent2, transfer; 'a' = customer after the transfer, 'b' = agent2."""
    cust_rec = s.tmp / f"custx-{time.monotonic_ns()}.wav"
    m1, m2, me = s.p1.mark(), s.p2.mark(), s.engine.mark()
    cust = s.center.customer(s.speech["customer"], cust_rec, name=f"customer-x{me}", number="+31699988877")
    call = s.engine.wait("incoming", timeout=30, after=me)["call"]
    s.engine.send(cmd="ring", call=call, agent="agent1", uri=s.center.uri("agent1"))
    first = wait_media(s.p1, after=m1)["call"]
    s.p1.send(cmd="dial2", uri=s.center.uri("agent2"))
    consult = s.p1.wait("dialing", after=m1)["call"]
    wait_media(s.p2, after=m2)
    s.p1.wait(lambda e: e.get("ev") == "answered" and e["call"] == consult, after=m1)  # confirmed at agent1 too
    mark = s.p2.mark()
    size = cust_rec.stat().st_size if cust_rec.exists() else 44
    s.p1.send(cmd="xfer_replaces", call=first, other=consult)
    new = s.p2.wait("replaced", after=mark, timeout=20)["by"]
    media = wait_media(s.p2, after=mark, call=new)
    home = s.lab.homes[1]
    before, t0 = home.wan_bytes(), time.monotonic()
    _talk(talk)
    st = stats(s.p2, new)
    kbps = uplink_kbps(home, before, time.monotonic() - t0)
    s.p2.send(cmd="hangup", call=new)
    cust.wait(lambda e: "result" in e, timeout=30)
    return CallRow(case, True, heard_s(cust_rec, (size - 44) / 32000), heard_s(recorded(s.rec2, media)), talk,
                   st["mos"], kbps)


def run_setup(tmp: Path, speech: dict, rows: list[CallRow], cases: list[tuple[str, Callable[[Setup], CallRow]]],
              **kw: object) -> None:
    s = Setup(tmp, speech=speech, **kw)  # type: ignore[arg-type]
    try:
        for name, fn in cases:
            try:
                rows.append(fn(s))
            except AssertionError as exc:
                print(f"{name}: failed: {str(exc)[:300]}", file=sys.stderr)
                rows.append(CallRow(name, False, 0, 0, 0, None, 0))
            print(rows[-1].markdown(), flush=True)
    finally:
        s.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--talk", type=float, default=15.0)
    ap.add_argument("--idle", type=float, default=130.0, help="idle seconds before the after-idle call")
    ap.add_argument("--tcp-timeout", type=int, default=120, help="routers forget idle TCP flows after this")
    args = ap.parse_args()
    why = unavailable_reason()
    if why:
        print(why, file=sys.stderr)
        return 2
    print(benchlib.machine(), file=sys.stderr)
    rows: list[CallRow] = []
    t = args.talk
    with tempfile.TemporaryDirectory(prefix="home-net-") as d:
        tmp = Path(d)
        speech = {name: write_speech_wav(tmp / f"{name}.wav", text, pitch, 60.0) for name, text, pitch in (
            ("customer", "Hello, I am calling about my invoice of last month.", 40),
            ("agent1", "Good morning, this is agent one, how can I help you?", 20),
            ("agent2", "Agent two speaking, I can take this one over.", 80))}

        def idle_then_call(s: Setup) -> CallRow:
            _talk(args.idle)  # the idle period is the stimulus
            return colleague(s, f"colleague call after {args.idle:.0f} s idle (TCP conntrack {args.tcp_timeout} s)",
                             t, reverse=True)

        for loss in (0, 3):
            run_setup(tmp / f"relay-{loss}", speech, rows, [
                (f"colleague call, NAT ↔ NAT, rtpengine, {loss}% loss",
                 lambda s, loss=loss: colleague(s, f"colleague call, NAT ↔ NAT, rtpengine, {loss}% loss", t)),
                (f"customer → agent behind NAT, {loss}% loss",
                 lambda s, loss=loss: customer(s, f"customer → agent behind NAT, {loss}% loss", t)),
                (f"consult transfer agent1 → agent2, {loss}% loss",
                 lambda s, loss=loss: transfer(s, f"consult transfer agent1 → agent2 (customer ↔ agent2), {loss}% loss",
                                               t)),
            ], loss=loss, relay="rtpengine", keepalive=25, tcp_timeout=args.tcp_timeout)
        run_setup(tmp / "norelay", speech, rows, [
            ("colleague call, NAT ↔ NAT, no relay", lambda s: colleague(s, "colleague call, NAT ↔ NAT, no relay", t)),
        ], loss=0, relay="none", keepalive=25, tcp_timeout=args.tcp_timeout)
        run_setup(tmp / "idle", speech, rows, [("after idle", idle_then_call)],
                  loss=0, relay="rtpengine", keepalive=25, tcp_timeout=args.tcp_timeout)
    print("\n| case | rings | audio at caller side | audio at called side | MOS (caller) | kbit/s up (caller's home) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(r.markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
