"""E-model MOS, loss and bandwidth arithmetic (pure functions, no pjsua2)."""

from __future__ import annotations

import pytest

from agent_tui.sip import profiles, quality


def test_perfect_g711_call_scores_near_the_top_of_the_scale():
    a = quality.assess("PCMU/8000", rtt_ms=10, jitter_ms=1, loss=0)
    assert 4.3 <= a.mos <= 4.5
    assert not a.degraded and a.warning == ""


def test_low_bitrate_codecs_score_below_g711_on_a_clean_line():
    g711 = quality.assess("PCMU", 20, 2, 0).mos
    for codec in ("speex/8000", "iLBC/8000", "GSM/8000"):
        assert quality.assess(codec, 20, 2, 0).mos < g711


def test_mos_falls_monotonically_with_loss_and_delay():
    by_loss = [quality.assess("G722/16000", 40, 5, loss).mos for loss in (0, 1, 3, 5, 10, 20)]
    assert by_loss == sorted(by_loss, reverse=True) and by_loss[0] > by_loss[-1]
    by_rtt = [quality.assess("G722/16000", rtt, 5, 0).mos for rtt in (0, 100, 300, 500, 800)]
    assert by_rtt == sorted(by_rtt, reverse=True) and by_rtt[0] - by_rtt[-1] > 1.0


def test_r_factor_matches_g107_reference_points():
    # G.711 with no loss and a short delay: R ~ 93.2 - 0.024*d.
    assert quality.r_factor("PCMU", 50, 0) == pytest.approx(93.2 - 1.2)
    # Past 177.3 ms the steep delay term applies.
    assert quality.r_factor("PCMU", 277.3, 0) == pytest.approx(93.2 - 0.024 * 277.3 - 11.0)
    # Loss: Ie_eff = 0 + 95 * 5 / (5 + 25.1).
    assert quality.r_factor("PCMA", 0, 5) == pytest.approx(93.2 - 95 * 5 / 30.1)


def test_mos_mapping_is_clamped_to_the_scale():
    assert quality.r_to_mos(-10) == 1.0
    assert quality.r_to_mos(3) == 1.0  # the cubic dips below 1 there
    assert quality.r_to_mos(120) == 4.5
    assert quality.r_to_mos(93.2) == pytest.approx(4.41, abs=0.01)


def test_degraded_call_is_flagged_with_words_naming_the_cause():
    a = quality.assess("speex/8000", rtt_ms=650, jitter_ms=55, loss=8)
    assert a.degraded
    assert (
        "8.0% packet loss" in a.warning
        and "jitter 55 ms" in a.warning
        and "round trip 650 ms" in a.warning
    )
    assert a.mos < 3.0


def test_unknown_rtt_does_not_break_the_estimate():
    a = quality.assess("G722/16000", None, 3, 0)
    assert a.mos > 4.0 and not a.degraded


def test_loss_percent_over_an_interval():
    prev = quality.RtpCounters(0.0, 100, 0, 0, 0, 0, 0.0, None)
    cur = quality.RtpCounters(2.0, 190, 10, 0, 0, 0, 0.0, None)
    assert quality.interval_loss_pct(prev, cur) == pytest.approx(10.0)
    assert quality.interval_loss_pct(None, cur) == pytest.approx(100 * 10 / 200)
    assert quality.loss_pct(0, 0) == 0.0


def test_ip_layer_bandwidth_counts_headers_and_srtp_tag():
    # 50 packets/s of 160-byte G.722 payload with an 80-bit SRTP tag: (160+40+10)*8*50 = 84 kbit/s.
    assert profiles.ip_kbps(160 * 50, 50, 1.0, "AES_CM_128_HMAC_SHA1_80") == pytest.approx(84.0)
    assert profiles.ip_kbps(160 * 50, 50, 1.0, "AES_CM_128_HMAC_SHA1_32") == pytest.approx(81.6)
    assert profiles.ip_kbps(0, 0, 0, "") == 0.0


@pytest.mark.parametrize(
    "codec_payload, frame_ms",
    [(38, 20), (50, 30), (33, 20)],  # speex/8000 15 kbit/s, iLBC 13.3 kbit/s, GSM
    ids=["speex", "ilbc", "gsm"],
)
def test_low_profile_arithmetic_stays_under_30_kbits(codec_payload, frame_ms):
    low = profiles.get_profile("low")
    codec = (
        {20: "speex/8000/1", 30: "iLBC/8000/1"}[frame_ms] if codec_payload != 33 else "GSM/8000/1"
    )
    fpp = profiles.frames_per_packet(low, frame_ms, codec)
    ptime = fpp * frame_ms
    assert 40 <= ptime <= 60
    pps = 1000 / ptime
    kbps = profiles.ip_kbps(
        int(codec_payload * fpp * pps), int(pps), 1.0, "AES_256_CM_HMAC_SHA1_80"
    )
    assert kbps <= 30.0


def test_low_profile_disables_every_wideband_codec():
    low = profiles.get_profile("low")
    for codec in ("G722/16000/1", "speex/16000/1", "speex/32000/1"):
        assert profiles.priority_for(low, codec) == 0
    # G.711 stays as the interop fallback, below every narrowband codec (test_sip_interop.py).
    assert 0 < profiles.priority_for(low, "PCMU/8000/1") < profiles.priority_for(low, "GSM/8000/1")
    assert (
        profiles.priority_for(low, "speex/8000/1") > profiles.priority_for(low, "iLBC/8000/1") > 0
    )
    normal = profiles.get_profile("normal")
    assert profiles.priority_for(normal, "G722/16000/1") > profiles.priority_for(
        normal, "PCMU/8000/1"
    )


def test_unknown_profile_names_the_valid_ones():
    with pytest.raises(profiles.ProfileError, match="low, normal"):
        profiles.get_profile("ultra")
