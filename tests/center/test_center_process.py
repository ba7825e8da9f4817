"""`center init` / `center serve` as processes: the ready lines, clean stop, crash safety."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kit.wsclient import LoginError, WsClient


def _serve(center_dir: Path, *extra: str) -> tuple[subprocess.Popen, str, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent_tui.center", "serve", str(center_dir), "--port", "0", "--ingress-port", "0",
         *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line1 = proc.stdout.readline().strip()
    line2 = proc.stdout.readline().strip()
    if not line1.startswith("listening wss://"):
        proc.kill()
        raise AssertionError(f"unexpected first line {line1!r}: {proc.stderr.read() if proc.stderr else ''}")
    return proc, line1, line2


@pytest.fixture
def center_dir(center_template, tmp_path) -> Path:
    import shutil

    d = tmp_path / "proc-center"
    shutil.copytree(center_template, d)
    text = (d / "center.yaml").read_text().replace("demo: true", "demo: false")
    (d / "center.yaml").write_text(text)
    return d


def test_init_writes_a_center_directory_with_private_keys(tmp_path):
    d = tmp_path / "fresh"
    res = subprocess.run([sys.executable, "-m", "agent_tui.center", "init", str(d), "--demo"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    for p in ("center.yaml", "tls/ca.pem", "tls/ca.key", "tls/server.pem", "tls/server.key", "center.db",
              "secrets/ingress.key"):
        assert (d / p).exists(), p
    for p in ("tls/ca.key", "tls/server.key", "secrets/ingress.key"):
        assert (d / p).stat().st_mode & 0o077 == 0, p
    assert "password" not in (d / "center.yaml").read_text().lower()  # no secrets in the config
    db = sqlite3.connect(d / "center.db")
    hashes = [r[0] for r in db.execute("SELECT pw_hash FROM users WHERE pw_hash IS NOT NULL")]
    assert len(hashes) == 7 and all(h.startswith("scrypt$") for h in hashes)
    assert db.execute("SELECT COUNT(*) FROM kb_articles").fetchone()[0] >= 150
    db.close()
    again = subprocess.run([sys.executable, "-m", "agent_tui.center", "init", str(d)],
                           capture_output=True, text=True, timeout=60)
    assert again.returncode != 0 and "already" in again.stderr


@pytest.mark.slow
def test_serve_prints_ready_lines_and_stops_cleanly_on_sigterm(center_dir):
    proc, l1, l2 = _serve(center_dir)
    try:
        assert l1.startswith("listening wss://127.0.0.1:") and l2.startswith("ingress https://127.0.0.1:")
        url = l1.split()[1]

        async def talk() -> str:
            c = await WsClient.login(url, center_dir / "tls" / "ca.pem", "agent1")
            who = (await c.cmd("whoami"))["user"]
            await c.close()
            return who

        assert asyncio.run(talk()) == "agent1"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        assert not (center_dir / "run" / "center.json").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_sigkill_loses_nothing_that_was_acknowledged(center_dir):
    proc, l1, _ = _serve(center_dir)
    url = l1.split()[1]
    ca = center_dir / "tls" / "ca.pem"

    async def before_kill() -> tuple[str, int, list[str]]:
        a = await WsClient.login(url, ca, "agent1")
        b = await WsClient.login(url, ca, "agent2")
        texts = [f"msg {i}" for i in range(20)]
        for t in texts:  # each has a result: acknowledged by the center
            await b.cmd("team.send", room="dm:agent1", text=t)
        await a.wait_event("team.message", lambda d: d["message"]["text"] == "msg 19")
        token = a.welcome["token"]
        return token, a.welcome["last_seq"], texts

    token, seen, texts = asyncio.run(before_kill())
    proc.kill()  # SIGKILL: no cleanup at all
    proc.wait()
    db = sqlite3.connect(center_dir / "center.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    proc, l1, _ = _serve(center_dir)
    try:
        url = l1.split()[1]

        async def after() -> list[str]:
            a = await WsClient.login(url, ca, "agent1", token=token, since=seen)
            assert a.welcome["resumed"] is True
            await a.wait_event("team.message", lambda d: d["message"]["text"] == "msg 19")
            return [e["data"]["message"]["text"] for e in a.events if e["kind"] == "team.message"]

        assert asyncio.run(after()) == texts
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0


async def test_user_passwd_changes_the_password_and_ends_the_users_sessions(center):
    old = await WsClient.login(center.url, center.ca_file, "agent3")
    token = old.welcome["token"]
    await old.close()
    res = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "agent_tui.center", "user", "passwd", str(center.dir), "agent3",
                         "--password-stdin"],
        input="n3w-secret\n", capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "n3w-secret" not in res.stdout + res.stderr
    with pytest.raises(LoginError) as by_token:
        await WsClient.login(center.url, center.ca_file, "agent3", token=token)
    assert by_token.value.code == "token_invalid"
    with pytest.raises(LoginError):
        await WsClient.login(center.url, center.ca_file, "agent3", password="demo")
    new = await WsClient.login(center.url, center.ca_file, "agent3", password="n3w-secret")
    assert new.welcome["user"]["user"] == "agent3"
    await new.close()


def test_user_add_refuses_a_name_that_would_break_room_keys(center_dir):
    res = subprocess.run([sys.executable, "-m", "agent_tui.center", "user", "add", str(center_dir), "x|agent2",
                          "--password-stdin"], input="s3cret!\n", capture_output=True, text=True, timeout=60)
    assert res.returncode != 0 and "user name 'x|agent2'" in res.stderr
    db = sqlite3.connect(center_dir / "center.db")
    assert db.execute("SELECT COUNT(*) FROM users WHERE user = 'x|agent2'").fetchone()[0] == 0
    db.close()
