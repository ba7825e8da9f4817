"""Sessions over real TLS websockets: login, tokens, snapshot, several sessions, resume, idempotency."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.kit.waiting import until
from tests.kit.wsclient import LoginError, WsClient


async def test_login_gives_welcome_with_snapshot_and_token(center):
    c = await WsClient.login(center.url, center.ca_file, "agent1")
    w = c.welcome
    assert w["resumed"] is False and w["v"] == 1
    assert w["user"]["user"] == "agent1" and w["user"]["role"] == "agent"
    snap = w["snapshot"]
    assert set(snap) >= {"state", "presence", "offers", "conversations", "rooms", "queues", "announcements"}
    assert snap["state"]["state"] == "break"  # logged in, not ready until the agent says so
    users = {p["user"] for p in snap["presence"]}
    assert {"agent1", "agent6", "lead1", "bo-sanne"} <= users
    assert {r["room"] for r in snap["rooms"]} == {"team:care"}
    assert len(w["token"]) >= 40
    assert (await c.cmd("whoami"))["user"] == "agent1"
    await c.close()


async def test_wrong_password_and_unknown_token_have_distinct_codes(center):
    c = await WsClient.open(center.url, center.ca_file)
    with pytest.raises(LoginError) as bad_pw:
        await c.hello("agent1", "not-the-password")
    with pytest.raises(LoginError) as no_user:
        await c.hello("nobody", "demo")
    with pytest.raises(LoginError) as bad_tok:
        await c.hello("agent1", token="x" * 43)
    assert bad_pw.value.code == "auth_failed"
    assert no_user.value.code == "auth_failed"
    assert bad_tok.value.code == "token_invalid"
    # the same connection can still log in properly afterwards
    w = await c.hello("agent1", "demo")
    assert w["user"]["user"] == "agent1"
    await c.close()


async def test_token_login_and_logout_revokes_token(center):
    c = await WsClient.login(center.url, center.ca_file, "agent2")
    token = c.welcome["token"]
    await c.close()
    c2 = await WsClient.login(center.url, center.ca_file, "agent2", token=token)
    assert c2.welcome["user"]["user"] == "agent2"
    assert await c2.cmd("logout") == {}
    await asyncio.wait_for(c2.closed.wait(), 10)
    c3 = await WsClient.open(center.url, center.ca_file)
    with pytest.raises(LoginError) as err:
        await c3.hello("agent2", token=token)
    assert err.value.code == "token_invalid"
    await c3.close()


async def test_cmd_before_hello_is_not_authenticated(center):
    c = await WsClient.open(center.url, center.ca_file)
    await c.send({"type": "cmd", "id": "x1", "op": "whoami", "args": {}})
    f = await c.wait_frame(lambda f: f["type"] == "error")
    assert f["code"] == "not_authenticated"
    await c.close()


async def test_two_sessions_of_one_agent_see_the_same_events(center):
    desk = await WsClient.login(center.url, center.ca_file, "agent3")
    ctl = await WsClient.login(center.url, center.ca_file, "agent3")
    await ctl.cmd("state.set", state="available")
    e1 = await desk.wait_event("agent.state", lambda d: d["state"] == "available")
    e2 = await ctl.wait_event("agent.state", lambda d: d["state"] == "available")
    assert e1["seq"] == e2["seq"]
    # a new session gets the current truth in its snapshot
    third = await WsClient.login(center.url, center.ca_file, "agent3")
    assert third.welcome["snapshot"]["state"]["state"] == "available"
    assert third.welcome["last_seq"] >= e1["seq"]
    for c in (desk, ctl, third):
        await c.close()


async def test_idempotent_retry_has_one_effect_and_same_result(center):
    a = await WsClient.login(center.url, center.ca_file, "agent1")
    b = await WsClient.login(center.url, center.ca_file, "agent2")
    cid = str(uuid.uuid4())
    r1 = await a.cmd_frame("team.send", _id=cid, room="dm:agent2", text="hello once")
    # the retry comes on another connection of the same agent (after a reconnect)
    a2 = await WsClient.login(center.url, center.ca_file, "agent1")
    r2 = await a2.cmd_frame("team.send", _id=cid, room="dm:agent2", text="hello once")
    assert r1 == r2 and r1["type"] == "result"
    hist = await b.cmd("team.history", room="dm:agent1")
    assert [m["text"] for m in hist["messages"]] == ["hello once"]
    # a failing command is remembered too
    bad = str(uuid.uuid4())
    e1 = await a.cmd_frame("conv.get", _id=bad, conversation="c-nope")
    e2 = await a.cmd_frame("conv.get", _id=bad, conversation="c-nope")
    assert e1 == e2 and e1["code"] == "not_found"
    for c in (a, a2, b):
        await c.close()


async def test_resume_after_dropped_connection_replays_missed_events_exactly_once(center):
    c = await WsClient.login(center.url, center.ca_file, "agent1")
    await c.cmd("state.set", state="available")
    await c.wait_event("agent.state", lambda d: d["state"] == "available")
    seen = c.last_seq
    await c.drop()
    # events happen while the agent is away (within the grace period)
    other = await WsClient.login(center.url, center.ca_file, "agent2")
    await other.cmd("team.send", room="dm:agent1", text="are you there?")
    await other.cmd("team.send", room="team:care", text="team news")
    token = c.welcome["token"]
    back = await WsClient.login(center.url, center.ca_file, "agent1", token=token, since=seen)
    assert back.welcome["resumed"] is True and "snapshot" not in back.welcome
    await back.wait_event("team.message", lambda d: d["message"]["text"] == "team news")
    texts = [e["data"]["message"]["text"] for e in back.events if e["kind"] == "team.message"]
    assert texts == ["are you there?", "team news"]
    assert [e["seq"] for e in back.events] == list(range(seen + 1, seen + 1 + len(back.events)))
    assert back.events[0]["seq"] == seen + 1
    # the agent's state was kept (grace period), no offline in between
    assert all(e["data"]["state"] != "offline" for e in back.events if e["kind"] == "agent.state")
    assert back.duplicates == 0
    await back.close()
    await other.close()


async def test_resume_after_center_restart_loses_and_duplicates_nothing(center):
    c = await WsClient.login(center.url, center.ca_file, "agent1")
    await c.cmd("state.set", state="available")
    await c.wait_event("agent.state", lambda d: d["state"] == "available")
    before = c.last_seq
    token = c.welcome["token"]
    other = await WsClient.login(center.url, center.ca_file, "agent2")
    await other.cmd("team.send", room="dm:agent1", text="one")
    await c.wait_event("team.message", lambda d: d["message"]["text"] == "one")
    seen = c.last_seq
    await c.close()
    await other.close()
    # events are written before they are sent: these two are stored while agent1 is away
    other = await WsClient.login(center.url, center.ca_file, "agent2")
    await other.cmd("team.send", room="dm:agent1", text="two")
    await other.cmd("team.send", room="dm:agent1", text="three")
    await other.close()
    await asyncio.to_thread(center.restart)
    back = await WsClient.login(center.url, center.ca_file, "agent1", token=token, since=seen)
    assert back.welcome["resumed"] is True
    await back.wait_event("team.message", lambda d: d["message"]["text"] == "three")
    texts = [e["data"]["message"]["text"] for e in back.events if e["kind"] == "team.message"]
    assert texts == ["two", "three"]
    assert back.events[0]["seq"] == seen + 1 and seen > before
    assert back.duplicates == 0
    # state survived the restart
    assert (await back.cmd("presence.get"))["presence"][0]  # answers after restart
    snap_state = next(p for p in (await back.cmd("presence.get"))["presence"] if p["user"] == "agent1")
    assert snap_state["state"] == "available"
    await back.close()


async def test_resume_from_an_unknown_seq_gets_a_snapshot(center):
    c = await WsClient.login(center.url, center.ca_file, "agent4")
    token = c.welcome["token"]
    await c.close()
    again = await WsClient.login(center.url, center.ca_file, "agent4", token=token, since=10_000)
    assert again.welcome["resumed"] is False and "snapshot" in again.welcome
    await again.close()


async def test_grace_period_keeps_state_then_goes_offline(make_center):
    center = make_center(grace_seconds=1.5)
    c = await WsClient.login(center.url, center.ca_file, "agent5")
    await c.cmd("state.set", state="available")
    watcher = await WsClient.login(center.url, center.ca_file, "lead1")
    await c.drop()
    # after the grace period the agent goes offline (seen through presence)
    change = await watcher.wait_event(
        "presence.delta", lambda d: any(p["user"] == "agent5" and p["state"] == "offline" for p in d["changes"]),
        timeout=10)
    assert change
    await watcher.close()


async def test_bye_ends_the_agent_at_once(center):
    c = await WsClient.login(center.url, center.ca_file, "agent6")
    await c.cmd("state.set", state="available")
    watcher = await WsClient.login(center.url, center.ca_file, "lead1")
    await c.close(bye=True)
    # no grace period: offline at once (well before the default 60 s grace)
    await watcher.wait_event(
        "presence.delta", lambda d: any(p["user"] == "agent6" and p["state"] == "offline" for p in d["changes"]),
        timeout=5)
    assert await asyncio.to_thread(center.call, lambda hub: hub.agents["agent6"].state) == "offline"
    await watcher.close()


async def test_ping_pong_echoes_t(center):
    c = await WsClient.login(center.url, center.ca_file, "agent1")
    await c.send({"type": "ping", "t": 12.5})
    f = await c.wait_frame(lambda f: f["type"] == "pong")
    assert f["t"] == 12.5
    await c.close()


async def test_wrong_passwords_slow_that_address_down_but_never_lock_the_user_out(center):
    c = await WsClient.open(center.url, center.ca_file)
    codes = []
    for _ in range(6):
        try:
            await c.hello("agent3", "guess")
        except LoginError as exc:
            codes.append(exc.code)
    # Five free failures for (user, address), then a delay: refused without hashing.
    assert codes == ["auth_failed"] * 5 + ["rate_limited"]
    await c.close()
    # The same user from another address is not slowed down at all …
    other = await WsClient.open(center.url, center.ca_file, local_addr=("127.0.0.2", 0))
    await other.hello("agent3", "demo")
    await other.close()
    # … and from this address the right password works again once the (1 s) delay has passed.

    async def right_password_works() -> bool:
        again = await WsClient.open(center.url, center.ca_file)
        try:
            await again.hello("agent3", "demo")
            return True
        except LoginError as exc:
            assert exc.code == "rate_limited"
            return False
        finally:
            await again.close()

    await until(right_password_works, 5, "the login delay to end")


async def test_user_added_while_running_can_log_in(center):
    import subprocess
    import sys

    res = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "agent_tui.center", "user", "add", str(center.dir), "newbie",
                         "--name", "New Bie", "--team", "care", "--skills", "general", "--password-stdin"],
        input="w3lkom!\n", capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    c = await WsClient.login(center.url, center.ca_file, "newbie", "w3lkom!")
    assert c.welcome["user"]["name"] == "New Bie" and c.welcome["user"]["team"] == "care"
    await c.close()
