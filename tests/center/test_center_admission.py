"""Login admission in isolation: growing delays per key, hashing slots fair between addresses."""

from __future__ import annotations

import asyncio

from agent_tui.center.admission import MAX_DELAY_S, FailureTable, FairSlots
from tests.kit.waiting import until


def test_delays_grow_per_key_and_stay_capped():
    now = [0.0]
    table = FailureTable(free=3, clock=lambda: now[0])
    delays = [table.fail(("agent1", "10.0.0.9")) for _ in range(12)]
    assert delays[:2] == [0.0, 0.0] and delays[2:6] == [1.0, 2.0, 4.0, 8.0] and delays[-1] == MAX_DELAY_S
    assert table.wait_left(("agent1", "10.0.0.9")) == MAX_DELAY_S
    assert table.wait_left(("agent1", "10.0.0.7")) == 0.0  # the same user elsewhere: no wait at all
    now[0] += MAX_DELAY_S
    assert table.wait_left(("agent1", "10.0.0.9")) == 0.0  # a delay, not a lock-out
    table.succeed(("agent1", "10.0.0.9"))
    assert table.fail(("agent1", "10.0.0.9")) == 0.0  # a success starts afresh


async def test_a_crowd_from_one_address_does_not_delay_another_address():
    slots = FairSlots(2)
    await slots.acquire("10.6.6.6")  # the crowd holds all it may: one of the two slots …
    crowd = [asyncio.create_task(slots.acquire("10.6.6.6")) for _ in range(10)]
    await until(lambda: slots.waiting == 10, 5, "the crowd to queue")  # … and has ten more waiting
    assert slots.free == 1
    await asyncio.wait_for(slots.acquire("10.1.1.1"), 5)  # another address gets the slot left free at once
    slots.release("10.6.6.6")  # one crowd hash done: the crowd's next one starts, not before
    await until(lambda: sum(t.done() for t in crowd) == 1, 5, "the crowd's next turn")
    assert slots.waiting == 9 and slots.free == 0
    for t in crowd:
        t.cancel()
    await asyncio.gather(*crowd, return_exceptions=True)
    assert slots.waiting == 0
