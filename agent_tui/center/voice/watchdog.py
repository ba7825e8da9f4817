"""Dead legs: a call leg that receives no RTP for a while is hung up (issue 10, "dead calls end").

A caller killed without a BYE (a crashed phone, a pulled cable, a NAT that forgot the flow)
leaves a SIP dialog that nothing ends for up to the session-timer interval. Media tells at once:
an active stream that stops arriving is a dead party. Even with silence suppression a pjmedia
sender keeps sending a frame at least every 5 s (PJMEDIA_CODEC_MAX_SILENCE_PERIOD), so a
timeout above that never cuts a quiet but live caller.

Pure bookkeeping, no pjsua2 import: the engine passes (key, received-packet count) samples on
its owner thread and gets back the keys that went silent.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SilenceWatch:
    """Tracks received-packet counters per leg; ``silent(...)`` names the legs past the timeout."""

    timeout_s: float
    _seen: dict[str, tuple[int, float]] = field(default_factory=dict)

    def sample(self, key: str, rx_packets: int | None, now: float) -> bool:
        """Record one sample; True when *key* has received nothing for ``timeout_s``.

        ``rx_packets`` None means "not watched now" (no active stream: ringing, on hold,
        being re-INVITEd): the clock restarts when watching resumes.
        """
        if rx_packets is None or self.timeout_s <= 0:
            self._seen.pop(key, None)
            return False
        last = self._seen.get(key)
        if last is None or rx_packets != last[0]:
            self._seen[key] = (rx_packets, now)
            return False
        return now - last[1] >= self.timeout_s

    def forget(self, key: str) -> None:
        self._seen.pop(key, None)

    def keep_only(self, keys: set[str]) -> None:
        """Drop the bookkeeping of legs that are gone."""
        for key in [k for k in self._seen if k not in keys]:
            del self._seen[key]
