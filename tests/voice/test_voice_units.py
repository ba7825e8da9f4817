"""Fast checks of the voice hardening (issue 10): the parts that need no call.

Kamailio's generated config is checked by Kamailio itself (``kamailio -c``); the dead-leg
bookkeeping, the restart backoff, the settings and the call bar's dead-air rules are pure.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from agent_tui.center.voice import kamailio
from agent_tui.center.voice import settings as vs
from agent_tui.center.voice.bridge import restart_delay
from agent_tui.center.voice.watchdog import SilenceWatch
from agent_tui.core.call_state import (
    CallBoard,
    CallQualityView,
    HangUpSip,
    Notice,
    SipCallState,
    SipCommandFailed,
    SipRinging,
)
from agent_tui.i18n import set_language
from agent_tui.widgets.call_bar import quality_text


def test_a_leg_is_dead_only_after_the_timeout_without_new_packets():
    w = SilenceWatch(5.0)
    assert not w.sample("c1", 10, 0.0)
    assert not w.sample("c1", 10, 4.9)
    assert not w.sample("c1", 11, 5.0)  # a packet arrived: the clock restarts
    assert not w.sample("c1", 11, 9.9)
    assert w.sample("c1", 11, 10.0)
    # Not watched (on hold, no stream): never dead, and the clock starts again afterwards.
    assert not w.sample("c2", 3, 0.0)
    assert not w.sample("c2", None, 20.0)
    assert not w.sample("c2", 3, 21.0)
    assert w.sample("c2", 3, 26.0)
    w.keep_only({"c2"})
    assert not w.sample("c1", 11, 30.0)  # forgotten: starts over


def test_restarts_back_off_to_a_minute_and_never_stop():
    assert [restart_delay(n) for n in range(9)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_voice_settings_take_the_new_limits_and_name_bad_ones():
    s = vs.parse_voice_settings({"rtp_timeout_s": 8, "max_waiting_per_caller": 1,
                                 "kamailio": {"customer_calls_s": 50, "calls_per_source_s": 3}})
    assert (s.rtp_timeout_s, s.max_waiting_per_caller) == (8.0, 1)
    assert (s.kamailio.customer_calls_s, s.kamailio.calls_per_source_s) == (50, 3)
    with pytest.raises(vs.VoiceConfigError, match=r"voice\.rtp_timeout_s"):
        vs.parse_voice_settings({"rtp_timeout_s": 1})
    with pytest.raises(vs.VoiceConfigError, match=r"voice\.kamailio\.calls_per_agent_s"):
        vs.parse_voice_settings({"kamailio": {"calls_per_agent_s": 0}})


@pytest.mark.skipif(shutil.which("kamailio") is None and not Path("/usr/sbin/kamailio").exists(),
                    reason="Kamailio is not installed (./dev setup installs it)")
def test_kamailio_config_limits_floods_and_sizes_and_kamailio_accepts_it(center_dir):
    s = vs.parse_voice_settings({"kamailio": {"enabled": True, "port": 0, "calls_per_source_s": 7}})
    path = kamailio.write_kamailio_config(center_dir, s)
    text = path.read_text()
    assert f"$ml > {kamailio.MAX_SIP_IN}" in text and '"513", "Message Too Large"' in text
    assert f"$snd(len) > {kamailio.PJSIP_MAX_PKT_LEN}" in text
    assert 'pl_check("src:$si", "TAILDROP", 7)' in text and "Retry-After: 5" in text
    assert kamailio.proxy_token(center_dir) in text  # the engine's proof that a request came through
    exe = shutil.which("kamailio") or "/usr/sbin/kamailio"
    check = subprocess.run([exe, "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr[-2000:]


def _connected(clock: list[float]) -> CallBoard:
    b = CallBoard(clock=lambda: clock[0])
    b.sip_event(SipRinging("c1", "sip:+31201234567@center", "Jan", "c-1", "+31201234567"))
    b.answer("c1")
    b.sip_event(SipCallState("c1", "answered"))
    return b


def test_voice_ended_for_a_connected_call_hangs_the_sip_call_up():
    now = [1_000_000.0]
    b = _connected(now)
    assert b.center_event("voice.ended", {"conversation": "c-1", "reason": "hangup"}, now[0]) == [HangUpSip("c1")]
    # A transfer ends through its own REFER/NOTIFY (the bar shows TRANSFERRED, not ENDED).
    moved = _connected(now)
    assert moved.center_event("voice.ended", {"conversation": "c-1", "reason": "transferred"}, now[0]) == []
    # A replayed voice.ended from long ago (after a reconnect) does not end today's call.
    old = _connected(now)
    assert old.center_event("voice.ended", {"conversation": "c-1", "reason": "hangup"}, now[0] - 3600) == []
    # The BYE won the race: the call had ended when our hang-up ran. No error for the agent then,
    # but a failed hang-up of a live call still says so.
    b.sip_event(SipCallState("c1", "ended"))
    assert b.sip_event(SipCommandFailed("hangup", "no call c1 (it has ended)", "c1")) == []
    live = _connected(now)
    assert isinstance(live.sip_event(SipCommandFailed("hangup", "pjsua said no", "c1"))[0], Notice)


@pytest.mark.parametrize(("lang", "words"), [("en", "NO AUDIO FROM THE OTHER SIDE"),
                                             ("nl", "GEEN GELUID VAN DE ANDERE KANT")])
def test_the_call_bar_says_no_audio_and_shows_no_mos(lang, words):
    set_language(lang)
    try:
        dead = quality_text(CallQualityView(rtt_ms=20, mos=0.0, degraded=True, no_audio=True,
                                            warning="no audio from the other side")).plain
        live = quality_text(CallQualityView(rtt_ms=20, mos=4.1)).plain
    finally:
        set_language("en")
    assert words in dead and "MOS –" in dead and "MOS 0" not in dead
    assert "MOS 4.1" in live and words not in live
