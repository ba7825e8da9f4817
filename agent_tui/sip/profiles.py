"""Bandwidth profiles: which codecs a softphone offers and how many milliseconds go in a packet.

``low`` keeps a call under 30 kbit/s per direction at the IP layer including RTP, UDP, IPv4 and
the SRTP authentication tag, for a home agent on a 64 kbit/s uplink:

    speex/8000 (15 kbit/s) in 40 ms packets: (20+8+12+10 + 2*38) B * 25 pkt/s = 25.2 kbit/s
    iLBC (13.3 kbit/s) 30 ms frames, 60 ms packets: (50 + 100) B * 16.7 pkt/s = 20.0 kbit/s
    GSM (13.2 kbit/s) in 40 ms packets: (50 + 66) B * 25 pkt/s = 23.2 kbit/s

Wideband codecs are disabled (priority 0), not just ranked lower: pjmedia's answerer prefers the
offerer's codec order, so a center offering G.722 first would otherwise win a wideband call.
PCMA/PCMU stay enabled as the last resort (interop, issue 10 §4): a PBX or SBC that offers only
G.711 is answered instead of refused with 488 (90 kbit/s then, but a call). The center's engine
offers with the ``center`` order (G.711 after every narrowband codec), so a low-profile phone
answering the center still picks speex/iLBC/GSM. VAD stays on, so silence costs nearly nothing.

``normal`` prefers wideband (G.722, then speex/16000) in 20 ms packets and keeps G.711 as fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# IPv4 (20) + UDP (8) + RTP (12) bytes in front of every payload.
IP_UDP_RTP_OVERHEAD = 40


@dataclass(frozen=True)
class Profile:
    """A codec preference list (codec id prefix, priority) plus the packet time."""

    name: str
    codecs: tuple[tuple[str, int], ...]
    ptime_ms: int
    ilbc_ptime_ms: int
    vad: bool
    description: str


PROFILES: dict[str, Profile] = {
    "low": Profile(
        name="low",
        codecs=(("speex/8000", 250), ("iLBC/8000", 240), ("GSM/8000", 230),
                ("PCMA/8000", 150), ("PCMU/8000", 149)),  # G.711 only as the interop fallback
        ptime_ms=40,
        ilbc_ptime_ms=60,
        vad=True,
        description="≤ 30 kbit/s per direction: speex/8000 40 ms, iLBC 60 ms or GSM 40 ms",
    ),
    "normal": Profile(
        name="normal",
        codecs=(
            ("G722/16000", 250),
            ("speex/16000", 240),
            ("PCMA/8000", 230),
            ("PCMU/8000", 229),
            ("speex/8000", 220),
            ("iLBC/8000", 210),
            ("GSM/8000", 200),
        ),
        ptime_ms=20,
        ilbc_ptime_ms=30,
        vad=True,
        description="wideband G.722 (or speex/16000) in 20 ms packets, G.711 fallback",
    ),
    # The center's voice engine: wideband first for normal-profile phones, then the narrowband
    # codecs of the low profile, G.711 last. pjmedia answers in the offerer's order, so a
    # low-profile phone rung by the engine picks speex/8000, never the G.711 fallback.
    "center": Profile(
        name="center",
        codecs=(
            ("G722/16000", 250),
            ("speex/16000", 240),
            ("speex/8000", 220),
            ("iLBC/8000", 210),
            ("GSM/8000", 200),
            ("PCMA/8000", 150),
            ("PCMU/8000", 149),
        ),
        ptime_ms=20,
        ilbc_ptime_ms=30,
        vad=False,
        description="the voice engine's offer: wideband, then narrowband, G.711 last",
    ),
}


class ProfileError(ValueError):
    """Unknown profile name."""


def get_profile(name: str) -> Profile:
    """The profile called ``name``; raises :class:`ProfileError` naming the valid ones."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ProfileError(
            f"unknown softphone profile {name!r}: use one of {', '.join(sorted(PROFILES))}"
        ) from None


# Config words → profile names. "auto" is low: a home link is thin.
PROFILE_ALIASES = {"auto": "low", "narrowband": "low", "wideband": "normal"}


def profile_name(configured: str | None) -> str:
    """The profile name for the config's ``softphone.profile`` word (aliases resolved)."""
    value = str(configured or "auto").strip().lower()
    return PROFILE_ALIASES.get(value, value)


def priority_for(profile: Profile, codec_id: str) -> int:
    """Priority of a pjsua codec id ("speex/8000/1") in this profile; 0 disables it."""
    for prefix, prio in profile.codecs:
        if codec_id == prefix or codec_id.startswith(prefix + "/"):
            return prio
    return 0


def frames_per_packet(profile: Profile, frame_ms: int, codec_id: str) -> int:
    """How many codec frames to put in one RTP packet for the profile's packet time."""
    target = profile.ilbc_ptime_ms if codec_id.lower().startswith("ilbc") else profile.ptime_ms
    return max(1, round(target / max(1, frame_ms)))


def apply_codec_profile(ep: Any, name: str, vad: bool = True) -> Profile:
    """Set codec priorities, packet size and VAD on a started-or-initialised pjsua2 Endpoint.

    ``vad=False`` keeps silence suppression off whatever the profile says (the codec
    parameter set here wins over pjsua's ``noVad``). Owner thread only. Affects calls set up
    afterwards (a running call keeps its codec).
    """
    profile = get_profile(name)
    for info in ep.codecEnum2():
        codec_id = info.codecId
        prio = priority_for(profile, codec_id)
        ep.codecSetPriority(codec_id, prio)
        if prio == 0:
            continue
        param = ep.codecGetParam(codec_id)
        param.setting.frmPerPkt = frames_per_packet(profile, int(param.info.frameLen), codec_id)
        param.setting.vad = profile.vad and vad
        ep.codecSetParam(codec_id, param)
    return profile


def srtp_tag_bytes(suite: str) -> int:
    """Authentication tag length of an SDES crypto suite (10 for *_80, 4 for *_32)."""
    if suite.endswith("_32"):
        return 4
    return 10


def ip_kbps(payload_bytes: int, packets: int, seconds: float, srtp_suite: str) -> float:
    """IP-layer kbit/s of an RTP flow: payload plus IPv4/UDP/RTP headers and SRTP tag per packet."""
    if seconds <= 0:
        return 0.0
    per_packet = IP_UDP_RTP_OVERHEAD + (srtp_tag_bytes(srtp_suite) if srtp_suite else 0)
    return (payload_bytes + packets * per_packet) * 8 / seconds / 1000.0
