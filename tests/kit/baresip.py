"""baresip (Debian ``baresip-core``) as a third-party SIP phone for the interop tests and benches.

A real, independent SIP/TLS + SDES-SRTP user agent: it plays a WAV file as its microphone
(``aufile``) and the ``sndfile`` module writes what it hears (``dump-*-dec.wav``) and what it
sends (``dump-*-enc.wav``). Its speaker is ALSA's ``null`` device. Everything lives in its own
config directory (0700); a password, when needed, is in the ``accounts`` file (0600), never on
a command line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.kit.waiting import wait_until

MODULES = ("stdio", "g711", "g722", "aufile", "alsa", "sndfile", "srtp")


def available() -> bool:
    return shutil.which("baresip") is not None and Path("/usr/lib/baresip/modules/g722.so").exists()


class Baresip:
    """One baresip process; see the module docstring."""

    def __init__(self, workdir: Path, *, ca: Path, aor: str, play: Path, codecs: str = "G722",
                 params: str = "regint=0", password: str | None = None) -> None:
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o700)
        shutil.copy(ca, self.dir / "ca.pem")
        conf = [
            "poll_method epoll", "sip_listen 127.0.0.1:0", f"sip_cafile {self.dir / 'ca.pem'}",
            "call_local_timeout 30", "audio_player alsa,null", "audio_alert alsa,null",
            f"audio_source aufile,{play}", "module_path /usr/lib/baresip/modules",
            *(f"module {m}.so" for m in MODULES), "module_app account.so", "module_app menu.so",
            f"snd_path {self.dir}",
        ]
        (self.dir / "config").write_text("\n".join(conf) + "\n", encoding="utf-8")
        auth = f";auth_pass={password}" if password is not None else ""
        accounts = self.dir / "accounts"
        accounts.touch(mode=0o600)
        accounts.write_text(f"<{aor}>;mediaenc=srtp-mand;audio_codecs={codecs};{params}{auth}\n", encoding="utf-8")
        self.log = open(self.dir / "baresip.log", "wb")  # noqa: SIM115 — closed in stop()
        self.proc = subprocess.Popen(["baresip", "-f", str(self.dir)], stdin=subprocess.PIPE,
                                     stdout=self.log, stderr=subprocess.STDOUT, cwd=self.dir)

    def output(self) -> str:
        self.log.flush()
        return (self.dir / "baresip.log").read_text(errors="replace")

    def command(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def wait_for(self, text: str, timeout: float = 20.0) -> None:
        wait_until(lambda: text in self.output() or self.proc.poll() is not None, timeout,
                   f"baresip says {text!r}")
        if text not in self.output():
            raise AssertionError(f"baresip exited before {text!r}:\n{self.output()[-2000:]}")

    def recording(self, kind: str = "dec") -> Path | None:
        """The WAV sndfile writes: ``dec`` = what baresip heard, ``enc`` = what it sent."""
        found = sorted(self.dir.glob(f"dump-*-{kind}.wav"))
        return found[-1] if found else None

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                self.command("/quit")
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.terminate()
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self.log.close()
