"""The ``voice:`` section of center.yaml, typed.

The center's config loader keeps the ``voice:`` mapping verbatim; this module
gives it meaning and names the field in every error. No secrets live here: SIP
passwords are the agents' own login passwords (clients keep them in the
keyring), Kamailio only ever sees HA1 hashes in a 0600 file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class VoiceConfigError(Exception):
    """A bad ``voice:`` section; the message names the field."""


@dataclass
class KamailioSettings:
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 5061  # TLS listener (sips); 0 = pick a free port at init
    domain: str = "127.0.0.1"  # SIP domain of the agents (sip:agent1@DOMAIN)
    # Flood limits (new calls per second); over them Kamailio answers 503 with Retry-After.
    customer_calls_s: int = 20  # customer calls to the queue, all sources together
    calls_per_source_s: int = 5  # customer calls from one address
    calls_per_user_s: int = 3  # calls placed by one authenticated agent
    calls_per_agent_s: int = 2  # calls ringing one agent (the engine's own rings are exempt)
    retry_after_s: int = 5
    # Media anchor for calls that bypass the engine (agents behind NAT): "rtpengine" or "none".
    media_relay: str = "rtpengine"


@dataclass
class VoiceSettings:
    """Voice engine settings (center.yaml ``voice:``)."""

    enabled: bool = False
    host: str = "127.0.0.1"  # SIP/TLS and RTP address of the engine
    port: int = 0  # engine TLS port; 0 = a free port, published in run/voice.json
    queue_number: str = "+31201234567"  # what customers dial
    queue: str = "voice"  # the center queue voice calls go to
    ring_timeout_s: float = 20.0
    # Demo only (center.yaml demo: true): mean seconds between simulated callers; 0 = none.
    simulate_calls_s: float = 90.0
    # Call slots per engine process (pjsua2-python 2.15.1 is built with at most 4), and how many
    # engine processes share the calls (each connected customer needs two slots).
    max_calls: int = 4
    engines: int = 1
    # A call leg whose audio stream receives no RTP for this long is hung up (dead caller or
    # phone); above pjmedia's 5 s keep-alive frame under silence suppression.
    rtp_timeout_s: float = 20.0
    max_waiting_per_caller: int = 2  # waiting voice conversations one caller number may have
    kamailio: KamailioSettings = field(default_factory=KamailioSettings)


_KAM_LIMITS = ("customer_calls_s", "calls_per_source_s", "calls_per_user_s", "calls_per_agent_s",
               "retry_after_s")


def _want(cond: bool, name: str, why: str) -> None:
    if not cond:
        raise VoiceConfigError(f"center.yaml: voice.{name}: {why}")


def parse_voice_settings(raw: dict[str, Any] | None) -> VoiceSettings:
    """Validate the raw ``voice:`` mapping; unknown keys are errors (typos must not pass silently)."""
    s = VoiceSettings()
    raw = dict(raw or {})
    kam = raw.pop("kamailio", None)
    for key, value in raw.items():
        if key == "enabled":
            _want(isinstance(value, bool), key, "must be true or false")
            s.enabled = value
        elif key == "host":
            _want(isinstance(value, str) and bool(value.strip()), key, "must be an address")
            s.host = value
        elif key == "port":
            _want(isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 65535,
                  key, "must be a port 0..65535")
            s.port = value
        elif key in ("queue_number", "queue"):
            _want(isinstance(value, (str, int)) and str(value).strip() != "", key, "must be a string")
            setattr(s, key, str(value))
        elif key == "rtp_timeout_s":
            _want(isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 3,
                  key, "must be a number ≥ 3 (seconds)")
            s.rtp_timeout_s = float(value)
        elif key == "max_waiting_per_caller":
            _want(isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 100,
                  key, "must be a whole number 1..100")
            s.max_waiting_per_caller = value
        elif key == "ring_timeout_s":
            _want(isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0,
                  key, "must be a number > 0")
            s.ring_timeout_s = float(value)
        elif key == "max_calls":
            _want(isinstance(value, int) and not isinstance(value, bool) and 2 <= value <= 32,
                  key, "must be a whole number 2..32 (the pjsua2 wheel may allow fewer)")
            s.max_calls = value
        elif key == "engines":
            _want(isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 16,
                  key, "must be a whole number 1..16")
            s.engines = value
        elif key == "simulate_calls_s":
            _want(isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0,
                  key, "must be a number ≥ 0 (0 = no simulated callers)")
            s.simulate_calls_s = float(value)
        else:
            raise VoiceConfigError(f"center.yaml: voice.{key}: unknown setting")
    if kam is not None:
        _want(isinstance(kam, dict), "kamailio", "must be a mapping (enabled, host, port, domain)")
        for key, value in kam.items():
            if key == "enabled":
                _want(isinstance(value, bool), "kamailio.enabled", "must be true or false")
                s.kamailio.enabled = value
            elif key in ("host", "domain"):
                _want(isinstance(value, str) and bool(value.strip()), f"kamailio.{key}", "must be a string")
                setattr(s.kamailio, key, value)
            elif key == "port":
                _want(isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 65535,
                      "kamailio.port", "must be a port 0..65535")
                s.kamailio.port = value
            elif key in _KAM_LIMITS:
                _want(isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 10000,
                      f"kamailio.{key}", "must be a whole number 1..10000")
                setattr(s.kamailio, key, value)
            elif key == "media_relay":
                _want(value in ("rtpengine", "none"), "kamailio.media_relay", "must be rtpengine or none")
                s.kamailio.media_relay = value
            else:
                raise VoiceConfigError(f"center.yaml: voice.kamailio.{key}: unknown setting")
    return s


def run_dir(center_dir: Path) -> Path:
    """Runtime files of the voice engine (address file, generated prompts)."""
    d = Path(center_dir) / "run" / "voice"
    d.mkdir(parents=True, exist_ok=True)
    return d


def engine_address_file(center_dir: Path, index: int = 0) -> Path:
    """Where engine *index* publishes its address (engine.json, engine-1.json, …)."""
    return run_dir(center_dir) / ("engine.json" if index == 0 else f"engine-{index}.json")


def read_engine_addresses(center_dir: Path) -> list[dict[str, Any]]:
    """Every running engine's address, engine 0 first (empty list when none runs)."""
    out = []
    for path in sorted(run_dir(center_dir).glob("engine*.json"), key=lambda p: (len(p.name), p.name)):
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return out


def read_engine_address(center_dir: Path) -> dict[str, Any]:
    """The running engine's published address ``{host, port, pid, queue_number}``.

    Raises FileNotFoundError with a hint when no engine has started.
    """
    path = engine_address_file(center_dir)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: no voice engine is running for {center_dir} — start `agent-tui center serve "
            f"{center_dir}` with `voice: {{enabled: true}}` in center.yaml"
        ) from None
