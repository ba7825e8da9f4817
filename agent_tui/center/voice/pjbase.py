"""pjsua2 set-up shared by the voice engine and the simulated customer (`center call`).

Both are single-purpose processes, so pjsua2 runs on the process's main thread:
``threadCnt=0`` and ``mainThreadOnly=True`` mean every pjsua2 callback runs inside
:meth:`Endpoint.libHandleEvents` on that thread, and nothing else may touch pjsua2.
One :class:`pjsua2.Endpoint` per process (a pjsua2 rule).

Security: SIP over TLS only (no UDP/TCP SIP transport), the peer certificate is
always verified against the center CA (``verifyServer=True`` and an explicit
``CaListFile``), and SRTP (SDES) is mandatory.
"""

from __future__ import annotations

import ctypes
import math
import random
import re
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

import pjsua2 as pj

# pjsua2 status codes / enum values used below, named for readability.
_AUDIO = pj.PJMEDIA_TYPE_AUDIO
_ACTIVE = pj.PJSUA_CALL_MEDIA_ACTIVE
_USER_RE = re.compile(r"sips?:(?:([^@;>]+)@)?([^;>]+)")


@dataclass
class EndpointInfo:
    """What :func:`start_endpoint` made: the endpoint, the TLS transport and its port."""

    ep: pj.Endpoint
    transport_id: int
    port: int
    host: str


def start_endpoint(
    *,
    ca_file: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    cert_file: Path | None = None,
    key_file: Path | None = None,
    log_level: int = 1,
    user_agent: str = "agent-tui voice",
    codecs: list[str] | None = None,
    max_calls: int = 4,
) -> EndpointInfo:
    """Create, initialise and start the process's one Endpoint with one TLS transport.

    With *cert_file*/*key_file* the transport can accept TLS connections (the
    engine); without them it only connects out (the customer simulator still
    needs a local listener, which then presents no certificate and is unused).
    """
    _quiet_pjlib()
    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.uaConfig.userAgent = user_agent
    # pjsua's default is 4 call slots; the engine needs two per connected customer (and more
    # during transfers), and refuses calls with 486 Busy Here when the slots run out.
    cfg.uaConfig.maxCalls = max_calls
    cfg.logConfig.level = log_level
    cfg.logConfig.consoleLevel = log_level
    # No echo canceller: the engine only mixes RTP streams, there is no acoustic path.
    cfg.medConfig.ecTailLen = 0
    cfg.medConfig.noVad = True
    ep.libInit(cfg)

    tcfg = pj.TransportConfig()
    tcfg.port = port
    tcfg.boundAddress = host
    tls = tcfg.tlsConfig
    tls.CaListFile = str(ca_file)
    if cert_file is not None and key_file is not None:
        tls.certFile = str(cert_file)
        tls.privKeyFile = str(key_file)
    tls.verifyServer = True
    tls.verifyClient = False
    tls.requireClientCert = False
    tls.method = pj.PJSIP_TLSV1_2_METHOD
    tid = ep.transportCreate(pj.PJSIP_TRANSPORT_TLS, tcfg)
    ep.libStart()
    # No sound card here: the conference bridge is clocked by the null device.
    ep.audDevManager().setNullDev()
    set_codec_order(ep, codecs or CENTER_CODECS)
    info = ep.transportGetInfo(tid)
    bound_port = int(str(info.localName).rsplit(":", 1)[1])
    return EndpointInfo(ep=ep, transport_id=tid, port=bound_port, host=host)


# The center side prefers G.722: wideband, and it survives the engine's decode/re-encode
# (speex, a CELP speech codec, goes unstable on the pure tones of tests and prompts when
# transcoded twice). A softphone on a low-bandwidth profile still gets speex/8000 or iLBC:
# the answer follows the offer's order.
CENTER_CODECS = ["G722/16000", "speex/16000", "PCMA/8000", "PCMU/8000", "speex/8000",
                 "iLBC/8000", "GSM/8000"]


def set_codec_order(ep: pj.Endpoint, order: list[str]) -> None:
    """Enable exactly the codecs in *order* (prefix match on the codec id), first = preferred."""
    for c in ep.codecEnum2():
        cid = str(c.codecId)
        prio = 0
        for rank, name in enumerate(order):
            if cid.startswith(name):
                prio = 250 - rank
                break
        ep.codecSetPriority(cid, prio)


def _quiet_pjlib() -> None:
    """Keep pjlib from printing its start-up lines to stdout before libInit sets the level.

    Our processes use stdout for JSON; the wheel exports ``pj_log_set_level``.
    """
    try:
        lib = ctypes.CDLL(pj._pjsua2.__file__)  # type: ignore[attr-defined]
        lib.pj_log_set_level(ctypes.c_int(0))
    except (OSError, AttributeError):  # depends on the wheel's build; only cosmetic
        pass


