"""The lead's own monitoring leg (issue 11): which calls may answer themselves, and how the call
bar shows the leg — pure (sip/autoanswer.py, core/call_state.py, widgets/call_bar.py words)."""

from __future__ import annotations

import pytest

from agent_tui import i18n
from agent_tui.core.call_state import CallBoard, SipCallState, SipRinging
from agent_tui.sip import autoanswer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_only_an_armed_token_is_taken_once_and_not_after_it_expires():
    clock = Clock()
    exp = autoanswer.MonitorExpectations(clock)
    token, other = autoanswer.new_token(), autoanswer.new_token()
    mark = autoanswer.parse_mark(autoanswer.monitor_headers("listen", token, "center"))
    assert mark == autoanswer.MonitorMark("listen", token)
    assert not exp.take(mark)  # the header alone: nothing armed
    exp.arm(token, ttl_s=10)
    assert not exp.take(autoanswer.MonitorMark("listen", other))  # another token
    assert exp.take(mark) and not exp.take(mark)  # once
    exp.arm(token, ttl_s=10)
    clock.now += 11
    assert not exp.take(mark) and exp.armed() == 0  # expired, and forgotten
    exp.arm(token)
    exp.disarm(token)
    assert not exp.take(mark)


@pytest.mark.parametrize("value", [
    "listen",  # no token
    "listen;token=short",  # too short to be ours
    "shout;token=" + "a" * 24,  # unknown mode
    "listen;token=" + "a" * 20 + "\r\nX-Evil: 1",  # header injection stays a non-token
])
def test_malformed_marks_are_no_marks(value):
    assert autoanswer.parse_mark({"x-agent-tui-monitor": value}) is None


def test_the_engine_refuses_to_build_a_mark_with_a_bad_token():
    with pytest.raises(ValueError):
        autoanswer.monitor_headers("listen", "bad token;x=1", "center")
    headers = autoanswer.monitor_headers("barge", "T" * 24, "center.example")
    assert headers["Call-Info"] == "<sip:center.example>;answer-after=0"
    assert headers["X-Agent-Tui-Monitor"] == "barge;token=" + "T" * 24


def _requested(mode: str = "listen") -> tuple[CallBoard, str]:
    b = CallBoard(clock=Clock())
    b.me = "lead1"
    token = autoanswer.new_token()
    b.monitor_requested(token, "agent1", mode)
    return b, token


def test_the_leads_leg_is_labelled_not_rung_and_has_no_wrapup():
    b, token = _requested()
    assert b.views[f"monitor:{token}"].phase == "calling"
    # The engine's INVITE may come before or after the center's answer.
    fx = b.sip_event(SipRinging("c7", "voice", "", "", "", monitor_token=token))
    assert fx == [] and "c7" in b.views and b.ringing() is None  # no bell, no ring tone
    b.monitor_answered(token, {"conversation": "c-42", "agent": "agent1", "mode": "listen"})
    b.sip_event(SipCallState("c7", "answered"))
    v = b.views["c7"]
    assert v.phase == "connected" and v.extra["monitoring"]["conversation"] == "c-42"
    assert v.conversation == ""  # never mistaken for the lead's own customer conversation
    assert b.allows("hangup") and b.allows("mute") and not b.allows("transfer") and not b.allows("hold")
    # The center tells the lead about their own monitoring: the label follows, no "someone listens".
    fx = b.center_event("voice.monitor", {"conversation": "c-42", "lead": "lead1", "mode": "whisper",
                                          "active": True, "agent": "agent1"})
    assert fx == [] and v.extra["monitoring"]["mode"] == "whisper" and "monitor" not in v.extra
    fx = b.sip_event(SipCallState("c7", "ended"))
    assert v.phase == "ended" and all(not getattr(f, "wrapup", "") for f in fx)


def test_a_leg_the_engine_could_not_set_up_fails_on_the_bar():
    b, token = _requested()
    b.monitor_answered(token, {"conversation": "c-42", "agent": "agent1"})
    fx = b.center_event("voice.monitor", {"conversation": "c-42", "lead": "lead1", "mode": "listen",
                                          "active": False, "failed": "480 Temporarily Unavailable"})
    v = b.views[f"monitor:{token}"]
    assert v.phase == "failed" and v.reason == "monitor_failed" and fx  # hidden after a while


def test_a_marked_call_without_our_token_rings_like_any_call():
    b, _token = _requested()
    fx = b.sip_event(SipRinging("c8", "agent2", "", "", "", monitor_token=""))
    assert b.views["c8"].phase == "ringing" and fx  # the bell rings: the lead decides
    assert "monitoring" not in b.views["c8"].extra


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_bar_words_for_the_leads_leg_exist_in_both_languages(lang):
    table = i18n.TABLES[lang]
    for mode in ("listen", "whisper", "barge"):
        text = table[f"call.monitoring.{mode}"]
        assert "{agent}" in text and "{conversation}" in text
        assert table[f"lead.act.{mode}"]
    assert table["call.reason.monitor_failed"]


def test_the_call_bar_says_listening_to_the_agent():
    from agent_tui.widgets.call_bar import CallBar

    b, token = _requested()
    b.sip_event(SipRinging("c7", "voice", "", "", "", monitor_token=token))
    b.monitor_answered(token, {"conversation": "c-42", "agent": "agent1"})
    b.sip_event(SipCallState("c7", "answered"))
    bar = CallBar(clock=lambda: 130.0)
    bar.views = b.ordered()
    line = bar.status_line(b.views["c7"]).plain
    assert "Listening to agent1 (conversation c-42)" in line
