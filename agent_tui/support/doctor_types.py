"""The doctor's report types: a check result, the options, the whole report, and the
context checks hand on to later checks. See :mod:`agent_tui.support.doctor`."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from agent_tui import __version__

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"

# Thresholds for warnings (what a home link can live with).
RTT_WARN_MS = 300.0  # voice turns awkward above this round-trip time
JITTER_WARN_MS = 50.0  # jitter buffers struggle above this
IDLE_WARN_BPS = 500.0  # the brief: idle traffic is a few hundred bytes per second at most
CERT_WARN_DAYS = 30  # renew certificates before they bite
SIP_REGISTER_TIMEOUT = 20.0
IDLE_PING_INTERVAL = 10.0  # the desk's keep-alive ping (CenterClient's default ping_interval)


@dataclass
class Check:
    """One line of the report."""

    name: str
    status: str = SKIP
    summary: str = ""
    hint: str = ""
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class Options:
    """What to check and how (the command line, resolved)."""

    config: Path | None = None
    server: str | None = None
    ca_file: Path | None = None
    user: str | None = None
    password: str | None = None  # from --password-stdin (else the keyring)
    connect_timeout: float = 10.0
    pings: int = 5
    ping_interval: float = 0.2
    idle_window: float = 5.0
    sip: bool = True
    sip_registrar: str | None = None  # overrides welcome["voice"]["registrar"]
    sip_domain: str | None = None
    sip_log: str | None = None
    audio: bool = True
    call_test: str | None = None  # dial this target (an echo/test number) for a short call
    call_seconds: float = 5.0


@dataclass
class Report:
    """The whole doctor run; ``to_dict()`` is the ``--json`` output."""

    checks: list[Check] = field(default_factory=list)
    target: dict[str, Any] = field(default_factory=dict)
    started_at: str = ""
    duration_ms: float = 0.0
    version: str = __version__

    @property
    def ok(self) -> bool:
        return not any(c.status == FAIL for c in self.checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def get(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "exit_code": self.exit_code,
            "version": self.version,
            "started_at": self.started_at,
            "duration_ms": round(self.duration_ms, 1),
            "target": self.target,
            "checks": [asdict(c) for c in self.checks],
            "counts": {
                s: sum(1 for c in self.checks if c.status == s) for s in (OK, WARN, FAIL, SKIP)
            },
        }


class Context:
    """What checks hand on to later checks."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.cfg: Any = None
        self.server = opts.server
        self.ca_file = opts.ca_file
        self.user = opts.user
        self.password = opts.password
        self.token: str | None = None
        self.from_keyring = False
        self.host = ""
        self.port = 0
        self.welcome: dict[str, Any] | None = None
        self.client: Any = None
        self.softphone_cfg: Any = None
        self.rtts: list[float] = []  # RTT of each pong, filled by the client's on_status
        self.pongs: asyncio.Event | None = None
        self.ping_bytes: tuple[float, float] | None = None  # wire bytes (up, down) of one ping


def skipped(name: str, because: str) -> Check:
    return Check(name, SKIP, f"not checked: the {because} check did not pass; fix that first")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
