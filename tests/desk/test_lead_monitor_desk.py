"""The lead's desk monitors a call (issue 11): from the lead view, one key, with and without Kamailio.

Real center, Kamailio (or direct mode), pjsua2 phones with SRTP; the lead's desk is the real
DeskApp with its own Softphone on the virtual headset (tests/desk/lead_monitor_pilot.py). The lead
presses ``l`` on agent1's row (Anna de Vries): the engine's monitoring leg is answered by the
lead's phone itself (the bar never rings; in direct mode the phone dials the one-time pickup URI
instead), the bar says whose call it is, ``w`` switches to whisper on the same leg, the lead hears
the customer, and hanging up on the call bar ends the monitoring at the center (the agent is told).
"""

from __future__ import annotations

import asyncio
import json
import sys

import numpy as np
import pytest

from tests.kit.call_bar_kit import virtual_headset
from tests.kit.paths import child_env
from tests.kit.voicekit import CUSTOMER_HZ, PY, procs, start_phone, tones  # noqa: F401  (pytest fixtures)
from tests.voice.voice_audio import band_share

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("setup", ["kamailio", "direct"])
async def test_lead_listens_from_the_lead_view_and_leaves_on_the_call_bar(make_center, tones, procs, tmp_path,  # noqa: F811
                                                                         setup):
    from agent_tui.center.voice import kamailio
    from tests.kit.wsclient import WsClient

    full = setup == "kamailio"
    center = make_center(voice={"enabled": True, "kamailio": {"enabled": full, "port": 0}})
    registrar, domain = "", ""
    if full:
        for user in ("agent1", "lead1"):
            kamailio.set_sip_password(center.dir, user, "demo")  # their desk password, as HA1
        addr = kamailio.address(center.dir)
        registrar, domain = f"sip:{addr['host']}:{addr['port']};transport=tls", addr["domain"]
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    await a1.cmd("state.set", state="available")
    agent = await asyncio.to_thread(start_phone, procs, center.dir, "agent1", play=tones["agent"],
                                    record=tmp_path / "a1", register=registrar, password="demo",
                                    domain=domain or "127.0.0.1")
    if full:
        assert (await asyncio.to_thread(agent.wait, "registration", 20))["code"] == 200
    procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center.dir), "--from", "+31612347777",
           "--play", str(tones["customer"]), "--duration", "90", "--timeout", "30"], "customer")
    offered = (await a1.wait_event("voice.offered", timeout=30))["data"]
    conv = offered["conversation"]
    if not full:  # direct mode: the agent's phone dials the one-time pickup URI
        agent.send(cmd="dial", uri=offered["pickup"])
    await a1.wait_event("voice.answered", timeout=20)

    env_extra, speaker = virtual_headset(tmp_path)
    opts = {"server": center.url, "ca": str(center.ca_file), "registrar": registrar, "domain": domain,
            "speaker": str(speaker)}
    pilot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.desk.lead_monitor_pilot", json.dumps(opts),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=child_env(**env_extra))
    try:
        out, err = await asyncio.wait_for(pilot.communicate(), 90)
    finally:
        if pilot.returncode is None:
            pilot.kill()
            await pilot.wait()
    lines = [ln for ln in out.decode().splitlines() if ln.startswith("{")]
    assert lines, err.decode()[-3000:]
    result = json.loads(lines[-1])
    assert result["ok"], f"{result.get('error')}\n{result.get('trace')}\n{result.get('steps')}\n{result.get('info')}"
    s, info = result["steps"], result["info"]
    first = s["listening"].split("\n")[0]
    assert "CONNECTED" in first and f"Listening to Anna de Vries (conversation {conv})" in first, s["listening"]
    assert "+31612347777" not in first  # not shown as the customer's call
    assert "ringing" not in info["states_seen"], info["states_seen"]  # answered by the phone itself
    if full:  # a real INVITE from the engine reached the phone (direct mode: the phone dialled)
        assert "IncomingCall" in info["events_seen"]
    assert f"Whispering to Anna de Vries (conversation {conv})" in s["whisper"]  # same leg, new mode
    assert f"Whispering to Anna de Vries (conversation {conv})" in s["on_desk"]
    assert "ENDED" in s["ended"]
    # The agent was told when the lead joined and when the lead left from the call bar.
    told = await a1.wait_event("voice.monitor", lambda d: d["active"], timeout=5)
    assert told["data"]["lead"] == "lead1" and told["data"]["mode"] == "listen"
    await a1.wait_event("voice.monitor", lambda d: d["active"] and d["mode"] == "whisper", timeout=5)
    off = await a1.wait_event("voice.monitor", lambda d: not d["active"], timeout=10)
    assert off["data"]["conversation"] == conv
    heard = np.fromfile(speaker, dtype="<i2", offset=info["speaker_from"]).astype(np.float64) / 32768.0
    wins = [heard[i:i + 4000] for i in range(0, len(heard) - 4000, 4000)]
    share = [band_share(w, 16000, CUSTOMER_HZ) for w in wins]
    assert wins and sum(x > 0.2 for x in share) >= len(share) * 0.6, share  # the lead hears the customer
    await a1.close(bye=True)