def account_config(
    id_uri: str,
    *,
    transport_id: int,
    rtp_host: str = "127.0.0.1",
    registrar: str = "",
    proxy: str = "",
    user: str = "",
    ha1_or_password: str = "",
    password_is_ha1: bool = False,
) -> pj.AccountConfig:
    """An account bound to the TLS transport, with mandatory SDES-SRTP.

    *registrar* empty = no REGISTER (the engine in direct mode, the customer).
    """
    acfg = pj.AccountConfig()
    acfg.idUri = id_uri
    acfg.sipConfig.transportId = transport_id
    if proxy:
        acfg.sipConfig.proxies.append(proxy)
    if registrar:
        acfg.regConfig.registrarUri = registrar
        acfg.regConfig.registerOnAdd = True
        acfg.regConfig.timeoutSec = 300
        # Retry a failed registration within 30-60 s, not pjsua2's 300 s default.
        acfg.regConfig.retryIntervalSec = 30
        acfg.regConfig.firstRetryIntervalSec = 5
    else:
        acfg.regConfig.registerOnAdd = False
    if user:
        cred = pj.AuthCredInfo(
            "digest", "*", user,
            pj.PJSIP_CRED_DATA_DIGEST if password_is_ha1 else pj.PJSIP_CRED_DATA_PLAIN_PASSWD,
            ha1_or_password,
        )
        acfg.sipConfig.authCreds.append(cred)
    acfg.mediaConfig.srtpUse = pj.PJMEDIA_SRTP_MANDATORY
    # SDES keys travel in the SDP, so the SDP must only ever go over TLS.
    acfg.mediaConfig.srtpSecureSignaling = 1
    acfg.mediaConfig.transportConfig.boundAddress = rtp_host
    acfg.mediaConfig.transportConfig.port = 0
    # Keep the TLS connection alive through home NATs (CRLF keepalive).
    acfg.natConfig.udpKaIntervalSec = 15
    acfg.natConfig.contactRewriteUse = 0
    acfg.natConfig.viaRewriteUse = 0
    acfg.natConfig.sdpNatRewriteUse = 0
    acfg.natConfig.sipOutboundUse = 0
    return acfg


_HAS_PORT = (pj.PJSUA_CALL_MEDIA_ACTIVE, pj.PJSUA_CALL_MEDIA_LOCAL_HOLD,
             pj.PJSUA_CALL_MEDIA_REMOTE_HOLD)


def call_audio(call: pj.Call, *, held_too: bool = False) -> pj.AudioMedia | None:
    """The call's audio stream as a conference-bridge port, or None.

    Only an active stream by default; with *held_too* also a held one (its port
    still exists, and connections to it must be undone explicitly).
    """
    ci = call.getInfo()
    ok = _HAS_PORT if held_too else (_ACTIVE,)
    for i, mi in enumerate(ci.media):
        if mi.type == _AUDIO and mi.status in ok:
            try:
                return call.getAudioMedia(i)
            except pj.Error:
                return None
    return None


def media_state(call: pj.Call) -> str:
    """'active', 'local-hold', 'remote-hold', 'none' for the call's audio."""
    ci = call.getInfo()
    for mi in ci.media:
        if mi.type == _AUDIO:
            return {
                pj.PJSUA_CALL_MEDIA_ACTIVE: "active",
                pj.PJSUA_CALL_MEDIA_LOCAL_HOLD: "local-hold",
                pj.PJSUA_CALL_MEDIA_REMOTE_HOLD: "remote-hold",
                pj.PJSUA_CALL_MEDIA_ERROR: "error",
            }.get(mi.status, "none")
    return "none"


def uri_user(uri: str) -> str:
    """The user part of a SIP URI (``"<sips:+3120@h>"`` → ``"+3120"``); '' when absent."""
    m = _USER_RE.search(uri or "")
    return (m.group(1) or "") if m else ""


# --- small WAV helpers (8/16 kHz mono 16-bit PCM, what pjsua2 plays and records) ---

def write_tone_wav(path: Path, freqs: list[tuple[float, float]], rate: int = 16000,
                   amplitude: float = 0.35) -> Path:
    """Write a WAV of consecutive sine notes: [(frequency Hz or 0 for silence, seconds), ...]."""
    frames = bytearray()
    for freq, secs in freqs:
        n = int(rate * secs)
        fade = max(1, min(n // 10, int(rate * 0.01)))
        for i in range(n):
            env = min(1.0, i / fade, (n - i) / fade)  # no clicks between notes
            v = amplitude * env * math.sin(2 * math.pi * freq * i / rate) if freq else 0.0
            frames += struct.pack("<h", int(v * 32767))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return path


def ensure_prompts(media_dir: Path) -> dict[str, Path]:
    """Make the queue announcement and hold music WAVs once (generated tones, no speech engine).

    The announcement is a three-note chime; hold music a slow arpeggio. Both stay
    away from the test tones (1000-1500 Hz) so tests can tell them apart.
    """
    media_dir.mkdir(parents=True, exist_ok=True)
    ann = media_dir / "announcement.wav"
    hold = media_dir / "hold.wav"
    if not ann.exists():
        write_tone_wav(ann, [(523.25, 0.25), (659.25, 0.25), (783.99, 0.4), (0, 0.3)])
    if not hold.exists():
        notes = [392.0, 493.88, 587.33, 493.88, 349.23, 440.0, 523.25, 440.0]
        write_tone_wav(hold, [(f, 0.3) for f in notes] + [(0, 0.4)], amplitude=0.2)
    caller = media_dir / "caller.wav"
    if not caller.exists():
        # A speech-like rhythm for the demo's simulated callers: short "syllables" and pauses.
        rng = random.Random(7)
        parts: list[tuple[float, float]] = []
        for _ in range(40):
            parts.append((rng.uniform(180, 320), rng.uniform(0.08, 0.25)))
            if rng.random() < 0.3:
                parts.append((0.0, rng.uniform(0.15, 0.5)))
        write_tone_wav(caller, parts, amplitude=0.25)
    return {"announcement": ann, "hold": hold, "caller": caller}
