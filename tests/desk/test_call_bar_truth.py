"""The call bar tells the truth (issue 8, principle 5), pure: the CallBoard reducer.

The phone's owner thread reports a dialled call's progress — up to CONFIRMED — as messages,
while the dial's key reaches the controller through a future: either may come first. These
tests give the events first (the order that left the bar on "calling" in about 1 call in 5).
"""

from __future__ import annotations

from agent_tui.core.call_state import (
    CallBoard,
    Ended,
    HangUpSip,
    Notice,
    SipCallState,
    SipCommandFailed,
    SipTransfer,
)

PICKUP = "sip:pickup-1@127.0.0.1;transport=tls"


def test_pickup_confirmed_before_its_key_is_known_shows_connected():
    b = CallBoard(clock=lambda: 1000.0)
    b.center_event("voice.offered", {"conversation": "v-1", "offer": "o-1", "caller": "+3120",
                                     "pickup": PICKUP}, 1000.0)
    offered = b.ringing()
    assert offered is not None
    b.answer(offered.key)  # the agent answers: the desk dials the pickup URI
    # The phone's events of call c1 arrive before the dial's future gave "c1" to the board.
    assert b.sip_event(SipCallState("c1", "calling")) == []
    assert b.sip_event(SipCallState("c1", "answered")) == []
    b.picked_up(offered, "c1")
    v = b.views["c1"]
    assert v.phase == "connected", v
    assert v.state == "connected"
    assert v.answered_at == 1000.0


def test_dialled_call_confirmed_before_its_key_is_known_shows_connected():
    b = CallBoard(clock=lambda: 5.0)
    v = b.dialling("agent2")
    b.sip_event(SipCallState("c7", "calling"))
    b.sip_event(SipCallState("c7", "answered"))
    b.dialled(v, "c7")
    assert b.views["c7"].phase == "connected"


def test_dialled_call_that_ended_before_its_key_is_known_ends_on_the_bar():
    b = CallBoard(clock=lambda: 5.0)
    v = b.dialling("agent2")
    b.sip_event(SipCallState("c8", "ended", 486, "Busy Here"))
    effects = b.dialled(v, "c8")
    assert b.views["c8"].phase == "failed"
    assert any(isinstance(e, Ended) for e in effects)


def test_events_of_unknown_calls_are_not_kept_when_no_dial_is_pending():
    b = CallBoard(clock=lambda: 5.0)
    b.sip_event(SipCallState("c9", "answered"))
    assert not b._early


def test_no_error_toast_when_the_hangup_after_a_successful_transfer_finds_the_call_gone():
    b = CallBoard(clock=lambda: 5.0)
    v = b.dialling("+3120")
    b.dialled(v, "c1")
    b.sip_event(SipCallState("c1", "answered"))
    assert b.start_transfer("c1", "agent2")
    effects = b.sip_event(SipTransfer("c1", 200, "OK", True))
    assert HangUpSip("c1") in effects
    b.sip_event(SipCallState("c1", "ended", 200, "Normal call clearing"))
    # The far end hung up first: the phone reports our hangup of c1 as failed.
    effects = b.sip_event(SipCommandFailed("hangup", "no call c1 (it has ended)", "c1"))
    assert not [e for e in effects if isinstance(e, Notice)]
    assert b.views["c1"].phase == "transferred"


def test_a_failed_hangup_of_a_live_call_is_still_reported():
    b = CallBoard(clock=lambda: 5.0)
    v = b.dialling("+3120")
    b.dialled(v, "c1")
    b.sip_event(SipCallState("c1", "answered"))
    effects = b.sip_event(SipCommandFailed("hangup", "pjsua2 said no", "c1"))
    assert [e for e in effects if isinstance(e, Notice)]
