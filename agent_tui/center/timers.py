"""Timers of the center: offer time-outs, wrap-up deadlines, grace periods and periodic work.

All of them run on the center's event loop (set by :meth:`Timers.start`); before that
(``center inject`` without a running center) nothing is armed and nothing is scheduled.
A timer that fails is logged and does not stop the center.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from agent_tui.center.storage import StorageFull

log = logging.getLogger("agent_tui.center")

TimerKey = tuple[str, str]  # ("offer", offer id) | ("wrapup", conversation id)


class Timers:
    """Keyed one-shot timers, ``call_soon``/``call_later`` and periodic tasks on one loop."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self._timers: dict[TimerKey, asyncio.TimerHandle] = {}
        self._tasks: list[asyncio.Task] = []

    def start(self) -> None:
        """Bind to the running loop (call on it)."""
        self.loop = asyncio.get_running_loop()

    @property
    def running(self) -> bool:
        return self.loop is not None

    def arm(self, key: TimerKey, delay: float, fn: Callable[[str], None], arg: str) -> None:
        """Call ``fn(arg)`` after *delay* seconds, replacing a timer of the same *key*."""
        assert self.loop is not None
        old = self._timers.pop(key, None)
        if old is not None:
            old.cancel()

        def fire() -> None:
            self._timers.pop(key, None)
            try:
                fn(arg)
            except StorageFull:
                log.info("timer %s: not stored, the center is read-only", key)
            except Exception:
                log.exception("timer %s failed", key)

        self._timers[key] = self.loop.call_later(delay, fire)

    def disarm(self, key: TimerKey) -> None:
        h = self._timers.pop(key, None)
        if h is not None:
            h.cancel()

    def call_later(self, delay: float, fn: Callable[[], None]) -> asyncio.TimerHandle:
        """An unkeyed timer; the caller keeps (and may cancel) the handle."""
        assert self.loop is not None
        return self.loop.call_later(delay, fn)

    def call_soon(self, fn: Callable[[], None]) -> bool:
        """Run *fn* on the loop's next turn; False (and nothing scheduled) when not started."""
        if self.loop is None:
            return False
        self.loop.call_soon(fn)
        return True

    def every(self, interval: float, fn: Callable[[], None]) -> None:
        """Run *fn* every *interval* seconds until :meth:`stop`."""
        assert self.loop is not None
        self._tasks.append(self.loop.create_task(self._periodic(interval, fn)))

    async def _periodic(self, interval: float, fn: Callable[[], None]) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                fn()
            except StorageFull:  # read-only (disk full): the next tick tries again
                log.debug("periodic %s: not stored, the center is read-only", getattr(fn, "__name__", fn))
            except Exception:  # one bad tick must not stop the center
                log.exception("periodic %s failed", getattr(fn, "__name__", fn))

    async def stop(self) -> None:
        """Cancel the periodic tasks and every keyed timer."""
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        self._tasks.clear()
        for h in self._timers.values():
            h.cancel()
        self._timers.clear()
