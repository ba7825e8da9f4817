"""Helpers for the voice tests: JSON-line child processes, tones, starting engine/phones/customers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_tui.center.config import load_center_config
from agent_tui.center.voice import kamailio
from agent_tui.center.voice.prompts import write_tone_wav
from agent_tui.secure.pki import make_ca, make_server_cert
from tests.kit.paths import child_env
from tests.kit.waiting import LineLog

PY = sys.executable
HERE = Path(__file__).resolve().parent
CUSTOMER_HZ = 1000.0
AGENT_HZ = 1500.0
AGENT2_HZ = 1250.0


class JsonProc:
    """A child process that prints JSON lines; events are collected on a thread."""

    def __init__(self, argv: list[str], *, stdin_first: str | None = None, cwd: Path | None = None,
                 env: dict | None = None, name: str = "proc") -> None:
        self.name = name
        self._asked = False
        self.event_log: LineLog[dict] = LineLog()
        self.events = self.event_log.lines
        self.log = (cwd or Path(".")) / f"{name}.stderr"
        self._err = open(self.log, "wb")  # noqa: SIM115 — the child's stderr, closed in stop()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._err, cwd=cwd, env=env, text=True, bufsize=1)
        if stdin_first is not None:
            self.send_raw(stdin_first)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            self.event_log.append(ev)
        self.event_log.close()

    def send_raw(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def send(self, **cmd: object) -> None:
        self.send_raw(json.dumps(cmd))

    def wait(self, pred: Callable[[dict], bool] | str, timeout: float = 15.0, after: int = 0) -> dict:
        """The first event (from index *after*) matching pred (or with that ``ev`` name)."""
        match = (lambda e: e.get("ev") == pred) if isinstance(pred, str) else pred
        return self.event_log.wait(match, timeout, after=after, what=self.name,
                             detail=lambda: f"stderr: {self.tail()}")

    def mark(self) -> int:
        return len(self.event_log)

    def tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-1500:]
        except OSError:
            return ""

    def ask_to_quit(self) -> None:
        """Tell the child to finish (JSON children: "quit" and EOF; `center call`: SIGINT)."""
        if self.proc.poll() is not None or self._asked:
            return
        self._asked = True
        if self.name.startswith("customer"):
            self.proc.send_signal(signal.SIGINT)
            return
        try:
            self.send(cmd="quit")
            self.proc.stdin.close()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError, ValueError):
            pass

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc.poll() is None:
            self.ask_to_quit()
            # JSON-command children quit on "quit"/EOF; `center call` does not read stdin and
            # hangs up cleanly on SIGINT instead.
            steps = [lambda: None, lambda: self.proc.send_signal(signal.SIGINT), self.proc.kill]
            for step in steps:
                step()
                try:
                    self.proc.wait(3 if step is not self.proc.kill else timeout)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self._err.close()


@pytest.fixture
def center_dir(tmp_path: Path) -> Path:
    d = tmp_path / "center"
    make_ca(d / "tls")
    make_server_cert(d / "tls", [])
    (d / "center.yaml").write_text("voice:\n  enabled: true\n", encoding="utf-8")
    return d


@pytest.fixture
def tones(tmp_path: Path) -> dict[str, Path]:
    return {
        "customer": write_tone_wav(tmp_path / "customer.wav", [(CUSTOMER_HZ, 30.0)]),
        "agent": write_tone_wav(tmp_path / "agent.wav", [(AGENT_HZ, 30.0)]),
        "agent2": write_tone_wav(tmp_path / "agent2.wav", [(AGENT2_HZ, 30.0)]),
    }


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Callable[..., JsonProc]]:
    """Start JSON-line processes; all are stopped at the end of the test."""
    started: list[JsonProc] = []

    def start(argv: list[str], name: str, **kw: object) -> JsonProc:
        p = JsonProc(argv, cwd=tmp_path, env=child_env(), name=name, **kw)  # type: ignore[arg-type]
        started.append(p)
        return p

    yield start
    for p in reversed(started):  # all wind down at once, then each is waited for
        p.ask_to_quit()
    for p in reversed(started):
        p.stop()


def start_engine(procs: Callable[..., JsonProc], center: Path) -> JsonProc:
    eng = procs([PY, "-m", "agent_tui.center.voice", str(center), "--log-level", os.environ.get("VOICE_TEST_LOG", "3")], "engine")
    eng.wait("ready", timeout=20)
    return eng


def start_phone(procs: Callable[..., JsonProc], center: Path, name: str, *, play: Path,
                record: Path, register: str = "", user: str = "", password: str = "",
                domain: str = "127.0.0.1", auto_answer: bool = True) -> JsonProc:
    argv = [PY, str(HERE / "phone_agent.py"), "--ca", str(center / "tls" / "ca.pem"),
            "--play", str(play), "--record", str(record), "--user", user or name,
            "--log-level", os.environ.get("VOICE_TEST_LOG", "3")]
    if register:
        argv += ["--register", register, "--domain", domain]
    if auto_answer:
        argv.append("--auto-answer")
    p = procs(argv, name, stdin_first=json.dumps({"password": password}) if register else None)
    p.wait("ready", timeout=20)
    return p


def start_customer(procs: Callable[..., JsonProc], center: Path, *, play: Path, record: Path,
                   duration: float, number: str = "+31612345678", dtmf: str = "",
                   dtmf_at: float = 1.0) -> JsonProc:
    argv = [PY, "-m", "agent_tui.center.voice.call_cli", str(center), "--from", number,
            "--play", str(play), "--record", str(record), "--duration", str(duration),
            "--timeout", "20"]
    if dtmf:
        argv += ["--dtmf", dtmf, "--dtmf-at", str(dtmf_at)]
    return procs(argv, "customer")


def speech_wav(path: Path, text: str = "Hello, thank you for calling. How can I help you today?") -> Path:
    """Synthetic speech (espeak-ng, resampled by sox to 16 kHz mono 16-bit) for the VAD and
    level tests: a steady tone is treated as silence by the low profile's VAD, speech is not."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(raw), text], check=True, capture_output=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(path), "norm", "-3"], check=True,
                   capture_output=True)
    raw.unlink()
    return path


@pytest.fixture
def kam_running(center_dir: Path) -> Iterator[tuple[Path, Any]]:
    """A center dir with kamailio enabled, agent1/agent2 HA1s, and Kamailio running: (dir, handle)."""
    (center_dir / "center.yaml").write_text(
        "voice:\n  enabled: true\n  kamailio: {enabled: true, port: 0}\n", encoding="utf-8")
    kamailio.write_kamailio_config(center_dir, load_center_config(center_dir))
    for user in ("agent1", "agent2"):
        kamailio.set_sip_password(center_dir, user, "s3cret-" + user)
    handle = kamailio.start_kamailio(center_dir)
    try:
        yield center_dir, handle
    finally:
        handle.stop()
        assert not handle.running()
        with pytest.raises(ProcessLookupError):  # no forked child left behind either
            os.killpg(handle.proc.pid, 0)


@pytest.fixture
def kam_center(kam_running: tuple[Path, Any]) -> Path:
    """The center dir of :func:`kam_running`."""
    return kam_running[0]
