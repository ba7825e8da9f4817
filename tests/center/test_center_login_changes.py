"""`center user passwd|role|disable` (another process) closes that user's live sessions within 1 s."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from agent_tui.center.send_queue import CLOSE_LOGIN_CHANGED
from tests.kit.wsclient import LoginError, WsClient


def _user_cli(center_dir, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent_tui.center", "user", args[0], str(center_dir), *args[1:]],
                          input=stdin, capture_output=True, text=True, timeout=60)


async def _closed_within(c: WsClient, run_cli) -> tuple[float, int | None]:
    """Run the CLI; return (seconds from its exit to the session's close, the close code)."""
    res = await asyncio.to_thread(run_cli)
    assert res.returncode == 0, res.stderr
    done = time.monotonic()
    await asyncio.wait_for(c.closed.wait(), 5)
    rcvd = c.ws.protocol.close_rcvd
    return time.monotonic() - done, (rcvd.code if rcvd is not None else None)


async def test_passwd_closes_a_live_session_within_a_second(center):
    c = await WsClient.login(center.url, center.ca_file, "agent2")
    token = c.welcome["token"]
    took, code = await _closed_within(c, lambda: _user_cli(center.dir, "passwd", "agent2", "--password-stdin",
                                                            stdin="n3w-secret\n"))
    assert took < 1.0 and code == CLOSE_LOGIN_CHANGED
    print(f"\npasswd: the live session closed {took * 1000:.0f} ms after the CLI exited")
    with pytest.raises(LoginError) as old_token:
        await WsClient.login(center.url, center.ca_file, "agent2", token=token)
    assert old_token.value.code == "token_invalid"
    fresh = await WsClient.login(center.url, center.ca_file, "agent2", "n3w-secret")
    await fresh.close()


async def test_role_change_closes_the_session_and_the_next_login_has_the_new_role(center):
    c = await WsClient.login(center.url, center.ca_file, "agent3")
    assert c.welcome["user"]["role"] == "agent"
    took, code = await _closed_within(c, lambda: _user_cli(center.dir, "role", "agent3", "--role", "supervisor"))
    assert took < 1.0 and code == CLOSE_LOGIN_CHANGED
    again = await WsClient.login(center.url, center.ca_file, "agent3")
    assert again.welcome["user"]["role"] == "supervisor"
    await again.close()


async def test_disabled_user_is_closed_and_cannot_log_in(center):
    c = await WsClient.login(center.url, center.ca_file, "agent4")
    took, code = await _closed_within(c, lambda: _user_cli(center.dir, "disable", "agent4"))
    assert took < 1.0 and code == CLOSE_LOGIN_CHANGED
    with pytest.raises(LoginError) as refused:
        await WsClient.login(center.url, center.ca_file, "agent4")
    assert refused.value.code == "auth_failed"
    state = center.call(lambda hub: hub.agents["agent4"].state)
    assert state == "offline"
