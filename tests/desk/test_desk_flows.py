"""Pilot tests of the desk's main flows, against the real center and the real CenterClient."""

from __future__ import annotations

import asyncio

from agent_tui.app import DeskApp
from agent_tui.core.client import CenterClient
from agent_tui.screens.login import LoginScreen
from agent_tui.widgets.composer import ComposerArea
from agent_tui.widgets.kb_panel import HitList
from agent_tui.widgets.offer_banner import OfferBanner
from agent_tui.widgets.status_bar import StatusBar
from agent_tui.widgets.transcript import TranscriptItem
from tests.kit.desk_helpers import make_desk, wait_for, wait_thread
from tests.kit.proxy import TcpProxy

SIZE = (120, 40)


def plain(widget) -> str:
    content = widget.content
    return getattr(content, "plain", str(content))


def transcript_texts(app: DeskApp, selector: str = "#transcript") -> list[str]:
    return [plain(i) for i in app.screen.query_one(selector).query(TranscriptItem)]


async def offer_and_accept(app: DeskApp, pilot, center, customer: str, text: str,
                           channel: str = "sms") -> str:
    await wait_for(pilot, lambda: app.state.agent.get("state") == "available", what="Available")
    await asyncio.to_thread(center.inject, channel, customer, text, name="Hostile Harry"
                            if "hostile" in customer else "Test Customer")
    await wait_for(pilot, lambda: app.state.offers, what="offer")
    banner = app.screen.query_one(OfferBanner)
    await wait_for(pilot, lambda: banner.has_class("-visible"), what="banner")
    await pilot.press("f8")
    await wait_for(pilot, lambda: app.state.conversations and not app.state.offers, what="accepted")
    cid = next(iter(app.state.conversations))
    await wait_for(pilot, lambda: any(text in t for t in transcript_texts(app)), what="transcript")
    return cid


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def test_login_screen_logs_in(center, tmp_path, monkeypatch):
    monkeypatch.setenv("AGENT_TUI_CONFIG", str(tmp_path / "config.yaml"))
    app = DeskApp(remember_login=False, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="login screen")
        app.screen.query_one("#login-server").value = center.url
        app.screen.query_one("#login-ca").value = str(center.ca_file)
        app.screen.query_one("#login-user").value = "agent2"
        app.screen.query_one("#login-password").focus()
        await type_text(pilot, "wrong")
        await pilot.press("enter")
        err = app.screen.query_one("#login-error")
        await wait_for(pilot, lambda: "login.busy" not in plain(err) and plain(err).strip()
                       and "Connecting" not in plain(err), what="login error")
        assert isinstance(app.screen, LoginScreen)
        await type_text(pilot, "demo")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, LoginScreen), what="desk: " + plain(err) + repr(app.focused))
        assert app.state.user == "agent2"
        status = plain(app.screen.query_one(StatusBar))
        assert "online" in status and "Break" in status  # state in words (the center starts agents on Break)
        assert not (tmp_path / "config.yaml").exists()  # remember_login=False: nothing written
        await app.quit_now()


async def test_set_state_from_picker(desk_factory):
    app = desk_factory("agent3")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.online(), what="online")
        await pilot.press("f7")
        await wait_for(pilot, lambda: app.screen.query("#picker-filter"), what="state picker")
        await type_text(pilot, "break")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.state.agent.get("state") == "break", what="break")
        await wait_for(pilot, lambda: "Break" in plain(app.screen.query_one(StatusBar)), what="bar")
        await app.quit_now()


async def test_accept_offer_reply_and_note(desk_factory, center):
    app = desk_factory(initial_state="available")
    async with app.run_test(size=SIZE) as pilot:
        await offer_and_accept(app, pilot, center, "+31611111111", "My modem blinks red")
        await type_text(pilot, "Please restart it")
        await pilot.press("enter")
        await wait_thread(lambda: center.outbox("+31611111111"),
                          lambda out: any(m.get("text") == "Please restart it" for m in out),
                          what="reply at customer")
        await pilot.press("ctrl+n")
        await type_text(pilot, "customer calm")
        await pilot.press("enter")
        cid = next(iter(app.state.conversations))
        await wait_for(pilot, lambda: any(m.get("direction") == "note" and m.get("text") == "customer calm"
                                          for m in app.state.conversations[cid].messages), what="note")
        await wait_for(pilot, lambda: any("NOTE (internal)" in t and "customer calm" in t
                                          for t in transcript_texts(app)), what="note shown")
        notes = [i for i in app.screen.query(TranscriptItem) if i.has_class("note")]
        assert notes, "the note is styled differently"
        out = await asyncio.to_thread(center.outbox, "+31611111111")
        assert not any(m.get("text") == "customer calm" for m in out), "a note never reaches the customer"
        await app.quit_now()


async def test_transfer_to_colleague(desk_factory, center):
    other = CenterClient(center.url, center.ca_file, "agent2", password="demo")
    got: list[dict] = []
    other.on_event = lambda ev: got.append(ev)
    await other.start()
    await other.wait_online(10)
    app = desk_factory(initial_state="available")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await offer_and_accept(app, pilot, center, "+31622222222", "Please move my contract")
            await other.call("state.set", state="available")  # only now, so the offer came to us
            await wait_for(pilot, lambda: app.state.presence.get("agent2", {}).get("state") == "available",
                           what="agent2 available in presence")
            name = app.state.presence["agent2"]["name"]
            await pilot.press("ctrl+t")
            await wait_for(pilot, lambda: app.screen.query("#picker-filter"), what="transfer dialog")
            await type_text(pilot, name.split()[0])
            await pilot.press("enter")
            await wait_for(pilot, lambda: not app.state.conversations, what="conversation left")
            await wait_for(pilot, lambda: any(e["kind"] in ("offer.new", "conv.assigned") for e in got),
                           what="agent2 got it")
            await app.quit_now()
    finally:
        await other.close(logout=True)


