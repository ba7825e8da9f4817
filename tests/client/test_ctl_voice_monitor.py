"""`agent-tui ctl voice monitor` (issue 11) against a real center without voice: the op is in the
table for supervisors only, and says plainly that it needs the voice engine. The monitoring itself,
with the voice engine, is tested in tests/voice/test_voice_monitor.py."""

from __future__ import annotations

from agent_tui.ctl.exits import EXIT_REFUSED
from tests.client.test_ctl import conn_args, one_error_line, run


def test_ctl_voice_monitor_is_for_supervisors_and_needs_the_voice_engine(center):
    agent = run(*conn_args(center, user="agent1"), "voice", "monitor", "c-1", "--mode", "barge", stdin="demo\n")
    assert agent.returncode == EXIT_REFUSED and "forbidden" in one_error_line(agent)
    lead = run(*conn_args(center, user="lead1"), "voice", "monitor-stop", "c-1", stdin="demo\n")
    assert lead.returncode == EXIT_REFUSED
    line = one_error_line(lead)
    assert "conflict" in line and "voice engine" in line
