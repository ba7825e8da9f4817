"""Issue 8 acceptance, compressed: a Pilot-driven desk against the real center goes through a
shift — contacts over the four written channels and a phone call, a follow-up, a break with an
offer pending, a link drop while typing, a restart of the desk and team chat while away.

At the end: every customer message was answered exactly once, every typed text reached its
destination exactly once, no offer overwrote the break, and the agent's state timeline matches
the actions taken. (Calls with audio, hold and transfer are in test_call_bar.py; a kill -9 and
the encrypted drafts are the vault's part of the issue.)
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from agent_tui.app import DeskApp
from agent_tui.core.client import CenterClient
from agent_tui.widgets.composer import ComposerArea
from tests.desk.test_desk_flows import transcript_texts, type_text
from tests.kit.desk_helpers import make_desk, wait_for, wait_thread
from tests.kit.proxy import TcpProxy

SIZE = (80, 24)  # the shift runs at the smallest size the desk supports

# (channel, customer, name, first message) — in the order they arrive.
CONTACTS = [
    ("chat", "web-101", "Ans Smit", "My modem blinks red"),
    ("email", "jan@example.nl", "Jan Bos", "Why is my invoice so high?"),
    ("sms", "+31611100003", "Piet Vos", "Is er een storing in Utrecht?"),
    ("social", "@kees_k", "Kees Kok", "Still no internet after 2 days!"),
]
BREAK_CONTACT = ("chat", "web-105", "Fenna Koster", "Hello, anyone there?")
DROP_CONTACT = ("sms", "+31611100006", "Mila de Wit", "Can I move my contract?")


class Timeline:
    """The agent's own states as the center announced them (agent.state events), in order."""

    def __init__(self) -> None:
        self.states: list[str] = []

    def listen(self, app: DeskApp) -> None:
        def on_frame(frame: dict[str, Any]) -> None:
            data = frame.get("data") or {}
            mine = frame.get("kind") == "agent.state" and data.get("user") == app.state.user
            if mine and (not self.states or self.states[-1] != data.get("state")):
                self.states.append(str(data.get("state")))
        app.add_event_listener(on_frame)


async def accept_next(app: DeskApp, pilot, center, contact: tuple[str, str, str, str]) -> str:
    channel, customer, name, text = contact
    await asyncio.to_thread(center.inject, channel, customer, text, name=name,
                            subject="Invoice" if channel == "email" else None)
    await wait_for(pilot, lambda: app.state.offers, what=f"offer for {customer}")
    await pilot.press("f8")
    cid = await wait_for(pilot, lambda: next((c.id for c in app.state.conversations.values()
                                             if (c.summary.get("customer") or {}).get("id") == customer), None),
                         what=f"{customer} accepted")
    await wait_for(pilot, lambda: app.screen.query_one("#center").current == cid
                   and any(text in t for t in transcript_texts(app)), what=f"{customer} open")
    return cid


async def reply(app: DeskApp, pilot, text: str, *, email: bool = False) -> None:
    """Type ``text`` in the composer and send it with the channel's key. The text goes in as one
    paste (a key press per character costs a whole shift of CPU); the keys that act are pressed."""
    area = app.screen.query_one(ComposerArea)
    area.focus()
    area.insert(text)
    await pilot.press("ctrl+s" if email else "enter")


async def wrap_up(app: DeskApp, pilot, cid: str) -> None:
    await wait_for(pilot, lambda: app.wrapup_codes, what="wrap-up codes")
    app.screen.open_conversation(cid)
    await pilot.press("ctrl+w")
    await wait_for(pilot, lambda: app.screen.query("#wrapup-codes"), what="wrap-up dialog")
    await pilot.press("enter")
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: cid not in app.state.conversations, what=f"{cid} closed")


async def set_state(app: DeskApp, pilot, word: str, state: str) -> None:
    await pilot.press("f7")
    await wait_for(pilot, lambda: app.screen.query("#picker-filter"), what="state picker")
    await type_text(pilot, word)
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.state.agent.get("state") == state, what=state)


