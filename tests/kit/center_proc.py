"""A reference center as a child process (``agent-tui center serve``), for what a thread cannot show:
the center's own memory (RSS), its log on stderr, a kill.

    with CenterProcess.serve(center_dir) as cp:
        cp.url, cp.ingress_url, cp.ca_file
        cp.rss_mb()                      # resident memory of the center process now
        cp.log.wait(lambda l: "full" in l.text, 10)   # stderr lines, with the time they arrived

Used by the backpressure tests and by ``bench/center_flood.py`` / ``bench/login_attack.py``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.kit.waiting import LineLog

START_TIMEOUT = 30.0


@dataclass
class LogLine:
    at: float  # time.monotonic() when the line was read
    text: str


def copy_center(template: Path, dest: Path, **settings: Any) -> Path:
    """Copy an initialised center directory and override center.yaml settings (demo off, free ports)."""
    shutil.copytree(template, dest)
    cfg_path = dest / "center.yaml"
    cfg = yaml.safe_load(cfg_path.read_text()) or {}
    cfg.update({"demo": False, "port": 0, "ingress_port": 0, "voice": {"enabled": False}})
    cfg.update(settings)
    cfg_path.write_text(yaml.safe_dump(cfg))
    return dest


class CenterProcess:
    """``center serve DIR`` as a child process; stop() (or the with block) ends it with SIGTERM."""

    def __init__(self, center_dir: Path, proc: subprocess.Popen[str], url: str, ingress_url: str):
        self.dir = center_dir
        self.ca_file = center_dir / "tls" / "ca.pem"
        self.proc = proc
        self.url = url
        self.ingress_url = ingress_url
        self.log: LineLog[LogLine] = LineLog()
        self._reader = threading.Thread(target=self._read_stderr, name="center-stderr", daemon=True)
        self._reader.start()

    @classmethod
    def serve(cls, center_dir: Path, *extra: str) -> CenterProcess:
        proc = subprocess.Popen(
            [sys.executable, "-m", "agent_tui.center", "serve", str(center_dir), "--port", "0",
             "--ingress-port", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        # readline blocks until the center prints its ready lines (or exits: then they are empty).
        line1, line2 = proc.stdout.readline().strip(), proc.stdout.readline().strip()
        if not line1.startswith("listening wss://") or not line2.startswith("ingress https://"):
            proc.kill()
            err = proc.stderr.read() if proc.stderr else ""
            raise AssertionError(f"center did not start: {line1!r} {line2!r} {err[-2000:]}")
        return cls(center_dir, proc, line1.split()[1], line2.split()[1])

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(LogLine(time.monotonic(), line.rstrip("\n")))
        self.log.close()

    def rss_mb(self) -> float:
        """Resident set size of the center process in MiB (from /proc)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS in /proc status")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(START_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(5)

    def __enter__(self) -> CenterProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
