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
    await slots.acquire("10.6.6.6")
    await slots.acquire("10.6.6.6")  # the crowd holds both slots …
    crowd = [asyncio.create_task(slots.acquire("10.6.6.6")) for _ in range(10)]
    await until(lambda: slots.waiting == 10, 5, "the crowd to queue")  # … and has ten more waiting
    real = asyncio.create_task(slots.acquire("10.1.1.1"))
    await until(lambda: slots.waiting == 11, 5, "the real login to queue")
    # Two hashes done: one slot to the crowd (its turn came first), the next to the other address —
    # not after the crowd's whole queue.
    slots.release()
    slots.release()
    await asyncio.wait_for(real, 5)
    await until(lambda: sum(t.done() for t in crowd) == 1, 5, "the crowd's one turn")
    assert slots.waiting == 9
    for t in crowd:
        t.cancel()
    await asyncio.gather(*crowd, return_exceptions=True)
    assert slots.waiting == 0
