"""Interop (issue 10 §4): the low profile answers a G.711-only offer (PBX/SBC fallback), and a
phone on the same profile still picks its own narrowband codec when the center offers."""

from __future__ import annotations

import pytest

from agent_tui.sip import profiles
from tests.kit.sdp_offers import GOOD_CRYPTO, final_response

pytestmark = pytest.mark.slow


def test_low_profile_answers_a_pcmu_only_srtp_offer(pki, phones):
    agent = phones({"ca_file": str(pki.ca), "cert_file": str(pki.cert), "key_file": str(pki.key),
                    "user": "agent1", "domain": "127.0.0.1", "bind_address": "127.0.0.1",
                    "auto_answer": True, "wait": 20, "duration": 1, "profile": "low"}, name="agent")
    code, head = final_response("127.0.0.1", agent.ready_port(), str(pki.ca), "agent1", "RTP/SAVP", GOOD_CRYPTO)
    assert code == 200, head  # before: 488 "No suitable codec" (the low profile had no G.711)


def test_g711_is_only_the_fallback_in_the_low_profile_and_the_centers_offer():
    low, center = profiles.get_profile("low"), profiles.get_profile("center")
    narrow = ("speex/8000/1", "iLBC/8000/1", "GSM/8000/1")
    for g711 in ("PCMA/8000/1", "PCMU/8000/1"):
        assert 0 < profiles.priority_for(low, g711) < min(profiles.priority_for(low, c) for c in narrow)
        # pjmedia answers in the offerer's order: the engine lists G.711 after every narrowband
        # codec, so a low-profile phone it rings answers speex/8000, not 90 kbit/s G.711.
        assert profiles.priority_for(center, g711) < min(profiles.priority_for(center, c) for c in narrow)
    for wide in ("G722/16000/1", "speex/16000/1"):
        assert profiles.priority_for(low, wide) == 0
    assert profiles.priority_for(center, "G722/16000/1") > profiles.priority_for(center, "speex/8000/1")
