"""Hostile customer text is shown literally and the layout holds.

Unit checks of the sanitiser, then a pilot test that injects the text through the real
center's ingress and reads what the desk renders.
"""

from __future__ import annotations

import asyncio

from agent_tui.secure.text import MAX_LINE, clean, literal, one_line
from agent_tui.widgets.conversation_list import ConversationList
from agent_tui.widgets.transcript import TranscriptItem
from tests.kit.desk_helpers import make_desk, wait_for

MARKUP = "[bold red]PAY NOW[/] [link=https://evil.example]click[/link] [@click=app.quit]x[/]"
ANSI = "\x1b[2J\x1b[31mred\x1b[0m \x1b]0;pwned title\x07 \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ \x9b6n"
RTL = "שלום مرحبا \u202eevil.exe\u202c"
ZALGO = "Z" + "\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308" * 4 + "algo"
LONG = "A" * 5000


def test_markup_is_not_parsed():
    text = literal(MARKUP)
    assert text.plain == MARKUP
    assert not text.spans


def test_escape_sequences_become_visible_placeholders():
    out = clean(ANSI)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "␛[31m" in out and "␛]0;pwned title␇" in out
    # Everything readable is still there, in order; only the control characters changed.
    assert out == ("␛[2J␛[31mred␛[0m ␛]0;pwned title␇ ␛]8;;https://evil.example␛\\link"
                   "␛]8;;␛\\ \ufffd6n")


def test_bidi_controls_are_marked_and_rtl_letters_kept():
    out = clean(RTL)
    assert "\u202e" not in out and "⟦bidi⟧" in out
    assert "שלום" in out and "مرحبا" in out
    assert out == "שלום مرحبا ⟦bidi⟧evil.exe⟦bidi⟧"


def test_combining_marks_are_capped():
    out = clean(ZALGO)
    assert len(out) < len(ZALGO)
    assert out.startswith("Z\u0301\u0302\u0303") and out.endswith("algo")
    assert out == "Z\u0301\u0302\u0303algo"  # the letters all kept, three marks on the Z


def test_long_lines_are_cut_visibly():
    out = clean(LONG)
    assert len(out) <= MAX_LINE + 10 and out.endswith("[cut]")
    assert out.startswith("A" * (MAX_LINE - 10))  # the text itself is kept up to the cut


def test_one_line_has_no_newlines():
    assert "\n" not in one_line("a\nb\r\nc", 80)
    assert one_line("a\nb\r\nc", 80) == "a ⏎ b ⏎ c"  # the line breaks shown, the text kept
    assert one_line("x" * 100, 10) == "x" * 9 + "…"  # cut visibly at the limit


async def test_hostile_text_is_shown_literally_and_layout_holds(center):
    app = make_desk(center.url, center.ca_file, initial_state="available")
    body = "\n".join([MARKUP, ANSI, RTL, ZALGO, LONG])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.state.agent.get("state") == "available", what="available")
        await asyncio.to_thread(center.inject, "chat", "hostile-1", body,
                                name="[reverse]Evil[/] \x1b[5mCorp\x1b[0m")
        await wait_for(pilot, lambda: app.state.offers, what="offer")
        await pilot.press("f8")
        await wait_for(pilot, lambda: list(app.screen.query(TranscriptItem)), what="transcript")
        await wait_for(pilot, lambda: "[cut]" in app.screen.query(TranscriptItem).first().content.plain,
                       what="the whole message rendered")
        item = app.screen.query(TranscriptItem).first()
        shown = item.content.plain
        assert MARKUP in shown  # markup shown as typed
        assert "␛[31mred" in shown and "\x1b" not in shown
        assert "שלום" in shown and "⟦bidi⟧" in shown
        assert "[cut]" in shown
        # The conversation list shows the hostile name literally on one line.
        lst = app.screen.query_one(ConversationList)
        row_text = lst.render_row(lst.rows[0], 30).plain
        assert "[reverse]Evil[/]" in row_text[:40] or "[reverse]" in row_text
        assert "\x1b" not in row_text
        # Layout holds: the composer and the panels are still on screen at their places.
        screen_h = app.screen.size.height
        composer = app.screen.query_one("#composer")
        assert composer.region.height >= 3 and composer.region.bottom <= screen_h
        assert app.screen.query_one("#left").region.width == 32
        assert app.screen.query_one("#right").region.width == 42
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg  # nothing reaches the terminal raw
        await app.quit_now()
