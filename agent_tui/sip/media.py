"""A call's audio in words and as a conference-bridge port; the CallOpParam every call op uses.

Owner thread only (these read and change pjsua2 objects).
"""

from __future__ import annotations

from typing import Any

import pjsua2 as pj

# One spelling for media state everywhere (events, the desk, the center's engine).
MEDIA_WORDS = {
    pj.PJSUA_CALL_MEDIA_NONE: "none",
    pj.PJSUA_CALL_MEDIA_ACTIVE: "active",
    pj.PJSUA_CALL_MEDIA_LOCAL_HOLD: "local_hold",
    pj.PJSUA_CALL_MEDIA_REMOTE_HOLD: "remote_hold",
    pj.PJSUA_CALL_MEDIA_ERROR: "error",
}
HELD = ("local_hold", "remote_hold")
# States in which the audio stream has a conference-bridge port (a held one still has it).
HAS_PORT = (
    pj.PJSUA_CALL_MEDIA_ACTIVE,
    pj.PJSUA_CALL_MEDIA_LOCAL_HOLD,
    pj.PJSUA_CALL_MEDIA_REMOTE_HOLD,
)


def media_word(status: int) -> str:
    """The word for a pjsua call media status ("active", "local_hold", ...)."""
    return MEDIA_WORDS.get(status, "none")


def audio_state(call: pj.Call) -> str:
    """The word for the call's (first) audio stream; "none" when it has no audio."""
    ci = call.getInfo()  # bind it: the media vector lives inside this copy
    for mi in ci.media:
        if mi.type == pj.PJMEDIA_TYPE_AUDIO:
            return media_word(mi.status)
    return "none"


def call_audio(call: pj.Call, *, held_too: bool = False) -> pj.AudioMedia | None:
    """The call's audio stream as a conference-bridge port, or None.

    Only an active stream by default; with *held_too* also a held one (its port
    still exists, and connections to it must be undone explicitly).
    """
    ok = HAS_PORT if held_too else (pj.PJSUA_CALL_MEDIA_ACTIVE,)
    ci = call.getInfo()  # bind it: the media vector lives inside this copy
    for i, mi in enumerate(ci.media):
        if mi.type == pj.PJMEDIA_TYPE_AUDIO and mi.status in ok:
            try:
                return call.getAudioMedia(i)
            except pj.Error:
                return None
    return None


def stream_codec(call: pj.Call, index: int = 0) -> str:
    """"G722/16000" for the call's media stream ``index``; '' when there is none (yet/any more)."""
    try:
        si = call.getStreamInfo(index)
    except pj.Error:
        return ""
    return f"{si.codecName}/{si.codecClockRate}"


def call_op(code: int = 0) -> Any:
    """A CallOpParam for answer/hangup/makeCall: audio only, with ``code`` as the status if given."""
    prm = pj.CallOpParam(True)
    if code:
        prm.statusCode = code
    prm.opt.audioCount = 1
    prm.opt.videoCount = 0
    return prm


def active_rx_packets(call: pj.Call) -> int | None:
    """RTP packets received so far on the call's active audio stream; None when it has none.

    None also for a held stream: a held party may rightly send nothing.
    """
    try:
        ci = call.getInfo()  # bind it: the media vector lives inside this copy
        for i, mi in enumerate(ci.media):
            if mi.type == pj.PJMEDIA_TYPE_AUDIO:
                if mi.status != pj.PJSUA_CALL_MEDIA_ACTIVE:
                    return None
                stat = call.getStreamStat(i)  # bound: .rtcp is a view into it, not a copy
                return int(stat.rtcp.rxStat.pkt)
    except pj.Error:
        return None
    return None
