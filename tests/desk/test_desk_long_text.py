"""Issue 9 §1 on the desk: long customer text and paged transcripts, against the real center.

Nine SMS of 32 KB and a 300 KB e-mail wait in conversations of agent1 (accepted by a second
session of the same agent) before the desk logs in: the desk's welcome fits its 256 KiB limit,
shows the newest messages, loads older pages with its key, and shows the whole e-mail.
"""

from __future__ import annotations

import asyncio

from agent_tui.app import DeskApp
from agent_tui.core.client import CenterClient
from agent_tui.widgets.transcript import TranscriptItem
from tests.kit.desk_helpers import make_desk, wait_for
from tests.kit.waiting import until

SIZE = (120, 40)


def sms_text(i: int) -> str:
    return (f"SMS {i}: " + "Mijn factuur klopt niet, graag uitleg. " * 1000)[:32 * 1024]


MAIL = ("Geachte heer, mevrouw — de rekening van €129,95 is te hoog.\n" * 5200)[:300_000] + " EINDE-MAIL"


def shown(app: DeskApp) -> str:
    items = app.screen.query_one("#transcript").query(TranscriptItem)
    return "\n".join(getattr(i.content, "plain", str(i.content)) for i in items)


async def test_desk_shows_long_text_and_older_pages(center):
    events: list[dict] = []
    other = CenterClient(center.url, center.ca_file, "agent1", password="demo", on_event=events.append)
    await other.start()
    try:
        await other.wait_online(15)
        await other.call("state.set", state="available")
        await asyncio.to_thread(center.inject, "sms", "+31600000009", sms_text(0))
        await asyncio.to_thread(center.inject, "email", "mail@example.nl", MAIL, subject="Rekening")
        convs: dict[str, str] = {}
        for _ in range(2):
            ev = await until(lambda: next((e for e in events if e["kind"] == "offer.new"
                                           and e["data"]["conversation"]["channel"] not in convs), None),
                             what="an offer")
            got = await other.call("offer.accept", offer=ev["data"]["offer"])
            convs[got["conversation"]["channel"]] = got["conversation"]["id"]
        for i in range(1, 9):
            await asyncio.to_thread(center.inject, "sms", "+31600000009", sms_text(i))

        app = make_desk(center.url, center.ca_file)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: set(convs.values()) <= set(app.state.conversations), what="snapshot")
            sms = app.state.conversations[convs["sms"]]
            assert sms.messages[-1]["text"] == sms_text(8) and sms.older is not None
            app.screen.open_conversation(convs["sms"])  # type: ignore[attr-defined]
            await wait_for(pilot, lambda: "SMS 8:" in shown(app), what="the newest SMS")
            assert "Older messages are on the center" in shown(app)
            while app.state.conversations[convs["sms"]].older is not None:
                before = app.state.conversations[convs["sms"]].older
                await pilot.press("alt+o")
                await wait_for(pilot, lambda b=before: app.state.conversations[convs["sms"]].older != b,
                               what="an older page")
            await wait_for(pilot, lambda: "SMS 0:" in shown(app) and "Older messages" not in shown(app),
                           what="the first SMS on screen")
            assert [m["text"] for m in app.state.conversations[convs["sms"]].messages] == [
                sms_text(i) for i in range(9)]

            app.screen.open_conversation(convs["email"])  # type: ignore[attr-defined]
            mail = app.state.conversations[convs["email"]].messages[0]
            await wait_for(pilot, lambda: "truncated" not in mail, what="the e-mail's text fetched")
            await wait_for(pilot, lambda: "EINDE-MAIL" in shown(app), timeout=20, what="the whole e-mail shown")
            assert mail["text"] == MAIL and "truncated" not in mail
            await app.action_quit()
    finally:
        await other.close()
