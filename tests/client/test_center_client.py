"""CenterClient against the real center over real TLS, with real link faults
(a TCP proxy that cuts, refuses and stalls connections)."""

from __future__ import annotations

import asyncio
import socket
import uuid
from typing import Any

import pytest

from agent_tui.core.client import (
    AuthError,
    CenterClient,
    CommandError,
    ConnectionStatus,
    TrustError,
    UnreachableError,
)
from tests.client.agent_events import reasons
from tests.kit.waiting import until


def proxied(proxy: Any) -> str:
    return f"wss://127.0.0.1:{proxy.port}"


def assert_contiguous(events: list[dict]) -> None:
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs


class Clients:
    """Starts clients and always closes them."""

    def __init__(self) -> None:
        self.all: list[CenterClient] = []

    async def online(self, url: str, ca: Any, user: str = "agent1", **kw: Any) -> CenterClient:
        c = await self.started(url, ca, user, **kw)
        await c.wait_online(15)
        return c

    async def started(self, url: str, ca: Any, user: str = "agent1", **kw: Any) -> CenterClient:
        kw.setdefault("password", "demo")
        c = CenterClient(url, ca, user, **kw)
        self.all.append(c)
        await c.start()
        return c

    async def close(self) -> None:
        for c in self.all:
            await c.close()




async def test_login_gives_snapshot_and_commands_answer(center, clients):
    statuses: list[ConnectionStatus] = []
    tokens: list[str] = []
    c = await clients.started(center.url, center.ca_file, on_status=statuses.append,
                              on_token=tokens.append)
    welcome = await c.wait_online(15)
    assert welcome["resumed"] is False and "offers" in welcome["snapshot"]
    assert (await c.call("whoami"))["user"] == "agent1"
    assert tokens and tokens[-1] == c.token
    assert [s.state for s in statuses][:2] == ["connecting", "online"]
    with pytest.raises(CommandError) as exc:
        await c.call("conv.get", conversation="no-such-conversation")
    assert exc.value.code in ("not_found", "forbidden")
    with pytest.raises(CommandError) as exc:
        c.submit("state.set", state="on_contact")  # only the center sets it
    assert exc.value.code == "bad_args"


async def test_ping_measures_rtt(center, clients):
    c = await clients.online(center.url, center.ca_file, ping_interval=0.2)
    await until(lambda: c.status.rtt_ms is not None, what="an RTT")
    assert 0 <= c.status.rtt_ms < 5000


async def test_wrong_password_is_auth_error(center, clients):
    c = await clients.started(center.url, center.ca_file, password="wrong")
    with pytest.raises(AuthError, match="wrong user or password"):
        await c.wait_online(15)
    assert c.status.state == "auth_failed"


async def test_rejected_token_falls_back_to_password(center, clients):
    tokens: list[str] = []
    c = await clients.online(center.url, center.ca_file, token="not-a-valid-token",
                             on_token=tokens.append)
    assert tokens and tokens[-1] != "not-a-valid-token"
    # and the new token alone logs in
    c2 = await clients.online(center.url, center.ca_file, password=None, token=c.token)
    assert (await c2.call("whoami"))["user"] == "agent1"


async def test_rejected_token_without_password_is_auth_error(center, clients):
    c = await clients.started(center.url, center.ca_file, password=None, token="bogus")
    with pytest.raises(AuthError, match="token"):
        await c.wait_online(15)


async def test_untrusted_certificate_is_trust_error_naming_the_ca_file(center, clients, other_ca):
    c = await clients.started(center.url, other_ca)
    with pytest.raises(TrustError) as exc:
        await c.wait_online(15)
    assert str(other_ca) in str(exc.value)


async def test_unreachable_port_is_unreachable_error(clients, center):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = await clients.started(f"wss://127.0.0.1:{port}", center.ca_file)
    with pytest.raises(UnreachableError, match="refused"):
        await c.wait_online(15)


def test_plain_ws_address_is_refused(center):
    with pytest.raises(ValueError, match="wss://"):
        CenterClient(center.url.replace("wss://", "ws://"), center.ca_file, "agent1", password="demo")


async def test_resume_after_dropped_connection_loses_and_duplicates_nothing(center, proxy, clients):
    events: list[dict] = []
    welcomes: list[dict] = []
    a = await clients.online(proxied(proxy), center.ca_file, on_event=events.append,
                             on_welcome=welcomes.append)
    b = await clients.online(center.url, center.ca_file)  # a second session, same agent
    await b.call("state.set", state="break", reason="r0")
    await until(lambda: reasons(events) == ["r0"], what="r0")
    assert proxy.down() == 1  # the TCP connection is really cut
    await until(lambda: not a.online, what="client to notice the cut")
    for i in range(1, 6):
        await b.call("state.set", state="break" if i % 2 else "lunch", reason=f"r{i}")
    proxy.up()
    await until(lambda: reasons(events)[-1:] == ["r5"], 30, "the replay")
    assert reasons(events) == [f"r{i}" for i in range(6)]
    assert_contiguous(events)
    assert welcomes[-1]["resumed"] is True
    assert proxy.accepted >= 2


