"""`agent-tui` (the desk, default command) and `agent-tui demo`.

`demo` runs the reference center with demo data on loopback as a child process (or reuses
one already serving the same directory), logs in as agent1 (password ``demo``, seed data)
in state Available and opens the desk; the center stops when the desk closes.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import platformdirs

from agent_tui.core.config import Config, ConfigError, load_config

DEMO_PASSWORD = "demo"  # seed data of the demo center, public by design
START_TIMEOUT = 60.0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `demo` (the desk itself is the default when no sub-command is given)."""
    p = subparsers.add_parser("demo", help="start a demo center on loopback and open the desk")
    p.add_argument("--data", type=Path, metavar="DIR",
                   help="demo center directory (default: a fresh one under the platform state dir)")
    p.add_argument("--quiet", action="store_true", help="no simulated customers (colleagues stay)")
    p.add_argument("--user", default="agent1", help="demo user to log in as (agent1..agent6, lead1)")
    p.add_argument("--language", choices=("en", "nl"), help="UI language (default: config/locale)")
    p.add_argument("--theme", choices=("default", "high-contrast", "light"))
    p.set_defaults(func=run_demo)


def _err(msg: str) -> int:
    print(f"agent-tui: {msg}", file=sys.stderr)
    return 2


def _load(args: argparse.Namespace) -> Config:
    cfg_path = getattr(args, "config", None)
    cfg = load_config(Path(cfg_path) if cfg_path else None)
    if getattr(args, "language", None):
        cfg.language = args.language
    if getattr(args, "theme", None):
        cfg.theme = args.theme
    return cfg


def run_desk(args: argparse.Namespace) -> int:
    """Open the desk with the configured server; log in with the keyring's token if any."""
    # deferred: Textual and the keyring are slow to import; `agent-tui center ...` needs neither
    from agent_tui.app import DeskApp, LoginInfo, check_keys
    from agent_tui.core import credentials  # deferred: keyring, see above

    try:
        cfg = _load(args)
        check_keys(cfg)
    except ConfigError as err:
        return _err(str(err))
    login = None
    if cfg.server and cfg.user and cfg.ca_file:
        try:
            token = credentials.get_token(cfg.server, cfg.user)
            password = None if token else credentials.get_password(cfg.server, cfg.user)
        except credentials.KeyringUnavailable as err:
            return _err(str(err))
        if token or password:
            login = LoginInfo(cfg.server, cfg.ca_file, cfg.user, password=password, token=token)
    else:
        try:
            credentials.check_available()
        except credentials.KeyringUnavailable as err:
            return _err(str(err))
    DeskApp(cfg, login=login).run()
    return 0


def default_demo_dir() -> Path:
    base = Path(platformdirs.user_state_dir("agent-tui", appauthor=False))
    return base / time.strftime("demo-%Y%m%d-%H%M%S")


def running_center(center_dir: Path) -> str | None:
    """The wss URL of a live center serving ``center_dir`` (its run file), or None."""
    try:
        info = json.loads((center_dir / "run" / "center.json").read_text())
        os.kill(int(info["pid"]), 0)
        return str(info["wss"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def start_center(center_dir: Path, quiet: bool) -> tuple[subprocess.Popen, str]:
    """Start `center serve DIR --port 0` and return (process, wss URL) once it listens."""
    cmd = [sys.executable, "-m", "agent_tui", "center", "serve", str(center_dir),
           "--port", "0", "--ingress-port", "0"]
    if quiet:
        cmd.append("--quiet")
    log_dir = center_dir / "run"
    log_dir.mkdir(parents=True, exist_ok=True)
    # The center's stderr goes to a log file, kept out of the desk's screen. Same process
    # group as the desk: when the terminal goes away (SIGHUP), the center goes with it
    # instead of running on orphaned.
    with open(log_dir / "serve.log", "ab") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
                                text=True)
    deadline = time.monotonic() + START_TIMEOUT
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("listening "):
            url = line.split()[1].strip()
            return proc, url
    stop_center(proc)
    raise RuntimeError(f"the demo center did not start; see {log_dir / 'serve.log'}")


def stop_center(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def run_demo(args: argparse.Namespace) -> int:
    """`agent-tui demo`: see the module docstring."""
    # deferred: Textual is slow to import (see run_desk)
    from agent_tui.app import DeskApp, LoginInfo, check_keys

    try:
        cfg = _load(args)
        check_keys(cfg)
    except ConfigError as err:
        return _err(str(err))
    center_dir = Path(args.data).expanduser().resolve() if args.data else default_demo_dir()
    if not (center_dir / "center.yaml").exists():
        center_dir.parent.mkdir(parents=True, exist_ok=True)
        print(f"agent-tui: creating a demo center in {center_dir} …", file=sys.stderr)
        res = subprocess.run([sys.executable, "-m", "agent_tui", "center", "init", str(center_dir),
                              "--demo"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        if res.returncode != 0:
            return _err(f"center init failed: {res.stderr.strip()}")
    proc = None
    url = running_center(center_dir)
    if url is None:
        try:
            proc, url = start_center(center_dir, args.quiet)
        except RuntimeError as err:
            return _err(str(err))
    try:
        login = LoginInfo(url, center_dir / "tls" / "ca.pem", args.user, password=DEMO_PASSWORD)
        app = DeskApp(cfg, login=login, demo_dir=center_dir, initial_state="available",
                      remember_login=False)
        app.run()
    finally:
        if proc is not None:
            stop_center(proc)
    return 0
