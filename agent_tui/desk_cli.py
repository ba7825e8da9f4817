"""`agent-tui` (the desk, default command) and `agent-tui demo`.

`demo` runs the reference center with demo data on loopback as its own process (or joins
one already serving the same directory), logs in as agent1 (password ``demo``, seed data)
in state Available and opens the desk.

The demo center lives as long as any desk uses it: each demo desk holds a shared lock on
``DIR/run/desks.lock`` and the center (``serve --stop-when-unused``, center/lease.py) stops
when none does — so a second desk (``demo --user agent2 --data DIR``) keeps working when the
first quits, and a closed terminal or a crashed desk does not leave a center behind. A center
started again for the same DIR listens on the same ports as before (desks reconnect to it).
The first ``demo --data DIR`` makes DIR with ``center init``, which is atomic: Ctrl+C there
leaves no half-made DIR.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import platformdirs

from agent_tui.core.config import Config, ConfigError, load_config

DEMO_PASSWORD = "demo"  # seed data of the demo center, public by design
START_TIMEOUT = 60.0
DESKS_LOCK = "desks.lock"  # under DIR/run/; the same name in agent_tui/center/lease.py


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `demo` (the desk itself is the default when no sub-command is given)."""
    p = subparsers.add_parser("demo", help="start a demo center on loopback and open the desk")
    p.add_argument("--data", type=Path, metavar="DIR",
                   help="demo center directory (default: a fresh one under the platform state dir)")
    p.add_argument("--quiet", action="store_true", help="no simulated customers (colleagues stay)")
    p.add_argument("--rate", type=float, metavar="PER_MIN",
                   help="new simulated customers per minute (default: center.yaml, one every 25 s on average)")
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
    """The wss URL of a live center serving ``center_dir`` (its run file), or None.

    Live means its process exists *and* its port takes a connection: a center killed with -9
    leaves its run file behind, and its pid can stay visible for a while (a zombie no one reaps in
    a container, or a reused pid). Trusting the pid alone sent the next desk to a dead port."""
    try:
        info = json.loads((center_dir / "run" / "center.json").read_text())
        os.kill(int(info["pid"]), 0)
        url = str(info["wss"])
        host, port = url.removeprefix("wss://").rsplit(":", 1)
        socket.create_connection((host, int(port)), timeout=1.0).close()
        return url
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _private(path: str, flags: int) -> int:
    """``open`` opener: files the desk writes into the center directory are the owner's only."""
    return os.open(path, flags, 0o600)


PORTS_FILE = "demo-ports.json"  # under DIR/run/: the ports of the last demo center (kept after it stops)


def last_ports(center_dir: Path) -> tuple[int, int]:
    """The (wss, ingress) ports of the last demo center of ``center_dir``, or (0, 0)."""
    try:
        info = json.loads((center_dir / "run" / PORTS_FILE).read_text())
        return int(info["wss"]), int(info["ingress"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0, 0


class DeskLease:
    """This desk's shared lock on ``DIR/run/desks.lock`` (see the module docstring)."""

    def __init__(self, center_dir: Path, timeout: float = START_TIMEOUT) -> None:
        run = center_dir / "run"
        run.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(run / DESKS_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                # A center that found itself unused is stopping: wait until it is gone.
                if time.monotonic() > deadline:
                    os.close(self.fd)
                    raise RuntimeError("the demo center in this directory does not finish stopping") from None
                time.sleep(0.1)

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def start_center(center_dir: Path, quiet: bool, rate: float | None = None) -> tuple[subprocess.Popen, str]:
    """Start the demo center as its own process (its own session: it outlives this desk and
    the terminal's Ctrl+C) and return (process, wss URL) once it listens. It keeps the ports
    of the last center of this directory when they are free."""
    log_dir = center_dir / "run"
    log_dir.mkdir(parents=True, exist_ok=True)
    ports = last_ports(center_dir)
    for port, ingress in ([ports, (0, 0)] if ports != (0, 0) else [(0, 0)]):
        cmd = [sys.executable, "-m", "agent_tui", "center", "serve", str(center_dir), "--port", str(port),
               "--ingress-port", str(ingress), "--stop-when-unused"]
        if quiet:
            cmd.append("--quiet")
        if rate is not None:
            cmd += ["--rate", str(rate)]
        # The center's output goes to log files, kept out of the desk's screen.
        with open(log_dir / "serve.log", "ab", opener=_private) as log, \
                open(log_dir / "serve.out", "wb", opener=_private) as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=log, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        urls = _wait_listening(proc, log_dir / "serve.out")
        if urls is not None:
            ports = {k: int(u.rsplit(":", 1)[1]) for k, u in zip(("wss", "ingress"), urls)}
            with open(log_dir / PORTS_FILE, "w", encoding="utf-8", opener=_private) as f:
                f.write(json.dumps(ports))
            return proc, urls[0]
    raise RuntimeError(f"the demo center did not start; see {log_dir / 'serve.log'}")


def _wait_listening(proc: subprocess.Popen, out: Path) -> tuple[str, str] | None:
    """(wss URL, ingress URL) from the center's first two lines, or None if it ended first."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        said = dict(line.split(None, 1) for line in out.read_text(errors="replace").splitlines()
                    if " " in line)
        if "listening" in said and "ingress" in said:
            return said["listening"].strip(), said["ingress"].strip()
        if proc.poll() is not None:
            return None  # e.g. the old port is taken now: the caller tries a free one
        time.sleep(0.05)
    stop_center(proc)
    return None


def stop_center(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def init_demo_dir(center_dir: Path) -> str | None:
    """``center init DIR --demo`` in a child; None, or what went wrong. Ctrl+C lets the child
    clean up its half-made copy (init is atomic) before this returns."""
    center_dir.parent.mkdir(parents=True, exist_ok=True)
    print(f"agent-tui: creating a demo center in {center_dir} …", file=sys.stderr)
    proc = subprocess.Popen([sys.executable, "-m", "agent_tui", "center", "init", str(center_dir), "--demo"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _, err = proc.communicate()
    except KeyboardInterrupt:
        # The terminal sent SIGINT to the child too; let it finish removing its work.
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        raise
    return None if proc.returncode == 0 else (err.strip() or f"exit code {proc.returncode}")


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
        try:
            problem = init_demo_dir(center_dir)
        except KeyboardInterrupt:
            print("agent-tui: interrupted; no demo center was made", file=sys.stderr)
            return 130
        if problem is not None:
            return _err(f"center init failed: {problem}")
    try:
        lease = DeskLease(center_dir)
    except RuntimeError as err:
        return _err(str(err))
    try:
        url = running_center(center_dir)
        if url is None:
            try:
                _proc, url = start_center(center_dir, args.quiet, args.rate)
            except RuntimeError as err:
                return _err(str(err))
        login = LoginInfo(url, center_dir / "tls" / "ca.pem", args.user, password=DEMO_PASSWORD)
        app = DeskApp(cfg, login=login, demo_dir=center_dir, initial_state="available",
                      remember_login=False)
        app.run()
    finally:
        lease.release()  # the last desk out: the center sees no lease and stops by itself
    return 0
