"""Frequency checks on recorded WAV files (numpy FFT)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
        if w.getnchannels() > 1:
            data = data.reshape(-1, w.getnchannels())[:, 0]
    return data / 32768.0, rate


def band_share(samples: np.ndarray, rate: int, freq: float, width: float = 30.0) -> float:
    """Share of the signal's energy within ±width Hz of freq (0..1); 0 for silence."""
    if len(samples) < rate // 10:
        return 0.0
    spec = np.abs(np.fft.rfft(samples * np.hanning(len(samples)))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    total = spec[freqs > 50].sum()
    if total <= 0:
        return 0.0
    return float(spec[(freqs > freq - width) & (freqs < freq + width)].sum() / total)


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples ** 2))) if len(samples) else 0.0


def windows(path: Path, win_s: float = 0.5) -> list[tuple[float, np.ndarray, int]]:
    """The recording cut into windows: (start second, samples, rate)."""
    data, rate = read_wav(path)
    n = int(win_s * rate)
    return [(i / rate, data[i:i + n], rate) for i in range(0, len(data) - n + 1, n)]


def tone_windows(path: Path, freq: float, share: float = 0.5, win_s: float = 0.5) -> int:
    """How many windows are dominated by the tone at freq."""
    return sum(1 for _t, w, r in windows(path, win_s) if rms(w) > 0.01 and band_share(w, r, freq) > share)
