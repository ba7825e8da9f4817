"""The voice engine's prompts: queue announcement, hold music and the demo callers' murmur.

Generated tones written as WAV files (16 kHz mono 16-bit PCM, what pjsua2 plays and records):
no speech engine, no audio files in the package.
"""

from __future__ import annotations

import math
import random
import struct
import wave
from pathlib import Path


def write_tone_wav(path: Path, freqs: list[tuple[float, float]], rate: int = 16000,
                   amplitude: float = 0.35) -> Path:
    """Write a WAV of consecutive sine notes: [(frequency Hz or 0 for silence, seconds), ...]."""
    frames = bytearray()
    for freq, secs in freqs:
        n = int(rate * secs)
        fade = max(1, min(n // 10, int(rate * 0.01)))
        for i in range(n):
            env = min(1.0, i / fade, (n - i) / fade)  # no clicks between notes
            v = amplitude * env * math.sin(2 * math.pi * freq * i / rate) if freq else 0.0
            frames += struct.pack("<h", int(v * 32767))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return path


def ensure_prompts(media_dir: Path) -> dict[str, Path]:
    """Make the queue announcement and hold music WAVs once (generated tones, no speech engine).

    The announcement is a three-note chime; hold music a slow arpeggio. Both stay
    away from the test tones (1000-1500 Hz) so tests can tell them apart.
    """
    media_dir.mkdir(parents=True, exist_ok=True)
    ann = media_dir / "announcement.wav"
    hold = media_dir / "hold.wav"
    if not ann.exists():
        write_tone_wav(ann, [(523.25, 0.25), (659.25, 0.25), (783.99, 0.4), (0, 0.3)])
    if not hold.exists():
        notes = [392.0, 493.88, 587.33, 493.88, 349.23, 440.0, 523.25, 440.0]
        write_tone_wav(hold, [(f, 0.3) for f in notes] + [(0, 0.4)], amplitude=0.2)
    caller = media_dir / "caller.wav"
    if not caller.exists():
        # A speech-like rhythm for the demo's simulated callers: short "syllables" and pauses.
        rng = random.Random(7)
        parts: list[tuple[float, float]] = []
        for _ in range(40):
            parts.append((rng.uniform(180, 320), rng.uniform(0.08, 0.25)))
            if rng.random() < 0.3:
                parts.append((0.0, rng.uniform(0.15, 0.5)))
        write_tone_wav(caller, parts, amplitude=0.25)
    return {"announcement": ann, "hold": hold, "caller": caller}
