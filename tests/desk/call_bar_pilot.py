"""Subprocess driver for the call-bar pilot tests: one desk + one real Softphone per process.

pjsua2 allows one Endpoint per process, so each scenario runs the real desk (DeskApp under
``App.run_test``) with its real phone in its own Python process, against a center that the
test runs. Usage::

    python call_bar_pilot.py '{"scenario": ..., "server": ..., "ca": ..., "center_dir": ..., ...}'

The virtual ALSA headset comes from the environment (ALSA_CONFIG_PATH, device "headset").
Each step waits on a condition with a deadline (no sleeps) and records what the call bar
showed; the script prints ONE JSON line ``{"ok": true, "steps": {...}, ...}`` at the end, or
``{"ok": false, "error": ...}`` with exit code 1.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from agent_tui.app import DeskApp, LoginInfo
from agent_tui.core.config import Config, SoftphoneConfig
from agent_tui.widgets.call_bar import CallBar
from tests.kit.call_bar_kit import bar_text, until_bar
from tests.kit.desk_helpers import wait_for

CALLER = "+31201234567"
SIZE = (120, 40)


class Run:
    def __init__(self, opts: dict[str, Any]) -> None:
        self.opts = opts
        self.steps: dict[str, str] = {}
        self.info: dict[str, Any] = {}
        self.procs: list[subprocess.Popen] = []

    def customer(self, duration: float, extra: list[str] | None = None) -> subprocess.Popen:
        o = self.opts
        cmd = [sys.executable, "-m", "agent_tui.center.voice.call_cli", o["center_dir"], "--from", CALLER,
               "--name", "Jan de Vries", "--duration", str(duration), "--timeout", "40"]
        if o.get("play"):
            cmd += ["--play", o["play"]]
        if o.get("record"):
            cmd += ["--record", o["record"]]
        p = subprocess.Popen(cmd + (extra or []), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        self.procs.append(p)
        return p

    def stop_all(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)


def start_agent2(run: Run, extra: list[str]) -> subprocess.Popen:
    """The colleague: `agent-tui ctl ... phone --auto-answer` as agent2 (it becomes Available)."""
    o = run.opts
    with open(o["pwfile"]) as pw:  # the password on stdin, never on the command line
        p = subprocess.Popen(
            [sys.executable, "-m", "agent_tui", "ctl", "--server", o["server"], "--ca", o["ca"],
             "--user", "agent2", "--password-stdin", "phone", "--auto-answer", "--wait", "40",
             "--profile", "low", *extra],
            stdin=pw, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    run.procs.append(p)
    return p


async def scenario(run: Run) -> None:
    o = run.opts
    cfg = Config(language=o.get("language", "en"),
                 softphone=SoftphoneConfig(input_device="headset", output_device="headset",
                                           profile=o.get("profile", "low"),
                                           options=dict(o.get("softphone_options") or {})))
    app = DeskApp(cfg, login=LoginInfo(o["server"], Path(o["ca"]), o.get("user", "agent1"),
                                       password="demo"),
                  initial_state="available", remember_login=False, cursor_blink=False)
    async with app.run_test(size=tuple(o.get("size", SIZE))) as pilot:
        try:
            await steps(run, app, pilot)
        finally:
            await app.action_quit()  # as an agent would: closes the session, stops the phone


async def steps(run: Run, app: DeskApp, pilot: Any) -> None:
    """The scenario's steps, each waiting on what the call bar (or the desk) shows."""
    o = run.opts
    await wait_for(pilot, lambda: app.state.agent.get("state") == "available", 20, what="Available")
    phone = app.phone  # type: ignore[attr-defined]
    run.phone = phone
    bar = app.desk_screen().query_one(CallBar)
    seen: list[str] = []
    run.info["states_seen"] = seen
    redraw = bar.redraw

    def recording_redraw() -> None:
        # Every state the bar passed through, even ones shorter than a polling step.
        redraw()
        main = bar._main()
        if main is not None and (not seen or seen[-1] != main.state):
            seen.append(main.state)

    bar.redraw = recording_redraw  # type: ignore[method-assign]
    run.steps["idle"] = bar.text
    run.info["idle_hidden"] = bar.has_class("-idle") and bar.region.height == 0  # takes no space
    sc = o["scenario"]
    if sc == "settings":
        await settings(run, app, pilot)
        return
    if sc in ("kamailio", "consult", "conference"):
        # The phone registers at Kamailio over TLS as soon as the desk is logged in.
        await wait_for(pilot, lambda: "Registered" in phone.events_seen or phone.phone_state == "failed",
                       30, what=f"registration (phone {phone.phone_state} {phone.phone_error})")
        assert "Registered" in phone.events_seen, phone.events_seen
    cust = run.customer(4.0 if sc == "customer_hangs_up" else 40.0)
    await until_bar(app, pilot, "RINGING", 30)
    run.steps["ringing"] = bar_text(app)
    run.info["ring_latency_ms"] = list(phone.ring_latency_ms.values())
    run.info["ringing_class"] = bar.has_class("-ringing")
    if sc == "reject":
        await pilot.press("alt+r")
        await until_bar(app, pilot, "ENDED")
        run.steps["rejected"] = bar_text(app)
        # The call goes back to the queue (no one else is Available): the offer is gone here.
        await wait_for(pilot, lambda: not app.state.offers, 10, what="offer withdrawn")
        await wait_for(pilot, lambda: not bar_text(app), 15, what="bar hidden again")
        run.steps["after_reject"] = bar_text(app)
        return
    await pilot.press("ctrl+o")
    await until_bar(app, pilot, "CONNECTED", 20)
    await wait_for(pilot, lambda: "/" in bar_text(app).split("\n")[0], 10, what="codec shown")
    run.steps["connected"] = bar_text(app)
    run.info["connected_class"] = bar.has_class("-connected")
    conv = next((v.conversation for v in phone.views.values() if v.live), "")
    run.info["conversation"] = conv
    run.info["conv_channel"] = (app.state.conversations.get(conv).summary.get("channel")
                                if conv in app.state.conversations else None)
    if sc in ("consult", "conference"):
        await consult(run, app, pilot, phone)
        return
    if sc == "kamailio":
        run.info["incoming_sip"] = "IncomingCall" in phone.events_seen
        await pilot.press("alt+h")
        await until_bar(app, pilot, "ENDED")
        run.steps["ended"] = bar_text(app)
        await wait_for(pilot, lambda: app.screen.query("#wrapup-codes"), 15, what="wrap-up dialog")
        run.info["wrapup_open"] = True
        return
    if sc == "customer_hangs_up":
        await until_bar(app, pilot, "ENDED", 20)
        run.steps["ended"] = bar_text(app)
        await wait_for(pilot, lambda: app.screen.query("#wrapup-codes"), 15, what="wrap-up dialog")
        run.info["wrapup_open"] = True
        cust.wait(20)
        return
    if sc == "basic":
        await until_bar(app, pilot, "MOS", 15)
        run.steps["quality"] = bar_text(app)
        await pilot.press("alt+p")
        await until_bar(app, pilot, "ON HOLD")
        run.steps["held"] = bar_text(app)
        run.info["held_class"] = bar.has_class("-held")
        await pilot.press("alt+p")
        await until_bar(app, pilot, "CONNECTED")
        run.steps["resumed"] = bar_text(app)
        # DTMF from the keypad: each digit goes out as typed (RFC 4733) and reaches the center.
        await pilot.press("alt+k")
        await wait_for(pilot, lambda: app.screen.query("#prompt-input"), 5, what="keypad")
        for ch in "12#":
            await pilot.press(ch)
        await pilot.press("enter")

        def dtmf_seen() -> list[str]:
            c = app.state.conversations.get(conv)
            return [str(m.get("text")) for m in (c.messages if c else []) if "DTMF" in str(m.get("text"))]

        await wait_for(pilot, lambda: len(dtmf_seen()) >= 3, 10, what=f"DTMF at the center ({dtmf_seen()})")
        run.info["dtmf"] = dtmf_seen()
        await pilot.press("alt+m")
        await until_bar(app, pilot, "MUTED")
        run.steps["muted"] = bar_text(app)
        run.info["muted_class"] = bar.has_class("-muted")
        await pilot.press("alt+m")
        await until_bar(app, pilot, "CONNECTED")
        await pilot.press("alt+h")
        await until_bar(app, pilot, "ENDED")
        run.steps["ended"] = bar_text(app)
        await wait_for(pilot, lambda: app.screen.query("#wrapup-codes"), 15, what="wrap-up dialog")
        run.steps["wrapup_title"] = str(app.screen.query_one(".title").render())
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: conv not in app.state.conversations, 15,
                       what="conversation wrapped up and closed")
        run.info["wrapped_up"] = True
        await wait_for(pilot, lambda: not bar_text(app), 15, what="bar hidden again")
        run.steps["after"] = bar_text(app)
        cust.wait(20)
        return
    if sc == "transfer":
        # A colleague takes transfers: the headless softphone as agent2 (becomes Available).
        agent2 = start_agent2(run, ["--duration", "3"])
        await wait_for(pilot, lambda: (app.state.presence.get("agent2") or {}).get("state") == "available",
                       30, what="agent2 Available")
        await pilot.press("alt+t")
        await wait_for(pilot, lambda: app.screen.query("#picker-filter"), 10, what="transfer picker")
        name = str(app.state.presence["agent2"].get("name") or "agent2").split()[0]
        for ch in name:
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "TRANSFER" in bar_text(app), 10, what="transferring")
        run.steps["transferring"] = bar_text(app)  # TRANSFERRING, or already TRANSFERRED
        await until_bar(app, pilot, "TRANSFERRED", 20)
        run.steps["transferred"] = bar_text(app)
        out, err = await asyncio.to_thread(agent2.communicate, None, 60)
        run.info["agent2"] = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"stderr": err[-1500:]}
        run.info["wrapup_opened"] = bool(app.screen.query("#wrapup-codes"))
        return
    raise AssertionError(f"unknown scenario {sc}")


