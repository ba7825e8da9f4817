"""Full garbage collections at the desk's quiet moments, not in the middle of a key.

CPython's collector runs a full (oldest generation) pass when enough objects have survived
younger passes, whenever an allocation happens to cross the threshold. A Textual desk keeps
~140,000 tracked objects alive (every rendered line caches seven small ``FIFOCache`` objects), so
a full pass takes 60–160 ms on a 2-core machine — and it landed inside a key press often enough
to be most of the lead view's slowest keys (``bench/lead_view.py``; docs/benchmarks.md).

So the desk:

* freezes what is alive once it is up (``gc.freeze``: the modules, the app, the desk's widgets):
  later full passes do not walk it. Frozen objects are still freed by reference counting; only
  reference cycles among them would stay (the desk's own widgets, which live as long as the desk);
* holds automatic full passes back (the oldest generation's threshold is set out of reach; the
  young and middle generations are collected as before, a few ms each);
* freezes again after its own pass when something unfroze everything (a softphone stopping
  does, so that its pjsua2 objects are collected on its own thread before the library goes);
* runs the full pass itself from its 1-second tick, at most every ``every_s`` seconds, when no key
  or click came for ``idle_s`` — and after ``at_most_s`` even while keys keep coming, so cyclic
  garbage never piles up for long.

Pure policy plus ``gc`` calls; no Textual here. The app feeds it input times and ticks.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

HOLD_THRESHOLD = 1_000_000_000  # middle-generation passes before CPython would run a full one: never

# The collector's settings are the process's: with several desks in one process (the test suite)
# the first to start takes them over and the last to stop gives them back.
_held: list[IdleCollector] = []
_saved_threshold: tuple[int, int, int] | None = None


class IdleCollector:
    def __init__(self, clock: Callable[[], float] = time.monotonic, idle_s: float = 1.0, every_s: float = 30.0,
                 at_most_s: float = 300.0) -> None:
        self.clock = clock
        self.idle_s = idle_s
        self.every_s = every_s
        self.at_most_s = at_most_s
        self.started = False
        self.runs = 0  # full passes run by this collector
        self.last_pause_ms = 0.0
        self._last_input = 0.0
        self._last_full = 0.0

    def start(self) -> None:
        """Freeze what is alive now and take over the full passes (once; later calls do nothing)."""
        global _saved_threshold
        if self.started:
            return
        self.started = True
        gc.collect()
        gc.freeze()
        if not _held:
            _saved_threshold = gc.get_threshold()
            gc.set_threshold(_saved_threshold[0], _saved_threshold[1], HOLD_THRESHOLD)
        _held.append(self)
        self._last_full = self.clock()

    def stop(self) -> None:
        """The desk is closing: when no other desk in this process holds them, give the full passes
        back to CPython and unfreeze (what the desk left behind can be collected again)."""
        global _saved_threshold
        if not self.started:
            return
        self.started = False
        _held.remove(self)
        if not _held and _saved_threshold is not None:
            gc.set_threshold(*_saved_threshold)
            _saved_threshold = None
            gc.unfreeze()

    def input_seen(self) -> None:
        self._last_input = self.clock()

    def due(self) -> bool:
        now = self.clock()
        since = now - self._last_full
        if not self.started or since < self.every_s:
            return False
        return now - self._last_input >= self.idle_s or since >= self.at_most_s

    def tick(self) -> bool:
        """Run a full pass if one is due; True if it ran."""
        if not self.due():
            return False
        t0 = time.perf_counter()
        gc.collect()
        if gc.get_freeze_count() == 0:
            gc.freeze()  # unfrozen meanwhile (a softphone stopping unfreezes: sip/engine.py): freeze again
        self.last_pause_ms = (time.perf_counter() - t0) * 1000
        self.runs += 1
        self._last_full = self.clock()
        return True
