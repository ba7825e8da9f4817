"""Fixtures for the support-tool tests: a stored login (config file + OS keyring) for the
shared ``center`` fixture, a second CA, and a virtual ALSA headset for the audio check.

Run under ``scripts/with-keyring`` (a private, unlocked gnome-keyring)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agent_tui.core import credentials
from agent_tui.secure import pki
from tests.support.supportkit import Login, write_config

ASOUNDRC = """
pcm.headset {{
  type asym
  playback.pcm {{ type file slave.pcm "null" file "{out}" format "raw" }}
  capture.pcm {{ type file slave.pcm "null" file "/dev/null" infile "{inp}" format "raw" }}
}}
"""


@pytest.fixture
def login(center: Any, tmp_path: Path) -> Iterator[Login]:
    """agent1's login as `agent-tui login` leaves it: config file + password in the keyring."""
    cfg = write_config(tmp_path / "config.yaml", center.url, center.ca_file, "agent1")
    credentials.store_password(center.url, "agent1", "demo")
    try:
        yield Login(cfg, center.url, center.ca_file, "agent1")
    finally:
        credentials.forget(center.url, "agent1")


@pytest.fixture(scope="session")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA that did not sign the center's certificate."""
    ca_pem, _ = pki.make_ca(tmp_path_factory.mktemp("other-ca"), common_name="some other CA")
    return ca_pem


@pytest.fixture
def free_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def headset_env(tmp_path: Path) -> dict[str, str]:
    """Environment with an ALSA `headset` device (file-backed), the default device then."""
    mic = tmp_path / "mic.raw"  # what the microphone "hears": 2 s of a 1 kHz tone
    t = np.arange(32000) / 16000
    (np.sin(2 * np.pi * 1000 * t) * 0.3 * 32767).astype("<i2").tofile(mic)
    conf = tmp_path / "asoundrc"
    conf.write_text(ASOUNDRC.format(out=tmp_path / "speaker.raw", inp=mic))
    env = dict(os.environ)
    env["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{conf}"
    return env
