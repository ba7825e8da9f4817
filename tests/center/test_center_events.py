"""One event fanned out to many agents: stored once, encoded once, replayed the same (issue 12, offers)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from agent_tui.center import store
from agent_tui.center.config import CenterConfig
from agent_tui.center.hub import Hub
from agent_tui.center.model import Conn
from agent_tui.center.store import agents as agent_store
from agent_tui.center.store import events as event_store
from agent_tui.protocol import codec


@pytest.fixture
def hub(tmp_path) -> Iterator[Hub]:
    conn = store.connect(tmp_path / "center.db")
    store.create_schema(conn)
    for name in ("a1", "a2", "a3"):
        agent_store.add_login_user(conn, name=name, display_name=name.upper(), role="agent", team="t",
                                   skills=["general"], lang="en", pw_hash="x", now=time.time())
    h = Hub(CenterConfig(dir=tmp_path), conn)
    h.load()
    try:
        yield h
    finally:
        conn.close()


def test_fan_out_is_stored_once_and_replays_the_same(hub: Hub):
    got: dict[str, list[dict]] = {"a1": [], "a2": []}
    for user in got:
        hub.agents[user].conns.add(Conn(user, "s", got[user].append, lambda code, why: None))
    data = {"changes": [{"user": "a3", "state": "available", "name": "Ünïcode ‘quotes’"}]}
    with hub.events.tx():
        hub.events.emit("a1", "agent.state", {"state": "break"})  # a stream that does not start at 1
        hub.events.emit_present("presence.delta", data)
    for user, frames in got.items():
        frame = frames[-1]
        assert json.loads(codec.encode(frame)) == dict(frame)  # the prebuilt text says what the dict says
        assert frame["data"] == data and frame["kind"] == "presence.delta"
        replay = event_store.since(hub.db, user, 0)
        assert replay[-1]["data"] == data and replay[-1]["seq"] == frame["seq"] == hub.agents[user].last_seq
    assert got["a1"][-1]["seq"] == 2 and got["a2"][-1]["seq"] == 1
    assert event_store.since(hub.db, "a3", 0) == []  # not logged in: no stream entry
    copies = hub.db.execute("SELECT COUNT(*) FROM event_blobs").fetchone()[0]
    assert copies == 1
    event_store.prune(hub.db, time.time() + 1, 0)
    assert hub.db.execute("SELECT COUNT(*) FROM event_blobs").fetchone()[0] == 0
