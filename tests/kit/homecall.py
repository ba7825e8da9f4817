"""Calls across a :class:`homelab.HomeLab`: the full setup on the center, a phone in each home.

``HomeCenter`` makes a center directory whose Kamailio (with rtpengine unless told otherwise) listens
on the lab's public address, with a server certificate naming it (verification stays on), and starts
Kamailio and the voice engine. ``home_phone`` starts tests/kit/phone_agent.py in a home's agent
namespace, bound to its private LAN address with pjsua's NAT helpers and the low profile with VAD,
as a real home phone. Audio is speech (espeak-ng + sox): the low profile's VAD treats a steady tone
as silence, so tones would not show what an agent hears.

``heard_s(wav)`` is how many seconds of a recording carry speech (0.25 s windows above -40 dBFS);
``CallRow`` is one line of the table in docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from agent_tui.center.config import load_center_config
from agent_tui.center.voice import kamailio
from agent_tui.secure.pki import make_ca, make_server_cert
from tests.kit.homelab import LAN_AGENT, Home, HomeLab
from tests.kit.paths import child_env
from tests.kit.voicekit import HERE, PY, JsonProc

SPEECH_RMS = 0.01  # -40 dBFS: a silent (unanswered, unrelayed) stream records ~0
PASSWORDS = {"agent1": "s3cret-agent1", "agent2": "s3cret-agent2"}


def write_speech_wav(path: Path, text: str, pitch: int, seconds: float = 30.0) -> Path:
    """*text* spoken by espeak-ng at *pitch* (0-99), 16 kHz mono, repeated to *seconds*."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"`{tool}` is missing (Debian package {tool}; ./dev installs it)")
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-p", str(pitch), "-s", "150", "-w", str(raw), text], check=True, timeout=30)
    one = path.with_suffix(".one.wav")
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(one), "pad", "0", "0.3", "norm", "-6"],
                   check=True, timeout=30)
    info = subprocess.run(["soxi", "-D", str(one)], capture_output=True, text=True, check=True).stdout
    repeats = max(1, int(seconds / max(0.5, float(info))))
    subprocess.run(["sox", str(one), str(path), "repeat", str(repeats)], check=True, timeout=60)
    raw.unlink()
    one.unlink()
    return path


def heard_s(wav: Path, after_s: float = 0.0, rate: int = 16000) -> float:
    """Seconds of *wav* (from *after_s*) whose 0.25 s windows carry speech.

    Read as raw samples after the 44-byte header: pjsua writes the header's sizes only when the
    recorder closes, and calls are checked while they run.
    """
    try:
        body = wav.read_bytes()[44:]
    except OSError:
        return 0.0
    data = np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2").astype(np.float64) / 32768.0
    n = rate // 4
    return sum(0.25 for i in range(int(after_s * rate), len(data) - n + 1, n)
               if float(np.sqrt(np.mean(data[i:i + n] ** 2))) > SPEECH_RMS)


@dataclass
class CallRow:
    """One case of the home-network table."""

    case: str
    rings: bool
    a_heard_s: float  # seconds of speech the caller side heard
    b_heard_s: float  # seconds of speech the called side heard
    seconds: float  # how long the audio ran
    mos: float | None
    kbps_up: float  # the home's uplink, IP layer, whole WAN link (SIP + RTP + keepalives)

    def markdown(self) -> str:
        mos = f"{self.mos:.2f}" if self.mos is not None else "—"
        return (f"| {self.case} | {'yes' if self.rings else 'no'} | {self.a_heard_s:.1f}/{self.seconds:.0f} s | "
                f"{self.b_heard_s:.1f}/{self.seconds:.0f} s | {mos} | {self.kbps_up:.1f} |")


