"""Issue 8, principle 6: simulated customers come at a configurable pace (`--rate`), and never pile
up beyond a few waiting contacts (a newcomer who is slow to accept is not buried in offers)."""

from __future__ import annotations

import asyncio

import pytest

from agent_tui.center.simulate import Simulation
from tests.kit.waiting import wait_until


def test_rate_sets_the_pace_and_waiting_customers_are_capped(center) -> None:
    # No agent is logged in: every simulated customer waits. 600 a minute = one per 0.1 s on average.
    sim = center.call(lambda hub: Simulation(hub, colleagues=False, seed=6, rate=600, max_waiting=3))
    assert sim.interval_s == pytest.approx(0.1)
    center.call(lambda hub: sim.start())
    try:
        wait_until(lambda: center.call(lambda hub: sim.arrivals) >= 25, 20, "25 arrival moments")
        waiting = center.call(lambda hub: sim.waiting())
        made = center.call(lambda hub: len(sim._scripts))
    finally:
        center.call(lambda hub: asyncio.ensure_future(sim.stop()))
    assert waiting == 3 and made == 3, (waiting, made)


def test_rate_must_be_positive(center) -> None:
    with pytest.raises(ValueError):
        center.call(lambda hub: Simulation(hub, rate=0))
