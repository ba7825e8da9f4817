"""A compressed shift of one agent (issue 8's acceptance), driven through the real desk.

The Pilot-driven desk (DeskApp under ``App.run_test``, 80×24) against the real center, through
the kit's TCP proxy (so the link can be cut): contacts over all five channels, two breaks with
offers pending for longer than the offer timeout, a link drop while typing, a kill -9 of the
desk mid-shift (the desk's core in a child process, tests/kit/desk_agent.py, with the same
encrypted local cache) and a restart of the Pilot desk that restores what the killed one had
typed, team chat while away. :func:`run_shift` returns what happened; the callers count.

Used by tests/desk/test_desk_shift.py (a short shift in the suite) and bench/desk_shift.py
(40 contacts, a 10 s link drop).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_tui.app import DeskApp
from agent_tui.center.store import lead as lead_store
from agent_tui.core.client import CenterClient
from agent_tui.core.desk_cache import ENV_CACHE_DIR
from agent_tui.widgets.composer import ComposerArea
from agent_tui.widgets.transcript import TranscriptItem
from tests.kit.crash_desk import Desk
from tests.kit.desk_helpers import make_desk, wait_for, wait_thread
from tests.kit.proxy import TcpProxy
from tests.kit.shift_calls import Calls, ShiftCall, check_calls, handled, phone_config
from tests.kit.waiting import until

SIZE = (80, 24)  # the shift runs at the smallest size the desk supports
CHANNELS = ("chat", "email", "sms", "social", "voice")
ROOM = "team:care"
WORKING = frozenset({"available", "on_contact", "acw"})


@dataclass
class ShiftReport:
    """What the agent did and what reached its destination (see :func:`check`)."""

    answers: dict[str, list[str]] = field(default_factory=dict)   # customer -> typed replies
    outbox: dict[str, list[str]] = field(default_factory=dict)    # customer -> what the center sent
    team_typed: list[str] = field(default_factory=list)
    team_arrived: Counter[str] = field(default_factory=Counter)
    notes: dict[str, list[str]] = field(default_factory=dict)     # call -> notes typed / stored
    notes_stored: dict[str, list[str]] = field(default_factory=dict)
    actions: list[tuple[str, float, float]] = field(default_factory=list)  # (state, before, after)
    state_log: list[dict[str, Any]] = field(default_factory=list)
    channels: Counter[str] = field(default_factory=Counter)
    customers: list[str] = field(default_factory=list)  # who wrote in (the written channels)
    break_kept: list[bool] = field(default_factory=list)  # still on break after the offer deadline
    restored_draft: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    calls: list[ShiftCall] = field(default_factory=list)  # real calls (tests/kit/shift_calls.py)
    calls_s: float = 0.0  # seconds the real calls took
    call_records: dict[str, dict[str, Any]] = field(default_factory=dict)  # conversation -> the center's row


def contact(i: int) -> tuple[str, str, str]:
    """(channel, customer id, name) of the shift's i-th contact: the five channels in turn."""
    ch = CHANNELS[i % len(CHANNELS)]
    ident = {"chat": f"web-{i:03d}", "email": f"c{i:03d}@example.nl", "sms": f"+316111{i:05d}",
             "social": f"@klant_{i:03d}", "voice": f"+312012{i:05d}"}[ch]
    return ch, ident, f"Klant {i:03d}"


def plain(widget: Any) -> str:
    content = widget.content
    return getattr(content, "plain", str(content))


def transcript_texts(app: DeskApp) -> list[str]:
    return [plain(i) for i in app.screen.query_one("#transcript").query(TranscriptItem)]


