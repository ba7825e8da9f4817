"""Interop with a standard PBX or SBC (issue 10 §4): Kamailio refuses every offer without
usable SDES-SRTP the same way -- 488 with a Warning that says SRTP is mandatory."""

from __future__ import annotations

import pytest

from agent_tui.center.voice import kamailio
from tests.kit.sdp_offers import BAD_OFFERS, GOOD_CRYPTO, final_response

pytestmark = pytest.mark.slow


def test_kamailio_answers_every_unacceptable_offer_with_488_and_a_warning(kam_center):
    a = kamailio.address(kam_center)
    ca = str(kam_center / "tls" / "ca.pem")
    for what, (transport, crypto) in BAD_OFFERS.items():
        code, head = final_response(a["host"], int(a["port"]), ca, "+31201234567", transport, crypto)
        assert code == 488, (what, head)
        warning = next((h for h in head.split("\r\n") if h.lower().startswith("warning:")), "")
        assert warning.startswith("Warning: 399 ") and "SRTP is mandatory" in warning, (what, head)
    # Control: the same INVITE with SDES-SRTP passes the check (no engine registered here: 503).
    code, head = final_response(a["host"], int(a["port"]), ca, "+31201234567", "RTP/SAVP", GOOD_CRYPTO)
    assert code == 503 and "SRTP" not in head, head
