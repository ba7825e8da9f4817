"""Fixtures for the voice tests (helpers live in voicekit.py)."""

from tests.kit.voicekit import center_dir, kam_center, kam_running, procs, tones  # noqa: F401  (pytest fixtures)
