"""Real calls in the compressed shift (issue 8's acceptance: "3 calls with hold and transfer").

The shift's Pilot desk owns the only pjsua2 engine of the shift's process (its softphone on a
virtual ALSA headset, started on the first ``voice.offered``); everything else that speaks SIP
runs in its own process, as in tests/desk/call_bar_pilot.py: the center's voice engine (the
center's engine processes), each customer (``python -m agent_tui.center.voice.call_cli``, a
pjsua2 caller over TLS with SRTP) and the colleague who takes the transfer (``agent-tui ctl ...
phone --auto-answer`` as agent3, a headless phone). Every call is answered on the call bar
(ctrl+o), held and resumed (alt+p); the first ones are hung up (alt+h) and wrapped up, the last
one goes to the colleague by a blind transfer (alt+t).

:func:`headset_env` must be in ``os.environ`` before the desk's phone opens the headset.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.widgets import Input

from agent_tui.core.config import Config, SoftphoneConfig
from tests.kit.call_bar_kit import bar_text, until_bar, virtual_headset
from tests.kit.desk_helpers import wait_for

TAKER = "agent3"  # the colleague who takes the transferred call (agent2 is the shift's team-chat colleague)
@dataclass
class ShiftCall:
    """One real call of the shift: what the desk saw and what the processes reported."""

    caller: str
    conversation: str = ""
    transfer: bool = False
    answered_at: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)  # step -> seconds since the customer dialled
    srtp: str = ""  # the SRTP suite of the call's media, as the desk's phone reported it
    bar: dict[str, str] = field(default_factory=dict)  # step -> call bar text
    customer: dict[str, Any] = field(default_factory=dict)  # call_cli's summary
    taker: dict[str, Any] = field(default_factory=dict)  # the colleague's phone summary (transfer)


def headset_env(tmp: Path) -> dict[str, str]:
    """An ALSA device ``headset`` whose microphone plays a 440 Hz tone and whose speaker is a file."""
    return virtual_headset(tmp)[0]


def phone_config() -> Config:
    return Config(language="en", softphone=SoftphoneConfig(input_device="headset", output_device="headset",
                                                           profile="low"))


def summary(proc: subprocess.Popen, timeout: float) -> dict[str, Any]:
    """The one JSON object a child prints at its end (or its stderr's tail)."""
    out, err = proc.communicate(timeout=timeout)
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    return json.loads(lines[-1]) if lines else {"rc": proc.returncode, "stderr": err[-1500:]}


class Calls:
    """The customers' and the colleague's processes of the shift's calls."""

    def __init__(self, center: Any, tmp: Path) -> None:
        self.center, self.tmp = center, tmp
        self.procs: list[subprocess.Popen] = []
        self.customers: dict[str, subprocess.Popen] = {}  # caller -> its process (read by finish())
        self.takers: dict[str, subprocess.Popen] = {}  # caller -> the colleague's phone it went to
        self.pwfile = tmp / "taker.pw"
        self.pwfile.write_text("demo\n")
        self.pwfile.chmod(0o600)

    def customer(self, number: str, name: str) -> subprocess.Popen:
        p = subprocess.Popen([sys.executable, "-m", "agent_tui.center.voice.call_cli", str(self.center.dir),
                              "--from", number, "--name", name, "--duration", "60", "--timeout", "40"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs.append(p)
        return p

    def taker(self) -> subprocess.Popen:
        with self.pwfile.open() as pw:  # the password on stdin, never on the command line
            p = subprocess.Popen([sys.executable, "-m", "agent_tui", "ctl", "--server", self.center.url,
                                  "--ca", str(self.center.ca_file), "--user", TAKER, "--password-stdin",
                                  "phone", "--auto-answer", "--wait", "40", "--duration", "2", "--profile", "low"],
                                 stdin=pw, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs.append(p)
        return p

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)

    async def take(self, app: Any, pilot: Any, call: ShiftCall, name: str) -> None:
        """Answer, hold, resume; then hang up and wrap up, or a blind transfer to the colleague."""
        t0 = time.monotonic()
        self.customers[call.caller] = self.customer(call.caller, name)
        await until_bar(app, pilot, "RINGING", 30)
        call.bar["ringing"] = bar_text(app)
        call.seconds["ringing"] = time.monotonic() - t0
        await pilot.press("ctrl+o")
        await until_bar(app, pilot, "CONNECTED", 20)
        call.answered_at = time.time()
        call.seconds["connected"] = time.monotonic() - t0
        phone = app.phone  # type: ignore[attr-defined]
        call.conversation = next((v.conversation for v in phone.views.values() if v.live), "")
        await wait_for(pilot, lambda: "/" in bar_text(app).split("\n")[0], 10, what="codec on the bar")
        call.bar["connected"] = bar_text(app)
        call.srtp = next((v.srtp for v in phone.views.values() if v.conversation == call.conversation and v.srtp), "")
        await pilot.press("alt+p")
        call.bar["held"] = await until_bar(app, pilot, "ON HOLD")
        await pilot.press("alt+p")
        call.bar["resumed"] = await until_bar(app, pilot, "CONNECTED")
        call.seconds["resumed"] = time.monotonic() - t0
        if call.transfer:
            taker = self.taker()
            await wait_for(pilot, lambda: (app.state.presence.get(TAKER) or {}).get("state") == "available"
                           or taker.poll() is not None, 30, what=f"{TAKER} Available")
            assert taker.poll() is None, summary(taker, 10)
            call.seconds["taker available"] = time.monotonic() - t0
            await pilot.press("alt+t")
            await wait_for(pilot, lambda: app.screen.query("#picker-filter"), 10, what="transfer picker")
            call.seconds["picker"] = time.monotonic() - t0
            # The colleague's first name as one paste: with a call up, a Pilot key press waits ~2 s
            # for the desk to be idle (a press per character cost 10 s of the shift).
            app.screen.query_one("#picker-filter", Input).insert_text_at_cursor(
                str(app.state.presence[TAKER].get("name") or TAKER).split()[0])
            await pilot.press("enter")
            call.seconds["picked"] = time.monotonic() - t0
            await until_bar(app, pilot, "TRANSFER", 20)
            call.seconds["transferring"] = time.monotonic() - t0
            call.bar["transferred"] = await until_bar(app, pilot, "TRANSFERRED", 20)
            self.takers[call.caller] = taker
        else:
            await pilot.press("alt+h")
            call.bar["ended"] = await until_bar(app, pilot, "ENDED")
            await wait_for(pilot, lambda: app.screen.query("#wrapup-codes"), 15, what="wrap-up dialog")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: call.conversation not in app.state.conversations, 15,
                           what="call wrapped up and closed")
        call.seconds["done at the desk"] = time.monotonic() - t0
        await wait_for(pilot, lambda: not any(v.live for v in phone.views.values()), 20,
                       what=f"no live call left ({bar_text(app)!r})")  # the ended one may still show a while
        call.seconds["no live call"] = time.monotonic() - t0

    async def finish(self, calls: list[ShiftCall]) -> None:
        """The customers' summaries (their processes end on their own once the call is over)."""
        for call in calls:
            call.customer = await asyncio.to_thread(summary, self.customers[call.caller], 60)
            if call.caller in self.takers:
                call.taker = await asyncio.to_thread(summary, self.takers[call.caller], 60)


def handled(db: Any, conv: str) -> dict[str, Any]:
    """The center's record of one call's conversation (read on the center's thread)."""
    row = db.execute("SELECT customer, status, handled_by, wrapup_code FROM conversations WHERE id=?",
                     (conv,)).fetchone()
    agents = sorted(r[0] for r in db.execute("SELECT user FROM conv_agents WHERE conversation=?", (conv,)))
    same = db.execute("SELECT COUNT(*) FROM conversations WHERE customer=? AND channel='voice'",
                      (row["customer"],)).fetchone()[0] if row else 0
    return {"status": row and row["status"], "handled_by": row and row["handled_by"],
            "wrapup_code": row and row["wrapup_code"], "agents": agents, "conversations_of_caller": same}


def check_calls(calls: list[ShiftCall], records: dict[str, dict[str, Any]], state_log: list[dict[str, Any]]
                ) -> None:
    """Each call's conversation was handled exactly once (one conversation per caller, taken by
    agent1 once — and by the colleague once after the transfer), and agent1's state timeline
    shows on_contact while it was connected."""
    for call in calls:
        assert call.conversation, call
        first = call.bar["connected"].split("\n")[0]
        assert "CONNECTED" in first and "/8000" in first and call.caller in first, call.bar  # media up, codec shown
        assert call.srtp, ("no SRTP on the call's media", call)
        assert "ON HOLD" in call.bar["held"] and "CONNECTED" in call.bar["resumed"], call.bar
        assert call.customer.get("answered") is True, (call.caller, call.customer)  # the customer was talked to
        rec = records[call.conversation]
        assert rec["conversations_of_caller"] == 1, (call.caller, rec)
        if call.transfer:
            assert rec["agents"] == ["agent1", TAKER] and rec["handled_by"] == TAKER, rec
            assert call.taker.get("result") == "completed", call.taker
        else:
            assert rec["agents"] == ["agent1"] and rec["handled_by"] == "agent1", rec
            assert rec["status"] == "closed" and rec["wrapup_code"], rec
        on = [r for r in state_log if r["state"] == "on_contact" and r["since"] <= call.answered_at
              and (r["until"] is None or call.answered_at <= r["until"])]
        assert len(on) == 1, (call.caller, call.answered_at, state_log)