class Shift:
    def __init__(self, center: Any, proxy: TcpProxy, report: ShiftReport, offer_timeout: float,
                 calls: Calls | None = None) -> None:
        self.center, self.proxy, self.report = center, proxy, report
        self.calls = calls
        self.url = f"wss://127.0.0.1:{proxy.port}"
        self.offer_timeout = offer_timeout

    # ---- customers
    async def arrive(self, i: int, text: str) -> str:
        ch, ident, name = contact(i)
        self.report.channels[ch] += 1
        if ch == "voice":
            conv = await asyncio.to_thread(self.center.call, lambda hub: hub.conversations.open_conversation(
                "voice", ident, name=name))
            return str(conv["id"])
        self.report.customers.append(ident)
        out = await asyncio.to_thread(self.center.inject, ch, ident, text, name=name,
                                      subject="Factuur" if ch == "email" else None)
        return str(out["conversation"]["id"])

    async def accept(self, app: DeskApp, pilot: Any, conv: str) -> None:
        await wait_for(pilot, lambda: any((o.get("conversation") or {}).get("id") == conv
                                          for o in app.state.offers.values()) or conv in app.state.conversations,
                       what=f"offer of {conv}")
        while conv not in app.state.conversations:
            had = set(app.state.conversations)
            await pilot.press("f8")  # accepts the first offer shown; others wait their turn
            await wait_for(pilot, lambda had=had: set(app.state.conversations) - had, what="an accepted offer")

    async def open(self, app: DeskApp, pilot: Any, conv: str) -> None:
        app.screen.open_conversation(conv)
        await wait_for(pilot, lambda: app.screen.query_one("#center").current == conv, what=f"{conv} open")

    async def serve(self, app: DeskApp, pilot: Any, i: int, conv: str, *, follow_up: bool = False) -> None:
        """Answer conversation *conv* of contact *i* (a note on a call), wait for it at its
        destination, and wrap up."""
        ch, ident, _name = contact(i)
        await self.open(app, pilot, conv)
        text = f"Antwoord {i} ({ch})"
        await self.reply(app, pilot, text, email=ch == "email")
        if ch == "voice":
            self.report.notes.setdefault(conv, []).append(text)
            await wait_for(pilot, lambda: any(m.get("direction") == "note" and m.get("text") == text
                                              for m in app.state.conversations[conv].messages), what="call note")
        else:
            self.report.answers.setdefault(ident, []).append(text)
            if follow_up:
                await asyncio.to_thread(self.center.inject, ch, ident, f"En verder {i}?")
                await wait_for(pilot, lambda: any(f"En verder {i}?" in t for t in transcript_texts(app)),
                               what="follow-up")
                await self.reply(app, pilot, f"Ook dat {i}", email=ch == "email")
                self.report.answers[ident].append(f"Ook dat {i}")
            n = len(self.report.answers[ident])
            await wait_thread(lambda: self.center.outbox(ident), lambda out: len(out) >= n, what=f"{ident} answered")
        await self.wrap_up(app, pilot, conv)

    async def reply(self, app: DeskApp, pilot: Any, text: str, *, email: bool = False) -> None:
        """Type ``text`` as one paste (a key per character costs a shift of CPU) and send it."""
        area = app.screen.query_one(ComposerArea)
        area.focus()
        area.insert(text)
        await pilot.press("ctrl+s" if email else "enter")

    async def wrap_up(self, app: DeskApp, pilot: Any, conv: str) -> None:
        await wait_for(pilot, lambda: app.wrapup_codes, what="wrap-up codes")
        await self.open(app, pilot, conv)
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: app.screen.query("#wrapup-codes"), what="wrap-up dialog")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: conv not in app.state.conversations, what=f"{conv} closed")

    async def set_state(self, app: DeskApp, pilot: Any, word: str, state: str) -> None:
        before = time.time()
        await pilot.press("f7")
        await wait_for(pilot, lambda: app.screen.query("#picker-filter"), what="state picker")
        for ch in word:
            await pilot.press(ch)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.state.agent.get("state") == state, what=state)
        self.report.actions.append((state, before, time.time()))

    async def serve_after_break(self, app: DeskApp, pilot: Any, waited: list[tuple[int, str]]) -> None:
        """The customers who waited during a break: both offers are out at once, so take both
        before either rings out, then serve them."""
        for _n, conv in waited:
            await self.accept(app, pilot, conv)
        for n, conv in waited:
            await self.serve(app, pilot, n, conv)

    async def a_break(self, app: DeskApp, pilot: Any, first: int) -> list[tuple[int, str]]:
        """A break with an offer pending (withdrawn at once) that lasts longer than the offer
        timeout, while a second customer arrives; back to work, both are served."""
        conv = await self.arrive(first, f"Hallo {first}")
        await wait_for(pilot, lambda: any((o.get("conversation") or {}).get("id") == conv
                                          for o in app.state.offers.values()), what="offer before the break")
        deadline = time.time() + self.offer_timeout
        await self.set_state(app, pilot, "break", "break")
        assert not app.state.offers, "the break withdraws the pending offer at once"
        second = await self.arrive(first + 1, f"Hallo {first + 1}")
        # The break outlasts the offer's deadline: nothing may turn it into `missed`.
        await until(lambda: time.time() > deadline + 0.5, self.offer_timeout + 5, "past the offer deadline",
                    pause=pilot.pause, interval=0.1)
        assert await app.command("whoami", quiet=True) is not None  # every earlier frame handled
        self.report.break_kept.append(app.state.agent.get("state") == "break")
        await self.set_state(app, pilot, "avail", "available")
        return [(first, conv), (first + 1, second)]


