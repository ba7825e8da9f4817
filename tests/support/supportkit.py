"""Helpers for the support-tool tests (fixtures are in conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Login:
    """A config file naming the center, and the password in the keyring."""

    config: Path
    server: str
    ca_file: Path
    user: str


def write_config(path: Path, server: str, ca_file: Path, user: str, extra: str = "") -> Path:
    path.write_text(
        f"server: {server}\nca_file: {ca_file}\nuser: {user}\nlanguage: en\n{extra}",
        encoding="utf-8",
    )
    return path


def run_cli(
    args: list[str], env: dict[str, str] | None = None, stdin: str = "", timeout: float = 90.0
) -> subprocess.CompletedProcess[str]:
    """`agent-tui ARGS` in a subprocess (pjsua2 and PortAudio live there, not in pytest)."""
    return subprocess.run(
        [sys.executable, "-m", "agent_tui", *args],
        check=False,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
