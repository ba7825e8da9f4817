"""``agent-tui ctl``/``login``/``logout`` as a tester runs them: real processes
against the real center over real TLS; exit codes and one-line errors."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from agent_tui.core import credentials
from agent_tui.core.client import CenterClient
from agent_tui.ctl.exits import (
    EXIT_AUTH,
    EXIT_LOGIN,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_TIMEOUT,
    EXIT_TRUST,
)
from agent_tui.jsonout import dumps
from tests.client.agent_events import reasons
from tests.kit.waiting import until


def ctl_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "agent_tui", *args]


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(ctl_cmd(*args), input=stdin, capture_output=True, text=True,
                          timeout=timeout, env=full_env)


def conn_args(center: Any, url: str | None = None, user: str = "agent1",
              ca: Path | None = None) -> list[str]:
    return ["ctl", "--server", url or center.url, "--ca", str(ca or center.ca_file), "--user", user,
            "--password-stdin"]


def ok_json(proc: subprocess.CompletedProcess[str]) -> Any:
    assert proc.returncode == EXIT_OK, proc.stderr
    return json.loads(proc.stdout)


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert proc.stdout == ""
    return lines[0]


# --- errors -------------------------------------------------------------------------


def test_whoami_prints_json(center):
    data = ok_json(run(*conn_args(center), "whoami", stdin="demo\n"))
    assert data["user"] == "agent1" and data["role"] == "agent"


def test_wrong_password_has_its_own_exit_code_and_line(center):
    proc = run(*conn_args(center), "whoami", stdin="wrong\n")
    assert proc.returncode == EXIT_AUTH
    assert "wrong user or password" in one_error_line(proc)


def test_untrusted_certificate_names_the_ca_file(center, other_ca):
    proc = run(*conn_args(center, ca=other_ca), "whoami", stdin="demo\n")
    assert proc.returncode == EXIT_TRUST
    line = one_error_line(proc)
    assert "not trusted" in line and str(other_ca) in line


def test_unreachable_port_is_retried_until_the_timeout(center):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = run(*conn_args(center, url=f"wss://127.0.0.1:{port}"), "--timeout", "1", "whoami", stdin="demo\n")
    assert proc.returncode == EXIT_TIMEOUT
    line = one_error_line(proc)
    assert "unreachable within 1 s" in line and "refused" in line


def test_refused_command_exits_1_with_the_center_message(center):
    proc = run(*conn_args(center), "kb", "get", "no-such-article", stdin="demo\n")
    assert proc.returncode == EXIT_REFUSED
    assert "not_found" in one_error_line(proc)


def test_no_login_at_all_says_how_to_get_one(tmp_path):
    proc = run("ctl", "whoami", env={"AGENT_TUI_CONFIG": str(tmp_path / "none.yaml")})
    assert proc.returncode == EXIT_LOGIN
    assert "agent-tui login" in one_error_line(proc)


def test_output_escapes_terminal_controls():
    text = dumps({"t": "a\x1b[31mred\x9b2J\u202eevil é"})
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
    assert json.loads(text)["t"] == "a\x1b[31mred\x9b2J\u202eevil é"


# --- commands -------------------------------------------------------------------------


def test_state_presence_queue_kb_stats(center):
    args = conn_args(center)
    assert ok_json(run(*args, "state", "break", "--reason", "coffee", stdin="demo\n"))["state"] == "break"
    presence = ok_json(run(*args, "presence", stdin="demo\n"))["presence"]
    me = [p for p in presence if p["user"] == "agent1"]
    assert me and me[0]["state"] == "break"
    assert "queues" in ok_json(run(*args, "queue", stdin="demo\n"))
    hits = ok_json(run(*args, "kb", "search", "wachtwoord", stdin="demo\n"))["hits"]
    assert hits
    article = ok_json(run(*args, "kb", "get", hits[0]["id"], stdin="demo\n"))
    assert article["id"] == hits[0]["id"]
    # team figures are for leads (issue 9 §4)
    assert "agents" in ok_json(run(*conn_args(center, user="lead1"), "stats", stdin="demo\n"))
    marker = f"ctl team {uuid.uuid4()}"
    msg = ok_json(run(*args, "team", "send", "team:care", marker, stdin="demo\n"))
    assert msg["message"]["text"] == marker


@pytest.mark.slow
def test_offer_accept_send_note_wrapup_history(center):
    args = conn_args(center)
    ok_json(run(*args, "state", "available", stdin="demo\n"))
    customer = f"cust-{uuid.uuid4().hex[:8]}"
    center.inject("chat", customer, "Mijn internet doet het niet", name="Test Klant")
    accepted = ok_json(run(*args, "accept", "--wait", "20", stdin="demo\n"))
    conv = accepted["conversation"]
    assert conv["customer"]["id"] == customer
    ok_json(run(*args, "send", conv["id"], "Ik kijk het voor u na", stdin="demo\n"))
    ok_json(run(*args, "note", conv["id"], "modem herstart", stdin="demo\n"))
    assert [m["text"] for m in center.outbox(customer)] == ["Ik kijk het voor u na"]  # not the note
    codes = ok_json(run(*args, "wrapup-codes", stdin="demo\n"))["codes"]
    closed = ok_json(run(*args, "wrapup", conv["id"], codes[0]["code"], "--notes", "ok", stdin="demo\n"))
    assert closed["conversation"]["id"] == conv["id"]
    history = ok_json(run(*args, "history", customer, stdin="demo\n"))
    assert conv["id"] in [c["id"] for c in history["conversations"]]
    # Transcripts come in pages: --limit/--before walk back from the newest message.
    page = ok_json(run(*args, "conversation", conv["id"], "--limit", "1", stdin="demo\n"))
    assert [m["text"] for m in page["messages"]] == ["modem herstart"] and page["older"]
    rest = ok_json(run(*args, "conversation", conv["id"], "--before", str(page["older"]), stdin="demo\n"))
    assert [m["text"] for m in rest["messages"]] == ["Mijn internet doet het niet", "Ik kijk het voor u na"]
    assert rest["older"] is None


def test_accept_without_offer_fails_clearly(center):
    proc = run(*conn_args(center), "accept", stdin="demo\n")
    assert proc.returncode == EXIT_REFUSED
    assert "no pending offer" in one_error_line(proc)


# --- events -----------------------------------------------------------------------------


async def _reader(proc: asyncio.subprocess.Process, lines: list[dict]) -> None:
    assert proc.stdout is not None
    async for raw in proc.stdout:
        lines.append(json.loads(raw))


@pytest.mark.slow
async def test_events_follow_survives_a_cut_without_gaps_or_duplicates(center, proxy):
    b = CenterClient(center.url, center.ca_file, "agent1", password="demo")
    await b.start()
    proc = None
    try:
        await b.wait_online(15)
        since = b.last_seq
        proc = await asyncio.create_subprocess_exec(
            *ctl_cmd(*conn_args(center, url=f"wss://127.0.0.1:{proxy.port}"), "events", "--follow",
                     "--since", str(since), "--ping-interval", "0.5"),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        assert proc.stdin is not None
        proc.stdin.write(b"demo\n")
        await proc.stdin.drain()
        proc.stdin.close()
        lines: list[dict] = []
        reader = asyncio.ensure_future(_reader(proc, lines))
        await b.call("state.set", state="break", reason="e1")
        await until(lambda: "e1" in reasons(lines), 30, "e1 printed")
        assert proxy.down() >= 1
        for i in range(2, 5):
            await b.call("state.set", state="lunch" if i % 2 else "break", reason=f"e{i}")
        proxy.up()
        await b.call("state.set", state="meeting", reason="e5")
        await until(lambda: "e5" in reasons(lines), 30, "e5 printed")
        assert proxy.accepted >= 2  # it really reconnected
        assert reasons(lines) == ["e1", "e2", "e3", "e4", "e5"]
        seqs = [e["seq"] for e in lines]
        assert seqs == list(range(since + 1, since + 1 + len(seqs)))
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)
        reader.cancel()
    finally:
        if proc is not None and proc.returncode is None:
            proc.kill()
            await proc.wait()
        await b.close()


async def test_events_cursor_continues_where_the_last_run_stopped(center, tmp_path):
    b = CenterClient(center.url, center.ca_file, "agent1", password="demo")
    await b.start()
    cursor = tmp_path / "events.cursor"
    try:
        await b.wait_online(15)
        since = b.last_seq
        await b.call("state.set", state="break", reason="c1")
        await b.call("state.set", state="lunch", reason="c2")
        loop = asyncio.get_running_loop()
        first = await loop.run_in_executor(None, lambda: run(
            *conn_args(center), "events", "--since", str(since), "--cursor", str(cursor),
            "--count", "1", "--timeout", "20", stdin="demo\n"))
        first_lines = [json.loads(x) for x in first.stdout.splitlines()]
        assert first.returncode == EXIT_OK, first.stderr
        assert [e["seq"] for e in first_lines] == [since + 1]
        assert cursor.read_text().strip() == str(since + 1)
        await b.call("state.set", state="meeting", reason="c3")
        second = await loop.run_in_executor(None, lambda: run(
            *conn_args(center), "events", "--cursor", str(cursor), stdin="demo\n"))
        assert second.returncode == EXIT_OK, second.stderr
        second_lines = [json.loads(x) for x in second.stdout.splitlines()]
        seqs = [e["seq"] for e in first_lines + second_lines]
        assert seqs == list(range(since + 1, since + 1 + len(seqs)))
        assert reasons(first_lines + second_lines)[:3] == ["c1", "c2", "c3"]
        assert int(cursor.read_text()) == seqs[-1]
    finally:
        await b.close()


def test_events_count_timeout_exits_7(center):
    # (the login itself may cause a presence event, so ask for more than can come)
    proc = run(*conn_args(center), "events", "--count", "1000", "--timeout", "0.5", stdin="demo\n")
    assert proc.returncode == 7
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "of 1000 events" in lines[0], proc.stderr
    assert len(proc.stdout.splitlines()) < 1000


# --- login / logout ----------------------------------------------------------------------

needs_bus = pytest.mark.skipif(
    not os.environ.get("DBUS_SESSION_BUS_ADDRESS"),
    reason="needs a session D-Bus with a Secret Service: run under scripts/with-keyring",
)


@needs_bus
def test_login_stores_in_keyring_then_ctl_uses_it_and_logout_forgets(center, tmp_path):
    config = tmp_path / "config.yaml"
    env = {"AGENT_TUI_CONFIG": str(config)}
    proc = run("login", "--server", center.url, "--ca", str(center.ca_file), "--user", "agent3",
               "--password-stdin", stdin="demo\n", env=env)
    out = ok_json(proc)
    assert out["user"]["user"] == "agent3"
    text = config.read_text()
    assert center.url in text and "agent3" in text and "demo" not in text.replace("(demo)", "")
    assert credentials.get_password(center.url, "agent3") == "demo"
    token = credentials.get_token(center.url, "agent3")
    assert token
    # the stored login: no flags, no password on stdin
    assert ok_json(run("ctl", "whoami", env=env))["user"] == "agent3"
    out = ok_json(run("logout", env=env))
    assert out["logged_out"] is True
    assert credentials.get_password(center.url, "agent3") is None
    assert credentials.get_token(center.url, "agent3") is None
    proc = run("ctl", "whoami", env=env)
    assert proc.returncode == EXIT_LOGIN and "agent-tui login" in one_error_line(proc)


@needs_bus
def test_login_with_wrong_password_stores_nothing(center, tmp_path):
    env = {"AGENT_TUI_CONFIG": str(tmp_path / "config.yaml")}
    proc = run("login", "--server", center.url, "--ca", str(center.ca_file), "--user", "agent4",
               "--password-stdin", stdin="nope\n", env=env)
    assert proc.returncode == EXIT_AUTH
    one_error_line(proc)
    assert credentials.get_password(center.url, "agent4") is None
    assert not (tmp_path / "config.yaml").exists()


async def test_events_follow_stops_quietly_when_the_reader_goes_away(center):
    """`ctl events --follow | head -1` must end, not hang or print a traceback."""
    b = CenterClient(center.url, center.ca_file, "agent1", password="demo")
    await b.start()
    proc = None
    loop = asyncio.get_running_loop()
    try:
        await b.wait_online(15)
        since = b.last_seq
        await b.call("state.set", state="break", reason="p1")
        proc = subprocess.Popen(
            ctl_cmd(*conn_args(center), "events", "--follow", "--since", str(since)),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        proc.stdin.write(b"demo\n")
        proc.stdin.close()
        line = await asyncio.wait_for(loop.run_in_executor(None, proc.stdout.readline), 20)
        assert json.loads(line)["seq"] == since + 1
        proc.stdout.close()  # the reader goes away, as `head -1` does
        for i in range(3):
            await b.call("state.set", state="lunch" if i % 2 else "meeting", reason=f"p{i + 2}")
        assert await loop.run_in_executor(None, lambda: proc.wait(20)) == EXIT_OK
        assert proc.stderr.read() == b""
    finally:
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for pipe in (proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()
        await b.close()


async def test_accept_and_decline_default_to_the_oldest_pending_offer(center):
    offers: list[dict] = []

    def on_event(frame: dict) -> None:
        if frame["kind"] == "offer.new":
            offers.append(frame["data"])

    b = CenterClient(center.url, center.ca_file, "agent1", password="demo", on_event=on_event)
    await b.start()
    loop = asyncio.get_running_loop()
    try:
        await b.wait_online(15)
        await b.call("state.set", state="available")
        first, second = (f"cust-{uuid.uuid4().hex[:8]}" for _ in range(2))
        await loop.run_in_executor(None, lambda: center.inject("chat", first, "eerste vraag"))
        await until(lambda: len(offers) == 1, 30, "first offer")
        await loop.run_in_executor(None, lambda: center.inject("chat", second, "tweede vraag"))
        await until(lambda: len(offers) == 2, 30, "second offer")
        accepted = await loop.run_in_executor(None, lambda: run(*conn_args(center), "accept", stdin="demo\n"))
        assert ok_json(accepted)["conversation"]["customer"]["id"] == first
        declined = await loop.run_in_executor(None, lambda: run(*conn_args(center), "decline", stdin="demo\n"))
        assert ok_json(declined)["offer"] == offers[1]["offer"]
    finally:
        await b.close()


def test_transfer_resolves_agent_or_queue_names(center):
    args = conn_args(center)
    ok_json(run(*args, "state", "available", stdin="demo\n"))
    customer = f"cust-{uuid.uuid4().hex[:8]}"
    center.inject("chat", customer, "Ik wil verhuizen")
    conv = ok_json(run(*args, "accept", "--wait", "20", stdin="demo\n"))["conversation"]
    proc = run(*args, "transfer", conv["id"], "--to", "nobody-here", stdin="demo\n")
    assert proc.returncode == EXIT_REFUSED and "no agent or queue named" in one_error_line(proc)
    ok_json(run(*args, "transfer", conv["id"], "--to", "chat-tech", "--note", "technisch", stdin="demo\n"))
    open_ids = [c["id"] for c in ok_json(run(*args, "conversations", stdin="demo\n"))["conversations"]]
    assert conv["id"] not in open_ids
