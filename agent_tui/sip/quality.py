"""Call quality from RTCP figures: loss, jitter, round-trip time and an E-model MOS estimate.

Pure functions (no pjsua2), so they are unit tested on their own. The E-model is the
simplified ITU-T G.107 form widely used for VoIP monitoring (Cole & Rosenbluth):

    R = 93.2 - Id - Ie_eff
    Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3)          d = one-way mouth-to-ear delay, ms
    Ie_eff = Ie + (95 - Ie) * Ppl / (Ppl + Bpl)           Ppl = packet loss %, random loss
    MOS = 1 + 0.035 R + 7e-6 R (R - 60) (100 - R)          for 0 < R < 100

Ie/Bpl per codec come from ITU-T G.113 Appendix I where it lists the codec (G.711, GSM-FR),
and from published measurements otherwise (iLBC, speex): an estimate for a call bar, not a
certificate. Wideband codecs are scored on the narrowband scale, so the best MOS is ~4.4.
"""

from __future__ import annotations

from dataclasses import dataclass

# codec name (lower case, without rate) -> (Ie, Bpl, algorithmic delay ms incl. look-ahead)
CODEC_FIGURES: dict[str, tuple[float, float, float]] = {
    "pcmu": (0.0, 25.1, 0.125),
    "pcma": (0.0, 25.1, 0.125),
    "g722": (0.0, 25.1, 1.5),
    "gsm": (20.0, 10.0, 20.0),
    "ilbc": (11.0, 32.0, 40.0),
    "speex": (11.0, 20.0, 30.0),
}
_DEFAULT_FIGURES = (15.0, 15.0, 20.0)

# Thresholds above which the call bar warns (what agents start to notice).
WARN_LOSS_PCT = 3.0
WARN_JITTER_MS = 40.0
WARN_RTT_MS = 400.0
WARN_MOS = 3.6


@dataclass(frozen=True)
class Assessment:
    """Quality verdict for the call bar."""

    mos: float
    r_factor: float
    degraded: bool
    warning: str


@dataclass(frozen=True)
class RtpCounters:
    """Cumulative RTP/RTCP counters of one stream at one moment (from pjsua2 StreamStat)."""

    at: float  # seconds, monotonic
    rx_packets: int
    rx_lost: int
    rx_payload_bytes: int
    tx_packets: int
    tx_payload_bytes: int
    jitter_ms: float
    rtt_ms: float | None


def codec_figures(codec: str) -> tuple[float, float, float]:
    """(Ie, Bpl, codec delay ms) for a codec name such as "speex/8000" or "G722"."""
    base = codec.split("/", 1)[0].strip().lower()
    return CODEC_FIGURES.get(base, _DEFAULT_FIGURES)


def loss_pct(received: int, lost: int) -> float:
    """Share of expected packets that never arrived, in percent (0 when nothing was expected)."""
    expected = received + max(0, lost)
    if expected <= 0:
        return 0.0
    return 100.0 * max(0, lost) / expected


def one_way_delay_ms(rtt_ms: float | None, jitter_ms: float, ptime_ms: float, codec: str) -> float:
    """Mouth-to-ear delay: half the RTT, a jitter buffer of twice the jitter (≥ 20 ms),
    packetisation and the codec's own delay."""
    network = (rtt_ms or 0.0) / 2.0
    jitter_buffer = max(20.0, 2.0 * jitter_ms)
    return network + jitter_buffer + ptime_ms + codec_figures(codec)[2]


def r_factor(codec: str, delay_ms: float, loss: float) -> float:
    """E-model transmission rating R for a one-way delay (ms) and random packet loss (%)."""
    ie, bpl, _ = codec_figures(codec)
    d = max(0.0, delay_ms)
    i_d = 0.024 * d + (0.11 * (d - 177.3) if d > 177.3 else 0.0)
    ppl = max(0.0, min(100.0, loss))
    ie_eff = ie + (95.0 - ie) * ppl / (ppl + bpl)
    return 93.2 - i_d - ie_eff


def r_to_mos(r: float) -> float:
    """ITU-T G.107 mapping of R to an estimated MOS (1.0 .. 4.5)."""
    if r <= 0:
        return 1.0
    if r >= 100:
        return 4.5
    # The cubic dips just below 1 for very small R; the scale's floor is 1.
    return max(1.0, 1.0 + 0.035 * r + 7e-6 * r * (r - 60.0) * (100.0 - r))


# Dead air (issue 10): the warning when nothing is received for NO_RX_S while we send, or when what is received
# is digital silence (conference-bridge level ≤ SILENT_RX_LEVEL, about −80 dBFS and below; a live
# microphone's noise floor is well above it) for DEAD_AIR_S seconds.
NO_AUDIO_WARNING = "no audio from the other side"
NO_RX_S = 6.0
SILENT_RX_LEVEL = 1
DEAD_AIR_S = 10.0


def assess(
    codec: str, rtt_ms: float | None, jitter_ms: float, loss: float, ptime_ms: float = 20.0
) -> Assessment:
    """MOS estimate plus a warning in words when any figure crosses the agent-noticeable line."""
    r = r_factor(codec, one_way_delay_ms(rtt_ms, jitter_ms, ptime_ms, codec), loss)
    mos = round(r_to_mos(r), 2)
    problems = []
    if loss >= WARN_LOSS_PCT:
        problems.append(f"{loss:.1f}% packet loss")
    if jitter_ms >= WARN_JITTER_MS:
        problems.append(f"jitter {jitter_ms:.0f} ms")
    if rtt_ms is not None and rtt_ms >= WARN_RTT_MS:
        problems.append(f"round trip {rtt_ms:.0f} ms")
    if mos < WARN_MOS and not problems:
        problems.append(f"estimated MOS {mos:.1f}")
    warning = ("call quality degraded: " + ", ".join(problems)) if problems else ""
    return Assessment(mos=mos, r_factor=round(r, 1), degraded=bool(problems), warning=warning)


def interval_loss_pct(prev: RtpCounters | None, cur: RtpCounters) -> float:
    """Loss over the interval since ``prev`` (whole call when ``prev`` is None)."""
    if prev is None:
        return loss_pct(cur.rx_packets, cur.rx_lost)
    return loss_pct(cur.rx_packets - prev.rx_packets, cur.rx_lost - prev.rx_lost)
