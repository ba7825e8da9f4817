"""rtpengine (Debian ``rtpengine-daemon``) as the media anchor of the full setup.

Calls that do not pass through the voice engine — colleague calls, a consult call before a
transfer — have two agents at their ends, each usually behind a home router doing source NAT.
Their SDPs carry private addresses; without a relay neither side hears anything. Kamailio hands
every SDP to rtpengine (``rtpengine_manage``), which rewrites it to its own public address and
relays the media, learning each side's real (NATed) source from the packets it receives.

SRTP stays end to end on each leg: rtpengine terminates SDES on each side and offers its own
keys to the other, so keys still only travel in SDP inside the TLS signalling (Kamailio ↔ phones).

Control: the ``ng`` protocol on a UDP port of 127.0.0.1 only (no one outside the center host can
reach it). Userspace forwarding (``--table=-1``): no kernel module needed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from agent_tui.center.children import stop_child

# rtpengine_manage flags: use the address the SIP came from, not the SDP's private one; drop ICE
# candidates (the relay is the path); rewrite o= and c= so nothing private leaks to the other side.
MANAGE_FLAGS = "SIP-source-address replace-origin replace-session-connection ICE=remove"
PORTS_PER_RELAY = 2000  # 4 ports per call (RTP+RTCP each side): 500 relayed calls


class RtpengineError(Exception):
    """rtpengine is missing or did not start; the message says what to do."""


def free_udp_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_range(ng_port: int) -> tuple[int, int]:
    """A media port window derived from the control port, so parallel centers rarely overlap."""
    low = 20000 + (ng_port % 20) * PORTS_PER_RELAY
    return low, low + PORTS_PER_RELAY - 1


@dataclass
class RtpengineHandle:
    """A running rtpengine child; ``stop()`` ends it (SIGTERM, then SIGKILL)."""

    proc: subprocess.Popen
    ng_port: int
    log: Path

    def stop(self, timeout: float = 5.0) -> None:
        stop_child(self.proc, timeout)

    def running(self) -> bool:
        return self.proc.poll() is None


def _ping(port: int, timeout: float) -> bool:
    """One ng ``ping`` (bencode) → ``pong``."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(b"atui d7:command4:pinge", ("127.0.0.1", port))
        try:
            data = s.recv(200)
        except OSError:
            return False
    return b"pong" in data


def start_rtpengine(run_dir: Path, interface: str, ng_port: int, timeout: float = 10.0) -> RtpengineHandle:
    """Start rtpengine relaying on *interface* (the center's public address); return once it answers."""
    exe = shutil.which("rtpengine") or ("/usr/bin/rtpengine" if Path("/usr/bin/rtpengine").exists() else None)
    if exe is None:
        raise RtpengineError("rtpengine not found — install the Debian package `rtpengine-daemon` (./dev does), "
                             "or set voice.kamailio.media_relay: none in center.yaml (agents behind NAT "
                             "then hear nothing in colleague calls)")
    run_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(run_dir, 0o700)
    low, high = port_range(ng_port)
    log_path = run_dir / "rtpengine.log"
    log = open(log_path, "ab")  # noqa: SIM115 — handed to the child, closed right after
    try:
        proc = subprocess.Popen(
            [exe, "--config-file=none", "--foreground", "--log-stderr", "--log-level=5", "--table=-1",
             f"--interface={interface}", f"--listen-ng=127.0.0.1:{ng_port}",
             f"--port-min={low}", f"--port-max={high}", "--num-threads=2",
             # Forget a session after 5 min without media (a call on hold with VAD can be quiet for
             # a while; a BYE ends normal calls at once).
             "--timeout=300",
             "--pidfile", str(run_dir / "rtpengine.pid")],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        )
    finally:
        log.close()
    handle = RtpengineHandle(proc, ng_port, log_path)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RtpengineError(f"rtpengine exited with code {proc.returncode}: "
                                 f"{log_path.read_text(errors='replace')[-1200:]}")
        if _ping(ng_port, 0.3):  # the wait itself: a 0.3 s receive timeout per attempt
            return handle
        if time.monotonic() > deadline:
            handle.stop()
            raise RtpengineError(f"rtpengine did not answer on 127.0.0.1:{ng_port} in {timeout:.0f}s")
