"""Pilot tests of the desk's finer features, against the real center and real CenterClient:
canned /shortcuts, SMS segment counter, e-mail subject and quoting, decline with one key,
offer bell and countdown, direct chat from the presence list, presence filter, pinned
announcements, customer history, offline search of cached articles, keyring refusal."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from agent_tui.core import credentials
from agent_tui.core.client import CenterClient
from agent_tui.widgets.kb_panel import HitList, KBPanel
from agent_tui.widgets.offer_banner import OfferBanner
from agent_tui.widgets.presence import PresenceList
from tests.desk.test_desk_flows import offer_and_accept, plain, type_text
from tests.kit.desk_helpers import make_desk, wait_for, wait_thread
from tests.kit.proxy import TcpProxy

SIZE = (120, 40)
ROOT = Path(__file__).resolve().parents[2]


async def test_canned_shortcut_and_sms_segment_counter(desk_factory, center):
    app = desk_factory(initial_state="available")
    async with app.run_test(size=SIZE) as pilot:
        await offer_and_accept(app, pilot, center, "+31612121212", "Internet stuk")
        await wait_for(pilot, lambda: app.canned, what="canned responses loaded")
        area = app.screen.query_one("#composer-area")
        await type_text(pilot, "/restart ")
        await wait_for(pilot, lambda: "30 seconds" in area.text or "30 seconden" in area.text,
                       what="/restart expanded")
        count = app.screen.query_one("#composer-count")
        await wait_for(pilot, lambda: "GSM-7" in plain(count), what="GSM-7 count")
        assert count.display
        area.load_text("a" * 161)
        await wait_for(pilot, lambda: "161 chars · 2 segment" in plain(count), what="2 segments")
        area.load_text("Groetjes 😀")
        await wait_for(pilot, lambda: "UCS-2" in plain(count), what="UCS-2 for emoji")
        await app.quit_now()


async def test_email_subject_and_quote(desk_factory, center):
    app = desk_factory(initial_state="available")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.agent.get("state") == "available", what="available")
        await asyncio.to_thread(center.inject, "email", "els@example.nl", "My bill is too high.\nPlease check.",
                                name="Els Bos", subject="Invoice")
        await wait_for(pilot, lambda: app.state.offers, what="offer")
        banner = app.screen.query_one(OfferBanner)
        await wait_for(pilot, lambda: "Invoice" in plain(banner), what="subject in the offer banner")
        await pilot.press("f8")
        await wait_for(pilot, lambda: app.state.conversations, what="accepted")
        subject = app.screen.query_one("#composer-subject")
        await wait_for(pilot, lambda: subject.value == "Re: Invoice", what="subject prefilled")
        assert subject.display
        area = app.screen.query_one("#composer-area")
        await wait_for(pilot, lambda: app.screen.query_one("#composer").last_customer_text, what="last text")
        area.focus()
        await type_text(pilot, "Dear Els,")
        await pilot.press("enter")  # e-mail: Enter is a new line, not send
        assert "\n" in area.text and not app.state.pending
        await pilot.press("ctrl+g")
        assert "> My bill is too high." in area.text and "> Please check." in area.text
        await pilot.press("ctrl+s")
        out = await wait_thread(lambda: center.outbox("els@example.nl"), lambda o: bool(o), what="mail sent")
        assert out[-1].get("subject") == "Re: Invoice" and "> Please check." in out[-1]["text"]
        await app.quit_now()


async def test_decline_with_one_key_and_offer_bell(desk_factory, center):
    app = desk_factory(initial_state="available")
    bells = []
    app.bell = lambda: bells.append(1)  # the terminal bell, counted
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.agent.get("state") == "available", what="available")
        await asyncio.to_thread(center.inject, "chat", "web-decline", "hallo?", name="Piet")
        await wait_for(pilot, lambda: app.state.offers, what="offer")
        banner = app.screen.query_one(OfferBanner)
        await wait_for(pilot, lambda: " s left" in plain(banner), what="countdown shown")
        assert bells, "an offer rings the terminal bell"
        await pilot.press("f9")
        await wait_for(pilot, lambda: not app.state.offers and not banner.has_class("-visible"),
                       what="declined")
        assert not app.state.conversations
        await app.quit_now()


async def test_direct_chat_from_presence_with_filter(desk_factory, center):
    other = CenterClient(center.url, center.ca_file, "agent2", password="demo")
    got: list[dict] = []
    other.on_event = got.append
    await other.start()
    await other.wait_online(10)
    app = desk_factory()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: "agent2" in app.state.presence, what="presence")
            name = app.state.presence["agent2"]["name"]
            await pilot.press("f3")
            await type_text(pilot, name.split()[0])
            plist = app.screen.query_one(PresenceList)
            await wait_for(pilot, lambda: [r.key for r in plist.rows if r.key] == ["agent2"], what="filtered")
            await pilot.press("enter")  # from the filter to the list
            await pilot.press("enter")  # start a direct chat
            team = app.screen.query_one("#team")
            await wait_for(pilot, lambda: team.room == "dm:agent2", what="dm room")
            await type_text(pilot, "heb je even?")
            await pilot.press("enter")
            await wait_for(pilot, lambda: any(e["kind"] == "team.message" and
                                              e["data"]["message"]["text"] == "heb je even?" for e in got),
                           what="colleague got the DM")
            await app.quit_now()
    finally:
        await other.close(logout=True)


async def test_announcement_is_pinned(desk_factory, center):
    lead = CenterClient(center.url, center.ca_file, "lead1", password="demo")
    await lead.start()
    await lead.wait_online(10)
    app = desk_factory()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.online(), what="online")
            await lead.call("team.announce", text="Daily start: outage in Utrecht", team=app.state.me.get("team"))
            pinned = app.screen.query_one("#team-pinned")
            await wait_for(pilot, lambda: "outage in Utrecht" in plain(pinned), what="pinned")
            assert pinned.display
            await app.quit_now()
    finally:
        await lead.close(logout=True)


async def test_customer_history_beside_the_conversation(desk_factory, center):
    app = desk_factory(initial_state="available")
    async with app.run_test(size=SIZE) as pilot:
        cid = await offer_and_accept(app, pilot, center, "+31613131313", "Eerste vraag over mijn factuur")
        await wait_for(pilot, lambda: app.wrapup_codes, what="codes")
        app.wrapup(cid, app.wrapup_codes[0]["code"], None)
        await wait_for(pilot, lambda: cid not in app.state.conversations, what="closed")
        await app.set_agent_state_now("available", None)
        await offer_and_accept(app, pilot, center, "+31613131313", "Tweede vraag")
        hist = app.screen.query_one("#customer-history")
        await wait_for(pilot, lambda: "Eerste vraag" in plain(hist), what="history shows the first contact")
        await app.quit_now()


async def test_offline_search_uses_cached_articles(center):
    port = int(center.url.rsplit(":", 1)[1])
    with TcpProxy("127.0.0.1", port) as proxy:
        app = make_desk(f"wss://127.0.0.1:{proxy.port}", center.ca_file)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.online(), what="online")
            await pilot.press("ctrl+k")
            await type_text(pilot, "modem")
            hits = app.screen.query_one(HitList)
            await wait_for(pilot, lambda: hits.rows, what="online hits")
            online_ids = [r.key for r in hits.rows if r.key]
            proxy.down()
            await wait_for(pilot, lambda: app.status.state != "online", what="offline")
            search = app.screen.query_one("#kb-input")
            search.value = ""
            # The debounced search sees the empty box first, so "modem" counts as a new query.
            panel = app.screen.query_one(KBPanel)
            await wait_for(pilot, lambda: panel.last_query == "", what="the cleared search")
            await type_text(pilot, "modem")
            note = app.screen.query_one("#kb-note")
            await wait_for(pilot, lambda: "offline" in plain(note), what="offline note")
            offline_ids = [r.key for r in hits.rows if r.key]
            assert offline_ids and set(offline_ids) <= set(online_ids)
            proxy.up()
            await app.quit_now()


def test_desk_refuses_to_run_without_a_keyring(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("server: wss://127.0.0.1:9\nca_file: ca.pem\nuser: agent1\n")
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    res = subprocess.run([sys.executable, "-m", "agent_tui", "--config", str(cfg)], capture_output=True,
                         text=True, timeout=60, env=env, check=False, stdin=subprocess.DEVNULL)
    assert res.returncode == 2
    assert "no usable OS keyring" in res.stderr and "gnome-keyring" in res.stderr


async def test_login_keeps_the_token_in_the_keyring(desk_factory, center):
    app = desk_factory("agent5")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.online(), what="online")
        token = await wait_thread(lambda: credentials.get_token(center.url, "agent5"), lambda t: bool(t),
                                  what="token in keyring")
        assert token and token not in (ROOT / "config.example.yaml").read_text()
        await app.quit_now()


async def test_refused_token_falls_back_to_the_stored_password(center):
    from agent_tui.app import DeskApp, LoginInfo
    from agent_tui.core.config import Config

    await asyncio.to_thread(credentials.store_password, center.url, "agent6", "demo")
    await asyncio.to_thread(credentials.store_token, center.url, "agent6", "not-a-valid-token")
    app = DeskApp(Config(language="en"), login=LoginInfo(center.url, center.ca_file, "agent6",
                                                         token="not-a-valid-token"),
                  remember_login=False, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.online(), timeout=20, what="online with the password")
        assert app.state.user == "agent6"
        fresh = await wait_thread(lambda: credentials.get_token(center.url, "agent6"),
                                  lambda t: bool(t) and t != "not-a-valid-token", what="new token stored")
        assert fresh
        await app.quit_now()
