"""The center's op table: every command declares the role it needs (no network needed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent_tui.center import store
from agent_tui.center.commands import OPS, ROLES
from agent_tui.center.config import CenterConfig
from agent_tui.center.hub import Hub
from agent_tui.protocol import codec
from agent_tui.protocol import messages as m

# Ops that other parts of the center register at run time (with their role).
REGISTERED_ELSEWHERE = {"voice.dial"}  # the voice bridge


@pytest.fixture
def hub(tmp_path) -> Iterator[Hub]:
    conn = store.connect(tmp_path / "center.db")
    store.create_schema(conn)
    try:
        yield Hub(CenterConfig(dir=tmp_path), conn)
    finally:
        conn.close()


def test_every_protocol_command_has_exactly_one_op_with_a_role():
    names = [op.name for op in OPS]
    assert len(names) == len(set(names)), "an op is in the table twice"
    assert set(names) == set(m.COMMANDS) - REGISTERED_ELSEWHERE
    assert all(op.role in ROLES for op in OPS)


def test_supervisor_only_ops_are_the_ones_they_were():
    # stats.get became lead-only (issue 9 §4): agents never see each other's figures.
    lead_desk = {"lead.figures", "lead.agents", "lead.timeline", "lead.urgent", "lead.assign", "lead.take",
                 "lead.priority", "report.get", "task.list", "task.create", "task.assign",
                 "team.announcement_reads", "kb.queue", "kb.stale", "kb.confirm", "kb.edit"}
    assert {op.name for op in OPS if op.role == "supervisor"} == {"team.announce", "kb.proposals", "kb.review",
                                                                  "stats.get", "voice.monitor",
                                                                  "voice.monitor.stop", *lead_desk}


def test_registering_an_op_needs_a_known_role(hub: Hub):
    def dial(conn, args):
        return {}

    with pytest.raises(TypeError):
        hub.register_op("voice.dial", dial)  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        hub.register_op("voice.dial", dial, "anyone")  # type: ignore[arg-type]
    hub.register_op("voice.dial", dial, "agent")
    assert hub.ops["voice.dial"].role == "agent"


def test_ingress_checks_are_public_codec_api():
    assert codec.require_str("hello", "text", 10) == "hello"
    assert codec.require_int(2, "priority", 0, 2) == 2
    for bad in ("", "   ", "a\x00b", 5, None):
        with pytest.raises(codec.ProtocolError) as err:
            codec.require_str(bad, "text", 10)
        assert err.value.code == "bad_args"
    with pytest.raises(codec.ProtocolError) as err:
        codec.require_str("x" * 11, "text", 10)
    assert err.value.code == "too_large"
    for bad_int in (3, -1, True, "1", 1.0):
        with pytest.raises(codec.ProtocolError):
            codec.require_int(bad_int, "priority", 0, 2)


def test_a_failed_command_leaves_no_trace_but_its_stored_answer(hub: Hub):
    """The savepoint undoes the handler's writes; the idempotency record still commits."""
    class FakeConn:
        user = "lead"
        session_id = "s-1"

    hub.db.execute("INSERT INTO users(user, name, role, team) VALUES ('lead', 'Lead', 'supervisor', 't')")
    hub.load()

    def half_done(conn, args):
        hub.db.execute("INSERT INTO teams(team, name) VALUES ('half', 'Half')")
        raise RuntimeError("boom")

    hub.register_op("test.half", half_done, "agent")
    frame = {"id": "c-1", "op": "test.half", "args": {}}
    answer = hub.command(FakeConn(), frame)  # type: ignore[arg-type]
    assert answer["type"] == "error" and answer["code"] == "internal"
    assert hub.db.execute("SELECT COUNT(*) FROM teams WHERE team = 'half'").fetchone()[0] == 0
    assert hub.command(FakeConn(), frame) == answer  # type: ignore[arg-type]
