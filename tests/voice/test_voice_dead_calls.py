"""Dead calls end (issue 10, section 3): a caller killed without BYE, while queued and while talking.

The engine hangs up a leg whose audio stream received nothing for ``voice.rtp_timeout_s``; the
conversation closes with the reason in its transcript, and no agent is offered the dead call.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from agent_tui.center.store import conversations as conv_store
from agent_tui.center.voice import settings as vs
from tests.kit.voicekit import PY, start_phone
from tests.kit.waiting import LineLog, until
from tests.kit.wsclient import WsClient

pytestmark = pytest.mark.slow

TIMEOUT_S = 3


def _caller(procs, center_dir, number: str, tones, tmp_path):
    return procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center_dir), "--from", number,
                  "--play", str(tones["customer"]), "--record", str(tmp_path / f"{number}.wav"),
                  "--duration", "120", "--timeout", "30", "--events"], "customer")


def _headless_agent(center, user: str, tones, tmp_path) -> tuple[subprocess.Popen, LineLog]:
    """`agent-tui ctl phone --auto-answer` logged in as *user*, with its progress lines."""
    pw = tmp_path / f"pw-{user}"
    pw.write_text("demo\n")
    pw.chmod(0o600)
    agent = subprocess.Popen(
        [sys.executable, "-m", "agent_tui", "ctl", "--server", center.url, "--ca", str(center.ca_file),
         "--user", user, "--password-stdin", "phone", "--auto-answer", "--wait", "40",
         "--duration", "60", "--play", str(tones["agent2"]), "--events"],
        stdin=pw.open(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    progress: LineLog[dict] = LineLog()

    def read_progress() -> None:
        assert agent.stderr is not None
        for line in agent.stderr:
            if line.startswith("{"):
                progress.append(json.loads(line))
        progress.close()

    threading.Thread(target=read_progress, daemon=True).start()
    return agent, progress


def _open_voice(center, number: str):
    row = center.call(lambda hub: conv_store.open_of(hub.db, number, "voice"))
    return dict(row) if row is not None else None


def _texts(center, conv: str) -> list[str]:
    return [str(r["text"]) for r in center.call(lambda hub: conv_store.messages(hub.db, conv))]


async def test_a_killed_caller_ends_while_queued_and_while_talking(make_center, tones, procs, tmp_path):
    center = make_center(voice={"enabled": True, "rtp_timeout_s": TIMEOUT_S, "max_waiting_per_caller": 1})

    # 1. Queued: nobody is available; the caller's phone dies without a BYE.
    queued = _caller(procs, center.dir, "+31600000401", tones, tmp_path)
    row = await until(lambda: _open_voice(center, "+31600000401"), 30, "the queued voice conversation")
    await asyncio.to_thread(queued.wait, lambda e: e.get("ev") == "media", 15)
    # The same number again while it waits: busy, not a second junk conversation.
    again = procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center.dir), "--from", "+31600000401",
                   "--duration", "1", "--timeout", "15"], "customer-again")
    refused = await asyncio.to_thread(again.wait, lambda e: "result" in e, 20)
    assert not refused["answered"] and refused["code"] == 486, refused
    queued.proc.kill()
    killed = time.monotonic()
    await until(lambda: _open_voice(center, "+31600000401") is None, TIMEOUT_S + 8, "the dead call to close")
    assert time.monotonic() - killed < TIMEOUT_S + 8
    assert any(f"no audio from the caller for {TIMEOUT_S} s" in t for t in _texts(center, row["id"]))

    # Nobody is offered the dead call: the first offer agent1 gets is a new chat, not the ghost.
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    await a1.cmd("state.set", state="available")
    center.inject("chat", "web-marker", "hello")
    first = await a1.wait_event("offer.new", timeout=15)
    assert first["data"]["conversation"]["channel"] == "chat"
    await a1.cmd("offer.decline", offer=first["data"]["offer"])

    # 2. Talking: agent1 answers, then the caller's phone dies.
    phone = await asyncio.to_thread(start_phone, procs, center.dir, "agent1", play=tones["agent"],
                                    record=tmp_path / "a1")
    talking = _caller(procs, center.dir, "+31600000402", tones, tmp_path)
    offered = await a1.wait_event("voice.offered", timeout=30)
    conv = offered["data"]["conversation"]
    phone.send(cmd="dial", uri=offered["data"]["pickup"])
    await a1.wait_event("voice.answered", lambda d: d["conversation"] == conv, timeout=15)
    await asyncio.to_thread(phone.wait, lambda e: e.get("ev") == "media" and e["state"] == "active", 15)
    talking.proc.kill()
    ended = await a1.wait_event("voice.ended", lambda d: d["conversation"] == conv, timeout=TIMEOUT_S + 10)
    assert f"no audio from the caller for {TIMEOUT_S} s" in ended["data"]["reason"]
    # The agent's phone is hung up too, and the conversation carries the reason.
    await asyncio.to_thread(phone.wait, lambda e: e.get("ev") == "ended", 10)
    assert any("no audio from the caller" in t for t in _texts(center, conv))
    assert _open_voice(center, "+31600000402") is None or \
        _open_voice(center, "+31600000402")["status"] in ("wrapup", "closed")
    await a1.close(bye=True)

    # 3. The engine dies mid-call, so its BYE never comes (as behind a NAT in direct mode): the
    # center's voice.ended makes the headless phone hang up at once, not sit in a silent call.
    agent, progress = _headless_agent(center, "agent2", tones, tmp_path)
    try:
        _caller(procs, center.dir, "+31600000403", tones, tmp_path)
        await asyncio.to_thread(progress.wait, lambda e: e.get("ev") == "answered", 40,
                                what="the headless phone's answered call")
        os.kill(json.loads(vs.engine_address_file(center.dir).read_text())["pid"], signal.SIGKILL)
        killed = time.monotonic()
        out, _err = await asyncio.to_thread(agent.communicate, timeout=30)
        assert time.monotonic() - killed < 15  # not the 60 s of --duration
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait(10)
    result = json.loads(out.strip().splitlines()[-1])
    assert result["result"] == "completed" and result["ended_by"] == "remote", result
