"""Stored answers and idempotency keys (issue 9 §1 and §6), on the hub itself (no network needed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent_tui.center import store
from agent_tui.center.config import CenterConfig
from agent_tui.center.hub import Hub
from agent_tui.center.store import events as event_store
from agent_tui.protocol import codec
from agent_tui.protocol import messages as m


class FakeConn:
    """A session as the op table sees it (no socket: these tests call the hub directly)."""

    user = "lead"
    session_id = "s-1"
    max_frame = m.MAX_FRAME_BYTES


@pytest.fixture
def hub(tmp_path) -> Iterator[Hub]:
    conn = store.connect(tmp_path / "center.db")
    store.create_schema(conn)
    conn.execute("INSERT INTO users(user, name, role, team) VALUES ('lead', 'Lead', 'supervisor', 't')")
    h = Hub(CenterConfig(dir=tmp_path), conn)
    h.load()
    try:
        yield h
    finally:
        conn.close()


def test_an_answer_too_large_for_a_frame_is_rolled_back_and_refused(hub: Hub):
    def big(conn, args):
        hub.db.execute("INSERT INTO teams(team, name) VALUES ('big', 'Big')")
        return {"blob": "x" * m.MAX_FRAME_BYTES}

    hub.register_op("test.big", big, "agent")
    frame = {"id": "c-big", "op": "test.big", "args": {}}
    answer = hub.command(FakeConn(), frame)  # type: ignore[arg-type]
    assert answer["type"] == "error" and answer["code"] == "too_large"
    assert hub.db.execute("SELECT COUNT(*) FROM teams WHERE team = 'big'").fetchone()[0] == 0
    assert hub.command(FakeConn(), frame) == answer  # type: ignore[arg-type]  # the retry: same, small


def test_an_oversized_answer_stored_by_an_older_center_is_not_sent_again(hub: Hub):
    legacy = {"type": "result", "re": "c-old", "ok": True, "data": {"blob": "x" * m.MAX_FRAME_BYTES}}
    with store.Tx(hub.db):
        hub.db.execute("INSERT INTO idem(user, id, response, at) VALUES (?,?,?,?)",
                       ("lead", "c-old", store.dumps(legacy), 0.0))
    answer = hub.command(FakeConn(), {"id": "c-old", "op": "whoami", "args": {}})  # type: ignore[arg-type]
    assert answer["code"] == "too_large" and codec.frame_size(answer) < 1024


def test_a_key_reused_with_another_op_or_other_args_is_a_conflict(hub: Hub):
    first = hub.command(FakeConn(), {"id": "k", "op": "state.set", "args": {"state": "break"}})  # type: ignore[arg-type]
    assert first["type"] == "result"
    again = hub.command(FakeConn(), {"id": "k", "op": "state.set", "args": {"state": "break"}})  # type: ignore[arg-type]
    assert again == first
    other_args = hub.command(FakeConn(), {"id": "k", "op": "state.set", "args": {"state": "lunch"}})  # type: ignore[arg-type]
    other_op = hub.command(FakeConn(), {"id": "k", "op": "whoami", "args": {}})  # type: ignore[arg-type]
    assert other_args["code"] == other_op["code"] == "idempotency_conflict"
    assert hub.agents["lead"].state == "break"  # the conflicting command did not run
    stored = event_store.stored_answer(hub.db, "lead", "k")
    assert stored is not None and stored[1] == "state.set"
