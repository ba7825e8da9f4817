"""Login admission: growing delays per key, hashing slots fair between addresses, and the answer an
address over its cap of unauthenticated connections gets (a 503 now and then, otherwise no TLS at all)."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from agent_tui.center.admission import (
    BUSY_ANSWER_EVERY_S,
    BUSY_RETRY_AFTER_S,
    MAX_DELAY_S,
    MAX_PRELOGIN_PER_ADDR,
    Admission,
    FailureTable,
    FairSlots,
)
from agent_tui.center.tls_gate import TLS_GATE
from agent_tui.core.client import CenterClient, ConnectionStatus
from agent_tui.protocol import messages as m
from agent_tui.secure.tls import client_ssl_context
from tests.kit.waiting import until
from tests.kit.wsclient import WsClient


def test_delays_grow_per_key_and_stay_capped():
    now = [0.0]
    table = FailureTable(free=3, clock=lambda: now[0])
    delays = [table.fail(("agent1", "10.0.0.9")) for _ in range(12)]
    assert delays[:2] == [0.0, 0.0] and delays[2:6] == [1.0, 2.0, 4.0, 8.0] and delays[-1] == MAX_DELAY_S
    assert table.wait_left(("agent1", "10.0.0.9")) == MAX_DELAY_S
    assert table.wait_left(("agent1", "10.0.0.7")) == 0.0  # the same user elsewhere: no wait at all
    now[0] += MAX_DELAY_S
    assert table.wait_left(("agent1", "10.0.0.9")) == 0.0  # a delay, not a lock-out
    table.succeed(("agent1", "10.0.0.9"))
    assert table.fail(("agent1", "10.0.0.9")) == 0.0  # a success starts afresh


async def test_a_crowd_from_one_address_does_not_delay_another_address():
    slots = FairSlots(2)
    await slots.acquire("10.6.6.6")  # the crowd holds all it may: one of the two slots …
    crowd = [asyncio.create_task(slots.acquire("10.6.6.6")) for _ in range(10)]
    await until(lambda: slots.waiting == 10, 5, "the crowd to queue")  # … and has ten more waiting
    assert slots.free == 1
    await asyncio.wait_for(slots.acquire("10.1.1.1"), 5)  # another address gets the slot left free at once
    slots.release("10.6.6.6")  # one crowd hash done: the crowd's next one starts, not before
    await until(lambda: sum(t.done() for t in crowd) == 1, 5, "the crowd's next turn")
    assert slots.waiting == 9 and slots.free == 0
    for t in crowd:
        t.cancel()
    await asyncio.gather(*crowd, return_exceptions=True)
    assert slots.waiting == 0


def test_an_over_cap_address_is_told_once_a_second_and_otherwise_refused_before_tls():
    now = [100.0]
    adm = Admission(max_prelogin=2, clock=lambda: now[0])
    try:
        assert adm.enter("10.6.6.6") and adm.enter("10.6.6.6")
        assert adm.busy("10.6.6.6") and not adm.busy("10.1.1.1")
        assert not adm.refuse_before_tls("10.6.6.6")  # not told yet: this one gets its TLS and a 503
        adm.busy_answered("10.6.6.6")
        assert adm.refuse_before_tls("10.6.6.6")  # told a moment ago: the next are closed before TLS …
        assert not adm.refuse_before_tls("10.1.1.1")  # … and only from that address
        now[0] += BUSY_ANSWER_EVERY_S
        assert not adm.refuse_before_tls("10.6.6.6")  # a second later it is told again
        adm.busy_answered("10.6.6.6")
        adm.leave("10.6.6.6")
        assert not adm.refuse_before_tls("10.6.6.6")  # under its cap again: served at once
    finally:
        adm.close()


async def _connect(center: Any, source: str) -> Any:
    return await connect(center.url, ssl=client_ssl_context(center.ca_file), subprotocols=[m.SUBPROTOCOL],  # type: ignore[list-item]
                         local_addr=(source, 0), open_timeout=10)


async def _hold_logins(center: Any, source: str) -> list[WsClient]:
    """MAX_PRELOGIN_PER_ADDR connections from *source* that have not logged in (each answered a ping)."""
    held = []
    for _ in range(MAX_PRELOGIN_PER_ADDR):
        c = await WsClient.open(center.url, center.ca_file, local_addr=(source, 0))
        held.append(c)
        await c.send({"type": "ping", "t": 1})
        await c.wait_frame(lambda f: f["type"] == "pong")  # the center counts it as logging in now
    return held


async def test_an_over_cap_address_gets_a_clear_retryable_answer(center):
    held = await _hold_logins(center, "127.0.0.3")
    try:
        with pytest.raises(InvalidStatus) as exc:
            await _connect(center, "127.0.0.3")
        assert exc.value.response.status_code == 503
        assert exc.value.response.headers["Retry-After"] == str(BUSY_RETRY_AFTER_S)
        assert b"the center is busy" in exc.value.response.body
        # Within the second after that answer, the next connection is closed before its TLS handshake
        # (Python 3.10 serves TLS on the listener: there it gets the 503 again).
        with pytest.raises((OSError, ssl.SSLError, EOFError) if TLS_GATE else InvalidStatus):
            await _connect(center, "127.0.0.3")
        ok = await _connect(center, "127.0.0.4")  # another address is not affected
        await ok.close()
        await held.pop().close()
        # One slot free again: the retry gets in (as soon as the center has seen the close).
        retry = await until(lambda: _connect_or_none(center, "127.0.0.3"), 10, "the retry to get in")
        await retry.close()
    finally:
        for c in held:
            await c.close()


async def _connect_or_none(center: Any, source: str) -> Any:
    try:
        return await _connect(center, source)
    except (InvalidStatus, OSError, ssl.SSLError, EOFError):
        return None


async def test_the_desk_says_the_center_is_busy_and_gets_in_when_it_is_not(center):
    held = await _hold_logins(center, "127.0.0.1")
    statuses: list[ConnectionStatus] = []
    desk = CenterClient(center.url, center.ca_file, "agent1", password="demo", on_status=statuses.append)
    try:
        await desk.start()
        await until(lambda: any("the center at" in s.detail and "is busy" in s.detail for s in statuses), 10,
                    "the desk to say that the center is busy")
        assert desk.status.state == "connecting"
        for c in held:
            await c.close()
        await until(lambda: desk.status.state == "online", 15, "the desk's retry to get in")
    finally:
        await desk.close()
        for c in held:
            await c.close()
