"""Issue 8, principle 6: the demo center is its own process that outlives the first desk, a second
desk keeps working when the first quits, a restarted demo center keeps its port, the last desk out
stops it, and Ctrl+C during the first `demo --data DIR` leaves no broken DIR."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from agent_tui.core.client import CenterClient
from agent_tui.desk_cli import DeskLease, running_center, start_center
from tests.kit.paths import child_env
from tests.kit.waiting import wait_until


async def whoami(url: str, ca: Path, user: str) -> str:
    client = CenterClient(url, ca, user, password="demo", client_name="lifecycle-test")
    await client.start()
    try:
        await client.wait_online(20)
        return str((await client.call("whoami"))["user"])
    finally:
        await client.close()


def test_the_demo_center_lives_while_a_desk_uses_it_and_keeps_its_port(center_template, tmp_path) -> None:
    data = tmp_path / "demo"
    shutil.copytree(center_template, data)
    ca = data / "tls" / "ca.pem"
    first = DeskLease(data)
    proc, url = start_center(data, quiet=True)  # (this test is its parent: poll(), not kill(pid, 0))
    try:
        second = DeskLease(data)  # `demo --user agent2 --data DIR`: joins the running center
        assert running_center(data) == url
        first.release()  # the first desk quits
        with pytest.raises(AssertionError):  # ... and the center does not go with it
            wait_until(lambda: proc.poll() is not None, 2.5, "the center to stop (it must not)")
        assert asyncio.run(whoami(url, ca, "agent2")) == "agent2"
        second.release()  # the last desk out
        wait_until(lambda: proc.poll() is not None, 20, "the demo center to stop after the last desk")
        again = DeskLease(data)
        proc, url2 = start_center(data, quiet=True)
        assert url2 == url, "a restarted demo center keeps its port"
        assert asyncio.run(whoami(url2, ca, "agent1")) == "agent1"
        again.release()
        wait_until(lambda: proc.poll() is not None, 20, "the restarted center to stop")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


def test_ctrl_c_during_the_first_demo_init_leaves_no_broken_dir(tmp_path) -> None:
    data = tmp_path / "demo"
    proc = subprocess.Popen([sys.executable, "-m", "agent_tui", "demo", "--data", str(data), "--quiet"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=child_env(), start_new_session=True)  # its own group, as in a terminal
    try:
        wait_until(lambda: list(tmp_path.glob(".demo.init-*")) or proc.poll() is not None, 60,
                   "center init to start building")
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl+C: SIGINT to the foreground group
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
    assert proc.returncode == 130, err
    assert "no demo center was made" in err
    assert not data.exists() or (data / "center.yaml").exists(), "a half-made DIR"
    assert not list(tmp_path.glob(".demo.init-*")), "the half-built copy was left behind"


def test_a_demo_center_killed_with_minus_9_is_not_mistaken_for_a_live_one(center_template, tmp_path) -> None:
    """kill -9 leaves the run file (and, until reaped, the pid): the next desk must start a new
    center, not connect to the dead port and show a login that cannot work."""
    data = tmp_path / "demo"
    shutil.copytree(center_template, data)
    lease = DeskLease(data)
    proc, url = start_center(data, quiet=True)
    try:
        assert running_center(data) == url
        proc.kill()  # SIGKILL; not reaped yet: the pid still exists (a zombie)
        wait_until(lambda: running_center(data) is None, 10, "the dead center to be seen as dead")
        assert os.path.exists(data / "run" / "center.json"), "the run file stays behind after kill -9"
        proc.wait(5)
        proc, url2 = start_center(data, quiet=True)
        assert running_center(data) == url2
        assert asyncio.run(whoami(url2, data / "tls" / "ca.pem", "agent1")) == "agent1"
    finally:
        lease.release()
        if proc.poll() is None:
            proc.kill()
        proc.wait(5)
