"""The call bar's rules (core/call_state.py), pure: events in, views and effects out — no Textual,
no phone, no center. The pilot tests in test_call_bar.py drive the same rules with real calls."""

from __future__ import annotations

from agent_tui.core.call_state import (
    REASONS,
    AnswerSip,
    Bell,
    CallBoard,
    CallQualityView,
    DeclineOffer,
    Ended,
    HangUpSip,
    HeadsetFailed,
    Notice,
    RingTone,
    SipCallState,
    SipCommandFailed,
    SipMedia,
    SipQuality,
    SipRinging,
    SipTransfer,
    StartPhone,
    TakeCall,
    customer_number,
)

NOW = 1_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def board() -> tuple[CallBoard, Clock]:
    clock = Clock()
    return CallBoard(clock=clock), clock


def offered(b: CallBoard, conv: str = "c-1", pickup: str = "sip:pickup-1@127.0.0.1;transport=tls",
            ts: float = NOW) -> list:
    return b.center_event("voice.offered", {"conversation": conv, "offer": f"o-{conv}",
                                            "caller": "+31201234567", "pickup": pickup}, ts)


def connected_call(b: CallBoard, key: str = "c1", conv: str = "c-1") -> None:
    b.sip_event(SipRinging(key, "sip:+31201234567@center", "Jan", conv, "+31201234567"))
    b.answer(key)
    b.sip_event(SipCallState(key, "answered"))


# --- the center's voice.* events ---------------------------------------------------------------------
def test_voice_offer_with_pickup_rings_the_bar_the_bell_and_the_ring_device():
    b, _ = board()
    effects = offered(b)
    v = b.ringing()
    assert v is not None and v.key == "offer:c-1" and v.caller == "+31201234567" and v.offered_only
    assert effects == [Bell(), RingTone("offer:c-1", True)]
    assert b.ring_shown_at["c-1"] == NOW and b.ring_latency_ms["c-1"] == 0.0


def test_voice_offer_without_pickup_starts_the_phone_for_the_invite():
    b, _ = board()
    assert offered(b, pickup="") == [StartPhone(), Bell()]


def test_a_replayed_old_offer_does_not_ring():
    b, clock = board()
    clock.now = NOW + 61
    assert offered(b, ts=NOW) == [] and b.views == {}


def test_a_second_offer_for_the_same_conversation_updates_the_view():
    b, _ = board()
    offered(b, pickup="")
    assert b.center_event("voice.offered", {"conversation": "c-1", "offer": "o-2",
                                            "pickup": "sip:p2@x"}, NOW) == []
    (v,) = b.views.values()
    assert v.offer == "o-2" and v.pickup == "sip:p2@x"


def test_offer_revoked_and_voice_ended_end_the_offered_call_without_wrapup():
    b, _ = board()
    offered(b)
    assert b.center_event("offer.revoked", {"offer": "o-c-1"}) == [
        RingTone("offer:c-1", False), Ended("offer:c-1", "")]
    v = b.views["offer:c-1"]
    assert v.phase == "ended" and v.reason == "offer_withdrawn" and v.ended_at == NOW
    b2, _ = board()
    offered(b2)
    b2.center_event("voice.ended", {"conversation": "c-1", "reason": "caller hung up"})
    assert b2.views["offer:c-1"].reason == "caller hung up"
    # The engine had no call slot for the pickup (center/voice/slots.py): a reason the bar translates.
    b3, _ = board()
    offered(b3)
    b3.center_event("voice.ended", {"conversation": "c-1", "reason": "no_line"})
    v3 = b3.views["offer:c-1"]
    assert v3.phase == "ended" and v3.reason == "no_line" and "no_line" in REASONS


def test_voice_answered_fills_in_the_codec_once():
    b, _ = board()
    offered(b)
    b.center_event("voice.answered", {"conversation": "c-1", "codec": "speex/8000"})
    b.center_event("voice.answered", {"conversation": "c-1", "codec": "PCMA/8000"})
    assert b.views["offer:c-1"].codec == "speex/8000"


def test_accepting_the_offer_on_the_desk_takes_the_call():
    b, _ = board()
    offered(b)
    effects = b.center_event("conv.assigned", {"conversation": {"id": "c-1"}})
    assert effects == [TakeCall("offer:c-1")] and b.views["offer:c-1"].phase == "calling"
    assert b.center_event("conv.assigned", {"conversation": "c-1"}) == []  # not ringing any more


# --- ringing, answering, the pickup ------------------------------------------------------------------------
def test_an_incoming_sip_call_rings_with_the_callers_number_from_the_center():
    b, _ = board()
    effects = b.sip_event(SipRinging("c1", "sip:voice@center", "Jan", "c-9", "+31600000001"))
    v = b.ringing()
    assert v is not None and v.key == "c1" and v.caller == "+31600000001" and v.name == "Jan"
    assert effects == [Bell()] and b.allows("answer") and not b.allows("hold")


