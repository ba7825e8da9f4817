"""Call monitoring in the full setup (issue 11): the lead's monitoring leg through Kamailio.

Real center, real Kamailio (TLS, digest), real pjsua2 phones with SRTP. The lead's phone is the
desk's own ``Softphone`` (tests/kit/softphone_agent.py): its desk arms a one-time token, asks the
center to monitor with it, and the engine's marked INVITE is answered by the phone itself — no
answer key. A forged mark (a colleague's INVITE with the header but a wrong or spent token) rings
like any call and is never answered by itself.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import numpy as np
import pytest

from agent_tui.sip import autoanswer
from tests.kit.voicekit import CUSTOMER_HZ, HERE, PY, start_phone
from tests.kit.waiting import wait_until
from tests.voice.voice_audio import band_share

pytestmark = pytest.mark.slow
BYTES_PER_S = 32000  # 16 kHz mono 16-bit recordings


def _size(path: Path) -> int:
    return os.path.getsize(path) if path.exists() else 0


def _windows(path: Path, from_byte: int, win: float = 0.25) -> list[np.ndarray]:
    data = np.fromfile(str(path), dtype="<i2", offset=max(44, from_byte)).astype(np.float64) / 32768.0
    n = int(win * 16000)
    return [data[i:i + n] for i in range(0, len(data) - n + 1, n)]


async def test_lead_phone_answers_only_its_own_monitoring_leg(make_center, tones, procs, tmp_path):
    from agent_tui.center.voice import kamailio
    from tests.kit.wsclient import WsClient

    center = make_center(voice={"enabled": True, "kamailio": {"enabled": True, "port": 0}})
    for user in ("agent1", "agent2", "lead1"):
        kamailio.set_sip_password(center.dir, user, "demo")  # their desk password, as HA1
    addr = kamailio.address(center.dir)
    registrar = f"sip:{addr['host']}:{addr['port']};transport=tls"
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    await a1.cmd("state.set", state="available")
    lead = await WsClient.login(center.url, center.ca_file, "lead1")

    def phones() -> tuple:
        agent = start_phone(procs, center.dir, "agent1", play=tones["agent"], record=tmp_path / "a1",
                            register=registrar, password="demo", domain=addr["domain"])
        colleague = start_phone(procs, center.dir, "agent2", play=tones["agent2"], record=tmp_path / "a2",
                                register=registrar, password="demo", domain=addr["domain"],
                                auto_answer=False)
        desk = procs([PY, str(HERE / "softphone_agent.py"), "--ca", str(center.dir / "tls" / "ca.pem"),
                      "--register", registrar, "--user", "lead1", "--domain", addr["domain"],
                      "--play", str(tones["agent2"]), "--record", str(tmp_path / "lead.wav")], "lead-phone",
                     stdin_first=json.dumps({"password": "demo"}))
        for p in (agent, colleague, desk):
            assert p.wait("registration", timeout=20)["code"] == 200
        return agent, colleague, desk

    agent, colleague, desk = await asyncio.to_thread(phones)
    lead_rec = tmp_path / "lead.wav"
    procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center.dir), "--from", "+31612348888",
           "--play", str(tones["customer"]), "--duration", "60", "--timeout", "30"], "customer")
    offered = await a1.wait_event("voice.offered", timeout=30)
    conv = offered["data"]["conversation"]
    await a1.wait_event("voice.answered", timeout=20)  # the agent's phone answered the engine's INVITE

    # The lead's desk arms its phone with a fresh token, then asks the center to monitor with it.
    token = autoanswer.new_token()
    desk.send(cmd="expect_monitor", token=token)
    await asyncio.to_thread(desk.wait, "armed")
    started = await lead.cmd("voice.monitor", conversation=conv, mode="listen", token=token)
    assert started["token"] == token and started["ringing"].startswith("sip:lead1@")
    inc = await asyncio.to_thread(desk.wait, "incoming", 20)
    assert inc["monitor"] == "listen"
    assert inc["headers"]["X-Agent-Tui-Monitor"] == f"listen;token={token}"
    # Answered by the phone itself: nobody sent "answer".
    await asyncio.to_thread(desk.wait, lambda e: e.get("ev") == "state" and e["call"] == inc["call"]
                            and e["state"] == "answered", 15)
    media = await asyncio.to_thread(desk.wait, lambda e: e.get("ev") == "media" and e["call"] == inc["call"]
                                    and e["status"] == "active", 15)
    assert media["srtp"].startswith("AES_")  # SRTP (SDES), as every call
    told = await a1.wait_event("voice.monitor", lambda d: d["active"], timeout=15)
    assert told["data"]["lead"] == "lead1" and told["data"]["mode"] == "listen"
    start = _size(lead_rec)
    await asyncio.to_thread(wait_until, lambda: _size(lead_rec) >= start + 2 * BYTES_PER_S, 15,
                            "2 s of the lead listening")
    heard = _windows(lead_rec, start)
    tone = [band_share(w, 16000, CUSTOMER_HZ) for w in heard]
    assert sum(x > 0.2 for x in tone) >= len(tone) * 0.7, tone  # the lead hears the customer

    # Forged marks: a colleague rings the lead with the header, once with a token never armed
    # and once with the spent one. Both ring like any call; neither is answered by the phone.
    uri = f"sip:lead1@{addr['domain']};transport=tls"
    for forged in (autoanswer.new_token(), token):
        mark, cmark = desk.mark(), colleague.mark()
        colleague.send(cmd="dial", uri=uri, headers=autoanswer.monitor_headers("barge", forged, addr["domain"]))
        call = colleague.wait("dialing", after=cmark)["call"]
        rung = await asyncio.to_thread(desk.wait, "incoming", 15, mark)
        assert rung["monitor"] == "" and rung["headers"]["X-Agent-Tui-Monitor"] == f"barge;token={forged}"
        colleague.send(cmd="hangup", call=call)  # CANCEL: the phone never answered it
        colleague.wait(lambda e, c=call: e.get("ev") == "ended" and e["call"] == c, 15, cmark)
        await asyncio.to_thread(desk.wait, lambda e, c=rung["call"]: e.get("ev") == "state" and e["call"] == c
                                and e["state"] == "ended", 15, mark)
        states = [e["state"] for e in desk.events[mark:] if e.get("ev") == "state" and e["call"] == rung["call"]]
        assert "answered" not in states and "connecting" not in states, states
    # Kamailio also strips a colleague's Call-Info (a third-party phone might honour answer-after);
    # the engine's own INVITE kept it.
    klog = (kamailio.kam_dir(center.dir) / "kamailio.log").read_text(errors="replace")
    assert klog.count("removed Call-Info from agent2's INVITE to lead1") == 2
    assert "removed Call-Info from voice" not in klog

    # Ending it from the desk ends the monitoring.
    await lead.cmd("voice.monitor.stop", conversation=conv)
    await a1.wait_event("voice.monitor", lambda d: not d["active"], timeout=15)
    await asyncio.to_thread(desk.wait, lambda e: e.get("ev") == "state" and e["call"] == inc["call"]
                            and e["state"] == "ended", 15)

    # A leg that cannot be set up (the lead's phone is gone: Kamailio answers 480) is reported to
    # the lead only, so the desk shows the request as failed instead of waiting for it.
    desk.send(cmd="quit")
    await asyncio.to_thread(desk.wait, "bye", 15)
    await lead.cmd("voice.monitor", conversation=conv, mode="listen", token=autoanswer.new_token())
    failed = await lead.wait_event("voice.monitor", lambda d: bool(d.get("failed")), timeout=15)
    assert failed["data"]["active"] is False and failed["data"]["failed"].startswith("480"), failed
    assert not [e for e in a1.events if e["kind"] == "voice.monitor" and e["data"].get("failed")]
    agent.send(cmd="hangup")
    for c in (a1, lead):
        await c.close(bye=True)
