"""Customer ingress: HTTPS endpoint with a bearer key, and `center inject`."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from tests.kit.wsclient import WsClient


async def test_ingress_needs_the_bearer_key(center):
    status, out = await asyncio.to_thread(
        center._http, "POST", "/v1/messages", {"channel": "chat", "from": "x", "text": "hi"}, "wrong-key")
    assert status == 401 and out["error"]["code"] == "auth_failed"
    status, out = await asyncio.to_thread(center._http, "GET", "/v1/outbox?customer=x", None, "")
    assert status == 401


async def test_ingress_rejects_bad_bodies_with_clear_errors(center):
    cases = [
        ({"channel": "fax", "from": "x", "text": "hi"}, "bad_args"),
        ({"channel": "chat", "from": "x"}, "bad_args"),
        ({"channel": "chat", "from": "x", "text": "y" * (1024 * 1024 + 1)}, "too_large"),
        ({"channel": "chat", "from": "x", "text": "hi", "evil": 1}, "bad_args"),
        ({"channel": "chat", "from": "x", "text": "hi", "queue": "nope"}, "not_found"),
    ]
    for body, code in cases:
        status, out = await asyncio.to_thread(center._http, "POST", "/v1/messages", body)
        assert status in (400, 404, 413), (body, status)
        assert out["error"]["code"] == code, body


async def test_customer_message_continues_open_conversation(center):
    first = await asyncio.to_thread(center.inject, "email", "jan@example.nl", "Hello", subject="Invoice")
    second = await asyncio.to_thread(center.inject, "email", "jan@example.nl", "Any news?")
    assert first["conversation"]["id"] == second["conversation"]["id"]
    assert second["message"]["seq"] == 2 and second["message"]["direction"] == "in"
    other_channel = await asyncio.to_thread(center.inject, "sms", "jan@example.nl", "sms too")
    assert other_channel["conversation"]["id"] != first["conversation"]["id"]


async def test_a_follow_up_without_a_name_is_labelled_with_the_customers_name(center):
    await asyncio.to_thread(center.inject, "sms", "+31611122233", "Hello", name="Ans Smit")
    follow = await asyncio.to_thread(center.inject, "sms", "+31611122233", "Still there?")
    # The center labels it (every client gets the name), not with the raw number.
    assert follow["message"]["author"] == {"kind": "customer", "id": "+31611122233", "name": "Ans Smit"}


def _inject_cli(center_dir, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent_tui.center", "inject", str(center_dir), *args],
                          capture_output=True, text=True, timeout=60)


async def test_inject_cli_reaches_the_running_center_and_replies_are_visible(center):
    a = await WsClient.login(center.url, center.ca_file, "agent1")
    await a.cmd("state.set", state="available")
    res = await asyncio.to_thread(_inject_cli, center.dir, "--channel", "social", "--from", "@noor",
                                  "--name", "Noor", "--text", "why so slow?")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    offer = await a.wait_event("offer.new")
    assert offer["data"]["conversation"]["id"] == out["conversation"]["id"]
    conv = (await a.cmd("offer.accept", offer=offer["data"]["offer"]))["conversation"]["id"]
    await a.cmd("conv.send", conversation=conv, text="Sorry! Can you DM us your postcode?")
    sent = await asyncio.to_thread(center.outbox, "@noor")
    assert [m["text"] for m in sent] == ["Sorry! Can you DM us your postcode?"]
    assert sent[0]["channel"] == "social" and sent[0]["author"]["id"] == "agent1"
    await a.close()


async def test_inject_cli_without_running_center_queues_for_later(center):
    await asyncio.to_thread(center.stop)
    res = await asyncio.to_thread(_inject_cli, center.dir, "--channel", "chat", "--from", "web-off",
                                  "--text", "anyone there?")
    assert res.returncode == 0, res.stderr
    conv = json.loads(res.stdout)["conversation"]["id"]
    await asyncio.to_thread(center.start)
    a = await WsClient.login(center.url, center.ca_file, "agent1")
    await a.cmd("state.set", state="available")
    offer = await a.wait_event("offer.new")
    assert offer["data"]["conversation"]["id"] == conv
    await a.close()


def test_inject_cli_bad_channel_is_a_clear_error(center):
    res = _inject_cli(center.dir, "--channel", "fax", "--from", "x", "--text", "y")
    assert res.returncode != 0 and "fax" in res.stderr
