"""A lead listening in (issue 11) on the agent's side: the call bar's rules and words, pure."""

from __future__ import annotations

import pytest

from agent_tui import i18n
from agent_tui.core.call_state import CallBoard, Notice, SipCallState, SipRinging


def _connected() -> CallBoard:
    b = CallBoard(clock=lambda: 1_000_000.0)
    b.sip_event(SipRinging("c1", "sip:+31201234567@center", "Jan", "c-1", "+31201234567"))
    b.answer("c1")
    b.sip_event(SipCallState("c1", "answered"))
    return b


def test_monitoring_marks_the_call_and_tells_the_agent_in_words():
    b = _connected()
    fx = b.center_event("voice.monitor", {"conversation": "c-1", "lead": "lead1", "lead_name": "Lotte",
                                          "mode": "whisper", "active": True})
    assert fx == [Notice("call.monitor.whisper", (("lead", "Lotte"),), "warning", 10.0)]
    assert b.views["c1"].extra["monitor"] == ("whisper", "Lotte")
    fx = b.center_event("voice.monitor", {"conversation": "c-1", "lead": "lead1", "lead_name": "Lotte",
                                          "mode": "whisper", "active": False})
    assert fx == [Notice("call.monitor.off", (("lead", "Lotte"),))] and "monitor" not in b.views["c1"].extra
    # An unknown mode from a newer center is shown as listening, never dropped.
    fx = b.center_event("voice.monitor", {"conversation": "c-1", "lead": "lead1", "mode": "x", "active": True})
    assert fx[0].key == "call.monitor.listen" and b.views["c1"].extra["monitor"] == ("listen", "lead1")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_monitoring_words_exist_in_both_languages(lang):
    table = i18n.TABLES[lang]
    for mode in ("listen", "whisper", "barge"):
        for key in (f"call.monitor.{mode}", f"call.monitored.{mode}"):
            assert "{lead}" in table[key]
    assert "{lead}" in table["call.monitor.off"]
    assert table["call.monitor.barge"] != i18n.EN["call.monitor.barge"] or lang == "en"