async def consult(run: Run, app: DeskApp, pilot: Any, phone: Any) -> None:
    """Consult transfer through Kamailio: hold the customer, call agent2, then hand over."""
    o = run.opts
    agent2 = start_agent2(run, ["--duration", "30",
                                "--sip-registrar", o["softphone_options"]["registrar"],
                                "--sip-domain", o["softphone_options"]["domain"]])
    try:
        await wait_for(pilot, lambda: (app.state.presence.get("agent2") or {}).get("state") == "available"
                       or agent2.poll() is not None, 30, what="agent2 Available")
    finally:
        if agent2.poll() is not None:
            raise AssertionError(f"agent2's phone ended: {agent2.communicate()}")
    await pilot.press("alt+c")
    await wait_for(pilot, lambda: app.screen.query("#picker-filter"), 10, what="consult picker")
    name = str(app.state.presence["agent2"].get("name") or "agent2").split()[0]
    for ch in name:
        await pilot.press(ch)
    await pilot.press("enter")
    await wait_for(pilot, lambda: phone.consult_pair() is not None
                   and phone.consult_pair()[1].phase == "connected", 20,
                   what=f"consult call connected ({bar_text(app)!r})")
    run.steps["consulting"] = bar_text(app)
    if o["scenario"] == "conference":
        await pilot.press("alt+j")
        await wait_for(pilot, lambda: "conference: agent2" in bar_text(app) and "CONNECTED" in bar_text(app),
                       15, what=f"conference ({bar_text(app)!r})")
        run.steps["conference"] = bar_text(app)
        await pilot.press("alt+h")
        await wait_for(pilot, lambda: not any(v.live for v in phone.views.values()), 15,
                       what=f"all calls ended ({bar_text(app)!r})")
        run.steps["ended"] = bar_text(app)
        await wait_for(pilot, lambda: app.screen.query("#wrapup-codes"), 15, what="wrap-up dialog")
        run.info["wrapup_open"] = True
    else:
        await pilot.press("alt+c")  # complete: the customer goes to agent2
        await wait_for(pilot, lambda: "TRANSFERRED" in bar_text(app) or not bar_text(app), 20,
                       what=f"transferred ({bar_text(app)!r})")
        run.steps["transferred"] = bar_text(app)
    out, err = await asyncio.to_thread(agent2.communicate, None, 60)
    run.info["agent2"] = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"stderr": err[-1500:]}


