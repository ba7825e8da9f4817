"""Issue 8, principle 1 on the real desk: quitting with queued messages and drafts asks first and
says what happens; the next start sends the queued reply exactly once and restores the draft; the
cache files on disk show none of it (``strings``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import keyring
from keyring.backends.fail import Keyring as NoKeyring

from agent_tui.screens.quit_confirm import QuitConfirm
from agent_tui.widgets.composer import Composer
from agent_tui.widgets.team_chat import TeamChat
from tests.client.test_vault import strings
from tests.desk.test_desk_flows import SIZE, offer_and_accept, type_text
from tests.kit.desk_helpers import make_desk, wait_for, wait_thread
from tests.kit.proxy import TcpProxy

CUSTOMER = "+31611112222"


async def test_quit_with_a_queued_reply_asks_and_the_next_start_sends_it_once(center, tmp_path: Path,
                                                                              monkeypatch) -> None:
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("AGENT_TUI_CACHE_DIR", str(cache_dir))
    port = int(center.url.rsplit(":", 1)[1])
    with TcpProxy("127.0.0.1", port) as proxy:
        url = f"wss://127.0.0.1:{proxy.port}"
        app = make_desk(url, center.ca_file, initial_state="available")
        async with app.run_test(size=SIZE) as pilot:
            cid = await offer_and_accept(app, pilot, center, CUSTOMER, "Mijn IBAN is NL91ABNA0417164300")
            proxy.down()
            await wait_for(pilot, lambda: app.status.state != "online", what="link down seen")
            await type_text(pilot, "Kept for later")
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.client and len(app.client.outbox) == 1, what="queued")
            await type_text(pilot, "half typed answer")
            await pilot.press("f4")
            team_input = app.screen.query_one("#team-input")
            await wait_for(pilot, lambda: app.focused is team_input, what="the team-chat input")
            await type_text(pilot, "koffie om drie uur")
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, QuitConfirm), what="the quit question")
            said = " ".join(str(s.render()) for s in app.screen.query(".what"))
            assert "1 message(s) not sent yet: kept encrypted" in said, said
            assert "2 unsent draft(s)" in said and "1 open conversation(s)" in said, said
            await pilot.press("escape")  # stay
            await wait_for(pilot, lambda: not isinstance(app.screen, QuitConfirm), what="back at the desk")
            assert app.return_code is None and len(app.client.outbox) == 1
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, QuitConfirm), what="asked again")
            await pilot.press("q")
            await wait_for(pilot, lambda: app.return_code is not None, what="the desk quit")
        files = [f for f in cache_dir.rglob("*") if f.is_file()]
        assert files, "the cache wrote nothing"
        words = " ".join(s for f in files for s in strings(f))
        for secret in ("Kept for later", "half typed", "koffie", "IBAN", "NL91", cid):
            assert secret not in words, secret
        assert not await asyncio.to_thread(
            lambda: [m for m in center.outbox(CUSTOMER) if m.get("text") == "Kept for later"])
        proxy.up()
        app = make_desk(url, center.ca_file)
        async with app.run_test(size=SIZE) as pilot:
            await wait_thread(lambda: center.outbox(CUSTOMER),
                              lambda o: any(m.get("text") == "Kept for later" for m in o), what="delivered")
            await wait_for(pilot, lambda: not app.state.pending, what="pending resolved")
            composer = app.screen.query_one(Composer)
            await wait_for(pilot, lambda: composer.area.text == "half typed answer", what="draft restored")
            team_chat = app.screen.query_one(TeamChat)
            await wait_for(pilot, lambda: team_chat.draft_text() == "koffie om drie uur", what="team draft restored")
            assert await app.command("whoami", quiet=True) is not None
            out = await asyncio.to_thread(center.outbox, CUSTOMER)
            assert sum(m.get("text") == "Kept for later" for m in out) == 1, "exactly once"
            await app.quit_now()


async def test_without_a_keyring_there_is_no_cache_and_the_desk_says_so(center, tmp_path: Path,
                                                                        monkeypatch) -> None:
    monkeypatch.setenv("AGENT_TUI_CACHE_DIR", str(tmp_path / "cache"))
    before = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())  # the real "no keyring at all" backend
    try:
        app = make_desk(center.url, center.ca_file, initial_state="available")
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.online(), what="online with the typed password")
            await wait_for(pilot, lambda: any("No local cache" in str(n.message) for n in app._notifications),
                           what="the no-cache notice")
            assert app.cache is None
            await offer_and_accept(app, pilot, center, "+31633334444", "Hallo?")
            await type_text(pilot, "unsent")
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, QuitConfirm), what="the quit question")
            said = " ".join(str(s.render()) for s in app.screen.query(".what"))
            assert "1 unsent draft(s) will be LOST" in said, said
            await app.quit_now()
    finally:
        keyring.set_keyring(before)
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.bin"))
