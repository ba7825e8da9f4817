"""Copy a pjsua2 ``MediaFrame.buf`` (a SWIG ``ByteVector``) to and from ``bytes`` without a
per-byte Python loop.

SWIG exposes ``std::vector<unsigned char>`` only element by element: ``bytes(frame.buf)`` costs
about 1 ms per 20 ms frame (one Python call per byte), 5 % of a core for the headset bridge alone
(issue 12, docs/benchmarks.md "Desk memory ... in a call"). The vector's storage is one contiguous
block whose begin and end pointers are the first two words of the vector object (the libstdc++
and libc++ layout), so one ``ctypes.string_at``/``memmove`` does the copy in a few microseconds.

The layout is checked once against SWIG's own element access (:func:`frame_copier`); where it does
not hold, the slow but always-correct SWIG path is used instead.
"""

from __future__ import annotations

import ctypes
from typing import Any

_Span = ctypes.c_size_t * 2  # std::vector's first words: begin, end


def _span(vec: Any) -> tuple[int, int]:
    begin, end = _Span.from_address(int(vec.this))
    return begin, end


class FastFrameCopy:
    """Copies through the vector's storage pointers (checked by :func:`frame_copier`)."""

    fast = True

    @staticmethod
    def read(frame: Any) -> bytes:
        """The frame's audio bytes (at most ``frame.size``)."""
        vec = frame.buf
        begin, end = _span(vec)
        return ctypes.string_at(begin, min(end - begin, frame.size))

    @staticmethod
    def write(frame: Any, data: bytes) -> None:
        """Set the frame's audio to ``data``."""
        vec = frame.buf
        vec.resize(len(data))
        begin, end = _span(vec)
        if end - begin != len(data):  # cannot happen after resize; never write past the block
            raise RuntimeError("ByteVector storage does not match its size")
        ctypes.memmove(begin, data, len(data))
        frame.size = len(data)


class SwigFrameCopy:
    """SWIG's element-by-element path: slow, but needs nothing about the vector's layout."""

    fast = False

    def __init__(self, pj: Any) -> None:
        self._pj = pj

    @staticmethod
    def read(frame: Any) -> bytes:
        return bytes(frame.buf)[: frame.size]

    def write(self, frame: Any, data: bytes) -> None:
        frame.buf = self._pj.ByteVector(data)
        frame.size = len(data)


def frame_copier(pj: Any) -> FastFrameCopy | SwigFrameCopy:
    """The fast copier when a probe frame reads and writes the same through it as through SWIG's
    own element access; the SWIG copier otherwise."""
    probe = bytes(range(256)) + bytes(range(255, -1, -1))
    try:
        frame = pj.MediaFrame()
        frame.buf = pj.ByteVector(probe)
        frame.size = len(probe)
        if FastFrameCopy.read(frame) != probe:
            return SwigFrameCopy(pj)
        back = probe[::-1][:300]
        FastFrameCopy.write(frame, back)
        if frame.buf.size() != len(back) or bytes(frame.buf) != back:
            return SwigFrameCopy(pj)
    except Exception:  # noqa: BLE001 - any surprise in the probe means: use SWIG's path
        return SwigFrameCopy(pj)
    return FastFrameCopy()
