"""Desk memory with 1,000 colleagues and 10,000 messages loaded, and with a live call and 3 chats.

Starts the desk headless (120×40) in this process with the big state, shows a
conversation, and reports resident memory (RSS) next to the same desk with a small
state and a bare Textual app, each in a fresh process.

"call": the desk (headless, 120×40) with three chat conversations and its softphone (the same
``Softphone`` the desk's phone controller builds, on a virtual ALSA headset: a tone as the
microphone, /dev/null as the speaker) in a call: a headless phone (tests/kit/phone_proc.py) dials
it directly over TLS with SRTP, profile ``low``. The desk process's RSS and CPU time are read from
/proc every 0.5 s during the call; CPU is over the call's middle (2 s after answer to 1 s before
the end) as a share of one core.
Run: .venv/bin/python bench/desk_memory.py [--call-seconds 20]
"""

from __future__ import annotations

import argparse
import array
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desk_common import ROOT, machine

CHILD = f"""
import sys, resource
sys.path.insert(0, {str(ROOT / 'bench')!r})
mode = sys.argv[1]
def rss_mb():
    with open('/proc/self/statm') as f:
        pages = int(f.read().split()[1])
    import os
    return pages * os.sysconf('SC_PAGE_SIZE') / 1e6
if mode == 'bare':
    from textual.app import App
    from textual.widgets import Static
    class A(App):
        def compose(self):
            yield Static('x')
        def on_mount(self):
            self.call_after_refresh(self.done)
        def done(self):
            self.result = rss_mb(); self.exit()
    a = A(); a.run(headless=True, size=(120, 40)); print(a.result)
else:
    from desk_common import NOW, big_state, seeded_state
    from agent_tui.app import DeskApp
    from agent_tui.core.client import ConnectionStatus
    from agent_tui.core.config import Config
    st = big_state() if mode == 'big' else seeded_state()
    class D(DeskApp):
        def on_mount(self):
            # no super().on_mount(): Textual calls DeskApp's own handler too (calling it
            # here pushed a second desk screen and measured the start-up twice)
            self.set_timer(0.5, self.done)
        def done(self):
            desk = self.desk_screen()
            desk.open_conversation(next(iter(self.state.conversations)))
            desk.refresh_all()
            self.call_after_refresh(self.fin)
        def fin(self):
            self.result = (rss_mb(), len(self.state.presence), sum(len(c.messages) for c in self.state.conversations.values()))
            self.exit()
    d = D(Config(language='en'), state=st, clock=lambda: NOW, status=ConnectionStatus('online', 1.0, '', 0))
    d.run(headless=True, size=(120, 40))
    print(*d.result)
"""


CALL_CHILD = f"""
import json, os, sys, threading
sys.path.insert(0, {str(ROOT / 'bench')!r})
opts = json.loads(sys.argv[1])
from desk_common import NOW, seeded_state
from agent_tui.app import DeskApp
from agent_tui.core.client import ConnectionStatus
from agent_tui.core.config import Config
from agent_tui.sip.config import AccountSpec, EngineConfig
from agent_tui.sip.phone import HeadsetSpec, Softphone
st = seeded_state()
for conv in st.conversations.values():  # three chats, each with some history
    conv.summary["channel"] = "chat"
    conv.messages = conv.messages * 10
class D(DeskApp):
    def on_mount(self):
        # no super().on_mount(): Textual calls DeskApp's own handler too (calling it
        # here pushed a second desk screen and measured the start-up twice)
        self.call_after_refresh(self.open_first)
        threading.Thread(target=self.start_phone, daemon=True).start()
    def open_first(self):
        self.desk_screen().open_conversation(next(iter(self.state.conversations)))
    def start_phone(self):
        self.softphone = Softphone(
            EngineConfig(ca_file=opts["ca"], cert_file=opts["cert"], key_file=opts["key"],
                         bind_address="127.0.0.1", profile="low", user_agent="desk bench"),
            AccountSpec(user="agent1", domain="127.0.0.1"),
            media=HeadsetSpec(input_device="headset", output_device="headset"))
        self.softphone.auto_answer = True
        self.softphone.start()
        # Textual captures print() while it runs: write to the real stdout
        os.write(1, (json.dumps({{"ready": self.softphone.engine.sip_port}}) + "\\n").encode())
if opts["desk"]:
    D(Config(language="en"), state=st, clock=lambda: NOW,
      status=ConnectionStatus("online", 1.0, "", 0)).run(headless=True, size=(120, 40))
else:  # the same softphone without the desk: what the phone alone costs
    import signal
    D.start_phone(D.__new__(D))
    signal.pause()
"""

