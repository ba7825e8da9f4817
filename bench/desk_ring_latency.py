"""Desk ring latency: from the voice engine's INVITE to the ring shown in the desk's call bar.

Full setup on loopback, all real parts:

* a center (``center serve``, TLS websocket) that the desk logs in to as agent1;
* Kamailio over TLS (registrar/proxy) and the center's voice engine
  (``python -m agent_tui.center.voice``), run side by side as bench/voice_ring_latency.py
  does, so that the engine's INVITE send time is visible (its ``inviting`` event);
* the REAL desk (``agent_tui.app.DeskApp`` under ``App.run_test``, headless, 120×40) in this
  process, with its real pjsua2 softphone on a virtual ALSA headset, registered at Kamailio
  as agent1 with the agent's own login.

A customer call (``center call``) waits in the engine's queue; N times the engine INVITEs
agent1 through Kamailio, the desk rings, the bench presses the desk's reject key
(alt+r → 486 Busy Here back to the engine) and waits for the call to end before the next ring.

Measured per ring, all on the same wall clock (``time.time()``, one machine):

* INVITE → frame: the engine's ``inviting`` time (taken right before pjsua2 sends the
  INVITE) to the first screen update (``App._display``) whose terminal output, rendered to
  bytes as the real driver would, contains ``RINGING`` — what the agent sees;
* INVITE → bar state: the same start to ``app.phone.ring_shown_at`` (the desk set the bar to
  ringing; the frame follows on the next refresh).

Usage: AGENT_TUI_PRIVATE_KEYRING=1 scripts/with-keyring .venv/bin/python bench/desk_ring_latency.py [--rings 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import benchlib
import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the repository root, for tests.kit

from desk_common import machine

from agent_tui.center.config import load_center_config
from agent_tui.center.init import init_center
from agent_tui.center.voice import kamailio
from agent_tui.center.voice.prompts import write_tone_wav
from tests.kit.desk_helpers import wait_for
from tests.kit.voicekit import PY, JsonProc

CALLER = "+31600000001"
ASOUNDRC = """
pcm.headset {{
  type asym
  playback.pcm {{ type file slave.pcm "null" file "/dev/null" format "raw" }}
  capture.pcm {{ type file slave.pcm "null" file "/dev/null" infile "{inp}" format "raw" }}
}}
"""


pct = benchlib.pct


def virtual_headset(tmp: Path) -> None:
    """An ALSA device ``headset`` (mic: a quiet tone, speaker: /dev/null), as the call-bar tests use.

    Set before the desk's phone loads ALSA; without a sound card the phone would run on the
    null device and show a headset warning, a path an agent's desk does not take.
    """
    rate = 16000
    t = np.arange(rate * 10) / rate
    mic = tmp / "mic.raw"
    (np.sin(2 * np.pi * 440.0 * t) * 0.1 * 32767).astype("<i2").tofile(mic)
    conf = tmp / "asoundrc"
    conf.write_text(ASOUNDRC.format(inp=mic))
    os.environ["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{conf}"


def make_login_center(d: Path) -> None:
    """A center with the demo users (agent1/demo) and no voice of its own: the engine runs beside it."""
    init_center(d, demo=True, port=0, ingress_port=0)
    cfg_path = d / "center.yaml"
    cfg = yaml.safe_load(cfg_path.read_text()) or {}
    cfg.update({"demo": False, "port": 0, "ingress_port": 0, "voice": {"enabled": False}})
    cfg_path.write_text(yaml.safe_dump(cfg))


def make_sip_dir(d: Path, center: Path) -> None:
    """Kamailio + engine directory; same CA/cert as the center, so the desk's CA file verifies Kamailio."""
    shutil.copytree(center / "tls", d / "tls")
    (d / "center.yaml").write_text("voice:\n  enabled: true\n  kamailio: {enabled: true, port: 0}\n")
    kamailio.write_kamailio_config(d, load_center_config(d))
    kamailio.set_sip_password(d, "agent1", "demo")  # the agent's own password, as HA1


