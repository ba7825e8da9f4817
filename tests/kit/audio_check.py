"""Frequency checks on recorded audio (numpy FFT), for the SIP media tests."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


def write_tone_wav(
    path: Path, freq: float, seconds: float, rate: int = 16000, amp: float = 0.3
) -> Path:
    """A mono 16-bit sine WAV."""
    t = np.arange(int(rate * seconds)) / rate
    pcm = (np.sin(2 * np.pi * freq * t) * amp * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Samples (float, mono) and rate of a 16-bit WAV."""
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
        if w.getnchannels() > 1:
            data = data.reshape(-1, w.getnchannels())[:, 0]
    return data, rate


def read_raw(path: Path, rate: int = 16000) -> tuple[np.ndarray, int]:
    """Samples of a raw S16_LE mono file (what an ALSA `type file` PCM writes)."""
    return np.fromfile(str(path), dtype="<i2").astype(np.float64), rate


def dominant_freq(samples: np.ndarray, rate: int) -> float:
    """Frequency (Hz) of the strongest FFT bin, DC excluded."""
    if samples.size < 256:
        return 0.0
    spec = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    spec[:3] = 0
    return float(np.fft.rfftfreq(samples.size, 1 / rate)[int(spec.argmax())])


def tone_windows(samples: np.ndarray, rate: int, freq: float, win_s: float = 0.25) -> list[bool]:
    """Per window: does a tone near ``freq`` (±5%) dominate and stand clear of silence?"""
    n = int(rate * win_s)
    out = []
    for i in range(0, samples.size - n + 1, n):
        seg = samples[i : i + n]
        rms = float(np.sqrt(np.mean(seg * seg)))
        out.append(rms > 300 and abs(dominant_freq(seg, rate) - freq) < freq * 0.05)
    return out


def rms_windows(samples: np.ndarray, rate: int, win_s: float = 0.25) -> list[float]:
    """RMS per window."""
    n = int(rate * win_s)
    return [
        float(np.sqrt(np.mean(samples[i : i + n] ** 2))) for i in range(0, samples.size - n + 1, n)
    ]
