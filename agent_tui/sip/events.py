"""Plain events the SIP owner thread posts to its listener.

They hold only str/int/float/bool/None — never a pjsua2 object — so a listener on any thread
(the desk wraps them in ``post_message``) can keep them as long as it likes without touching
the library. ``call`` is the engine's own call key ("c1", "c2", ...), not pjsua's reusable id.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EngineStarted:
    """The library is up; ``sip_port`` is the local TLS listener port."""

    sip_port: int
    user_agent: str


@dataclass(frozen=True)
class EngineStopped:
    """The library is destroyed and the owner thread has ended."""

    reason: str = ""


@dataclass(frozen=True)
class Registered:
    """The registrar accepted our contact."""

    account: str
    uri: str
    expires_s: int


@dataclass(frozen=True)
class RegistrationFailed:
    """Registration failed; ``message`` is for a human, ``retry_s`` is when pjsua tries again."""

    account: str
    status_code: int
    reason: str
    message: str
    retry_s: int | None = None


@dataclass(frozen=True)
class Unregistered:
    """We removed our registration (logout or shutdown)."""

    account: str


@dataclass(frozen=True)
class TlsFailure:
    """A TLS connection failed (untrusted certificate, handshake error), in words."""

    remote: str
    message: str


@dataclass(frozen=True)
class IncomingCall:
    """A call is ringing for us; answer/reject it by ``call``."""

    call: str
    account: str
    remote_uri: str
    caller_id: str
    display_name: str
    headers: dict[str, str] = field(default_factory=dict)
    # A monitoring leg this phone's desk asked for (sip/autoanswer.py): the mode and the token it
    # was armed with; the phone answered it itself. Empty for every other call, marked or not.
    monitor: str = ""
    monitor_token: str = ""


@dataclass(frozen=True)
class CallState:
    """Signalling state of a call.

    ``state`` is one of: ``calling`` (INVITE sent), ``ringing`` (180/183 heard or we ring),
    ``connecting`` (answered, waiting for ACK), ``answered`` (confirmed), ``ended``.
    """

    call: str
    state: str
    direction: str  # "in" | "out"
    remote_uri: str
    status_code: int = 0
    reason: str = ""
    duration_s: float = 0.0


@dataclass(frozen=True)
class CallMedia:
    """Media of a call changed: codec, hold and mute state, SRTP."""

    call: str
    status: str  # "active" | "local_hold" | "remote_hold" | "none" | "error"
    codec: str  # e.g. "speex/8000", "G722/16000"
    ptime_ms: int
    profile: str
    srtp_suite: str
    muted: bool
    held: bool  # either side put the call on hold: no audio either way


@dataclass(frozen=True)
class CallQuality:
    """Live quality from RTCP; ``degraded`` with ``warning`` words when it is bad."""

    call: str
    rtt_ms: float | None
    jitter_ms: float
    loss_pct: float
    mos: float
    tx_kbps: float
    rx_kbps: float
    degraded: bool
    warning: str = ""
    no_audio: bool = False  # dead air: nothing (or only digital silence) received; mos is 0 then


@dataclass(frozen=True)
class DtmfReceived:
    """One DTMF digit arrived (RFC 4733 unless ``method`` says otherwise)."""

    call: str
    digit: str
    method: str = "rfc4733"


@dataclass(frozen=True)
class TransferStatus:
    """Progress of a transfer we started (NOTIFY sipfrag); ``final`` once it is decided."""

    call: str
    status_code: int
    reason: str
    final: bool


@dataclass(frozen=True)
class CallSummary:
    """Final figures of a call, posted just before its ``CallState(state="ended")``."""

    call: str
    stats: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AudioLevel:
    """Headset levels in dBFS (-100 for silence), for the level meter."""

    mic_dbfs: float
    speaker_dbfs: float


@dataclass(frozen=True)
class AudioDeviceError:
    """The headset could not be opened or failed; the call keeps running without it."""

    message: str


@dataclass(frozen=True)
class CommandFailed:
    """A command from the UI could not be carried out; ``message`` is for a human."""

    command: str
    message: str
    call: str = ""
