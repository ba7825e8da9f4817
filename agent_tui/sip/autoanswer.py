"""Monitoring legs that answer themselves: how the center marks them, and who may trust the mark.

A team lead who asks to listen to a call (``voice.monitor``) expects to be connected at once, as
in any contact-center suite, not to be rung. With Kamailio the voice engine reaches the lead by
ringing the lead's registered phone, so the phone has to answer that one call by itself.

The engine marks its INVITE with :func:`monitor_headers`: ``Call-Info: <sip:DOMAIN>;answer-after=0``
(the usual intercom convention, so other phones show what it is) and
``X-Agent-Tui-Monitor: MODE;token=TOKEN``. **The mark alone is not trusted**: any registered
party can put those headers on an INVITE (a colleague's phone calls the lead through the same
proxy), and a phone that answered every such call would be a bug in the walls. The phone answers
by itself only when the token is one its own desk armed (:class:`MonitorExpectations`) a moment
before asking the center for monitoring: random, single use, expiring after ``ttl_s``, compared in
constant time. Any other call, marked or not, rings as usual.

Pure Python (no pjsua2): the engine, the softphone and tests share it.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MONITOR_HEADER = "X-Agent-Tui-Monitor"
CALL_INFO_HEADER = "Call-Info"
MODES = ("listen", "whisper", "barge")
# A token travels in a SIP header value: only URL-safe base64 characters, of a sane length.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
DEFAULT_TTL_S = 60.0  # the engine rings for ≤ 20 s; the center may take a moment to ask it


def new_token() -> str:
    """A fresh random monitoring token (144 bits, URL-safe)."""
    return secrets.token_urlsafe(18)


def valid_token(token: object) -> bool:
    return isinstance(token, str) and TOKEN_RE.fullmatch(token) is not None


def monitor_headers(mode: str, token: str, domain: str) -> dict[str, str]:
    """The headers of the engine's INVITE of a monitoring leg (raises ValueError on bad values)."""
    if mode not in MODES:
        raise ValueError(f"monitor mode must be one of {', '.join(MODES)}, not {mode!r}")
    if not valid_token(token):
        raise ValueError("a monitoring token is 16-64 letters, digits, '-' or '_'")
    return {CALL_INFO_HEADER: f"<sip:{domain}>;answer-after=0", MONITOR_HEADER: f"{mode};token={token}"}


@dataclass(frozen=True)
class MonitorMark:
    """What an INVITE's ``X-Agent-Tui-Monitor`` header claims (not yet believed)."""

    mode: str
    token: str


def parse_mark(headers: Mapping[str, str]) -> MonitorMark | None:
    """The monitoring mark in an INVITE's X- headers (names case-insensitive), or None."""
    value = next((v for k, v in headers.items() if k.lower() == MONITOR_HEADER.lower()), "")
    if not value:
        return None
    mode, _sep, rest = value.partition(";")
    params = dict(p.strip().partition("=")[::2] for p in rest.split(";") if "=" in p)
    token = params.get("token", "").strip()
    mode = mode.strip().lower()
    if mode not in MODES or not valid_token(token):
        return None
    return MonitorMark(mode, token)


class MonitorExpectations:
    """The monitoring calls this phone's own desk asked for: tokens armed, taken once.

    Thread-safe: the desk arms from its loop, the phone's owner thread takes.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._armed: dict[str, float] = {}  # token -> expires at (clock)
        self._lock = threading.Lock()

    def arm(self, token: str, ttl_s: float = DEFAULT_TTL_S) -> None:
        """Expect one monitoring call carrying ``token`` within ``ttl_s`` seconds."""
        if not valid_token(token):
            raise ValueError("a monitoring token is 16-64 letters, digits, '-' or '_'")
        with self._lock:
            self._armed[token] = self._clock() + ttl_s

    def disarm(self, token: str) -> None:
        with self._lock:
            self._armed.pop(token, None)

    def take(self, mark: MonitorMark | None) -> bool:
        """True (once) when ``mark`` carries a token armed here and not expired."""
        if mark is None:
            return False
        now = self._clock()
        with self._lock:
            for token, expires in list(self._armed.items()):
                if expires < now:
                    del self._armed[token]
            # Constant-time against every armed token: the comparison says nothing about them.
            hit = ""
            for token in self._armed:
                if hmac.compare_digest(token.encode(), mark.token.encode()):
                    hit = token
            if not hit:
                return False
            del self._armed[hit]
            return True

    def armed(self) -> int:
        with self._lock:
            return len(self._armed)
