"""center.yaml: the reference center's settings.

Errors raise :class:`CenterConfigError` with a message naming the file, the
line and the field, e.g. ``center.yaml line 4: offer_timeout_s: must be a number > 0``.
The file holds no secrets: passwords are hashed in the database, the ingress
key lives in ``secrets/ingress.key`` (0600).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agent_tui.protocol import messages as m


class CenterConfigError(Exception):
    """A bad center.yaml; the message names the file, line and field."""


@dataclass
class CenterConfig:
    """Settings of one center directory. Times are seconds."""

    dir: Path
    host: str = "127.0.0.1"
    port: int = 8443
    ingress_host: str = "127.0.0.1"
    ingress_port: int = 8444
    name: str = "agent-tui reference center"
    grace_seconds: float = 60.0
    offer_timeout_s: float = 20.0
    # After a customer leaves (or a call ends) the agent has this long to wrap up.
    acw_seconds: float = 60.0
    # A declined or timed-out conversation is not re-offered to the same agent for this long.
    reoffer_after_s: float = 30.0
    presence_batch_s: float = 1.0
    stats_tick_s: float = 2.0
    token_ttl_hours: float = 12.0
    # A session that takes no bytes (no pong, socket full) for this long is closed; it resumes later.
    keepalive_s: float = 60.0
    event_retention_days: float = 7.0
    capacity: dict[str, int] = field(default_factory=lambda: dict(m.DEFAULT_CAPACITY))
    # Whether agents take written contacts during a call (a user's capacity JSON may override it):
    # if so, a chat offer they let ring out on a call makes them `missed` like any other.
    chat_during_call: bool = False
    sla_s: dict[str, int] = field(
        default_factory=lambda: {"voice": 20, "chat": 60, "social": 900, "sms": 3600, "email": 14400}
    )
    default_queues: dict[str, str] = field(
        default_factory=lambda: {c: c for c in sorted(m.CHANNELS)}
    )
    demo: bool = False
    simulate_customers: bool = True
    simulate_colleagues: bool = True
    # Mean seconds between new simulated customer contacts (demo only).
    simulate_interval_s: float = 25.0
    # Scales every simulated delay (0.1 = ten times faster; tests use it).
    simulate_speed: float = 1.0
    # Voice settings belong to the voice engineer; kept verbatim here.
    voice: dict[str, Any] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.dir / "center.db"

    @property
    def tls_dir(self) -> Path:
        return self.dir / "tls"

    @property
    def ca_file(self) -> Path:
        return self.tls_dir / "ca.pem"

    @property
    def ingress_key_file(self) -> Path:
        return self.dir / "secrets" / "ingress.key"


_NUM = ("grace_seconds", "offer_timeout_s", "acw_seconds", "reoffer_after_s", "presence_batch_s",
        "stats_tick_s", "token_ttl_hours", "event_retention_days", "simulate_interval_s", "simulate_speed",
        "keepalive_s")
_BOOL = ("demo", "simulate_customers", "simulate_colleagues", "chat_during_call")
_STR = ("host", "ingress_host", "name")
_PORT = ("port", "ingress_port")


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def load_center_config(center_dir: str | Path) -> CenterConfig:
    """Read ``DIR/center.yaml``. Missing keys take their defaults."""
    cdir = Path(center_dir)
    path = cdir / "center.yaml"
    cfg = CenterConfig(dir=cdir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CenterConfigError(
            f"{path}: not found — is {cdir} a center directory? Make one with `agent-tui center init {cdir}`"
        ) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise CenterConfigError(f"{path} line {line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if root is None:
        return cfg
    if not isinstance(root, yaml.MappingNode):
        raise CenterConfigError(f"{path} line {_line(root)}: the file must be a mapping of settings")

    def fail(node: yaml.Node, name: str, why: str) -> CenterConfigError:
        return CenterConfigError(f"{path} line {_line(node)}: {name}: {why}")

    loader = yaml.SafeLoader("")
    for key_node, value_node in root.value:
        key = key_node.value
        try:
            value = loader.construct_object(value_node, deep=True)
        except yaml.YAMLError as exc:
            raise fail(value_node, key, f"cannot read value ({exc})") from None
        if key in _NUM:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise fail(value_node, key, "must be a number greater than 0")
            setattr(cfg, key, float(value))
        elif key in _BOOL:
            if not isinstance(value, bool):
                raise fail(value_node, key, "must be true or false")
            setattr(cfg, key, value)
        elif key in _STR:
            if not isinstance(value, str) or not value.strip():
                raise fail(value_node, key, "must be a non-empty string")
            setattr(cfg, key, value)
        elif key in _PORT:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
                raise fail(value_node, key, "must be a port number 0..65535 (0 = pick a free port)")
            setattr(cfg, key, value)
        elif key in ("capacity", "sla_s"):
            if not isinstance(value, dict):
                raise fail(value_node, key, "must be a mapping channel: number")
            merged = dict(getattr(cfg, key))
            for sub_key, sub_val in zip(value_node.value, value.values()):
                ch = sub_key[0].value
                if ch not in m.CHANNELS:
                    raise fail(sub_key[0], f"{key}.{ch}", f"unknown channel; use one of {', '.join(sorted(m.CHANNELS))}")
                if isinstance(sub_val, bool) or not isinstance(sub_val, int) or sub_val < 0:
                    raise fail(sub_key[1], f"{key}.{ch}", "must be a whole number ≥ 0")
                merged[ch] = sub_val
            setattr(cfg, key, merged)
        elif key == "default_queues":
            if not isinstance(value, dict):
                raise fail(value_node, key, "must be a mapping channel: queue id")
            for sub_key, sub_val in zip(value_node.value, value.values()):
                ch = sub_key[0].value
                if ch not in m.CHANNELS:
                    raise fail(sub_key[0], f"{key}.{ch}", "unknown channel")
                if not isinstance(sub_val, str):
                    raise fail(sub_key[1], f"{key}.{ch}", "must be a queue id")
                cfg.default_queues[ch] = sub_val
        elif key == "voice":
            if not isinstance(value, dict):
                raise fail(value_node, key, "must be a mapping")
            cfg.voice = value
        else:
            raise fail(key_node, str(key), "unknown setting")
    return cfg


DEFAULT_YAML = """\
# agent-tui reference center settings. No secrets in this file: credentials are
# hashed in center.db, the ingress key is in secrets/ingress.key (mode 0600).
name: {name}
host: {host}            # address the wss server listens on
port: {port}            # 0 = pick a free port (printed at start)
ingress_host: {host}
ingress_port: {ingress_port}
grace_seconds: 60       # how long an agent keeps state, offers and conversations after a drop
offer_timeout_s: 20     # an offer not accepted in time goes to the next agent; the agent goes to `missed`
acw_seconds: 60         # wrap-up time after a customer left / a call ended
reoffer_after_s: 30     # a declined conversation is not offered to the same agent again for this long
presence_batch_s: 1     # presence deltas are batched (at most one frame per interval)
stats_tick_s: 2
capacity:               # concurrent conversations per agent and channel
  voice: 1
  chat: 3
  social: 3
  sms: 5
  email: 5
chat_during_call: false  # true: a chat offer left ringing during a call counts as missed
demo: {demo}             # simulate customers and colleagues (`serve --quiet` keeps only colleagues)
voice:                  # phone calls: the voice engine (pjsua2) answers queue_number and routes callers
  enabled: true
  queue_number: "+31201234567"
  engines: 1            # engine processes; each talks to 2 callers at once (pjsua2 wheel: 4 call slots)
  kamailio:             # full setup: Kamailio (Debian package) as TLS registrar/proxy, run by `center serve`
    enabled: false      # config in kamailio/ (written by init); agents register with their own login
    port: 5061
    media_relay: rtpengine  # relays calls between agents behind home NAT (Debian rtpengine-daemon); none = off
"""