async def run_shift(center: Any, *, contacts: int = 15, drop_s: float = 3.0, offer_timeout: float = 3.0,
                    calls: int = 0, calls_dir: Path | None = None) -> ShiftReport:
    """One compressed shift (see the module docstring); *contacts* ≥ 15. With *calls* (the center's
    voice on, the virtual headset of :func:`tests.kit.shift_calls.headset_env` in the environment)
    the restarted desk also takes that many real calls, the last one transferred (they count as
    voice contacts); *calls_dir* holds their files."""
    assert contacts >= 15
    report = ShiftReport()
    report.calls = [ShiftCall(caller=f"+3120999{n:04d}", transfer=n == calls - 1) for n in range(calls)]
    phones = Calls(center, calls_dir) if calls and calls_dir is not None else None
    assert not calls or phones is not None, "calls need a calls_dir"
    port = int(center.url.rsplit(":", 1)[1])
    colleague = CenterClient(center.url, center.ca_file, "agent2", password="demo")
    await colleague.start()
    await colleague.wait_online(10)
    t0 = time.monotonic()
    try:
        with TcpProxy("127.0.0.1", port) as proxy:
            shift = Shift(center, proxy, report, offer_timeout, phones)
            i = await _first_half(shift, contacts, drop_s)
            report.seconds["first desk"] = time.monotonic() - t0
            crash_conv, crash_i = await _killed_desk(shift, i, colleague)
            report.seconds["killed desk"] = time.monotonic() - t0
            await _restarted_desk(shift, crash_i + 1, contacts, crash_conv, crash_i)
            report.seconds["restarted desk"] = time.monotonic() - t0
        for ident in report.customers:
            report.outbox[ident] = [str(m.get("text")) for m in await asyncio.to_thread(center.outbox, ident)]
        history = await colleague.call("team.history", room=ROOM, limit=500)
        report.team_arrived = Counter(str(m.get("text")) for m in history.get("messages") or [])
        for conv in report.notes:
            got = await asyncio.to_thread(center.call, lambda hub, c=conv: hub.views.messages(c))
            report.notes_stored[conv] = [str(m.get("text")) for m in got if m.get("direction") == "note"]
        rows = await asyncio.to_thread(center.call, lambda hub: [dict(r) for r in lead_store.state_log(
            hub.db, ["agent1"], 0.0, time.time() + 1)])
        report.state_log = rows
        if phones is not None:
            await phones.finish(report.calls)
        for call in report.calls:
            report.call_records[call.conversation] = await asyncio.to_thread(
                center.call, lambda hub, c=call.conversation: handled(hub.db, c))
    finally:
        if phones is not None:
            phones.stop()
        await colleague.close(logout=True)
    return report