def test_the_invite_of_an_answered_offer_is_answered_on_arrival():
    b, _ = board()
    offered(b, pickup="")
    b.answer("offer:c-1")
    effects = b.sip_event(SipRinging("c1", "sip:voice@center", "", "c-1"))
    assert effects == [AnswerSip("c1")]
    assert list(b.views) == ["c1"] and b.views["c1"].phase == "calling"
    assert b.views["c1"].offer == "o-c-1" and b.views["c1"].caller == "+31201234567"


def test_the_invite_of_a_ringing_offer_replaces_it_without_a_second_bell():
    b, _ = board()
    offered(b, pickup="")
    assert b.sip_event(SipRinging("c1", "sip:voice@center", "", "c-1")) == []
    assert list(b.views) == ["c1"] and b.views["c1"].phase == "ringing"


def test_registrar_mode_answer_finds_the_sip_leg():
    b, _ = board()
    offered(b, pickup="")
    b.answer("offer:c-1")
    b.views["c1"] = b.views.pop("offer:c-1")  # what a merged SIP call looks like
    b.views["c1"].key = "c1"
    sip = b.sip_leg("c-1")
    assert sip is not None and b.take_sip_leg("offer:c-1", sip) == []  # already answering
    b.views["c1"].phase = "ringing"
    assert b.take_sip_leg("offer:c-1", b.views["c1"]) == [AnswerSip("c1")]


def test_pickup_dial_rekeys_the_offer_as_an_incoming_call():
    b, _ = board()
    offered(b)
    b.answer("offer:c-1")
    v = b.views["offer:c-1"]
    b.picked_up(v, "c3")
    assert list(b.views) == ["c3"] and v.direction == "in" and "c-1" not in b.ring_shown_at


def test_a_failed_pickup_ends_the_view_in_words():
    b, _ = board()
    offered(b)
    v = b.views["offer:c-1"]
    assert b.failed(v, "pickup_failed") == [Ended("offer:c-1", "")]
    assert v.phase == "failed" and v.reason == "pickup_failed" and not v.live


def test_unanswered_rings_again():
    b, _ = board()
    offered(b)
    b.answer("offer:c-1")
    b.unanswered(b.views["offer:c-1"])
    assert b.ringing() is b.views["offer:c-1"]


def test_reject_declines_the_offer_at_the_center():
    b, _ = board()
    offered(b)
    effects = b.reject(b.views["offer:c-1"])
    assert effects == [RingTone("offer:c-1", False), DeclineOffer("o-c-1"), Ended("offer:c-1", "")]
    assert b.views["offer:c-1"].reason == "rejected"


# --- connected, hold, mute, quality ---------------------------------------------------------------------------
def test_confirmed_call_is_connected_and_the_keys_act_on_it():
    b, clock = board()
    clock.now = NOW + 3
    connected_call(b)
    v = b.current()
    assert v is not None and v.phase == "connected" and v.answered_at == NOW + 3
    assert b.allows("hold") and b.allows("hangup") and not b.allows("answer")


def test_media_events_show_codec_hold_and_mute():
    b, _ = board()
    connected_call(b)
    b.sip_event(SipMedia("c1", "local_hold", "speex/8000", "low", "AES_CM_128_HMAC_SHA1_80", False))
    v = b.views["c1"]
    assert (v.codec, v.profile, v.held, v.state) == ("speex/8000", "low", True, "held")
    b.sip_event(SipMedia("c1", "remote_hold", "", "", "", True))
    assert v.codec == "speex/8000" and v.state == "remote_held" and v.muted
    b.sip_event(SipMedia("c1", "active", "", "", "", True))
    assert v.state == "muted"


def test_quality_reaches_the_view():
    b, _ = board()
    connected_call(b)
    q = CallQualityView(rtt_ms=40, jitter_ms=3, loss_pct=0.0, mos=4.1)
    b.sip_event(SipQuality("c1", q))
    assert b.views["c1"].quality is q


def test_events_for_unknown_calls_change_nothing():
    b, _ = board()
    assert b.sip_event(SipCallState("c7", "answered")) == [] and b.views == {}


# --- ended ------------------------------------------------------------------------------------------------------
def test_an_answered_call_that_ends_opens_the_wrapup():
    b, clock = board()
    connected_call(b)
    clock.now = NOW + 60
    assert b.sip_event(SipCallState("c1", "ended", 200, "Normal call clearing")) == [Ended("c1", "c-1")]
    v = b.views["c1"]
    assert v.phase == "ended" and v.ended_at == NOW + 60 and v.reason == "" and b.current() is None
    assert b.forget("c1") and b.views == {}


