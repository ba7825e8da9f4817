"""Principle 1 of issue 8: nothing an agent typed is lost. A desk with its encrypted local cache is
killed (SIGKILL) at random points while team messages are queued, in flight and drafted; once the
last record of its journal is torn as by a power cut. Every message it stored reaches the center
exactly once, none twice, and the latest draft comes back. (50 rounds: bench/crash_outbox.py.)"""

from __future__ import annotations

import random
from pathlib import Path

from tests.kit.crash_desk import crash_rounds


def test_kill_9_at_random_points_loses_and_duplicates_nothing(center, tmp_path: Path) -> None:
    rng = random.Random(8)
    tally = crash_rounds(center.url, center.ca_file, tmp_path / "cache", rounds=5, rng=rng, torn_every=4)
    assert tally.rounds == 5 and tally.torn == 1
    assert tally.typed, "no message was stored before a kill: the kill points are too early"
    assert not tally.lost(), f"lost: {sorted(tally.lost())}"
    assert not tally.duplicated(), f"duplicated: {sorted(tally.duplicated())}"
    assert set(tally.arrived) <= tally.written
