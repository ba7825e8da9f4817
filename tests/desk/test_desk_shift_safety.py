"""Issue 8 on the desk: modes are safe, the keyboard always works, the desk reflects a not-ready
state at once, and team chat is complete after being away — Pilot against the real center."""

from __future__ import annotations

import asyncio

from agent_tui.core.client import CenterClient
from agent_tui.widgets.composer import ComposerArea
from tests.desk.test_desk_flows import offer_and_accept, plain, transcript_texts, type_text
from tests.kit.desk_helpers import wait_for, wait_thread

SIZE = (120, 40)


def open_voice_call(center, caller: str) -> dict:
    """A customer's call as the voice engine opens it (no engine process needed for the desk)."""
    return center.call(lambda hub: hub.conversations.open_conversation("voice", caller, name="Caller Cas"))


async def test_note_mode_stays_with_its_conversation_and_a_call_takes_notes_only(desk_factory, center):
    app = desk_factory(initial_state="available")
    async with app.run_test(size=SIZE) as pilot:
        first = await offer_and_accept(app, pilot, center, "+31610000001", "Where is my router?")
        # A follow-up comes without a name: labelled with the customer's name, not the number.
        await asyncio.to_thread(center.inject, "sms", "+31610000001", "It is the white box")
        await wait_for(pilot, lambda: any("white box" in t for t in transcript_texts(app)), what="follow-up")
        follow = next(t for t in transcript_texts(app) if "white box" in t)
        assert "Test Customer" in follow.splitlines()[0] and "+31610000001" not in follow, follow
        await pilot.press("ctrl+n")
        await type_text(pilot, "tracked")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(m.get("direction") == "note"
                                          for m in app.state.conversations[first].messages), what="note")
        # Next conversation: the reply goes to the customer (note mode did not carry over).
        await asyncio.to_thread(center.inject, "sms", "+31610000003", "Is there an outage?")
        await wait_for(pilot, lambda: app.state.offers, what="second offer")
        await pilot.press("f8")
        await wait_for(pilot, lambda: len(app.state.conversations) == 2, what="third accepted")
        await wait_for(pilot, lambda: any("Is there an outage?" in t for t in transcript_texts(app)),
                       what="third open")
        app.screen.query_one(ComposerArea).focus()
        await type_text(pilot, "No outage")
        await pilot.press("enter")
        await wait_thread(lambda: center.outbox("+31610000003"),
                          lambda out: any(m.get("text") == "No outage" for m in out), what="reply at customer")
        # Then a phone call (no Ctrl+N pressed). What the agent types there is a note, never "sent".
        voice = await asyncio.to_thread(open_voice_call, center, "+31201110000")
        await wait_for(pilot, lambda: app.state.offers, what="voice offer")
        await pilot.press("f8")
        await wait_for(pilot, lambda: voice["id"] in app.state.conversations, what="voice accepted")
        await wait_for(pilot, lambda: app.screen.query_one("#center").current == voice["id"], what="call open")
        app.screen.query_one(ComposerArea).focus()
        await type_text(pilot, "callback")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(m.get("text") == "callback"
                                          for m in app.state.conversations[voice["id"]].messages), what="call note")
        call_msgs = app.state.conversations[voice["id"]].messages
        assert [m.get("direction") for m in call_msgs if m.get("text") == "callback"] == ["note"]
        await app.action_quit()


async def test_keys_work_from_any_focus_escape_leads_back_and_a_break_withdraws_offers(desk_factory, center):
    app = desk_factory()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.online() and app.state.rooms, what="online with rooms")
        area = app.screen.query_one(ComposerArea)
        area.disabled = False
        area.focus()
        await wait_for(pilot, lambda: app.focused is area, what="composer focused")
        await pilot.press("f7")  # the composer's TextArea binds F7 (select all): the desk's key wins
        await wait_for(pilot, lambda: app.screen.query("#picker-filter"), what="state picker from the composer")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.screen.query("#picker-filter"), what="picker closed")
        # Tab / Shift+Tab move between the regions of the desk.
        start = app.focused
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.focused is not start, what="tab moved the focus")
        moved = app.focused
        await pilot.press("shift+tab")
        await wait_for(pilot, lambda: app.focused is start, what=f"shift+tab back from {moved!r}")
        # Team chat: Escape from a chat's input goes to its room list, and from there home.
        await pilot.press("f4")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "team-input", what="team input")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "team-rooms", what="room list")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "conv-list", what="conversations")
        # A break while an offer is pending: the desk drops the offer at once.
        await app.set_agent_state_now("available", None)
        await asyncio.to_thread(center.inject, "chat", "web-77", "Hello?")
        await wait_for(pilot, lambda: app.state.offers, what="offer")
        await pilot.press("f7")
        await wait_for(pilot, lambda: app.screen.query("#picker-filter"), what="state picker")
        await type_text(pilot, "break")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.state.agent.get("state") == "break", what="break")
        assert not app.state.offers, "the offer is withdrawn the moment the agent goes on break"
        assert not app.screen.query_one("#offer").has_class("-visible")
        await app.action_quit()


