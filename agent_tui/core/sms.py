"""SMS length rules: how many characters and segments a reply will cost.

GSM 03.38 (7-bit) messages hold 160 characters in one segment, 153 per segment when
split; characters from the extension table (``{}[]~^|\\€`` and form feed) take two.
Any character outside the GSM alphabet switches the whole message to UCS-2: 70 UTF-16
units in one segment, 67 per segment when split. Pure functions, no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsCount:
    encoding: str  # "GSM-7" | "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # capacity of each segment at this length

    @property
    def remaining(self) -> int:
        """Units left before the next segment starts."""
        return self.segments * self.per_segment - self.units if self.segments else self.per_segment


def count_sms(text: str) -> SmsCount:
    """Encoding, length and segment count of ``text`` as an SMS."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        single, multi, enc = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, enc = 70, 67, "UCS-2"
    if units == 0:
        return SmsCount(enc, 0, 0, single)
    if units <= single:
        return SmsCount(enc, units, 1, single)
    return SmsCount(enc, units, math.ceil(units / multi), multi)
