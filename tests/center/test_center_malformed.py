"""Malformed frames (property-based): each gets an error frame; other sessions go on; no crash."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed

from agent_tui.protocol import codec
from agent_tui.protocol import messages as m
from tests.kit.wsclient import LoginError, WsClient

ERROR_CODES = {c.value for c in m.ErrorCode}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
ops = st.sampled_from(sorted(m.COMMANDS) + ["nope", "", "conv.delete"])
arg_names = st.sampled_from(["conversation", "text", "offer", "state", "room", "query", "limit", "approve",
                             "id", "upto", "x"])

junk_frames = st.one_of(
    st.text(max_size=200),  # not JSON at all (or JSON that is not an object)
    st.binary(max_size=200),  # binary frames are not part of the protocol
    json_values.map(lambda v: json.dumps(v)),
    st.dictionaries(st.sampled_from(["type", "id", "op", "args", "seq", "v", "auth"]), json_values,
                    max_size=5).map(json.dumps),
    st.fixed_dictionaries({"type": st.just("cmd"), "id": st.text(min_size=1, max_size=20), "op": ops,
                           "args": st.dictionaries(arg_names, json_values, max_size=4)}).map(json.dumps),
    # huge fields: over the field limits but under the frame limit
    st.fixed_dictionaries({"type": st.just("cmd"), "id": st.just("big"), "op": st.just("team.send"),
                           "args": st.fixed_dictionaries({"room": st.just("team:care"),
                                                          "text": st.integers(33_000, 200_000).map(lambda n: "x" * n)})
                           }).map(json.dumps),
    st.fixed_dictionaries({"type": st.just("cmd"), "id": st.integers(129, 5000).map(lambda n: "i" * n),
                           "op": st.just("whoami"), "args": st.just({})}).map(json.dumps),
    st.integers(m.MAX_FRAME_BYTES + 1, m.MAX_FRAME_BYTES + 50_000).map(lambda n: json.dumps({"type": "ping", "p": "y" * n})),
    st.fixed_dictionaries({"type": st.just("ack"), "seq": json_values}).map(json.dumps),
    st.fixed_dictionaries({"type": st.just("hello"), "v": json_values, "auth": json_values}).map(json.dumps),
)


class Background:
    """An event loop on a thread, so hypothesis (sync) can drive async clients."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def env(center):
    bg = Background()
    victim = bg.run(WsClient.login(center.url, center.ca_file, "agent2"))
    attacker = bg.run(WsClient.login(center.url, center.ca_file, "agent1"))
    state = {"center": center, "bg": bg, "victim": victim, "token": attacker.welcome["token"],
             "attacker": attacker}
    yield state
    bg.run(victim.close())
    bg.run(state["attacker"].close())
    bg.close()


async def _relogin(state: dict) -> WsClient:
    """A fresh attacker session: with the token, or with the password when a ``logout`` revoked it."""
    await state["attacker"].close()
    center = state["center"]
    try:
        c = await WsClient.login(center.url, center.ca_file, "agent1", token=state["token"])
    except LoginError:
        c = await WsClient.login(center.url, center.ca_file, "agent1")
        state["token"] = c.welcome["token"]
    state["attacker"] = c
    return c


async def _exchange(state: dict, frame: Any) -> list[dict]:
    """Send *frame* then a ping; return what came back before the pong (error/result), plus
    ``{"type": "closed"}`` when the frame legitimately ended the session (``bye``, ``logout``)."""
    for _attempt in range(2):
        c: WsClient = state["attacker"]
        if c.closed.is_set() or c.ws.close_code is not None:
            # it spent its error budget (closed 1008, by design), said bye or logged out: log in again
            c = await _relogin(state)
        c._frames = []
        try:
            await c.send_raw(frame)
            await c.send({"type": "ping", "t": 424242})
        except ConnectionClosed as exc:
            # 1008: the error budget is spent (by design); 1000: this frame was a logout that
            # closed the session before the ping went out (the retry replays its stored result)
            assert exc.rcvd is not None and exc.rcvd.code in (1000, 1008), exc
            await asyncio.wait_for(c.closed.wait(), 10)
            continue
        try:
            await c.wait_frame(lambda f: f["type"] == "pong" and f.get("t") == 424242, timeout=10)
        except ConnectionError:
            replies = [f for f in c._frames if f["type"] in ("error", "result")]
            if c.ws.close_code == 1008:  # error budget spent: the error came, then the close (by design)
                return replies
            return [*replies, {"type": "closed", "code": c.ws.close_code}]
        return [f for f in c._frames if f["type"] in ("error", "result", "pong")]
    raise AssertionError("could not deliver the frame")


