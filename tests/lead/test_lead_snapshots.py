"""Snapshot tests of the lead view at 120×40 and 80×24 (English and Dutch), from fixed answers
(tests/kit/lead_seed.py) with the clock frozen, like the desk's snapshots."""

from __future__ import annotations

import time

import pytest

from agent_tui.app import DeskApp
from agent_tui.core.client import ConnectionStatus
from agent_tui.core.config import Config
from agent_tui.screens.lead import LeadScreen
from agent_tui.widgets.lead_figures import LeadChart
from tests.kit.desk_helpers import wait_for
from tests.kit.desk_seed import NOW
from tests.kit.lead_seed import lead_preset, lead_state


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def lead_app(language: str = "en") -> DeskApp:
    return DeskApp(Config(language=language), state=lead_state(), clock=lambda: NOW,
                   status=ConnectionStatus("online", 12.0, "", 0), cursor_blink=False)


def opened(tab: str | None = None):
    async def run(pilot):
        await pilot.app.push_screen(LeadScreen(preset=lead_preset()))
        await pilot.pause()
        if tab:
            pilot.app.screen.action_tab(tab)
        await pilot.pause()
        charts = list(pilot.app.screen.query(LeadChart))
        await wait_for(pilot, lambda: not any(c.pending for c in charts), what="plots built")
        await pilot.pause()
    return run


@pytest.mark.parametrize(("size", "language"), [((80, 24), "en"), ((120, 40), "en"), ((80, 24), "nl")],
                         ids=["80x24-en", "120x40-en", "80x24-nl"])
def test_lead_figures(snap_compare, size, language):
    assert snap_compare(lead_app(language), terminal_size=size, run_before=opened())


# The agents table (with a name holding markup, shown literally). The other tabs are driven in
# tests/lead/test_lead_pilot.py; the suite's time budget keeps their images out.
@pytest.mark.parametrize(("tab", "size"), [("agents", (80, 24))], ids=["agents-80x24"])
def test_lead_tabs(snap_compare, size, tab):
    assert snap_compare(lead_app("en"), terminal_size=size, run_before=opened(tab))


async def test_status_line_follows_the_link():
    """Figures from a center that cannot be reached are stale: the view's first line says so
    within a second of the link's state changing, and again when it is back."""
    app = lead_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.push_screen(LeadScreen(preset=lead_preset()))
        line = pilot.app.screen.query_one("#lead-status")
        await wait_for(pilot, lambda: "online" in str(line.content), what="online")
        pilot.app.status = ConnectionStatus("reconnecting", None, "connection lost", 1)
        await wait_for(pilot, lambda: "reconnecting" in str(line.content), what="reconnecting shown")
        assert "reverse" in str(line.content.style)
        pilot.app.status = ConnectionStatus("online", 12.0, "", 0)
        await wait_for(pilot, lambda: "online" in str(line.content), what="online again")