async def test_wrap_up_closes_conversation(desk_factory, center):
    app = desk_factory(initial_state="available")
    async with app.run_test(size=SIZE) as pilot:
        cid = await offer_and_accept(app, pilot, center, "+31633333333", "Thanks, solved")
        await wait_for(pilot, lambda: app.wrapup_codes, what="wrap-up codes")
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: app.screen.query("#wrapup-codes"), what="wrap-up dialog")
        assert "After-contact work" in plain(app.screen.query_one("#wrapup-timer"))
        await pilot.press("down")
        await pilot.press("enter")  # choose a code, focus goes to notes
        await type_text(pilot, "solved by restart")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: cid not in app.state.conversations, what="closed")
        await app.quit_now()


async def test_kb_search_and_insert(desk_factory, center):
    app = desk_factory(initial_state="available")
    async with app.run_test(size=SIZE) as pilot:
        await offer_and_accept(app, pilot, center, "+31644444444", "I forgot my password")
        await pilot.press("ctrl+k")
        await type_text(pilot, "password")
        hits = app.screen.query_one(HitList)
        await wait_for(pilot, lambda: hits.rows, what="hits as you type (debounced)")
        assert any("«" in str(r.data[1].get("snippet", "")) for r in hits.rows if r.data[0] == "snippet")
        await pilot.press("enter")  # focus the hits
        await pilot.press("enter")  # open the first article
        await wait_for(pilot, lambda: app.screen.query("#article-body"), what="article")
        body = app.screen.article["body"]
        await pilot.press("i")
        area = app.screen.query_one(ComposerArea)
        await wait_for(pilot, lambda: body[:30] in area.text, what="answer inserted into the reply")
        await app.quit_now()


async def test_team_chat_send_and_mention(desk_factory, center):
    other = CenterClient(center.url, center.ca_file, "agent2", password="demo")
    got: list[dict] = []
    other.on_event = lambda ev: got.append(ev)
    await other.start()
    await other.wait_online(10)
    app = desk_factory()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.online() and app.state.rooms, what="rooms")
            await pilot.press("f4")
            await type_text(pilot, "hello team")
            await pilot.press("enter")
            await wait_for(pilot, lambda: any(e["kind"] == "team.message" and
                                              e["data"]["message"]["text"] == "hello team" for e in got),
                           what="colleague received it")
            room = app.screen.query_one("#team").room
            await other.call("team.send", room=room, text="@agent1 can you take the 3pm call?")
            await wait_for(pilot, lambda: any(i.has_class("mention") for i in
                                              app.screen.query_one("#team-transcript").query(TranscriptItem)),
                           what="mention highlighted")
            await app.quit_now()
    finally:
        await other.close(logout=True)


async def test_queued_reply_delivered_once_after_reconnect(center):
    port = int(center.url.rsplit(":", 1)[1])
    with TcpProxy("127.0.0.1", port) as proxy:
        app = make_desk(f"wss://127.0.0.1:{proxy.port}", center.ca_file, initial_state="available")
        async with app.run_test(size=SIZE) as pilot:
            await offer_and_accept(app, pilot, center, "+31655555555", "Are you there?")
            proxy.down()
            await wait_for(pilot, lambda: app.status.state != "online", what="link down seen")
            await type_text(pilot, "Sorry for the wait")
            await pilot.press("enter")
            await wait_for(pilot, lambda: any("queued" in t and "Sorry for the wait" in t
                                              for t in transcript_texts(app)), what="queued mark")
            assert "queued" in plain(app.screen.query_one(StatusBar))
            proxy.up()
            await wait_for(pilot, lambda: app.status.state == "online", timeout=20, what="back online")
            out = await wait_thread(lambda: center.outbox("+31655555555"),
                                    lambda o: any(m.get("text") == "Sorry for the wait" for m in o),
                                    timeout=15, what="delivered")
            await wait_for(pilot, lambda: not app.state.pending, what="pending resolved")
            # A round trip after it: the center has handled every frame the desk sent before
            # (a duplicate send would have been one of them).
            assert await app.command("whoami", quiet=True) is not None
            out = await asyncio.to_thread(center.outbox, "+31655555555")
            assert sum(m.get("text") == "Sorry for the wait" for m in out) == 1, "exactly once"
            await app.quit_now()


async def test_propose_article_edit_from_the_desk(desk_factory, center):
    app = desk_factory()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.online(), what="online")
        await pilot.press("ctrl+k")
        await type_text(pilot, "modem")
        await pilot.press("enter")
        hits = app.screen.query_one(HitList)
        await wait_for(pilot, lambda: hits.rows, what="hits")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query("#article-body"), what="article")
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.query("#propose-body"), what="propose dialog")
        app.screen.query_one("#propose-body").insert("\nAlso check the power cable.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("review" in str(n.message) for n in app._notifications),
                       what="proposal confirmed")
        await app.quit_now()