@settings(max_examples=int(__import__("os").environ.get("JUNK_EXAMPLES", "120")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(frame=junk_frames)
# A valid logout ends the attacker's session and revokes its token; the examples after it must go on.
@example(frame=json.dumps({"type": "cmd", "id": "logout-1", "op": "logout", "args": {}}))
@example(frame=json.dumps({"type": "cmd", "id": "after-logout", "op": "whoami", "args": {}}))
def test_junk_gets_an_error_frame_and_others_go_on(env, frame):
    try:
        valid = codec.decode_client_frame(frame)
    except codec.ProtocolError:
        valid = None
    replies = env["bg"].run(_exchange(env, frame))
    if valid is None:
        # an invalid frame is answered with exactly one error frame, and the session goes on
        assert len(replies) == 1 and replies[0]["type"] == "error", replies
        assert replies[0]["code"] in ERROR_CODES and replies[0]["message"]
    elif valid["type"] == "bye":
        assert replies == [{"type": "closed", "code": 1000}]
    elif valid["type"] == "cmd":
        if valid["op"] == "logout":
            # A logout that ran closes its session after the result (the close may beat the pong);
            # the next example starts on a fresh login, not on a session about to close.
            replies = [f for f in replies if f != {"type": "closed", "code": 1000}]
            env["bg"].run(_relogin(env))
        assert len(replies) == 1 and replies[0]["type"] in ("result", "error"), replies
        assert replies[0]["re"] == valid["id"]
    elif valid["type"] == "hello":
        assert len(replies) == 1 and replies[0]["type"] == "error"  # already logged in
    else:  # ack or ping: no reply of its own (ping: its pong)
        assert all(f["type"] == "pong" for f in replies), replies
    # the other agent's session goes on
    victim: WsClient = env["victim"]
    pong = env["bg"].run(_ping(victim))
    assert pong["type"] == "pong"


async def _ping(c: WsClient) -> dict:
    c._frames = []
    await c.send({"type": "ping", "t": 1})
    return await c.wait_frame(lambda f: f["type"] == "pong", timeout=10)


async def test_junk_before_hello_gets_errors_and_too_many_close_only_that_connection(center):
    victim = await WsClient.login(center.url, center.ca_file, "agent2")
    c = await WsClient.open(center.url, center.ca_file)
    await c.send_raw("{not json")
    f = await c.wait_frame(lambda f: f["type"] == "error")
    assert f["code"] == "malformed"
    await c.send_raw(json.dumps({"type": "hello", "v": 2, "auth": {"user": "a", "password": "b"}}))
    f = await c.wait_frame(lambda f: f["type"] == "error")
    assert f["code"] == "unsupported_version"
    for _ in range(25):
        await c.send_raw("junk")
    await asyncio.wait_for(c.closed.wait(), 10)
    assert c.ws.close_code == 1008
    await victim.send({"type": "ping", "t": 2})
    assert (await victim.wait_frame(lambda f: f["type"] == "pong"))["t"] == 2
    assert (await victim.cmd("whoami"))["user"] == "agent2"
    await victim.close()
    await c.close()


async def test_wrong_subprotocol_is_refused(center):
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    from agent_tui.secure.tls import client_ssl_context

    with pytest.raises(InvalidStatus):
        await connect(center.url, ssl=client_ssl_context(center.ca_file), open_timeout=10)
