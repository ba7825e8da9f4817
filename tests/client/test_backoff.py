"""The reconnect backoff: exponential, jittered, capped (pure function, no clock)."""

import random

from agent_tui.core.client import BACKOFF_CAP, BACKOFF_START, backoff_delay


def test_backoff_doubles_from_half_a_second_to_the_cap_with_jitter():
    rng = random.Random(1)
    for failures, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (50, 10.0)]:
        delays = [backoff_delay(failures, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 150  # jittered, not one fixed value
    assert backoff_delay(0, rng) <= BACKOFF_START and backoff_delay(10**6, rng) <= BACKOFF_CAP