async def _first_half(shift: Shift, contacts: int, drop_s: float) -> int:
    """Contacts, a follow-up, the first break, the link drop while typing. Returns the next index."""
    app = make_desk(shift.url, shift.center.ca_file, initial_state="available")
    half = contacts // 2
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.agent.get("state") == "available", what="available")
        shift.report.actions.append(("available", 0.0, time.time()))
        i = 0
        while i < half - 3:
            conv = await shift.arrive(i, f"Vraag {i}")
            await shift.accept(app, pilot, conv)
            await shift.serve(app, pilot, i, conv, follow_up=i % 7 == 2)
            i += 1
        await shift.serve_after_break(app, pilot, await shift.a_break(app, pilot, i))
        i += 2
        # A link drop while typing: the reply goes once, after the link is back.
        while contact(i)[0] == "voice" or contact(i)[0] == "email":
            conv = await shift.arrive(i, f"Vraag {i}")
            await shift.accept(app, pilot, conv)
            await shift.serve(app, pilot, i, conv)
            i += 1
        _ch, ident, _ = contact(i)
        conv = await shift.arrive(i, f"Vraag {i}")
        await shift.accept(app, pilot, conv)
        await shift.open(app, pilot, conv)
        area = app.screen.query_one(ComposerArea)
        area.focus()
        area.insert("Ja, dat")
        down_at = time.monotonic()
        shift.proxy.down()
        await wait_for(pilot, lambda: app.status.state != "online", what="link down seen")
        area.insert(" kan")
        await pilot.press("enter")
        shift.report.answers[ident] = ["Ja, dat kan"]
        await until(lambda: time.monotonic() - down_at >= drop_s, drop_s + 5, "the link drop's length",
                    pause=pilot.pause, interval=0.1)
        assert not await asyncio.to_thread(shift.center.outbox, ident), "nothing crossed a cut link"
        shift.proxy.up()
        await wait_for(pilot, lambda: app.status.state == "online", timeout=30, what="back online")
        await wait_thread(lambda: shift.center.outbox(ident), lambda out: out, what="delivered")
        await wait_for(pilot, lambda: not app.state.pending, what="nothing pending")
        await shift.wrap_up(app, pilot, conv)
        assert await app.command("whoami", quiet=True) is not None
        await app.quit_now()
    return i + 1


async def _killed_desk(shift: Shift, i: int, colleague: CenterClient) -> tuple[str, int]:
    """The desk (its core, in a child with the same encrypted cache) takes a chat, the link goes,
    the agent types a reply, a team message and half a sentence — and the desk is killed (-9)."""
    while contact(i)[0] != "chat":
        i += 1  # the child accepts chats only (the other channels come later)
    base = Path(os.environ[ENV_CACHE_DIR])
    desk = Desk(shift.url, Path(shift.center.ca_file), base, extra=("--accept-chats",))
    desk.wait("restored")
    desk.send({"cmd": "start"})
    desk.wait("welcome")
    desk.send({"cmd": "call", "tag": "ready", "op": "state.set", "args": {"state": "available"}})
    desk.wait("result", tag="ready", ok=True)
    shift.report.actions.append(("ready", time.time(), time.time()))  # the killed desk's login
    _ch, ident, _name = contact(i)
    await asyncio.to_thread(shift.center.inject, "chat", ident, f"Vraag {i}", name=contact(i)[2])
    shift.report.channels["chat"] += 1
    shift.report.customers.append(ident)
    accepted = await asyncio.to_thread(desk.wait, "accepted")
    conv = str(accepted["conversation"])
    shift.proxy.down()
    at = len(desk.log)
    await asyncio.to_thread(lambda: desk.log.wait(lambda d: d.get("ev") == "status" and d.get("state") != "online",
                                                  15.0, after=at, what="the child sees the link down"))
    reply, team = f"Antwoord {i} (chat, voor de crash)", "Ik ben zo terug (getypt voor de crash)"
    desk.send({"cmd": "call", "tag": "reply", "op": "conv.send", "args": {"conversation": conv, "text": reply}})
    desk.send({"cmd": "call", "tag": "team", "op": "team.send", "args": {"room": ROOM, "text": team}})
    desk.send({"cmd": "draft", "key": conv, "text": "Nog een vraag:"})
    for tag in ("reply", "team"):
        await asyncio.to_thread(desk.wait, "queued", tag=tag)
    await asyncio.to_thread(desk.wait, "drafted", key=conv)
    desk.kill()
    shift.report.answers[ident] = [reply]
    shift.report.team_typed.append(team)
    shift.proxy.up()
    # Away: the colleague writes in the team room and a DM.
    await colleague.call("team.send", room=ROOM, text="Wie neemt de call van 3 uur?")
    await colleague.call("team.send", room="dm:agent1", text="ticket 4711 als je terug bent?")
    return conv, i