ASOUNDRC = """
pcm.headset {{
  type asym
  playback.pcm {{ type file slave.pcm "null" file "/dev/null" format "raw" }}
  capture.pcm {{ type file slave.pcm "null" file "/dev/null" infile "{inp}" format "raw" }}
}}
"""


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def desk_in_call(seconds: float, desk: bool = True) -> dict:
    """The desk with three chats and its softphone in a call: RSS and CPU of its process
    (``desk`` False: the softphone alone, same headset)."""
    from tests.kit.audio_check import write_tone_wav
    from tests.kit.sip_certs import make_pki

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        pki = make_pki(d / "pki")
        wav = write_tone_wav(d / "tone.wav", 440.0, seconds + 5, amp=0.3)
        mic = d / "mic.raw"
        rate = 16000
        mic.write_bytes(array.array("h", (int(3276 * math.sin(2 * math.pi * 440 * i / rate))
                                          for i in range(rate * 10))).tobytes())
        (d / "asoundrc").write_text(ASOUNDRC.format(inp=mic))
        env = dict(os.environ, ALSA_CONFIG_PATH=f"/usr/share/alsa/alsa.conf:{d / 'asoundrc'}")
        opts = {"ca": str(pki.ca), "cert": str(pki.cert), "key": str(pki.key), "desk": desk}
        desk = subprocess.Popen([sys.executable, "-c", CALL_CHILD, json.dumps(opts)], stdout=subprocess.PIPE,
                                text=True, cwd=ROOT, env=env)
        samples: list[tuple[float, float, float]] = []
        try:
            assert desk.stdout is not None
            port = json.loads(desk.stdout.readline())["ready"]
            idle = _rss_mb(desk.pid)
            caller_opts = {"ca_file": str(pki.ca), "domain": "127.0.0.1", "bind_address": "127.0.0.1",
                           "profile": "low", "play": str(wav), "user": "customer", "duration": seconds,
                           "dial": f"sip:agent1@127.0.0.1:{port};transport=tls"}
            caller = subprocess.Popen([sys.executable, str(ROOT / "tests" / "kit" / "phone_proc.py"),
                                       json.dumps(caller_opts)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
            t0 = time.monotonic()
            while caller.poll() is None:
                samples.append((time.monotonic(), _rss_mb(desk.pid), _cpu_s(desk.pid)))
                time.sleep(0.5)  # the sampling period of the measurement, not a synchronisation
            out = (caller.stdout.read() if caller.stdout else "").strip().splitlines()
            result = json.loads(out[-1]) if out else {}
        finally:
            desk.kill()
            desk.wait()
    # The caller's call lasts `seconds` after answer; answer comes within the first few seconds.
    end = samples[-1][0] - 1.0
    window = [x for x in samples if end - (seconds - 3.0) <= x[0] <= end and x[0] >= t0 + 2.0]
    cpu = ((window[-1][2] - window[0][2]) / (window[-1][0] - window[0][0]) * 100) if len(window) > 1 else float("nan")
    return {"result": result.get("result"), "codec": result.get("codec"), "idle": idle,
            "call": window[-1][1] if window else float("nan"), "peak": max(x[1] for x in samples),
            "cpu": cpu, "window": (window[-1][0] - window[0][0]) if len(window) > 1 else 0.0}


def run(mode: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    return out.stdout.split()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--call-seconds", type=float, default=20.0)
    ap.add_argument("--only-call", action="store_true")
    args = ap.parse_args()
    if not args.only_call:
        figures()
    c = desk_in_call(args.call_seconds)
    print(f"desk with 3 chats and its softphone in a call ({c['result']}, {c['codec']}, profile low, TLS + SRTP, "
          f"virtual ALSA headset, {args.call_seconds:g} s):")
    print(f"  RSS: phone registered, no call {c['idle']:.1f} MB; in the call {c['call']:.1f} MB, peak {c['peak']:.1f} MB")
    print(f"  CPU in the call: {c['cpu']:.2f} % of one core (over {c['window']:.1f} s)")
    p = desk_in_call(args.call_seconds, desk=False)
    print(f"the same softphone and headset without the desk ({p['result']}): RSS in the call {p['call']:.1f} MB, "
          f"CPU {p['cpu']:.2f} % of one core")


def figures() -> None:
    bare = float(run("bare")[0])
    small = run("small")
    big = run("big")
    print(f"machine: {machine()}")
    print("resident memory (RSS) after the first screen, headless 120x40:")
    print(f"  bare Textual app:                        {bare:.1f} MB")
    print(f"  desk, small seeded state:                {float(small[0]):.1f} MB")
    print(f"  desk, {big[1]} colleagues + {big[2]} messages: {float(big[0]):.1f} MB "
          f"(+{float(big[0]) - float(small[0]):.1f} MB for the data)")


if __name__ == "__main__":
    main()