async def measure(args: argparse.Namespace, url: str, ca: Path, sip: Path, eng: JsonProc,
                  call: str) -> tuple[list[float], list[float], dict[str, Any]]:
    from textual._compositor import CompositorUpdate

    from agent_tui.app import DeskApp, LoginInfo
    from agent_tui.core.config import Config, SoftphoneConfig
    from agent_tui.widgets.call_bar import CallBar

    addr = kamailio.address(sip)
    registrar = f"sip:{addr['host']}:{addr['port']};transport=tls"
    cfg = Config(language="en", softphone=SoftphoneConfig(
        input_device="headset", output_device="headset", profile="low",
        options={"registrar": registrar, "domain": addr["domain"]}))
    app = DeskApp(cfg, login=LoginInfo(url, ca, "agent1", password="demo"), initial_state="available",
                  remember_login=False, cursor_blink=False)
    to_frame: list[float] = []
    to_state: list[float] = []
    seen: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            await wait_for(pilot, lambda: app.state.agent.get("state") == "available", 30, what="desk online")
            phone = app.phone  # type: ignore[attr-defined]
            await wait_for(pilot, lambda: "Registered" in phone.events_seen or phone.phone_state == "failed",
                           30, what=f"registration ({phone.phone_state} {phone.phone_error})")
            if "Registered" not in phone.events_seen:
                raise RuntimeError(f"desk phone did not register: {phone.events_seen} {phone.phone_error}")
            bar = app.desk_screen().query_one(CallBar)
            shown: dict[str, float | None] = {"at": None}
            armed = {"on": False}
            real_display = app._display

            def display(screen: Any, renderable: Any) -> None:
                # The moment a frame with the ring is handed to the terminal driver. Headless
                # drivers skip the write, so render the bytes here as the real driver does.
                if armed["on"] and renderable is not None and isinstance(renderable, CompositorUpdate):
                    out = renderable.render_segments(app.console)
                    if "RINGING" in out:
                        shown["at"] = time.time()
                        armed["on"] = False
                real_display(screen, renderable)

            app._display = display  # type: ignore[method-assign]
            uri = f"sip:agent1@{addr['domain']};transport=tls"
            for i in range(args.rings):
                em = eng.mark()
                shown["at"] = None
                armed["on"] = True
                eng.send(cmd="ring", call=call, agent="agent1", uri=uri)
                await wait_for(pilot, lambda: shown["at"] is not None, 15,
                               what=f"ring {i + 1} on screen (bar {bar.text!r})")
                inv = await asyncio.to_thread(eng.wait, "inviting", 10, em)
                ringing = phone.ringing()
                key = ringing.conversation or ringing.key if ringing is not None else ""
                # Popped: a SIP call key may come back in a later ring (setdefault keeps the first).
                state_at = phone.ring_shown_at.pop(key, None)
                to_frame.append((float(shown["at"]) - inv["t"]) * 1000)
                if state_at is not None:
                    to_state.append((state_at - inv["t"]) * 1000)
                seen.setdefault("bar", bar.text)
                await pilot.press("alt+r")  # the agent rejects: 486 to the engine
                failed = await asyncio.to_thread(eng.wait, "agent_failed", 10, em)
                seen.setdefault("codes", []).append(failed.get("code"))
                await wait_for(pilot, lambda: not any(v.live for v in phone.views.values()), 10,
                               what=f"ring {i + 1} ended (bar {bar.text!r})")
        finally:
            await app.action_quit()  # as an agent would: closes the session, stops the phone
    return to_frame, to_state, seen


def stop_popen(p: subprocess.Popen) -> None:
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rings", type=int, default=10)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="desk-ring-bench-"))
    center, sip = tmp / "center", tmp / "sip"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs: list[JsonProc] = []
    serve: subprocess.Popen | None = None
    serve_err = None
    kam = None
    t0 = time.monotonic()
    try:
        make_login_center(center)
        make_sip_dir(sip, center)
        virtual_headset(tmp)
        serve_err = open(tmp / "serve.stderr", "wb")  # noqa: SIM115 — closed in finally
        serve = subprocess.Popen([PY, "-m", "agent_tui.center", "serve", str(center), "--port", "0",
                                  "--ingress-port", "0"], stdout=subprocess.PIPE, stderr=serve_err,
                                 text=True, cwd=tmp, env=env)
        assert serve.stdout is not None
        first = serve.stdout.readline().split()
        if len(first) != 2 or first[0] != "listening":
            raise RuntimeError(f"center serve did not start: {(tmp / 'serve.stderr').read_text()[-1500:]}")
        url = first[1]
        kam = kamailio.start_kamailio(sip)
        eng = JsonProc([PY, "-m", "agent_tui.center.voice", str(sip)], cwd=tmp, env=env, name="engine")
        procs.append(eng)
        eng.wait("ready", 20)
        assert eng.wait("registration", 20)["code"] == 200
        tone = write_tone_wav(tmp / "tone.wav", [(440.0, 1.0)])
        cust = JsonProc([PY, "-m", "agent_tui.center.voice.call_cli", str(sip), "--from", CALLER,
                         "--play", str(tone), "--duration", "600"], cwd=tmp, env=env, name="customer")
        procs.append(cust)
        call = eng.wait("incoming", 20)["call"]
        to_frame, to_state, seen = asyncio.run(measure(args, url, center / "tls" / "ca.pem", sip, eng, call))
        print(f"desk ring latency over {len(to_frame)} rings, engine INVITE → desk call bar, "
              f"Kamailio/TLS on loopback, real desk (headless 120×40) + pjsua2 softphone:")
        print(f"  machine: {machine()}")
        for name, vals in (("INVITE -> RINGING frame on screen", to_frame),
                           ("INVITE -> bar state ringing", to_state)):
            if vals:
                print(f"  {name:34s} p50 {statistics.median(vals):6.1f} ms  p95 {pct(vals, 95):6.1f} ms  "
                      f"max {max(vals):6.1f} ms")
        print(f"  per ring, frame (ms): {json.dumps([round(v, 1) for v in to_frame])}")
        print(f"  per ring, state (ms): {json.dumps([round(v, 1) for v in to_state])}")
        print(f"  the bar showed: {seen.get('bar')!r}; reject codes at the engine: {sorted(set(seen.get('codes', [])))}")
        print(f"  total run time {time.monotonic() - t0:.0f} s")
    finally:
        for p in reversed(procs):
            p.stop()
        if serve is not None:
            stop_popen(serve)
        if serve_err is not None:
            serve_err.close()
        if kam is not None:
            kam.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
