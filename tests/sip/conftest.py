"""Fixtures for the SIP tests: certificates, tone WAVs, and headless phones in subprocesses.

Every pjsua2 Endpoint runs in its own process (pjsua2 allows one per process), started from
tests/kit/phone_proc.py; the pytest process itself never imports pjsua2.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.kit.audio_check import write_tone_wav
from tests.kit.paths import KIT_DIR
from tests.kit.sip_certs import Pki, make_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), "center")


@pytest.fixture(scope="session")
def rogue_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("rogue"), "rogue")


@pytest.fixture(scope="session")
def tones(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    d = tmp_path_factory.mktemp("tones")
    return {f: write_tone_wav(d / f"tone{f}.wav", f, 20.0) for f in (440, 700, 1000)}


class PhoneProc:
    """One headless phone in a subprocess; lines of JSON on stdout."""

    def __init__(
        self, opts: dict[str, Any], env: dict[str, str] | None = None, name: str = "phone"
    ):
        self.name = name
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [sys.executable, str(KIT_DIR / "phone_proc.py"), json.dumps(opts)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=full_env,
        )
        self.lines: queue.Queue[dict] = queue.Queue()
        self.stderr = ""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.strip()
            if line.startswith("{"):
                self.lines.put(json.loads(line))

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()

    def next_line(self, timeout: float) -> dict:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(
                f"{self.name}: no output within {timeout} s; stderr: {self.stderr[-2000:]}"
            ) from None

    def ready_port(self, timeout: float = 20.0) -> int:
        line = self.next_line(timeout)
        assert "ready" in line, f"{self.name} failed to start: {line}"
        return int(line["ready"])

    def result(self, timeout: float = 60.0) -> dict:
        """The final JSON object (progress lines, which carry "ev", are skipped)."""
        deadline = time.monotonic() + timeout
        out = self.next_line(timeout)
        while "ev" in out:
            out = self.next_line(max(0.1, deadline - time.monotonic()))
        try:
            self.proc.wait(20)  # the phone exits after its final line
        except subprocess.TimeoutExpired:
            pass
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def phones() -> Iterator[Any]:
    """Factory: phones(opts, env=None, name=...) -> PhoneProc; all killed at the end."""
    started: list[PhoneProc] = []

    def start(
        opts: dict[str, Any], env: dict[str, str] | None = None, name: str = "phone"
    ) -> PhoneProc:
        p = PhoneProc(opts, env, name)
        started.append(p)
        return p

    yield start
    for p in started:
        p.stop()