async def settings(run: Run, app: DeskApp, pilot: Any) -> None:
    """The audio settings screen on the virtual headset: devices, meter, test tone, save."""
    from textual.widgets import Select, Static

    from agent_tui.screens.audio_settings import AudioSettingsScreen

    await pilot.press("alt+s")
    await wait_for(pilot, lambda: isinstance(app.screen, AudioSettingsScreen), 10, what="settings screen")
    screen = app.screen
    run.info["devices"] = [d.name for d in screen.devices]
    run.info["input_value"] = screen.query_one("#as-input", Select).value

    def meter_text() -> str:
        return str(screen.query_one("#as-mic", Static).render())

    # The microphone plays a 440 Hz tone at -10 dBFS: the meter must show a level, not silence.
    await wait_for(pilot, lambda: "dBFS" in meter_text(), 10, what=f"mic level ({meter_text()!r})")
    run.steps["meter"] = meter_text()
    await pilot.click("#as-tone")
    await wait_for(pilot, lambda: "played on" in str(screen.query_one("#as-status", Static).render())
                   or "⚠" in str(screen.query_one("#as-status", Static).render()), 15, what="test tone")
    run.steps["tone"] = str(screen.query_one("#as-status", Static).render())
    screen.query_one("#as-profile", Select).value = "normal"
    await pilot.pause()
    await pilot.click("#as-save")
    await wait_for(pilot, lambda: screen.snippet, 5, what="saved")
    run.steps["snippet"] = str(screen.query_one("#as-snippet", Static).render())
    run.info["config_profile"] = app.config.softphone.profile
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, AudioSettingsScreen), 5, what="closed")


def main() -> int:
    run = Run(json.loads(sys.argv[1]))
    t0 = time.monotonic()
    try:
        asyncio.run(scenario(run))
    except BaseException as exc:  # noqa: BLE001 - reported to the test as JSON
        run.stop_all()
        phone = getattr(run, "phone", None)
        if phone is not None:  # what the controller knew, for the failure message
            run.info["events_seen"] = phone.events_seen[-40:]
            run.info["views"] = [repr(v) for v in phone.views.values()]
        print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}", "steps": run.steps,
                          "info": run.info, "trace": traceback.format_exc()[-3000:]}), flush=True)
        return 1
    run.stop_all()
    print(json.dumps({"ok": True, "steps": run.steps, "info": run.info,
                      "seconds": round(time.monotonic() - t0, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