async def test_command_typed_while_link_is_down_goes_out_once(center, proxy, clients):
    a = await clients.online(proxied(proxy), center.ca_file)
    b = await clients.online(center.url, center.ca_file, "agent2")
    proxy.down()
    await until(lambda: not a.online, what="client offline")
    marker = f"while offline {uuid.uuid4()}"
    fut = a.submit("team.send", room="team:care", text=marker)
    assert len(a.outbox) == 1 and a.status.queued == 1
    proxy.up()
    data = await asyncio.wait_for(fut, 30)
    assert data["message"]["text"] == marker
    assert a.outbox == [] and a.status.queued == 0
    history = await b.call("team.history", room="team:care")
    assert [m["text"] for m in history["messages"]].count(marker) == 1


async def test_lost_answer_is_retried_with_same_id_and_takes_effect_once(center, proxy, clients):
    a = await clients.online(proxied(proxy), center.ca_file, ping_interval=60)
    b = await clients.online(center.url, center.ca_file, "agent2")
    proxy.pause("down")  # the command reaches the center; its answer does not come back
    marker = f"lost answer {uuid.uuid4()}"
    fut = a.submit("team.send", room="team:care", text=marker)
    cmd_id = a.outbox[0].id

    async def stored() -> int:
        history = await b.call("team.history", room="team:care")
        return [m["text"] for m in history["messages"]].count(marker)

    await until(stored, 15, "the center to get the command")
    assert not fut.done()
    proxy.cut()
    proxy.resume("down")
    data = await asyncio.wait_for(fut, 30)
    assert data["message"]["text"] == marker
    assert await stored() == 1  # the resend (same id) did not post it again
    assert a.outbox == []
    assert cmd_id not in [h.id for h in a.outbox]


async def test_stalled_link_is_detected_by_ping_and_recovers(center, proxy, clients):
    events: list[dict] = []
    a = await clients.online(proxied(proxy), center.ca_file, ping_interval=0.3,
                             on_event=events.append)
    b = await clients.online(center.url, center.ca_file)
    proxy.pause()
    await until(lambda: a.status.state == "reconnecting", 10, "the dead link to be noticed")
    await b.call("state.set", state="meeting", reason="during stall")
    proxy.resume()
    await until(lambda: "during stall" in reasons(events), 30, "the event after the stall")
    assert_contiguous(events)


@pytest.mark.slow
async def test_resume_after_center_restart_replays_from_the_database(center, proxy, clients):
    events: list[dict] = []
    a = await clients.online(proxied(proxy), center.ca_file, on_event=events.append)
    b = await clients.online(center.url, center.ca_file)
    await b.call("state.set", state="break", reason="before")
    await until(lambda: reasons(events) == ["before"], what="first event")
    proxy.down()
    await until(lambda: not a.online, what="client offline")
    await b.call("state.set", state="lunch", reason="missed-1")
    await b.call("state.set", state="break", reason="missed-2")
    await b.close()
    center.restart()  # same port, same database
    proxy.up()
    await until(lambda: reasons(events)[-1:] == ["missed-2"], 30, "the replay after the restart")
    assert reasons(events) == ["before", "missed-1", "missed-2"]
    assert_contiguous(events)
    c = await clients.online(center.url, center.ca_file)
    await c.call("state.set", state="available", reason="after")
    await until(lambda: reasons(events)[-1:] == ["after"], 30, "a live event after the restart")
    assert_contiguous(events)


async def test_logout_ends_the_token(center, clients):
    a = await clients.online(center.url, center.ca_file)
    token = a.token
    await a.close(logout=True)
    assert a.status.state == "offline"
    c = await clients.started(center.url, center.ca_file, password=None, token=token)
    with pytest.raises(AuthError):
        await c.wait_online(15)


async def test_retry_login_after_wrong_password_keeps_the_queued_command(center, clients):
    c = await clients.started(center.url, center.ca_file, password="wrong")
    with pytest.raises(AuthError):
        await c.wait_online(15)
    fut = c.submit("whoami")  # typed while the login is being fixed
    assert c.status.queued == 1
    await c.retry_login("demo")
    await c.wait_online(15)
    assert (await asyncio.wait_for(fut, 15))["user"] == "agent1"


async def test_a_command_cancelled_while_offline_never_reaches_the_center(center, proxy, clients):
    a = await clients.online(proxied(proxy), center.ca_file)
    b = await clients.online(center.url, center.ca_file, "agent2")
    proxy.down()
    await until(lambda: not a.online, what="client offline")
    undone = f"undone {uuid.uuid4()}"
    kept = f"kept {uuid.uuid4()}"
    fut_undone = a.submit("team.send", room="team:care", text=undone)
    fut_kept = a.submit("team.send", room="team:care", text=kept)
    assert a.cancel(a.outbox[0].id) is True
    assert a.status.queued == 1
    with pytest.raises(CommandError) as exc:
        await fut_undone
    assert exc.value.code == "cancelled"
    proxy.up()
    await asyncio.wait_for(fut_kept, 30)
    assert a.cancel("no-such-id") is False
    texts = [m["text"] for m in (await b.call("team.history", room="team:care"))["messages"]]
    assert kept in texts and undone not in texts
