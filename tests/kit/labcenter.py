"""The reference center on the host side of a :class:`netlab.NetLab`, and the desk subprocess driver.

``LabCenter`` copies an initialised demo center directory, makes it listen (wss and the voice engine's
SIP/RTP) on the lab's host address, and gives it a server certificate that names that address (signed
by the directory's own CA, so verification stays on). It runs on a thread of the calling process so
tests and the bench can watch the hub directly. The HTTPS ingress stays on 127.0.0.1: customers are
on the center's side of the link.

``DeskAgent`` starts tests/kit/desk_agent.py inside the lab namespace and follows its JSON lines.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from agent_tui.secure.pki import make_server_cert
from tests.kit.center import CenterHandle
from tests.kit.waiting import LineLog

HERE = Path(__file__).resolve().parent


class LabCenter(CenterHandle):
    """A center listening on *host* (see the module docstring); otherwise a :class:`CenterHandle`."""

    def __init__(self, template: Path, workdir: Path, host: str, **settings: Any):
        center_dir = workdir / "center"
        shutil.copytree(template, center_dir)
        cfg_path = center_dir / "center.yaml"
        cfg = yaml.safe_load(cfg_path.read_text()) or {}
        cfg.update({"demo": False, "port": 0, "ingress_port": 0, "host": host, "ingress_host": "127.0.0.1"})
        cfg.update(settings)
        cfg_path.write_text(yaml.safe_dump(cfg))
        make_server_cert(center_dir / "tls", [host])
        super().__init__(center_dir)
        self.host = host


class DeskAgent:
    """tests/kit/desk_agent.py in the lab namespace; ``lines`` holds everything it printed."""

    def __init__(self, lab: Any, center: LabCenter, user: str, password: str, *,
                 ping_interval: float = 10.0, accept_chats: bool = False):
        args = [sys.executable, str(HERE / "desk_agent.py"), "--server", center.url,
                "--ca", str(center.ca_file), "--user", user, "--ping-interval", str(ping_interval)]
        if accept_chats:
            args.append("--accept-chats")
        self.proc = lab.popen(args, stdin=-1, stdout=-1, stderr=-1, text=True, bufsize=1)
        assert self.proc.stdin is not None
        self.proc.stdin.write(password + "\n")
        self.proc.stdin.flush()
        self.log: LineLog[dict] = LineLog()
        self.lines = self.log.lines
        self._tags = 0
        self.stderr = ""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                self.log.append(json.loads(line))
        self.log.close()

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()

    def send(self, cmd: dict) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()

    def wait_for(self, pred: Callable[[dict], bool], timeout: float, start: int = 0) -> dict:
        """The first line (from index *start*) matching *pred*; AssertionError after *timeout* s."""
        return self.log.wait(pred, timeout, after=start, what="desk agent",
                             detail=lambda: f"stderr {self.stderr[-1500:]}")

    def start(self, timeout: float = 30.0) -> dict:
        """Connect and log in; the first welcome line."""
        mark = len(self.lines)
        self.send({"cmd": "start"})
        return self.wait_for(lambda ln: ln["ev"] == "welcome", timeout, mark)

    def submit(self, op: str, **args: Any) -> str:
        """Send a command without waiting; returns its tag (see :meth:`result`)."""
        self._tags += 1
        tag = f"c{self._tags}"
        self.send({"cmd": "call", "tag": tag, "op": op, "args": args})
        return tag

    def result(self, tag: str, timeout: float = 30.0) -> dict:
        line = self.wait_for(lambda ln: ln["ev"] == "result" and ln["tag"] == tag, timeout)
        if not line["ok"]:
            raise AssertionError(f"{tag}: {line['error']}")
        return line

    def call(self, op: str, timeout: float = 30.0, **args: Any) -> dict:
        return self.result(self.submit(op, **args), timeout)["data"]

    def events(self, kind: str) -> list[dict]:
        return [ln for ln in list(self.lines) if ln["ev"] == "event" and ln["kind"] == kind]

    def close(self) -> None:
        """Close without logout and wait; kill if it hangs."""
        if self.proc.poll() is None:
            try:
                self.send({"cmd": "close"})
                self.proc.wait(15)
            except (OSError, ValueError, subprocess.TimeoutExpired) as exc:  # a dead pipe or a hang
                self.stderr += f"\n(close: {exc!r}; killed)"
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
