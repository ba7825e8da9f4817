"""The desk's full garbage collections run between keys (agent_tui/core/collector.py)."""

from __future__ import annotations

import gc
import weakref

import pytest

from agent_tui.app import DeskApp
from agent_tui.core import collector as collector_mod
from agent_tui.core.collector import HOLD_THRESHOLD, IdleCollector
from agent_tui.core.config import Config
from tests.kit.lead_seed import lead_state


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def restore_gc():
    before = gc.get_threshold()
    yield
    assert not collector_mod._held, "a collector was left holding the process's settings"
    gc.set_threshold(*before)
    gc.unfreeze()


def test_full_passes_wait_for_a_quiet_moment(restore_gc):
    clock = Clock()
    c = IdleCollector(clock=clock, idle_s=1.0, every_s=30.0, at_most_s=300.0)
    assert not c.tick(), "nothing before start"
    before = gc.get_threshold()
    c.start()
    assert gc.get_threshold() == (before[0], before[1], HOLD_THRESHOLD)
    assert gc.get_freeze_count() > 0, "what was alive at start is frozen"
    clock.t += 10
    assert not c.tick(), "too soon after the last full pass"
    clock.t += 25
    c.input_seen()
    clock.t += 0.5
    assert not c.tick(), "a key came 0.5 s ago: wait"
    clock.t += 0.6
    assert c.tick() and c.runs == 1, "quiet for 1.1 s and 36 s since the last pass: run"
    # Keys keep coming: at most 300 s without a full pass.
    for _ in range(29):
        clock.t += 10
        c.input_seen()
        assert not c.tick()
    clock.t += 11
    c.input_seen()
    assert c.tick() and c.runs == 2
    c.stop()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0, "unfrozen when the desk closes"


def test_cycles_made_after_start_are_collected_by_the_tick(restore_gc):
    clock = Clock()
    c = IdleCollector(clock=clock, every_s=30.0)
    c.start()

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    gc.collect(1)  # survives a middle pass: now in the oldest generation
    del a, b
    for _ in range(5):
        gc.collect(1)  # young and middle passes only, as CPython runs them while the threshold is held
    assert alive() is not None, "an old cycle waits for a full pass"
    clock.t += 31
    assert c.tick()
    assert alive() is None, "the cycle is gone after the collector's full pass"
    gc.unfreeze()  # what a softphone does when it stops (sip/engine.py)
    clock.t += 31
    assert c.tick() and gc.get_freeze_count() > 0, "frozen again after the next pass"
    c.stop()


def test_two_desks_in_one_process_share_the_settings(restore_gc):
    before = gc.get_threshold()
    one, two = IdleCollector(), IdleCollector()
    one.start()
    two.start()
    one.stop()
    assert gc.get_threshold()[2] == HOLD_THRESHOLD, "the other desk still holds them"
    two.stop()
    assert gc.get_threshold() == before


async def test_the_desk_gives_the_settings_back_when_it_closes(restore_gc):
    before = gc.get_threshold()
    app = DeskApp(Config(language="en"), state=lead_state(), cursor_blink=False)  # a preset desk: no center
    async with app.run_test():
        app.collector.start()
        assert gc.get_threshold()[2] == HOLD_THRESHOLD
    assert not app.collector.started
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
