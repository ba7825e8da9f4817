"""Pilot tests for the call bar: ring, answer, hold, mute, hang up, wrap-up, reject, transfer.

Real parts all the way: a real center with its voice engine (direct TLS, the demo mode), a
customer call placed by ``center call`` (a real SIP caller), and the desk with its real
pjsua2 Softphone on a virtual ALSA headset. pjsua2 allows one Endpoint per process, so each
desk runs in its own process (``call_bar_pilot.py`` drives it with ``App.run_test``) and
prints what the call bar showed at every step; these tests check those texts, plus the audio
that really went through the headset.

The widget-only tests at the end render the bar from a given CallView (no phone needed).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.kit.audio_check import read_raw, read_wav, tone_windows, write_tone_wav
from tests.kit.call_bar_kit import virtual_headset
from tests.kit.desk_helpers import wait_for
from tests.kit.paths import child_env

HERE = Path(__file__).resolve().parent

def run_pilot(center: Any, tmp_path: Path, scenario: str, **extra: Any) -> tuple[dict, Path]:

    env_extra, speaker = virtual_headset(tmp_path)
    env = child_env(**env_extra)  # the pilot imports tests.kit
    pw = tmp_path / "pw"
    pw.write_text("demo\n")
    pw.chmod(0o600)
    opts = {"scenario": scenario, "server": center.url, "ca": str(center.ca_file),
            "center_dir": str(center.dir), "pwfile": str(pw), **extra}
    proc = subprocess.run([sys.executable, "-m", "tests.desk.call_bar_pilot", json.dumps(opts)],
                          capture_output=True, text=True, env=env, timeout=240, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    assert lines, f"pilot printed nothing (rc {proc.returncode}): {proc.stderr[-3000:]}"
    result = json.loads(lines[-1])
    assert result["ok"], (f"{result.get('error')}\n{result.get('trace')}\nsteps={result.get('steps')}\n"
                          f"info={result.get('info')}")
    assert proc.returncode == 0
    assert "Assertion" not in proc.stderr, proc.stderr[-2000:]  # pjlib asserts at exit would show here
    return result, speaker


@pytest.fixture
def voice_center(make_center: Any) -> Any:
    return make_center(voice={"enabled": True})



@pytest.mark.slow
def test_ring_answer_hold_dtmf_mute_hangup_wrapup(voice_center, tmp_path):
    tone = write_tone_wav(tmp_path / "customer.wav", 1000, 30.0)
    result, speaker = run_pilot(voice_center, tmp_path, "basic", play=str(tone),
                                record=str(tmp_path / "customer_heard.wav"))
    s, info = result["steps"], result["info"]
    assert s["idle"] == "" and info["idle_hidden"]  # no call: the bar is hidden
    assert "RINGING" in s["ringing"] and "+31201234567" in s["ringing"] and info["ringing_class"]
    assert "[ctrl+o] answer" in s["ringing"]  # the key is on the bar
    assert len(info["ring_latency_ms"]) == 1  # the bench hook saw the ring (figure: bench, not here)
    print("voice.offered → bar ringing:", info["ring_latency_ms"], "ms")
    first = s["connected"].split("\n")[0]
    assert "CONNECTED" in first and "+31201234567" in first and info["connected_class"]
    assert "conv " + info["conversation"] in first  # the conversation link
    assert "speex/8000 · low" in first  # codec and profile in use
    assert info["conv_channel"] == "voice"
    q = s["quality"]
    assert "RTT" in q and "jitter" in q and "loss" in q and "MOS" in q
    assert "ON HOLD" in s["held"] and info["held_class"] and "resume" in s["held"]
    assert "CONNECTED" in s["resumed"]
    assert [d.split()[1] for d in info["dtmf"][:3]] == ["1", "2", "#"], info["dtmf"]  # keypad → center
    assert "MUTED" in s["muted"] and info["muted_class"] and "unmute" in s["muted"]
    assert "ENDED" in s["ended"]
    assert info["states_seen"][:2] == ["ringing", "calling"], info["states_seen"]
    assert info["wrapped_up"] and s["after"] == ""
    # The call really went through the headset: the agent heard the customer's 1 kHz tone ...
    heard, rate = read_raw(speaker)
    assert sum(tone_windows(heard, rate, 1000)) >= 4, "headset did not play the customer's tone"
    # ... and the customer heard the agent's microphone (440 Hz).
    cust, crate = read_wav(tmp_path / "customer_heard.wav")
    assert sum(tone_windows(cust, crate, 440)) >= 4, "customer did not hear the agent's microphone"


@pytest.mark.slow
def test_customer_hangs_up_and_wrapup_opens(voice_center, tmp_path):
    result, _ = run_pilot(voice_center, tmp_path, "customer_hangs_up")
    s, info = result["steps"], result["info"]
    assert "CONNECTED" in s["connected"]
    assert "ENDED" in s["ended"] and "wrap-up" in s["ended"]  # the bar points at wrap-up
    assert info["wrapup_open"]


@pytest.mark.slow
def test_reject_declines_the_offer(voice_center, tmp_path):
    result, _ = run_pilot(voice_center, tmp_path, "reject")
    s = result["steps"]
    assert "RINGING" in s["ringing"]
    assert "ENDED" in s["rejected"] and "rejected" in s["rejected"]
    assert s["after_reject"] == ""


@pytest.mark.slow
def test_blind_transfer_moves_the_call_to_a_colleague(voice_center, tmp_path):
    result, _ = run_pilot(voice_center, tmp_path, "transfer")
    s, info = result["steps"], result["info"]
    assert "TRANSFER" in s["transferring"] and "→ agent2" in s["transferring"]
    seen = info["states_seen"]
    assert seen.index("transferring") < seen.index("transferred"), seen
    assert "TRANSFERRED" in s["transferred"]
    assert info["agent2"].get("result") == "completed", info["agent2"]  # the colleague took it
    assert not info["wrapup_opened"]  # the conversation moved on: no wrap-up here


@pytest.mark.slow
def test_call_through_kamailio_rings_as_a_sip_call_and_is_answered(make_center, tmp_path):
    """Full setup: the desk's phone registers at Kamailio (TLS, digest); the center's INVITE rings it."""
    from agent_tui.center.voice import kamailio

    center = make_center(voice={"enabled": True, "kamailio": {"enabled": True, "port": 0}})
    kamailio.set_sip_password(center.dir, "agent1", "demo")  # the agent's own password, as HA1
    addr = kamailio.address(center.dir)
    registrar = f"sip:{addr['host']}:{addr['port']};transport=tls"
    result, _ = run_pilot(center, tmp_path, "kamailio",
                          softphone_options={"registrar": registrar, "domain": addr["domain"]})
    s, info = result["steps"], result["info"]
    assert info["incoming_sip"]  # a real INVITE reached the desk's phone
    assert "RINGING" in s["ringing"] and "+31201234567" in s["ringing"]
    assert "CONNECTED" in s["connected"] and "conv " + info["conversation"] in s["connected"]
    assert "ENDED" in s["ended"] and info["wrapup_open"]
    # The desk's default: its registration reached Kamailio over TLS 1.3 (sip/tls_relay.py), never 1.2.
    assert registered_tls_versions(center.dir).get("agent1") == {"TLSv1.3"}


def registered_tls_versions(center_dir: Path) -> dict[str, set[str]]:
    """Per SIP user, the TLS versions Kamailio logged for its REGISTERs (``tls=$tls_version``)."""
    from agent_tui.center.voice import kamailio

    seen: dict[str, set[str]] = {}
    log = (kamailio.kam_dir(center_dir) / "kamailio.log").read_text(errors="replace")
    for user, version in re.findall(r"register sip:(\w+)@\S+ .* tls=(\S+)", log):
        seen.setdefault(user, set()).add(version)
    return seen


def _kamailio_pilot(make_center: Any, tmp_path: Path, scenario: str) -> dict:
    from agent_tui.center.voice import kamailio

    center = make_center(voice={"enabled": True, "kamailio": {"enabled": True, "port": 0}})
    for user in ("agent1", "agent2"):
        kamailio.set_sip_password(center.dir, user, "demo")
    addr = kamailio.address(center.dir)
    registrar = f"sip:{addr['host']}:{addr['port']};transport=tls"
    result, _ = run_pilot(center, tmp_path, scenario,
                          softphone_options={"registrar": registrar, "domain": addr["domain"]})
    # The desk (agent1) and the colleague's `ctl phone` (agent2) both register over TLS 1.3 by default.
    seen = registered_tls_versions(center.dir)
    assert seen.get("agent1") == {"TLSv1.3"} and seen.get("agent2") == {"TLSv1.3"}, seen
    return result


@pytest.mark.slow
def test_consult_transfer_through_kamailio(make_center, tmp_path):
    result = _kamailio_pilot(make_center, tmp_path, "consult")
    s, info = result["steps"], result["info"]
    # Two calls on the bar: the customer on hold and the colleague.
    assert "ON HOLD" in s["consulting"] and "2nd call: agent2 CONNECTED" in s["consulting"], s
    assert "complete transfer" in s["consulting"]
    seen = info["states_seen"]
    assert "transferring" in seen, seen
    assert info["agent2"].get("result") == "completed", info["agent2"]


@pytest.mark.slow
def test_three_way_conference_through_kamailio(make_center, tmp_path):
    result = _kamailio_pilot(make_center, tmp_path, "conference")
    s, info = result["steps"], result["info"]
    assert "ON HOLD" in s["consulting"]
    line1, line2 = s["conference"].split("\n")
    assert "CONNECTED" in line1 and "+31201234567" in line1  # the customer is back, off hold
    assert "conference: agent2" in line2
    assert info["wrapup_open"]  # leaving the conference ends the call: wrap-up


@pytest.mark.slow
def test_audio_settings_on_the_virtual_headset(center, tmp_path):
    result, speaker = run_pilot(center, tmp_path, "settings")
    s, info = result["steps"], result["info"]
    assert "headset" in info["devices"] and info["input_value"] == "headset"  # from the config
    level = float(s["meter"].split("]")[1].split("dBFS")[0])
    assert -20 < level < 0, s["meter"]  # the 0.3-amplitude tone is about -13 dBFS
    assert "Test tone: played on headset" in s["tone"], s["tone"]
    heard, rate = read_raw(speaker)
    assert sum(tone_windows(heard, rate, 1000)) >= 4, "the test tone did not reach the headset"
    assert "softphone:" in s["snippet"] and "input: headset" in s["snippet"] and "profile: normal" in s["snippet"]
    assert info["config_profile"] == "normal"  # kept for this session


# --- the widget on its own ------------------------------------------------------------------------


def _bar_text(view: Any, size: tuple[int, int] = (80, 24)) -> tuple[str, int]:
    import asyncio

    from textual.app import App, ComposeResult

    from agent_tui.widgets.call_bar import CallBar

    class BarApp(App[None]):
        def compose(self) -> ComposeResult:
            yield CallBar(clock=lambda: 1000.0)

    async def run() -> tuple[str, int]:
        app = BarApp()
        async with app.run_test(size=size) as pilot:
            bar = app.query_one(CallBar)
            bar.show_calls([view], {"answer": "ctrl+o", "reject": "alt+r", "hold": "alt+p",
                                    "mute": "alt+m", "hangup": "alt+h"})
            await pilot.pause()
            return bar.text, bar.size.height

    return asyncio.run(run())


def test_degraded_call_shows_a_warning_in_words_and_fits_80_columns():
    from agent_tui.widgets.call_bar import CallQualityView, CallView

    v = CallView(key="c1", phase="connected", caller="+31201234567", conversation="c-42",
                 answered_at=1000.0 - 83, codec="speex/8000", profile="low",
                 quality=CallQualityView(rtt_ms=620, jitter_ms=55, loss_pct=7.5, mos=2.9, degraded=True,
                                         warning="high packet loss"))
    text, height = _bar_text(v)  # 80×24: compact figures, the warning word stays
    assert "CONNECTED 01:23" in text and "MOS 2.9" in text and "loss 7.5%" in text
    assert "⚠ POOR CALL QUALITY" in text
    assert height == 2 and all(len(line) <= 78 for line in text.split("\n")), text
    wide, _ = _bar_text(v, (120, 40))  # wide: the reason in words too
    assert "jitter 55 ms" in wide and "POOR CALL QUALITY: high packet loss" in wide


def test_caller_id_is_shown_literally():
    from agent_tui.widgets.call_bar import CallView

    v = CallView(key="c1", phase="ringing", caller="[bold]x\x1b]0;pwn\x07", name="Eve")
    text, _ = _bar_text(v)
    assert "[bold]x" in text and "\x1b" not in text and "\x07" not in text


# --- in the test process: keys, palette and settings (the phone itself is never started here) ----


async def test_phone_actions_are_in_the_palette_and_settings_open_with_their_key(desk_factory, monkeypatch):
    from agent_tui.desk_phone.keys import PHONE_ACTIONS, PhoneCommands
    from agent_tui.screens.audio_settings import AudioSettingsScreen

    monkeypatch.setenv("AGENT_TUI_SOFTPHONE", "off")  # nothing here may load pjsua2
    app = desk_factory("agent4")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.online(), what="online")
        phone = app.phone
        assert PhoneCommands in app.screen.COMMANDS
        titles = [title for title, _help, _cb in PhoneCommands(app.screen)._commands()]
        assert len(titles) == len(PHONE_ACTIONS) and "Phone: Answer call" in titles
        # Every binding id is on the desk screen with its key.
        keys = {b.id: k for k, bs in app.screen._bindings.key_to_bindings.items() for b in bs if b.id}
        assert keys["phone.answer"] == "ctrl+o" and keys["phone.hangup"] == "alt+h"
        await pilot.press("alt+s")
        await wait_for(pilot, lambda: isinstance(app.screen, AudioSettingsScreen), what="audio settings")
        screen = app.screen
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AudioSettingsScreen), what="closed")
        assert screen.snippet == ""  # nothing saved
        await pilot.press("f1")  # the help screen lists the phone keys too
        await wait_for(pilot, lambda: hasattr(app.screen, "rows"), what="help screen")
        assert ("ctrl+o", "Answer call", "phone.answer") in app.screen.rows
        assert ("alt+t", "Blind transfer call", "phone.transfer") in app.screen.rows
        await pilot.press("escape")
        assert phone.phone is None and phone.phone_state == "off"


async def test_voice_offer_rings_in_the_bar_and_reject_declines_it_even_with_the_phone_off(
        desk_factory, center, monkeypatch):
    """The ring must never depend on the phone starting: the bar rings on `voice.offered` alone."""
    from agent_tui.widgets.call_bar import CallBar

    monkeypatch.setenv("AGENT_TUI_SOFTPHONE", "off")
    app = desk_factory("agent5", initial_state="available")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.state.agent.get("state") == "available", what="Available")
        # A voice conversation offered to agent5, and the engine's pickup event (no engine runs here).
        await asyncio_to_thread(center.inject, "sms", "+31600000005", "call me", name="Piet")
        await wait_for(pilot, lambda: app.state.offers, what="offer")
        offer = next(iter(app.state.offers.values()))
        conv = offer["conversation"]["id"]
        center.call(lambda hub: hub.emit_voice("agent5", "voice.offered", {
            "conversation": conv, "offer": offer["offer"], "caller": "+31600000005",
            "pickup": "sip:pickup-x@127.0.0.1:9;transport=tls"}))
        bar = app.screen.query_one(CallBar)
        await wait_for(pilot, lambda: "RINGING" in bar.text, what="ringing")
        assert "+31600000005" in bar.text and bar.has_class("-ringing") and bar.region.height >= 1
        await pilot.press("alt+r")
        await wait_for(pilot, lambda: "ENDED" in bar.text and "rejected" in bar.text, what="rejected")
        await wait_for(pilot, lambda: not app.state.offers, what="offer declined at the center")


async def asyncio_to_thread(fn, *args, **kw):
    import asyncio

    return await asyncio.to_thread(fn, *args, **kw)


def test_states_in_dutch():
    from agent_tui.i18n import language, set_language
    from agent_tui.widgets.call_bar import CallView

    before = language()
    set_language("nl")
    try:
        text, _ = _bar_text(CallView(key="c1", phase="connected", caller="+31201234567", held=True,
                                     answered_at=990.0))
    finally:
        set_language(before)
    assert "IN DE WACHT 00:10" in text and "terug" in text  # on hold; the key resumes


async def test_c_on_a_colleague_in_the_presence_list_places_a_call(desk_factory, monkeypatch):
    """The presence list's call key reaches the phone controller with that colleague as target."""
    from agent_tui.widgets.presence import PresenceList

    monkeypatch.setenv("AGENT_TUI_SOFTPHONE", "off")
    app = desk_factory("agent6")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.online() and app.state.presence, what="online with presence")
        dialled: list[str] = []
        monkeypatch.setattr(app.phone, "call_colleague", dialled.append)
        lst = app.screen.query_one(PresenceList)
        await wait_for(pilot, lambda: lst.cursor_key is not None, what="a colleague under the cursor")
        lst.focus()
        await pilot.press("down")
        target = lst.cursor_key
        await pilot.press("c")
        await wait_for(pilot, lambda: dialled, what="the call request")
        assert dialled == [target]


async def test_calling_a_colleague_in_direct_mode_says_a_registrar_is_needed(desk_factory, monkeypatch):
    monkeypatch.setenv("AGENT_TUI_SOFTPHONE", "off")
    app = desk_factory("agent6")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.online(), what="online")
        app.phone.call_colleague("agent2")
        await wait_for(pilot, lambda: any("registrar" in n.message for n in app._notifications),
                       what="the direct-mode notice")
