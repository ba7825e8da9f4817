"""Fixtures for the shaped-link tests: a network namespace behind a tbf-shaped veth (``lab``), a center
listening on the host end of it (``lab_center``), desk clients inside it (``desk_agents``), tone WAVs.

They need root and iproute2; without them every test here is skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.kit import audio_check as audio
from tests.kit.labcenter import DeskAgent, LabCenter
from tests.kit.netlab import NetLab, NetLabUnavailable, unavailable_reason


@pytest.fixture
def lab() -> Iterator[NetLab]:
    """The agent's home link: 64 kbit/s up, 256 kbit/s down."""
    why = unavailable_reason()
    if why:
        pytest.skip(why)
    lab = NetLab(up_kbit=64, down_kbit=256)
    try:
        lab.start()
    except NetLabUnavailable as exc:
        pytest.skip(f"cannot build a network namespace here: {exc}")
    try:
        yield lab
    finally:
        lab.close()


@pytest.fixture
def lab_center(lab: NetLab, center_template: Path, tmp_path: Path) -> Iterator[Callable[..., LabCenter]]:
    """Factory: ``lab_center(**center_yaml)`` → a started center on the lab's host address."""
    made: list[LabCenter] = []

    def make(**settings: Any) -> LabCenter:
        c = LabCenter(center_template, tmp_path / f"c{len(made)}", lab.host_ip, **settings)
        made.append(c)
        return c.start()

    try:
        yield make
    finally:
        for c in made:
            c.stop()


@pytest.fixture
def desk_agents(lab: NetLab) -> Iterator[Callable[..., DeskAgent]]:
    """Factory: ``desk_agents(center, user, **opts)`` → a desk client process in the lab namespace."""
    made: list[DeskAgent] = []

    def make(center: LabCenter, user: str, **opts: Any) -> DeskAgent:
        d = DeskAgent(lab, center, user, "demo", **opts)
        made.append(d)
        return d

    try:
        yield make
    finally:
        for d in made:
            d.close()


@pytest.fixture(scope="session")
def audio_check() -> Any:
    """tests/kit/audio_check.py: write_tone_wav, read_wav, tone_windows (frequency checks)."""
    return audio


@pytest.fixture(scope="session")
def tones(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    d = tmp_path_factory.mktemp("net-tones")
    return {f: audio.write_tone_wav(d / f"tone{f}.wav", f, 30.0) for f in (440, 1000)}
