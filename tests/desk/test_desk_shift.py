"""Issue 8 acceptance, compressed: a Pilot-driven desk (80×24) against the real center goes
through a shift (tests/kit/desk_shift.py): contacts over all five channels with a follow-up, two
breaks with offers pending longer than the offer timeout, a link drop while typing, a kill -9 of
the desk mid-shift and a restart that sends what the killed desk had queued, team chat while away.

At the end: every customer message was answered exactly once, every typed text reached its
destination exactly once, no offer overwrote a break, and the agent's state timeline in the
center's database matches the actions taken. The full shift (40 contacts, a 10 s link drop) is
bench/desk_shift.py; calls with audio, hold and transfer are in test_call_bar.py.
"""

from __future__ import annotations

from tests.kit.desk_shift import CHANNELS, check, run_shift

OFFER_TIMEOUT = 3.0  # compressed from 20 s: each break outlasts it


async def test_a_compressed_shift(make_center):
    center = make_center(offer_timeout_s=OFFER_TIMEOUT)
    report = await run_shift(center, contacts=15, drop_s=2.0, offer_timeout=OFFER_TIMEOUT)
    check(report)
    assert sum(report.channels.values()) >= 15 and set(report.channels) == set(CHANNELS)
    assert report.restored_draft == "Nog een vraag:"  # the killed desk's half sentence came back
    assert len(report.team_typed) == 2