async def test_a_compressed_shift(center):
    port = int(center.url.rsplit(":", 1)[1])
    colleague = CenterClient(center.url, center.ca_file, "agent2", password="demo")
    seen_by_colleague: list[dict] = []
    colleague.on_event = lambda ev: seen_by_colleague.append(ev)
    await colleague.start()
    await colleague.wait_online(10)
    timeline = Timeline()
    answers: dict[str, list[str]] = {}  # customer -> what the agent answered, in order
    try:
        with TcpProxy("127.0.0.1", port) as proxy:
            url = f"wss://127.0.0.1:{proxy.port}"
            app = make_desk(url, center.ca_file, initial_state="available")
            async with app.run_test(size=SIZE) as pilot:
                timeline.listen(app)
                await wait_for(pilot, lambda: app.state.agent.get("state") == "available", what="available")
                # Contacts over the written channels, one after the other, each answered and wrapped up.
                for i, contact in enumerate(CONTACTS):
                    channel, customer = contact[0], contact[1]
                    cid = await accept_next(app, pilot, center, contact)
                    text = f"Answer {i} for {contact[2]}"
                    await reply(app, pilot, text, email=channel == "email")
                    answers.setdefault(customer, []).append(text)
                    if channel == "sms":  # a follow-up while the conversation is open
                        await asyncio.to_thread(center.inject, channel, customer, "En mijn wijk?")
                        await wait_for(pilot, lambda: any("En mijn wijk?" in t for t in transcript_texts(app)),
                                       what="follow-up")
                        await reply(app, pilot, "Ook uw wijk")
                        answers[customer].append("Ook uw wijk")
                    wanted = len(answers[customer])
                    await wait_thread(lambda c=customer: center.outbox(c),
                                      lambda out, n=wanted: len(out) >= n, what=f"{customer} answered")
                    await wrap_up(app, pilot, cid)
                # A phone call: what the agent types is a note.
                call = await asyncio.to_thread(
                    center.call, lambda hub: hub.conversations.open_conversation("voice", "+31201234000", name="Bel"))
                await wait_for(pilot, lambda: app.state.offers, what="call offer")
                await pilot.press("f8")
                await wait_for(pilot, lambda: app.screen.query_one("#center").current == call["id"], what="call open")
                await reply(app, pilot, "Caller wants a callback")
                await wait_for(pilot, lambda: any(m.get("direction") == "note" for m in
                                                  app.state.conversations[call["id"]].messages), what="call note")
                await wrap_up(app, pilot, call["id"])
                # A break with an offer pending: the offer goes, the break stays.
                await asyncio.to_thread(center.inject, *BREAK_CONTACT[:2], BREAK_CONTACT[3], name=BREAK_CONTACT[2])
                await wait_for(pilot, lambda: app.state.offers, what="offer before the break")
                await set_state(app, pilot, "break", "break")
                assert not app.state.offers
                # Team chat while the desk is up but on break; then the desk quits.
                await app.action_quit()
            # Away: the colleague writes in the team room and a DM; the desk starts again.
            await colleague.call("team.send", room="team:care", text="Who takes the 3pm call?")
            await colleague.call("team.send", room="dm:agent1", text="ticket 4711 when you are back?")
            app = make_desk(url, center.ca_file)
            async with app.run_test(size=SIZE) as pilot:
                timeline.listen(app)
                await wait_for(pilot, lambda: app.online() and app.state.agent.get("state") == "break",
                               what="back, still on break")
                await wait_for(pilot, lambda: any("4711" in m.get("text", "") for m in
                                                  app.state.room_messages.get("dm:agent2", [])),
                               what="the DM sent while away")
                assert app.state.rooms["dm:agent2"]["unread"] == 1
                assert any("3pm" in m.get("text", "") for m in app.state.room_messages.get("team:care", []))
                await pilot.press("f4")
                await type_text(pilot, "I take it")
                await pilot.press("enter")
                await set_state(app, pilot, "avail", "available")
                # The contact that waited during the break (re-offered, or still offered).
                cid = await accept_next_pending(app, pilot, BREAK_CONTACT[1])
                await reply(app, pilot, "Sorry for the wait")
                answers[BREAK_CONTACT[1]] = ["Sorry for the wait"]
                await wrap_up(app, pilot, cid)
                # A link drop while typing: the reply goes once, after the link is back.
                cid = await accept_next(app, pilot, center, DROP_CONTACT)
                app.screen.query_one(ComposerArea).focus()
                await type_text(pilot, "Yes, you")
                proxy.down()
                await wait_for(pilot, lambda: app.status.state != "online", what="link down seen")
                await type_text(pilot, " can")
                await pilot.press("enter")
                answers[DROP_CONTACT[1]] = ["Yes, you can"]
                proxy.up()
                await wait_for(pilot, lambda: app.status.state == "online", timeout=20, what="back online")
                await wait_thread(lambda: center.outbox(DROP_CONTACT[1]), lambda out: out, what="delivered")
                await wait_for(pilot, lambda: not app.state.pending, what="nothing pending")
                await wrap_up(app, pilot, cid)
                assert await app.command("whoami", quiet=True) is not None  # every earlier frame handled
                await app.action_quit()
        # --- the end of the shift: count everything ---------------------------------------------------
        for _channel, customer, _name, _text in [*CONTACTS, BREAK_CONTACT, DROP_CONTACT]:
            out = [m.get("text") for m in await asyncio.to_thread(center.outbox, customer)]
            assert Counter(out) == Counter(answers[customer]), (customer, out)
        team = [e for e in seen_by_colleague if e["kind"] == "team.message"
                and e["data"]["message"]["text"] == "I take it"]
        assert len(team) == 1, "the team message reached the colleague exactly once"
        # Working (the center's own on_contact / acw while handling), one break, working again:
        # no "missed", and only the agent ended the break.
        states = timeline.states
        assert states.count("break") == 1, states
        i = states.index("break")
        working = {"available", "on_contact", "acw"}
        assert set(states[:i]) <= working and set(states[i + 1:]) <= working, states
        assert states[0] == "available" and states[i + 1] == "available", states
    finally:
        await colleague.close(logout=True)


async def accept_next_pending(app: DeskApp, pilot, customer: str) -> str:
    def offer_of_customer() -> bool:
        return any(((o.get("conversation") or {}).get("customer") or {}).get("id") == customer
                   for o in app.state.offers.values())
    await wait_for(pilot, offer_of_customer, what=f"offer for {customer} after the break")
    await pilot.press("f8")
    return await wait_for(pilot, lambda: next((c.id for c in app.state.conversations.values()
                                              if (c.summary.get("customer") or {}).get("id") == customer), None),
                          what=f"{customer} accepted")
