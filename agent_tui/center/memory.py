"""Give memory back after a flood: glibc malloc settings for a long-running center.

What kept the center at ~400 MB after 500 connections and 50 × 1 MB frames: glibc's *dynamic*
mmap threshold. Each scrypt check allocates 16 MiB; when that block is freed, glibc raises its
mmap threshold to 16 MiB (and its trim threshold to 32 MiB). From then on every large buffer —
the 256 KiB TLS read buffer of each connection, 1 MB frames, deflate state — comes from the
heap instead of its own mapping, interleaves with small long-lived objects, and is never
returned to the system when the connections go. A fixed threshold keeps large buffers in
their own mappings (returned on free), a cap on arenas stops each worker thread from keeping
its own heap, and a periodic ``malloc_trim`` hands back free heap pages.

Only on glibc (Linux); elsewhere these are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
import time
from typing import Any

log = logging.getLogger("agent_tui.center")

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value, made fixed
TRIM_THRESHOLD = 1024 * 1024
ARENA_MAX = 2
TRIM_EVERY_S = 30.0


@functools.cache
def _libc() -> Any:
    """glibc, or None (musl and others lack mallopt/malloc_trim). Looked up on first use only."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        name = ctypes.util.find_library("c")
        if not name:
            return None
        try:
            libc = ctypes.CDLL(name)
        except OSError:
            return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    return libc


def tune_malloc() -> bool:
    """Fix the mmap and trim thresholds and cap the arenas (see the module docstring)."""
    libc = _libc()
    if libc is None:
        return False
    ok = all(libc.mallopt(opt, value) == 1 for opt, value in (
        (M_MMAP_THRESHOLD, MMAP_THRESHOLD), (M_TRIM_THRESHOLD, TRIM_THRESHOLD), (M_ARENA_MAX, ARENA_MAX)))
    if not ok:
        log.info("mallopt refused a setting; memory may be returned to the system more slowly")
    return ok


def freeze_startup_objects() -> None:
    """For the ``center serve`` process, after start-up: move everything alive now (modules, the loaded center) out of the collector's
    way, so the periodic full collection in :func:`trim` walks only what came later (~0 ms, not ~50)."""
    gc.collect()
    gc.freeze()


def trim() -> None:
    """Collect garbage cycles, then hand free heap pages back to the system.

    The collection matters: a closed connection's transport, protocol and their buffers (the
    TLS read buffer alone is 256 KiB) form reference cycles, and after a flood the center may
    allocate too little for the collector's own thresholds to run a full pass for a long time.
    """
    t0 = time.perf_counter()
    found = gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
    log.debug("memory trim: %d unreachable objects, %.1f ms", found, (time.perf_counter() - t0) * 1000)
