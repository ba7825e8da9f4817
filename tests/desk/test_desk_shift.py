"""Issue 8 acceptance, compressed: a Pilot-driven desk (80×24) against the real center goes
through a shift (tests/kit/desk_shift.py): contacts over all five channels with a follow-up, two
breaks with offers pending longer than the offer timeout, a link drop while typing, a kill -9 of
the desk mid-shift and a restart that sends what the killed desk had queued, team chat while away.

At the end: every customer message was answered exactly once, every typed text reached its
destination exactly once, no offer overwrote a break, and the agent's state timeline in the
center's database matches the actions taken. The full shift (40 contacts, a 10 s link drop) is
bench/desk_shift.py. Three of the contacts are real calls (tests/kit/shift_calls.py): answered,
held and resumed on the call bar, two wrapped up, one blind-transferred to a colleague; each call's
conversation handled exactly once and on_contact in the timeline while it was connected.
"""

from __future__ import annotations

from tests.kit.desk_shift import CHANNELS, check, run_shift
from tests.kit.shift_calls import headset_env

OFFER_TIMEOUT = 3.0  # compressed from 20 s: each break outlasts it


async def test_a_compressed_shift(make_center, tmp_path, monkeypatch):
    for key, value in headset_env(tmp_path).items():  # this process's one pjsua2 engine: the desk's phone
        monkeypatch.setenv(key, value)
    center = make_center(offer_timeout_s=OFFER_TIMEOUT, voice={"enabled": True})
    report = await run_shift(center, contacts=15, drop_s=2.0, offer_timeout=OFFER_TIMEOUT, calls=3,
                             calls_dir=tmp_path)
    check(report)  # with the calls' checks (tests/kit/shift_calls.py: check_calls)
    assert sum(report.channels.values()) >= 15 and set(report.channels) == set(CHANNELS)
    assert report.restored_draft == "Nog een vraag:"  # the killed desk's half sentence came back
    assert len(report.team_typed) == 2
    # 3 real calls (pjsua2, TLS, SRTP) on the restarted desk's call bar: answered, held and resumed;
    # two wrapped up, the third blind-transferred to a colleague's headless phone.
    assert [c.transfer for c in report.calls] == [False, False, True]
    assert all(len(report.call_records[c.conversation]["agents"]) == 1 + c.transfer for c in report.calls)
