"""The center's child processes (Kamailio, rtpengine): stopped politely, then firmly."""

from __future__ import annotations

import signal
import subprocess


def stop_child(proc: subprocess.Popen, timeout: float = 5.0) -> None:
    """SIGTERM, wait up to ``timeout`` s, then SIGKILL and wait again; nothing if it has ended."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout)
