"""What every benchmark prints: the machine it ran on, and percentiles."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine(*extras: str) -> str:
    """CPU model, cores, OS and Python, then *extras* (library versions that matter to the figure)."""
    cpu = platform.processor() or platform.machine() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    parts = [cpu, f"{os.cpu_count()} logical cores", f"{platform.system()} {platform.release()}",
             f"Python {platform.python_version()}", *extras]
    return ", ".join(p for p in parts if p)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) by nearest rank over n−1; NaN for no values."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[max(0, min(len(s) - 1, round(p / 100.0 * (len(s) - 1))))]
