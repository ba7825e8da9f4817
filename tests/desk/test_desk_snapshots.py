"""Snapshot tests of the main screens: 80×24 and 120×40, English and Dutch, default and
high-contrast themes. The state is seeded and the clock frozen, so images are stable."""

from __future__ import annotations

import time

import pytest

from agent_tui.app import DeskApp
from agent_tui.core.client import ConnectionStatus
from agent_tui.core.config import Config
from agent_tui.i18n import t
from tests.kit.desk_helpers import wait_for
from tests.kit.desk_seed import NOW, seeded_state


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def seeded_app(language: str, theme: str) -> DeskApp:
    return DeskApp(Config(language=language, theme=theme), state=seeded_state(), clock=lambda: NOW,
                   status=ConnectionStatus("online", 12.0, "", 0), cursor_blink=False)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("theme", ["default", "high-contrast"])
def test_desk_screen(snap_compare, size, language, theme):
    async def open_first(pilot):
        await pilot.pause()
        await pilot.pause()
    assert snap_compare(seeded_app(language, theme), terminal_size=size, run_before=open_first)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_team_chat_side_view_80x24(snap_compare, language):
    async def team(pilot):
        await pilot.press("f4")
        app = pilot.app
        status = app.screen.query_one("#status")

        def settled() -> bool:
            # The room is marked read once its tab shows, and the status bar's count follows.
            return (not app.state.rooms["team:care"]["unread"]
                    and t("status.unread", n=app.state.unread_total()) in status.content.plain)

        await wait_for(pilot, settled, timeout=5.0, what="the team room read")
        await pilot.pause()
    assert snap_compare(seeded_app(language, "default"), terminal_size=(80, 24), run_before=team)


def test_help_screen(snap_compare):
    async def helpme(pilot):
        await pilot.press("f1")
        await pilot.pause()
    assert snap_compare(seeded_app("en", "default"), terminal_size=(120, 40), run_before=helpme)


def test_wrapup_dialog(snap_compare):
    async def wrap(pilot):
        await pilot.press("ctrl+w")
        await pilot.pause()
    app = seeded_app("en", "default")
    app.wrapup_codes = [{"code": "resolved", "label": "Resolved"}, {"code": "callback", "label": "Call back"}]
    assert snap_compare(app, terminal_size=(80, 24), run_before=wrap)


def test_login_screen(snap_compare, tmp_path, monkeypatch):
    monkeypatch.setenv("AGENT_TUI_CONFIG", str(tmp_path / "none.yaml"))
    app = DeskApp(Config(language="en", server="wss://center.example:8443", user="agent1"),
                  cursor_blink=False, remember_login=False)
    assert snap_compare(app, terminal_size=(80, 24))
