"""Lead-desk fixtures: the real desk factory (as tests/desk uses)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agent_tui.app import DeskApp
from tests.kit.desk_helpers import make_desk


@pytest.fixture
def desk_factory(center: Any) -> Callable[..., DeskApp]:
    def make(user: str = "agent1", **kw: Any) -> DeskApp:
        return make_desk(center.url, center.ca_file, user, **kw)
    return make