class HomeCenter:
    """Kamailio (+ rtpengine) on the lab's public address and one voice engine."""

    def __init__(self, lab: HomeLab, workdir: Path, *, media_relay: str = "rtpengine"):
        self.lab = lab
        self.dir = workdir / "center"
        make_ca(self.dir / "tls")
        make_server_cert(self.dir / "tls", [lab.center_ip])
        voice = {"enabled": True, "host": lab.center_ip,
                 "kamailio": {"enabled": True, "port": 0, "host": lab.center_ip, "domain": lab.center_ip,
                              "media_relay": media_relay}}
        (self.dir / "center.yaml").write_text(yaml.safe_dump({"voice": voice}), encoding="utf-8")
        kamailio.write_kamailio_config(self.dir, load_center_config(self.dir))
        for user, password in PASSWORDS.items():
            kamailio.set_sip_password(self.dir, user, password, lab.center_ip)
        self.kam = kamailio.start_kamailio(self.dir)
        self.procs: list[JsonProc] = []
        addr = kamailio.address(self.dir)
        self.registrar = f"sip:{addr['host']}:{addr['port']};transport=tls"

    def uri(self, user: str) -> str:
        return f"sip:{user}@{self.lab.center_ip};transport=tls"

    def start(self, argv: list[str], name: str, stdin_first: str | None = None) -> JsonProc:
        p = JsonProc(argv, cwd=self.dir.parent, env=child_env(), name=name, stdin_first=stdin_first)
        self.procs.append(p)
        return p

    def engine(self) -> JsonProc:
        eng = self.start([PY, "-m", "agent_tui.center.voice", str(self.dir), "--log-level", "2"], "engine")
        eng.wait("ready", timeout=30)
        return eng

    def customer(self, play: Path, record: Path, name: str = "customer", number: str = "+31611122233") -> JsonProc:
        return self.start([PY, "-m", "agent_tui.center.voice.call_cli", str(self.dir), "--from", number,
                           "--play", str(play), "--record", str(record), "--duration", "120", "--timeout", "30",
                           "--events"], name)

    def home_phone(self, home: Home, user: str, play: Path, record: Path, *, keepalive: int = 25,
                   tls13: bool = True) -> JsonProc:
        """The agent's phone at home; like the desk, its SIP goes over TLS 1.3 (sip/tls_relay.py) by default."""
        argv = home.argv([PY, str(HERE / "phone_agent.py"), "--ca", str(self.dir / "tls" / "ca.pem"),
                          "--play", str(play), "--record", str(record), "--user", user, "--auto-answer",
                          "--register", self.registrar, "--domain", self.lab.center_ip, "--bind", LAN_AGENT,
                          "--nat", "--profile", "low", "--vad", "--keepalive", str(keepalive), "--log-level", "2",
                          *(["--tls13-relay"] if tls13 else [])])
        p = self.start(argv, user, stdin_first=json.dumps({"password": PASSWORDS[user]}))
        p.wait("ready", timeout=30)
        return p

    def close(self) -> None:
        for p in reversed(self.procs):
            p.ask_to_quit()
        for p in reversed(self.procs):
            p.stop()
        self.kam.stop()


def recorded(record: Path, media: dict) -> Path:
    """The WAV phone_agent.py writes for one call (``--record`` prefix + call key)."""
    return Path(f"{record}.{media['call']}.wav")


def wait_media(phone: JsonProc, after: int = 0, call: str | None = None) -> dict:
    return phone.wait(lambda e: e.get("ev") == "media" and e["state"] == "active"
                      and (call is None or e["call"] == call), timeout=20, after=after)


def stats(phone: JsonProc, call: str) -> dict:
    mark = phone.mark()
    phone.send(cmd="stats", call=call)
    return phone.wait(lambda e: e.get("ev") == "stats" and e["call"] == call, after=mark)


def uplink_kbps(home: Home, before: tuple[int, int], seconds: float) -> float:
    up = home.wan_bytes()[0] - before[0]
    return up * 8 / 1000 / max(seconds, 0.001)


def os_size(path: Path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