async def test_team_chat_sent_while_away_appears_with_unread_counts(desk_factory, center):
    other = CenterClient(center.url, center.ca_file, "agent2", password="demo")
    await other.start()
    await other.wait_online(10)
    second = CenterClient(center.url, center.ca_file, "agent1", password="demo")  # agent1's other device
    try:
        # agent1 is not logged in: a team message and a DM arrive meanwhile.
        rooms = (await other.call("team.rooms"))["rooms"]
        team_room = next(r["room"] for r in rooms if r["room"].startswith("team:"))
        await other.call("team.send", room=team_room, text="stand-up moved to 10:15")
        await other.call("team.send", room="dm:agent1", text="can you check ticket 42?")
        # The team room was read on another device already: no unread, but its history shows.
        await asyncio.to_thread(center.call, lambda hub: hub.teamchat.read("agent1", team_room, 10**9))
        app = desk_factory()
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.online() and app.state.rooms.get("dm:agent2"), what="DM room")
            assert app.state.rooms[team_room]["unread"] == 0 and app.state.rooms["dm:agent2"]["unread"] == 1
            await wait_for(pilot, lambda: any(m.get("text") == "can you check ticket 42?"
                                              for m in app.state.room_messages.get("dm:agent2", [])),
                           what="the DM sent while away is on the desk")
            rooms_list = app.screen.query_one("#team-rooms")
            assert any(r.data[1] == 1 for r in rooms_list.rows), "the room list shows the unread count"
            await second.start()
            await second.wait_online(10)
            at_center = {r["room"]: r["unread"] for r in (await second.call("team.rooms"))["rooms"]}
            assert at_center["dm:agent2"] == 1, "loading what came while away does not mark it read"
            await pilot.press("f4")  # the team room first: read, and its history is there
            await wait_for(pilot, lambda: any("stand-up" in plain(i) for i in
                                              app.screen.query_one("#team-transcript").query("TranscriptItem")),
                           what="the read room's history")
            # Reading the DM on this desk clears it at the center, for the other device too.
            team = app.screen.query_one("#team")
            team.select_room("dm:agent2")
            app.screen.refresh_area("team")
            await wait_for(pilot, lambda: any("ticket 42" in plain(i) for i in
                                              app.screen.query_one("#team-transcript").query("TranscriptItem")),
                           what="DM shown")
            async def dm_unread() -> int:
                got = (await second.call("team.rooms"))["rooms"]
                return next(r["unread"] for r in got if r["room"] == "dm:agent2")

            for _ in range(100):
                if await dm_unread() == 0:
                    break
                await pilot.pause(0.05)
            assert await dm_unread() == 0, "the center keeps the read mark: the other device agrees"
            await app.action_quit()
    finally:
        await other.close(logout=True)
        await second.close()


async def test_quick_replies_follow_the_language_and_kb_insert_keeps_agent_notes_out(desk_factory, center):
    app = desk_factory(initial_state="available")
    async with app.run_test(size=SIZE) as pilot:
        await offer_and_accept(app, pilot, center, "+31610000009", "Hallo, ik heb mijn factuur niet ontvangen")
        await wait_for(pilot, lambda: app.canned, what="quick replies loaded")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.screen.query("#canned-preview"), what="quick replies with preview")
        screen = app.screen
        langs = [plain_text.plain.split()[-1] for _value, plain_text in screen.choices]
        assert langs[0] == "nl" and langs == sorted(langs, key=lambda lang: lang != "nl"), langs
        preview = plain(screen.query_one("#canned-preview"))
        assert screen.choices[0][0][:30] in preview, preview
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.screen.query("#canned-preview"), what="closed")
        area = app.screen.query_one(ComposerArea)
        area.focus()
        await type_text(pilot, "/hello ")  # the shortcut expands in the customer's language too
        await wait_for(pilot, lambda: area.text.startswith("Goedendag"), what="Dutch /hello")
        # KB: the article's agent-only part is shown, never inserted.
        app.screen._open_article("kb-en-0002")
        await wait_for(pilot, lambda: app.screen.query("#article-agent"), what="article with its agent part")
        assert "billing ticket" in plain(app.screen.query_one("#article-agent"))
        await pilot.press("i")
        await wait_for(pilot, lambda: "direct debit" in area.text, what="customer part inserted")
        assert "billing ticket" not in area.text and "»" not in area.text
        await app.action_quit()
