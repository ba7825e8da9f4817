"""Subprocess driver: the lead's desk (DeskApp as lead1, its real Softphone registered at Kamailio on
the virtual headset) monitors agent1's live call from the lead view (issue 11).

Usage: python -m tests.desk.lead_monitor_pilot '{"server", "ca", "registrar", "domain", "speaker"}'
Steps wait on conditions with deadlines; prints ONE JSON line {"ok", "steps", "info"} at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from agent_tui.app import DeskApp, LoginInfo
from agent_tui.core.config import Config, SoftphoneConfig
from tests.kit.call_bar_kit import bar_text, until_bar
from tests.kit.desk_helpers import wait_for

BYTES_PER_S = 32000  # the virtual headset's speaker: 16 kHz mono 16-bit raw


async def steps(app: DeskApp, pilot: Any, o: dict[str, Any], out: dict[str, Any]) -> None:
    from agent_tui.screens.lead import LeadScreen
    from agent_tui.widgets.lead_tables import AgentsTable

    await wait_for(pilot, lambda: app.phone is not None, 20, what="the desk's phone")  # type: ignore[attr-defined]
    phone = app.phone  # type: ignore[attr-defined]
    if o["registrar"]:  # direct mode: the phone starts when the lead asks to listen
        await wait_for(pilot, lambda: "Registered" in phone.events_seen, 30,
                       what=f"registration ({phone.phone_state} {phone.phone_error})")
    from agent_tui.widgets.call_bar import CallBar

    bar = app.desk_screen().query_one(CallBar)
    seen: list[str] = []
    out["info"]["states_seen"] = seen
    redraw = bar.redraw

    def recording_redraw() -> None:  # every state the bar passed through, however short
        redraw()
        main = bar._main()
        if main is not None and (not seen or seen[-1] != main.state):
            seen.append(main.state)

    bar.redraw = recording_redraw  # type: ignore[method-assign]
    await wait_for(pilot, app.lead.is_lead, 20, what="logged in as a lead")
    app.lead.open_view()
    await wait_for(pilot, lambda: isinstance(app.screen, LeadScreen), 10, what="the lead view")
    screen = app.screen
    await wait_for(pilot, lambda: bool(screen.query(AgentsTable)), 10, what="the lead view's tables")
    await pilot.press("f3")  # the Agents tab
    table = screen.query_one(AgentsTable)
    await wait_for(pilot, lambda: "agent1" in table.items, 15, what="agent1 in the agents table")
    table.focus()
    table.move_cursor(row=table.get_row_index("agent1"))
    await pilot.pause()
    await pilot.press("l")  # listen in: nothing else is pressed until the leg is connected
    out["steps"]["listening"] = await until_bar(app, pilot, "CONNECTED", 20)
    out["info"]["events_seen"] = sorted(set(phone.events_seen))
    speaker = Path(o["speaker"])
    start = os.path.getsize(speaker) if speaker.exists() else 0
    out["info"]["speaker_from"] = start
    await wait_for(pilot, lambda: os.path.getsize(speaker) >= start + 2 * BYTES_PER_S, 15,
                   what="2 s in the lead's headset")
    await pilot.press("w")  # the same agent again, another key: only the mode changes
    out["steps"]["whisper"] = await until_bar(app, pilot, "Whispering to", 15)
    await pilot.press("escape")  # back to the desk, where the call bar and its keys are
    await wait_for(pilot, lambda: not isinstance(app.screen, LeadScreen), 10, what="the desk")
    out["steps"]["on_desk"] = bar_text(app)
    await pilot.press("alt+h")  # leave: voice.monitor.stop, the engine hangs the leg up
    out["steps"]["ended"] = await until_bar(app, pilot, "ENDED", 15)


async def main(o: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"ok": False, "steps": {}, "info": {}}
    cfg = Config(language="en", softphone=SoftphoneConfig(
        input_device="headset", output_device="headset", profile="normal",
        options={"registrar": o["registrar"], "domain": o["domain"]} if o["registrar"] else {}))
    app = DeskApp(cfg, login=LoginInfo(o["server"], Path(o["ca"]), "lead1", password="demo"),
                  remember_login=False, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            await steps(app, pilot, o, out)
            out["ok"] = True
        except Exception as exc:  # noqa: BLE001 - reported to the test as JSON
            out["error"], out["trace"] = str(exc), traceback.format_exc()
        finally:
            await app.action_quit()
    return out


if __name__ == "__main__":
    result = asyncio.run(main(json.loads(sys.argv[1])))
    print(json.dumps(result), flush=True)
    sys.exit(0 if result["ok"] else 1)
