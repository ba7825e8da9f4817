"""The desk says when the center cannot store new messages (issue 9 §5), in English and Dutch."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from textual.app import App, ComposeResult

from agent_tui.core.desk_state import DeskState
from agent_tui.i18n import language, set_language
from agent_tui.widgets.status_bar import StatusBar


class _Bar(App):
    def compose(self) -> ComposeResult:
        yield StatusBar()


def test_read_only_comes_from_the_welcome_and_the_storage_event():
    st = DeskState(clock=lambda: 1000.0)
    st.apply_welcome({"last_seq": 3, "resumed": True, "storage": {"ok": False, "message": "disk full"}})
    assert st.center_read_only
    st.apply_event({"seq": 4, "ts": 1000.0, "kind": "center.storage", "data": {"ok": True, "message": ""}})
    assert not st.center_read_only and "connection" in st.take_dirty()
    st.apply_event({"seq": 5, "ts": 1000.0, "kind": "center.storage", "data": {"ok": False, "message": "x"}})
    assert st.center_read_only
    st.apply_welcome({"last_seq": 5, "resumed": True})  # a later welcome without it: stored again
    assert not st.center_read_only


@pytest.mark.parametrize(("lang", "words"), [("en", "the center cannot store new messages"),
                                             ("nl", "de centrale kan geen nieuwe berichten opslaan")])
async def test_status_bar_shows_the_banner_in_words(lang: str, words: str):
    before = language()
    set_language(lang)
    try:
        st = DeskState(clock=lambda: 1000.0)
        status = SimpleNamespace(state="online", rtt_ms=40.0, queued=0)
        async with _Bar().run_test(size=(120, 3)) as pilot:
            bar = pilot.app.query_one(StatusBar)
            bar.show(st, status, 1000.0)
            assert words not in str(bar.render())
            st.center_read_only = True
            bar.show(st, status, 1000.0)
            assert words in str(bar.render())
    finally:
        set_language(before)