def test_an_unanswered_incoming_call_ends_with_its_reason_and_no_wrapup():
    b, _ = board()
    b.sip_event(SipRinging("c1", "sip:x@y", "", "c-1"))
    assert b.sip_event(SipCallState("c1", "ended", 487, "Request Terminated")) == [Ended("c1", "")]
    assert b.views["c1"].reason == "Request Terminated"


def test_an_outbound_call_that_is_not_answered_fails_with_the_status():
    b, _ = board()
    v = b.dialling("agent2")
    assert v.phase == "calling" and v.direction == "out"
    b.dialled(v, "c2")
    b.sip_event(SipCallState("c2", "ringing"))
    assert v.phase == "calling"
    b.sip_event(SipCallState("c2", "ended", 486, "Busy Here"))
    assert v.phase == "failed" and v.reason == "486 Busy Here"


def test_a_live_call_is_not_forgotten():
    b, _ = board()
    connected_call(b)
    assert not b.forget("c1") and "c1" in b.views


# --- transfer, consult, conference ------------------------------------------------------------------------
def test_blind_transfer_success_hangs_up_our_leg():
    b, _ = board()
    connected_call(b)
    assert b.start_transfer("c1", "agent2")
    v = b.views["c1"]
    assert v.state == "transferring" and v.transfer_target == "agent2"
    assert b.sip_event(SipTransfer("c1", 100, "Trying", False)) == []
    assert b.sip_event(SipTransfer("c1", 200, "OK", True)) == [HangUpSip("c1")]
    assert v.phase == "transferred"
    assert b.sip_event(SipCallState("c1", "ended")) == [Ended("c1", "")]  # no wrap-up: it moved on
    assert v.phase == "transferred"


def test_a_failed_transfer_returns_to_the_call_with_a_notice():
    b, _ = board()
    connected_call(b)
    b.start_transfer("c1", "agent2")
    effects = b.sip_event(SipTransfer("c1", 486, "Busy Here", True))
    assert effects == [Notice("phone.transfer_failed", (("code", "486"), ("reason", "Busy Here")), "error")]
    v = b.views["c1"]
    assert v.phase == "connected" and v.transfer_target == ""


def test_a_failed_command_ends_a_transfer_and_says_so_unless_it_was_the_ring():
    b, _ = board()
    connected_call(b)
    b.start_transfer("c1", "agent2")
    effects = b.sip_event(SipCommandFailed("transfer", "no route", "c1"))
    assert [e.key for e in effects if isinstance(e, Notice)] == ["phone.command_failed"]
    assert b.views["c1"].phase == "connected"
    assert b.sip_event(SipCommandFailed("ring", "no ring device")) == []


def test_consult_pair_complete_and_conference():
    b, _ = board()
    connected_call(b)
    second = b.dialling("agent2", consult_of="c1")
    b.dialled(second, "c2")
    b.sip_event(SipCallState("c2", "answered"))
    b.views["c1"].held = True
    pair = b.consult_pair()
    assert pair is not None and pair[0].key == "c1" and pair[1].key == "c2"
    assert b.current() is b.views["c1"]  # the customer's call, even on hold, before the consult call
    assert [v.key for v in b.ordered()] == ["c1", "c2"]
    b.join_conference(*pair)
    assert [c.key for c in b.conference_partners(b.views["c1"])] == ["c2"]
    b.complete_consult(*pair)
    assert b.views["c1"].phase == "transferring" and b.views["c1"].transfer_target == "agent2"
    # A consult call that ends opens no wrap-up.
    b.views["c2"].conversation = "c-1"
    assert b.sip_event(SipCallState("c2", "ended")) == [Ended("c2", "")]


# --- the headset, the customer's number -------------------------------------------------------------------
def test_a_headset_problem_shows_on_the_bar_while_a_call_runs():
    b, _ = board()
    effects = b.sip_event(HeadsetFailed("cannot open headset"))
    assert effects == [Notice("phone.headset", (("why", "cannot open headset"),), "warning", 10)]
    assert b.bar_notice() == ""  # no call: nothing on the bar
    connected_call(b)
    assert b.bar_notice() == "cannot open headset"


def test_customer_number_needs_a_digit():
    assert customer_number({"customer": {"phone": "+31 6 1234"}}) == "+31 6 1234"
    assert customer_number({"customer": {"id": "+31600000001"}}) == "+31600000001"
    assert customer_number({"customer": {"id": "jan@example.com"}}) == ""
    assert customer_number({}) == ""


def test_first_sip_call_skips_offered_views():
    b, _ = board()
    offered(b)
    assert b.first_sip_call() == ""
    connected_call(b, "c5", "c-5")
    assert b.first_sip_call() == "c5"
