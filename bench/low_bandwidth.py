"""A home agent on a 64 kbit/s uplink: call + three active chats, idle traffic, login cost — measured.

The agent side runs in its own network namespace behind a veth link shaped with tbf (uplink 64 kbit/s,
downlink 256 kbit/s by default; queue = 300 ms of traffic, like a home modem's buffer): the headless
softphone (`agent-tui ctl ... phone --auto-answer --profile low`) and a desk client (the real
CenterClient, tests/kit/desk_agent.py) with three chat conversations. The center and its voice engine
listen on the host end of the link; a customer calls the queue with `center call`, playing a tone.

Figures (all bytes at the IP layer, from the kernel counters of the veth: frames minus 14 B each):

* login cost — from the TCP connect of the desk client to its welcome (password login, full snapshot);
* idle traffic of the connected desk client over ``--idle`` seconds (nothing happens at the center;
  the client pings every 10 s, its default), and over ``--busy`` seconds while one colleague a second
  changes state (presence deltas + stats ticks, what a desk in a busy team receives);
* a 3 s link cut: the reconnect + resume (no snapshot) of a client that pings every second;
* during the call (from `voice.answered` to the phone's hang-up): everything on the link per direction
  (RTP/SRTP + RTCP + SIP/TLS + the chats' websocket traffic), and the phone's own JSON: codec, RTP
  IP-layer kbit/s per direction, loss, jitter, RTT, MOS;
* chat delivery latency under that load: customer → agent (ingress POST started → `conv.message` at the
  desk client) and agent → center (the desk's `conv.send` submitted → the center stored it; one way,
  over the 64 kbit/s uplink), p50/p95; every message must arrive exactly once.

    sudo .venv/bin/python bench/low_bandwidth.py [--up 64] [--down 256] [--idle 60] [--busy 30] [--call 30] [--profile low]

Needs root (network namespaces) and iproute2. Every process on one machine: the same monotonic clock
times both ends.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import benchlib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository root, for tests.kit

from tests.kit.audio_check import write_tone_wav
from tests.kit.labcenter import DeskAgent, LabCenter
from tests.kit.netlab import LinkCounters, NetLab, unavailable_reason

CUSTOMERS = ["+31633330001", "+31633330002", "+31633330003"]
# A typical chat line (~120 characters), not a one-word toy message.
CUSTOMER_TEXT = "Round {r}: my router shows a red light since this morning and the internet keeps dropping, what can I do? ({c})"
AGENT_TEXT = "Round {r}: please switch the modem off for 30 seconds and back on; I will check the line on our side. ({c})"


def machine() -> str:
    return benchlib.machine()


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def fmt_ms(values: list[float]) -> str:
    if not values:
        return "no samples"
    ms = [v * 1000 for v in values]
    return f"p50 {pct(ms, 50):.0f} ms, p95 {pct(ms, 95):.0f} ms, max {max(ms):.0f} ms (n={len(ms)})"


def rate(c: LinkCounters, seconds: float) -> str:
    return (f"up {c.up_ip_bytes / seconds:.0f} B/s ({c.up_ip_bytes * 8 / seconds / 1000:.1f} kbit/s, "
            f"{c.up_packets / seconds:.1f} pkt/s), down {c.down_ip_bytes / seconds:.0f} B/s "
            f"({c.down_ip_bytes * 8 / seconds / 1000:.1f} kbit/s, {c.down_packets / seconds:.1f} pkt/s)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--up", type=float, default=64, help="agent uplink kbit/s (default 64)")
    ap.add_argument("--down", type=float, default=256, help="agent downlink kbit/s (default 256)")
    ap.add_argument("--idle", type=float, default=60, help="seconds of idle measurement (default 60)")
    ap.add_argument("--busy", type=float, default=30,
                    help="seconds of idle with a busy team (one colleague state change per second; default 30)")
    ap.add_argument("--call", type=float, default=30, help="seconds the phone stays in the call (default 30)")
    ap.add_argument("--profile", choices=("low", "normal"), default="low",
                    help="the phone's bandwidth profile (default low; normal shows why low exists)")
    ap.add_argument("--round", type=float, default=3.0, help="seconds between chat rounds (default 3)")
    args = ap.parse_args()
    why = unavailable_reason()
    if why:
        print(f"low_bandwidth: {why}", file=sys.stderr)
        return 2

    from agent_tui.center.init import init_center

    tmp = Path(tempfile.mkdtemp(prefix="atui-lowbw-"))
    print(f"machine: {machine()}")
    print(f"link: agent uplink {args.up:g} kbit/s, downlink {args.down:g} kbit/s (tbf, 300 ms queue), "
          f"agent in its own network namespace")
    init_center(tmp / "template", demo=True, port=0, ingress_port=0)
    procs: list[subprocess.Popen] = []
    desk: DeskAgent | None = None
    with NetLab(args.up, args.down) as lab:
        center = LabCenter(tmp / "template", tmp, lab.host_ip, voice={"enabled": True, "host": lab.host_ip})
        center.start()
        try:
            # ---- login cost
            before = lab.counters()
            desk = DeskAgent(lab, center, "agent1", "demo", accept_chats=True)
            t0 = time.monotonic()
            welcome = desk.start(60)
            login = lab.counters() - before
            connected_at = desk.wait_for(lambda ln: ln["ev"] == "status" and ln["state"] == "connecting", 5)["t"]
            print(f"login (password, TLS + websocket + hello/welcome with snapshot): up {login.up_ip_bytes} B, "
                  f"down {login.down_ip_bytes} B, {welcome['t'] - connected_at:.2f} s "
                  f"(process start to welcome {time.monotonic() - t0:.1f} s)")

            # ---- idle: connected, nothing happens (let the login's after-effects pass first)
            time.sleep(3)  # settle: the post-login presence/stats events are not idle traffic
            idle0 = lab.counters()
            t_idle = time.monotonic()
            time.sleep(args.idle)  # the measurement window itself
            idle = lab.counters() - idle0
            secs = time.monotonic() - t_idle
            print(f"idle desk client over {secs:.0f} s (ping every 10 s): {rate(idle, secs)}")

            # ---- idle, but the team is busy: one colleague changes state every second (a 60-person
            # team where each changes about once a minute) -> presence deltas and stats ticks arrive
            others = center.call(lambda hub: sorted(u for u in hub.agents if u not in ("agent1", "agent2")))
            states = [("available", ""), ("break", "coffee"), ("meeting", "team meeting"), ("lunch", "")]
            busy0 = lab.counters()
            t_busy = time.monotonic()
            i = 0
            while time.monotonic() - t_busy < args.busy:
                user, (state, reason) = others[i % len(others)], states[(i // len(others)) % len(states)]
                center.call(lambda hub, u=user, st=state, r=reason: hub.set_state(u, st, r))
                i += 1
                time.sleep(max(0.0, t_busy + i - time.monotonic()))  # the pace of the team
            busy = lab.counters() - busy0
            secs = time.monotonic() - t_busy
            deltas = sum(1 for e in desk.events("presence.delta") if e["t"] >= t_busy)
            print(f"idle desk client, busy team ({i} colleague state changes in {secs:.0f} s, {deltas} presence "
                  f"frames): {rate(busy, secs)}")

            # ---- a link that drops for 3 s: what the reconnect + resume costs (agent2, pinging every
            # second so it notices the cut; a resume carries the token and replays only missed events)
            desk2 = DeskAgent(lab, center, "agent2", "demo", ping_interval=1.0)
            try:
                desk2.start(60)
                time.sleep(3)  # settle after login
                mark2 = len(desk2.lines)
                cut_at = time.monotonic()
                lab.link(False)
                try:
                    desk2.wait_for(lambda ln: ln["ev"] == "status" and ln["state"] == "reconnecting", 20, mark2)
                    time.sleep(max(0.0, 3.0 - (time.monotonic() - cut_at)))  # the outage itself
                finally:
                    lab.link(True)
                up_at = time.monotonic()
                back0 = lab.counters()
                resumed = desk2.wait_for(lambda ln: ln["ev"] == "welcome", 60, mark2)
                time.sleep(2)  # let the replay and the first ping finish
                back = lab.counters() - back0
                print(f"reconnect after a {up_at - cut_at:.1f} s cut (TLS + hello with token + resume): "
                      f"up {back.up_ip_bytes} B, down {back.down_ip_bytes} B, resumed {resumed['resumed']}, "
                      f"snapshot {resumed['snapshot']}, link up → welcome {resumed['t'] - up_at:.2f} s")
            finally:
                desk2.close()

            # ---- three chats, then the call
            desk.call("state.set", state="available")
            convs = {c: center.inject("chat", c, f"hello from {c}")["conversation"]["id"] for c in CUSTOMERS}
            for conv in convs.values():
                desk.wait_for(lambda ln, c=conv: ln["ev"] == "accepted" and ln["conversation"] == c, 30)
            desk.call("state.set", state="break")  # the phone makes the agent available when it is up
            stored: dict[str, float] = {}

            def on_conv(what: str, summary: dict) -> None:
                if what == "outgoing":
                    stored[summary["message"]["text"]] = time.monotonic()

            center.call(lambda hub: hub.conversation_listeners.append(on_conv))
            tones = {f: write_tone_wav(tmp / f"tone{f}.wav", f, args.call + 20) for f in (440, 1000)}
            mark = len(desk.lines)
            phone = lab.popen(
                [sys.executable, "-m", "agent_tui", "ctl", "--server", center.url, "--ca", str(center.ca_file),
                 "--user", "agent1", "--password-stdin", "phone", "--auto-answer", "--wait", "60",
                 "--duration", str(args.call), "--profile", args.profile, "--play", str(tones[440]),
                 "--record", str(tmp / "agent.wav")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            procs.append(phone)
            assert phone.stdin is not None
            phone.stdin.write("demo\n")
            phone.stdin.close()
            phone.stdin = None
            desk.wait_for(lambda ln: ln["ev"] == "event" and ln["kind"] == "agent.state"
                          and ln["data"]["state"] in ("available", "on_contact"), 60, mark)
            customer = subprocess.Popen(
                [sys.executable, "-m", "agent_tui.center.voice.call_cli", str(center.dir), "--from", "+31612345678",
                 "--play", str(tones[1000]), "--record", str(tmp / "customer.wav"),
                 "--duration", str(args.call + 10), "--timeout", "60"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            procs.append(customer)
            answered = desk.wait_for(lambda ln: ln["ev"] == "event" and ln["kind"] == "voice.answered", 60, mark)
            call0 = lab.counters()
            t_call = time.monotonic()

            # ---- chat rounds while the call runs (stop a round before the phone hangs up)
            injected: dict[str, float] = {}
            submitted: dict[str, float] = {}
            tags: list[str] = []
            r = 0
            while time.monotonic() - t_call < args.call - args.round - 1:
                round_at = time.monotonic()
                for c in CUSTOMERS:
                    text = CUSTOMER_TEXT.format(r=r, c=c)
                    injected[text] = time.monotonic()
                    threading.Thread(target=center.inject, args=("chat", c, text), daemon=True).start()
                    reply = AGENT_TEXT.format(r=r, c=c)
                    submitted[reply] = time.monotonic()
                    tags.append(desk.submit("conv.send", conversation=convs[c], text=reply))
                r += 1
                left = args.round - (time.monotonic() - round_at)
                if left > 0:
                    time.sleep(left)  # the pace of the conversation, not synchronisation
            out, err = phone.communicate(timeout=args.call + 60)
            call = lab.counters() - call0
            call_s = time.monotonic() - t_call
            for tag in tags:
                desk.result(tag, 60)
            want = set(injected)
            desk.wait_for(lambda ln: sum(1 for e in desk.events("conv.message")
                                         if e["data"]["message"]["text"] in want) >= len(want), 60)
            customer.communicate(timeout=60)
            qdisc = lab.qdisc_stats()

            try:
                res = json.loads(out.strip().splitlines()[-1])
            except (ValueError, IndexError):
                print(f"phone failed: {out[-1000:]} {err[-2000:]}")
                return 1
            print(f"call ({res.get('result')}, codec {res.get('codec')}, profile {args.profile}, {call_s:.0f} s answered→hang-up, "
                  f"{r} chat rounds of 3 customer + 3 agent messages every {args.round:g} s):")
            print(f"  phone RTP at the IP layer (incl. SRTP): tx {res.get('tx_kbps')} kbit/s, rx {res.get('rx_kbps')} kbit/s; "
                  f"loss {res.get('loss_pct')} %, jitter {res.get('jitter_ms')} ms, RTT {res.get('rtt_ms')} ms, "
                  f"MOS {res.get('mos')}")
            print(f"  whole link during the call (RTP + RTCP + SIP + chats + pings): {rate(call, call_s)}")

            # ---- chat latency, exactly once
            arrivals: dict[str, list[float]] = {}
            for e in desk.events("conv.message"):
                arrivals.setdefault(e["data"]["message"]["text"], []).append(e["t"])
            c2a = [arrivals[t][0] - injected[t] for t in injected if t in arrivals]
            a2c = [stored[t] - submitted[t] for t in submitted if t in stored]
            dup_in = sum(1 for t in injected if len(arrivals.get(t, [])) != 1)
            outboxes = [m["text"] for c in CUSTOMERS for m in center.outbox(c)]
            dup_out = sum(1 for t in submitted if outboxes.count(t) != 1)
            print(f"  chat customer → agent (ingress POST → conv.message at the desk): {fmt_ms(c2a)}")
            print(f"  chat agent → center (conv.send submitted → stored by the center): {fmt_ms(a2c)}")
            print(f"  delivered exactly once: customer→agent {len(injected) - dup_in}/{len(injected)}, "
                  f"agent→customer {len(submitted) - dup_out}/{len(submitted)}")
            drops = [ln.strip() for ln in qdisc.splitlines() if "dropped" in ln]
            print(f"  tbf since the link was made (downlink | uplink): {' | '.join(drops)}")
            del answered
        finally:
            if desk is not None:
                desk.close()
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait(10)
            center.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
