"""Where the repository is, and the environment for child processes that import ``tests.kit``."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def child_env(**extra: str) -> dict[str, str]:
    """``os.environ`` plus the repository root on ``PYTHONPATH`` (so ``python -m tests.kit.x`` works)."""
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


KIT_DIR = Path(__file__).resolve().parent
"""Child-process scripts that live here (``phone_proc.py``, ``phone_agent.py``, ``desk_agent.py``)."""
