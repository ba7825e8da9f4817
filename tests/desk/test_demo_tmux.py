"""Drive `agent-tui demo` in a real terminal (tmux) and read the screen.

An SMS injected with `agent-tui center inject` must appear on screen as an offer while
agent1 is Available. Runs its own tmux server (socket per test) and always kills it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.kit.waiting import wait_until

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")]

AGENT_TUI = [sys.executable, "-m", "agent_tui"]


class Tmux:
    def __init__(self, name: str) -> None:
        self.sock = f"agent-tui-test-{os.getpid()}-{name}"

    def run(self, *args: str, check: bool = True) -> str:
        res = subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, text=True, timeout=20,
                             check=False)
        if check and res.returncode != 0:
            raise AssertionError(f"tmux {args}: {res.stderr}")
        return res.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "desk", check=False)

    def wait_screen(self, *needles: str, timeout: float = 30.0, pane: str = "desk") -> str:
        last = [""]

        def showing() -> str:
            last[0] = self.run("capture-pane", "-p", "-t", pane, check=False)
            return last[0] if all(n in last[0] for n in needles) else ""

        try:
            return wait_until(showing, timeout, f"the screen to show {needles!r}", interval=0.1)
        except AssertionError as err:
            raise AssertionError(f"{err}; last screen:\n{last[0]}") from None

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.sock, "kill-server"], capture_output=True, timeout=20, check=False)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def center_pid(center_dir: Path) -> int | None:
    try:
        return int(json.loads((center_dir / "run" / "center.json").read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return None


def test_demo_in_tmux_shows_injected_sms_offer(tmp_path):
    data = tmp_path / "demo"
    tmux = Tmux("demo")
    cmd = " ".join([*AGENT_TUI, "demo", "--data", str(data), "--quiet", "--language", "en"])
    env_cmd = f"cd {Path(__file__).resolve().parents[2]} && TERM=xterm-256color {cmd}"
    try:
        tmux.run("new-session", "-d", "-s", "desk", "-x", "120", "-y", "40", env_cmd)
        tmux.run("resize-window", "-t", "desk", "-x", "120", "-y", "40")
        # (At 80 columns the footer no longer names every pane: "Conversations" is the desk's frame.)
        screen = tmux.wait_screen("Available", "online", "Conversations", timeout=90)
        assert "Select a conversation" in screen
        t0 = time.monotonic()
        res = subprocess.run([*AGENT_TUI, "center", "inject", str(data), "--channel", "sms",
                              "--from", "+31699999999", "--name", "Tmux Tester",
                              "--text", "Is er een storing in Utrecht?"],
                             capture_output=True, text=True, timeout=30, check=False)
        assert res.returncode == 0, res.stderr
        screen = tmux.wait_screen("OFFER", "Tmux Tester", "Accept [F8]", timeout=10)
        elapsed = time.monotonic() - t0
        print(f"offer on screen {elapsed:.2f} s after inject started")
        assert "[SMS]" in screen
        # 80×24: the offer stays readable when the terminal shrinks.
        tmux.run("resize-window", "-t", "desk", "-x", "80", "-y", "24")
        tmux.wait_screen("OFFER", "Tmux Tester", "Accept [F8]", timeout=10)
        tmux.run("send-keys", "-t", "desk", "F8")
        tmux.wait_screen("Is er een storing in Utrecht?", "SMS", timeout=10)
        pid = center_pid(data)
        assert pid is not None
        tmux.run("send-keys", "-t", "desk", "C-q")
        tmux.wait_screen("Quit agent-tui?", "1 open conversation", timeout=10)  # it asks first
        tmux.run("send-keys", "-t", "desk", "q")
        wait_until(lambda: gone(pid), 20, "the demo center to stop when the desk closed")
    finally:
        tmux.kill()


def test_demo_center_stops_when_the_terminal_closes(tmp_path):
    data = tmp_path / "demo"
    tmux = Tmux("hup")
    cmd = " ".join([*AGENT_TUI, "demo", "--data", str(data), "--quiet", "--language", "en"])
    try:
        tmux.run("new-session", "-d", "-s", "desk", "-x", "120", "-y", "40",
                 f"cd {Path(__file__).resolve().parents[2]} && TERM=xterm-256color {cmd}")
        tmux.wait_screen("Available", "online", timeout=90)
        pid = center_pid(data)
        assert pid is not None
    finally:
        tmux.kill()  # the terminal goes away: SIGHUP to the desk and the center
    try:
        wait_until(lambda: gone(pid), 20, "the demo center to stop after its terminal closed")
    finally:
        if not gone(pid):
            os.kill(pid, 15)


def test_second_desk_joins_the_running_demo_center(tmp_path):
    data = tmp_path / "demo"
    tmux = Tmux("two")
    cwd = Path(__file__).resolve().parents[2]
    first = " ".join([*AGENT_TUI, "demo", "--data", str(data), "--quiet", "--language", "en"])
    second = " ".join([*AGENT_TUI, "demo", "--data", str(data), "--user", "agent2", "--language", "en"])
    try:
        tmux.run("new-session", "-d", "-s", "desk", "-x", "120", "-y", "40",
                 f"cd {cwd} && TERM=xterm-256color {first}")
        tmux.run("resize-window", "-t", "desk", "-x", "120", "-y", "40")
        tmux.wait_screen("Available", "online", timeout=90)
        pid = center_pid(data)
        tmux.run("new-session", "-d", "-s", "desk2", "-x", "120", "-y", "40",
                 f"cd {cwd} && TERM=xterm-256color {second}")
        tmux.run("resize-window", "-t", "desk2", "-x", "120", "-y", "40")
        tmux.wait_screen("Available", "online", timeout=60, pane="desk2")
        assert center_pid(data) == pid, "no second center was started"
        procs = subprocess.run(["pgrep", "-f", f"center serve {data}"], capture_output=True, text=True,
                               check=False).stdout.split()
        assert len(procs) == 1, procs
    finally:
        tmux.kill()
