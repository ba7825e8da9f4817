"""Issue 8 at 80×24: nothing important cut off (the call bar's headset warning), and below the
minimum size a "terminal too small" message instead of a broken desk."""

from __future__ import annotations

from textual.app import App, ComposeResult

from agent_tui.core.call_state import CallQualityView, CallView
from agent_tui.core.desk_state import DeskState
from agent_tui.widgets.call_bar import CallBar


async def bar_text(view: CallView, notice: str, size: tuple[int, int]) -> str:
    class BarApp(App[None]):
        def compose(self) -> ComposeResult:
            yield CallBar(clock=lambda: 1000.0)

    app = BarApp()
    async with app.run_test(size=size) as pilot:
        bar = app.query_one(CallBar)
        bar.show_calls([view], {"hold": "alt+p", "mute": "alt+m", "hangup": "alt+h"}, notice)
        await pilot.pause()
        return bar.text


async def test_the_headset_warning_on_the_call_bar_fits_80_columns():
    v = CallView(key="c1", phase="connected", caller="+31698809192", conversation="c-6d2c74a1b2d4",
                 answered_at=997.0, codec="speex/8000", profile="low",
                 quality=CallQualityView(rtt_ms=0, jitter_ms=1, loss_pct=0.0, mos=4.0))
    notice = "cannot open headset (input default, output default): Error querying device -1"
    text = await bar_text(v, notice, (80, 24))
    lines = text.split("\n")
    assert len(lines) == 2 and all(len(line) <= 78 for line in lines), text
    assert lines[1].startswith("⚠") and "cannot open headset" in lines[1], text


async def test_the_status_bar_keeps_state_link_queued_unread_and_queue_at_80_columns():
    from agent_tui.core.client import ConnectionStatus
    from agent_tui.i18n import set_language
    from agent_tui.widgets.status_bar import StatusBar

    state = DeskState(clock=lambda: 1000.0)
    state.me = {"user": "agent1", "name": "Anna de Vries-van der Berg"}
    state.agent = {"state": "break", "reason": "koffie", "since": 1000.0 - 95}
    state.rooms = {"team:care": {"room": "team:care", "unread": 3}}
    state.queues = {"chat": {"queue": "chat", "waiting": 4, "longest_wait_s": 62}}

    class BarApp(App[None]):
        def compose(self) -> ComposeResult:
            yield StatusBar()

    set_language("nl")
    try:
        app = BarApp()
        async with app.run_test(size=(80, 24)) as pilot:
            bar = app.query_one(StatusBar)
            bar.show(state, ConnectionStatus("online", 12.0, "", 0), 1000.0)
            await pilot.pause()
            online = str(bar.render())
            bar.show(state, ConnectionStatus("reconnecting", None, "", 2), 1000.0)
            await pilot.pause()
            away = str(bar.render())
            state.agent = {"state": "missed", "reason": "offer timed out", "since": 1000.0 - 754}
            bar.show(state, ConnectionStatus("online", 12.0, "", 0), 1000.0)
            await pilot.pause()
            missed = str(bar.render())
    finally:
        set_language("en")
    for shown in (online, away, missed):
        assert len(shown) <= 78, shown
    for part in ("Pauze 1:35", "(koffie)", "online", "Ongelezen 3", "Wachtrij 4/1:02"):
        assert part in online, (part, online)
    for part in ("Pauze 1:35", "opnieuw verbinden", "2 in wachtrij", "Ongelezen 3"):
        assert part in away, (part, away)
    assert "Niet gereed (aanbod gemist) 12:34" in missed and "Wachtrij 4/1:02" in missed, missed
    assert "offer timed out" not in missed  # the center's English reason never shows in Dutch


async def test_below_80x24_the_desk_says_the_terminal_is_too_small():
    from agent_tui.app import DeskApp

    state = DeskState()
    state.me = {"user": "agent1", "name": "Anna"}  # preset: no login, no center
    app = DeskApp(state=state, cursor_blink=False)
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        note = app.screen.query_one("#too-small")
        assert note.display and "70×20" in str(note.render()) and "80×24" in str(note.render())
        assert not app.screen.query_one("#main").display or not app.screen.query_one("#main").region.area
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.screen.query_one("#too-small").region.area == 0
        assert app.screen.query_one("#status").region.area > 0


def test_a_rooms_unread_count_shows_however_long_its_name():
    from agent_tui.widgets.line_list import Row
    from agent_tui.widgets.team_chat import RoomList

    text = RoomList().render_row(Row("dm:agent9", ("@Marie-José van den Heuvel", 12)), 18).plain
    assert text.endswith("(12)") and len(text) <= 18, text
