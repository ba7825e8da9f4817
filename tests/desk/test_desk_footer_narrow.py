"""Issue 8 §8: the footer keeps the keys an agent needs every minute visible, at 80 columns with
short labels — with the composer focused too (F8/F9 used to drop off the right edge, even at
120 columns) — in English and Dutch."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from agent_tui.app import DeskApp
from agent_tui.core.client import ConnectionStatus
from agent_tui.core.config import Config
from agent_tui.widgets.composer import ComposerArea
from tests.kit.desk_helpers import wait_for
from tests.kit.desk_seed import NOW, seeded_state

NEEDED = {"accept", "decline", "choose_state", "send", "wrapup"}


def visible_keys(app: DeskApp) -> dict[str, str]:
    """action -> label of the footer keys wholly on screen (left of the palette key)."""
    keys = list(app.screen.query(FooterKey))
    palette = next((k for k in keys if k.has_class("-command-palette")), None)
    if palette is None:
        return {}  # the footer is being rebuilt
    return {k.action: k.description for k in keys
            if k is not palette and k.region.width and k.region.right <= palette.region.x}


@pytest.mark.parametrize("language", ["en", "nl"])
async def test_the_important_keys_stay_visible_at_80_columns_with_the_composer_focused(language):
    app = DeskApp(Config(language=language), state=seeded_state(), clock=lambda: NOW,
                  status=ConnectionStatus("online", 12.0, "", 0), cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one(ComposerArea).focus()
        await wait_for(pilot, lambda: "send" in visible_keys(app), what="the composer's keys in the footer")
        shown = visible_keys(app)
        assert set(shown) >= NEEDED, shown
        assert shown["accept"] == ("Accept" if language == "en" else "Aannemen")  # the short label
        await pilot.resize_terminal(120, 40)
        await wait_for(pilot, lambda: visible_keys(app).get("accept") not in (None, "Accept", "Aannemen"),
                       what="the long labels at 120 columns")
        assert set(visible_keys(app)) >= NEEDED, visible_keys(app)
        await app.action_quit()