async def _restarted_desk(shift: Shift, i: int, contacts: int, crash_conv: str, crash_i: int) -> None:
    """The Pilot desk again: it sends what the killed one had queued (once), restores the draft,
    shows the team chat from while it was away; then the second break and the rest of the shift."""
    app = make_desk(shift.url, shift.center.ca_file)
    if shift.calls is not None:  # the shift process's one pjsua2 engine: this desk's softphone
        app = DeskApp(phone_config(), login=app.login_info, remember_login=False, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.online() and crash_conv in app.state.conversations,
                       timeout=30, what="back, the chat still mine")
        await wait_for(pilot, lambda: not app.state.pending, timeout=20, what="the killed desk's queue sent")
        await wait_for(pilot, lambda: any("4711" in m.get("text", "") for m in
                                          app.state.room_messages.get("dm:agent2", [])), what="the DM from away")
        assert app.state.rooms["dm:agent2"]["unread"] == 1
        assert any("3 uur" in m.get("text", "") for m in app.state.room_messages.get(ROOM, []))
        await shift.open(app, pilot, crash_conv)
        area = app.screen.query_one(ComposerArea)
        await wait_for(pilot, lambda: area.text, what="the restored draft")
        shift.report.restored_draft = area.text
        area.focus()
        for ch in " herstart de router":  # typed on, by key: the words go after the restored draft
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("enter")
        ident = contact(crash_i)[1]
        shift.report.answers[ident].append("Nog een vraag: herstart de router")
        await wait_thread(lambda: shift.center.outbox(ident), lambda out: len(out) >= 2, what="crash chat answered")
        await shift.wrap_up(app, pilot, crash_conv)
        # Team chat: answer the colleague.
        await pilot.press("f4")
        team_text = "Ik neem hem"
        await wait_for(pilot, lambda: app.screen.query("#team-input"), what="team input")
        for ch in team_text:
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("enter")
        shift.report.team_typed.append(team_text)
        await wait_for(pilot, lambda: not app.state.pending, what="team message sent")
        await pilot.press("f2")
        await shift.serve_after_break(app, pilot, await shift.a_break(app, pilot, i))
        i += 2
        t0 = time.monotonic()
        for call in shift.report.calls:  # real calls: answer, hold, resume; hang up or transfer
            assert shift.calls is not None
            shift.report.channels["voice"] += 1
            await shift.calls.take(app, pilot, call, f"Beller {call.caller[-2:]}")
        shift.report.calls_s = time.monotonic() - t0
        while sum(shift.report.channels.values()) < contacts:
            conv = await shift.arrive(i, f"Vraag {i}")
            await shift.accept(app, pilot, conv)
            await shift.serve(app, pilot, i, conv, follow_up=i % 7 == 2)
            i += 1
        assert await app.command("whoami", quiet=True) is not None
        await app.quit_now()


def check(report: ShiftReport) -> None:
    """The acceptance's counts: raise AssertionError on the first that does not hold."""
    assert set(report.customers) == set(report.answers), "every customer got an answer"
    for ident, typed in report.answers.items():
        assert Counter(report.outbox.get(ident, [])) == Counter(typed), (ident, report.outbox.get(ident), typed)
    for text in report.team_typed:
        assert report.team_arrived[text] == 1, (text, report.team_arrived[text])
    for conv, typed in report.notes.items():
        assert Counter(report.notes_stored[conv]) == Counter(typed), (conv, report.notes_stored[conv], typed)
    assert report.break_kept == [True, True], report.break_kept
    assert set(CHANNELS) <= set(report.channels), report.channels
    # The state timeline in the center's database: no `missed` (or any other state nobody chose),
    # two breaks, each begun and ended by the agent's own action.
    log = report.state_log
    first = next(n for n, r in enumerate(log) if r["state"] == "available")  # the desk's login said so
    assert all(r["until"] is not None and r["until"] <= report.actions[0][2] for r in log[:first]), log[:first + 1]
    log = log[first:]
    states = [r["state"] for r in log]
    assert set(states) <= WORKING | {"break"}, states
    breaks = [r for r in log if r["state"] == "break"]
    assert len(breaks) == 2, states
    went = [a for a in report.actions if a[0] == "break"]
    back = [a for a in report.actions if a[0] == "available"][1:]
    for row, (_s, b0, b1), (_a, a0, a1) in zip(breaks, went, back, strict=True):
        assert b0 <= row["since"] <= b1, (row, b0, b1)
        assert row["until"] is not None and a0 <= row["until"] <= a1, (row, a0, a1)
    check_calls(report.calls, report.call_records, log)
