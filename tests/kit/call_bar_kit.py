"""What the call-bar tests share: a virtual ALSA headset, and reading/waiting on the desk's call bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from agent_tui.widgets.call_bar import CallBar
from tests.kit.desk_helpers import wait_for

ASOUNDRC = """
pcm.headset {{
  type asym
  playback.pcm {{ type file slave.pcm "null" file "{out}" format "raw" }}
  capture.pcm {{ type file slave.pcm "null" file "/dev/null" infile "{inp}" format "raw" }}
}}
"""


def virtual_headset(tmp_path: Path, mic_freq: float = 440.0) -> tuple[dict[str, str], Path]:
    """An ALSA device ``headset``: its microphone plays a tone, its speaker writes a raw file.
    Returns (the environment that selects it, the speaker file)."""
    rate = 16000
    t = np.arange(rate * 60) / rate
    mic = tmp_path / "mic.raw"
    (np.sin(2 * np.pi * mic_freq * t) * 0.3 * 32767).astype("<i2").tofile(mic)
    out = tmp_path / "speaker.raw"
    conf = tmp_path / "asoundrc"
    conf.write_text(ASOUNDRC.format(out=out, inp=mic))
    return {"ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{conf}"}, out


def bar_text(app: Any) -> str:
    desk = app.desk_screen()
    return desk.query_one(CallBar).text if desk is not None else ""


async def until_bar(app: Any, pilot: Any, needle: str, timeout: float = 20.0) -> str:
    await wait_for(pilot, lambda: needle in bar_text(app), timeout,
                   what=f"call bar to show {needle!r} (shows {bar_text(app)!r})")
    return bar_text(app)
