"""Voice through the real center: the same router, conversations, wrap-up, transfer.

The center runs with ``voice: {enabled: true}`` (the bridge starts the engine, and
Kamailio when enabled); agents log in over the real websocket protocol; their
phones are real pjsua2 user agents; customers are `center call` processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from tests.kit.voicekit import AGENT2_HZ, AGENT_HZ, CUSTOMER_HZ, PY, JsonProc, start_phone
from tests.kit.waiting import until
from tests.kit.wsclient import WsClient
from tests.voice.voice_audio import band_share, rms, windows

pytestmark = pytest.mark.slow


def _mostly(path: Path, freq: float, t0: float = 0.5, t1: float = 1e9) -> bool:
    shares = [band_share(w, r, freq) for t, w, r in windows(path) if t >= t0 and t + 0.5 <= t1 and rms(w) > 0.005]
    return bool(shares) and sum(x > 0.5 for x in shares) >= (len(shares) * 2 + 2) // 3


async def _wait(proc: JsonProc, pred, timeout: float = 15.0) -> dict:
    return await asyncio.to_thread(proc.wait, pred, timeout)


def _customer(procs, center_dir: Path, number: str, play: Path, record: Path, duration: float,
              dtmf: str = "") -> JsonProc:
    argv = [PY, "-m", "agent_tui.center.voice.call_cli", str(center_dir), "--from", number,
            "--play", str(play), "--record", str(record), "--duration", str(duration), "--timeout", "30",
            "--events"]
    if dtmf:
        argv += ["--dtmf", dtmf, "--dtmf-at", "0.3"]
    return procs(argv, "customer")


async def _available(center, user: str) -> WsClient:
    c = await WsClient.login(center.url, center.ca_file, user)
    await c.cmd("state.set", state="available")
    return c


async def test_call_is_routed_answered_and_wrapped_up(make_center, tones, procs, tmp_path):
    center = make_center(voice={"enabled": True})
    a1 = await _available(center, "agent1")
    phone = await asyncio.to_thread(start_phone, procs, center.dir, "agent1", play=tones["agent"],
                                    record=tmp_path / "a1")
    cust_rec = tmp_path / "customer-heard.wav"
    cust = _customer(procs, center.dir, "+31612340000", tones["customer"], cust_rec, 120.0, dtmf="35")

    offer = await a1.wait_event("offer.new", lambda d: d["conversation"]["channel"] == "voice", timeout=30)
    conv = offer["data"]["conversation"]
    assert conv["customer"]["id"] == "+31612340000"
    offered = await a1.wait_event("voice.offered", lambda d: d["conversation"] == conv["id"], timeout=15)
    assert offered["data"]["offer"] == offer["data"]["offer"] and offered["data"]["pickup"].startswith("sip:")
    phone.send(cmd="dial", uri=offered["data"]["pickup"])
    # Answering the call accepts the offer: the conversation is the agent's, like any channel.
    assigned = await a1.wait_event("conv.assigned", lambda d: d["conversation"]["id"] == conv["id"], timeout=15)
    assert assigned["data"]["conversation"]["channel"] == "voice"
    answered = await a1.wait_event("voice.answered", timeout=10)
    assert answered["data"]["conversation"] == conv["id"] and answered["data"]["codec"]
    media = await _wait(phone, lambda e: e.get("ev") == "media" and e["state"] == "active")
    leg = tmp_path / f"a1.{media['call']}.wav"
    await until(lambda: leg.exists() and os.path.getsize(leg) > 44 + 2 * 32000, 15, "2 s at the agent")
    size = os.path.getsize(cust_rec)
    await until(lambda: os.path.getsize(cust_rec) > size + 32000, 15, "1 s more at the customer")

    # DTMF digits the customer pressed are in the conversation.
    full = await a1.cmd("conv.get", conversation=conv["id"])
    texts = [msg["text"] for msg in full["messages"]]
    assert any("DTMF 3" in t for t in texts) and any("DTMF 5" in t for t in texts), texts
    assert any("+31612340000" in t for t in texts)

    # The agent holds: the conversation says so (and the engine cuts audio both ways, see
    # test_voice_engine), then resumes.
    phone.send(cmd="hold")
    await a1.wait_event("conv.message", lambda d: d["conversation"] == conv["id"]
                        and d["message"]["text"] == "Call on hold", timeout=15)
    phone.send(cmd="unhold")
    await a1.wait_event("conv.message", lambda d: d["conversation"] == conv["id"]
                        and d["message"]["text"] == "Call resumed", timeout=15)

    # The customer hangs up: wrap-up for the agent, voice.ended, and the agent wraps up.
    cust.proc.send_signal(signal.SIGINT)
    summary = await _wait(cust, lambda e: "result" in e, timeout=30)
    assert summary["answered"] and summary["result"] == "completed" and summary["dtmf_sent"] == "35"
    await a1.wait_event("conv.updated", lambda d: d["conversation"]["id"] == conv["id"]
                        and d["conversation"]["status"] == "wrapup", timeout=15)
    await a1.wait_event("voice.ended", lambda d: d["conversation"] == conv["id"], timeout=10)
    codes = (await a1.cmd("wrapup.codes"))["codes"]
    done = await a1.cmd("conv.wrapup", conversation=conv["id"], code=codes[0]["code"], notes="voice test")
    assert done["conversation"]["status"] == "closed"
    hist = await a1.cmd("history.get", customer="+31612340000")
    assert any(c["id"] == conv["id"] and c["channel"] == "voice" for c in hist["conversations"])
    await a1.close(bye=True)
    await asyncio.to_thread(phone.stop)  # closes the recorder (the WAV header is written then)

    assert _mostly(leg, CUSTOMER_HZ)
    assert _mostly(cust_rec, AGENT_HZ, t0=(size - 44) / 32000 - 1.0, t1=(size - 44) / 32000 + 1.0)


async def test_blind_transfer_by_refer_goes_through_the_center(make_center, tones, procs, tmp_path):
    center = make_center(voice={"enabled": True})
    a1 = await _available(center, "agent1")
    p1 = await asyncio.to_thread(start_phone, procs, center.dir, "agent1", play=tones["agent"],
                                 record=tmp_path / "a1")
    p2 = await asyncio.to_thread(start_phone, procs, center.dir, "agent2", play=tones["agent2"],
                                 record=tmp_path / "a2")
    cust_rec = tmp_path / "customer-heard.wav"
    cust = _customer(procs, center.dir, "+31698765432", tones["customer"], cust_rec, 60.0)
    offered = await a1.wait_event("voice.offered", timeout=30)
    conv = offered["data"]["conversation"]
    p1.send(cmd="dial", uri=offered["data"]["pickup"])
    await a1.wait_event("conv.assigned", lambda d: d["conversation"]["id"] == conv, timeout=15)
    # agent2 is on a chat break: a direct transfer still reaches a logged-in colleague.
    a2 = await WsClient.login(center.url, center.ca_file, "agent2")
    pickup_host = offered["data"]["pickup"].split("@", 1)[1]
    p1.send(cmd="xfer", uri=f"sip:agent2@{pickup_host}")
    st = await _wait(p1, lambda e: e.get("ev") == "xfer_status" and e["final"])
    assert st["code"] == 200
    await a1.wait_event("conv.closed", lambda d: d["conversation"] == conv and d["reason"] == "transferred",
                        timeout=15)
    await a2.wait_event("conv.assigned", lambda d: d["conversation"]["id"] == conv, timeout=15)
    o2 = await a2.wait_event("voice.offered", lambda d: d["conversation"] == conv, timeout=15)
    p2.send(cmd="dial", uri=o2["data"]["pickup"])
    await a2.wait_event("voice.answered", lambda d: d["conversation"] == conv, timeout=15)
    media = await _wait(p2, lambda e: e.get("ev") == "media" and e["state"] == "active")
    leg = tmp_path / f"a2.{media['call']}.wav"
    await until(lambda: leg.exists() and os.path.getsize(leg) > 44 + 2 * 32000, 15, "2 s at agent2")
    size = os.path.getsize(cust_rec)
    await until(lambda: os.path.getsize(cust_rec) > size + 32000, 15, "1 s more at the customer")
    p2.send(cmd="hangup")
    await a2.wait_event("voice.ended", lambda d: d["conversation"] == conv, timeout=15)
    await _wait(cust, lambda e: "result" in e, timeout=20)
    await asyncio.to_thread(p2.stop)  # closes the recorder (the WAV header is written then)
    assert _mostly(leg, CUSTOMER_HZ)
    assert _mostly(cust_rec, AGENT2_HZ, t0=(size - 44) / 32000 - 1.0, t1=(size - 44) / 32000 + 1.0)
    await a1.close(bye=True)
    await a2.close(bye=True)


async def test_call_through_kamailio_rings_the_registered_agent(make_center, tones, procs, tmp_path):
    from agent_tui.center.voice import kamailio

    center = make_center(voice={"enabled": True, "kamailio": {"enabled": True, "port": 0}})
    assert "agent1" not in kamailio._read_subscribers(center.dir)  # not a demo center: no HA1 yet
    a1 = await _available(center, "agent1")
    # The password login taught Kamailio agent1's HA1 (never the password itself).
    subs = kamailio._read_subscribers(center.dir)
    assert subs["agent1"][1] == kamailio.ha1("agent1", subs["agent1"][0], "demo")
    # The welcome frame tells the softphone where to register.
    addr = kamailio.address(center.dir)
    assert a1.welcome["voice"]["registrar"] == f"sip:{addr['host']}:{addr['port']};transport=tls"
    assert a1.welcome["voice"]["mode"] == "kamailio"
    phone = await asyncio.to_thread(
        start_phone, procs, center.dir, "agent1", play=tones["agent"], record=tmp_path / "a1",
        register=f"sip:{addr['host']}:{addr['port']};transport=tls", password="demo", domain=addr["domain"])
    assert (await _wait(phone, "registration", 20))["code"] == 200
    cust_rec = tmp_path / "customer-heard.wav"
    _customer(procs, center.dir, "+31655501234", tones["customer"], cust_rec, 60.0)
    offer = await a1.wait_event("offer.new", lambda d: d["conversation"]["channel"] == "voice", timeout=30)
    ring = await _wait(phone, "ringing", 20)
    assert ring["conversation"] == offer["data"]["conversation"]["id"]
    await a1.wait_event("conv.assigned", timeout=15)
    media = await _wait(phone, lambda e: e.get("ev") == "media" and e["state"] == "active")
    leg = tmp_path / f"a1.{media['call']}.wav"
    await until(lambda: leg.exists() and os.path.getsize(leg) > 44 + 2 * 32000, 15, "2 s at the agent")
    phone.send(cmd="hangup")
    await a1.wait_event("voice.ended", timeout=15)
    await asyncio.to_thread(phone.stop)
    assert _mostly(leg, CUSTOMER_HZ)
    await a1.close(bye=True)


async def test_engine_crash_ends_its_calls_and_a_new_engine_takes_calls(make_center, tones, procs, tmp_path):
    import json
    import signal

    from agent_tui.center.voice import settings as vs

    center = make_center(voice={"enabled": True})
    a1 = await _available(center, "agent1")
    addr_file = vs.engine_address_file(center.dir)
    first = json.loads(addr_file.read_text())
    cust = _customer(procs, center.dir, "+31600011122", tones["customer"], tmp_path / "c1.wav", 60.0)
    offer = await a1.wait_event("offer.new", lambda d: d["conversation"]["channel"] == "voice", timeout=30)
    conv = offer["data"]["conversation"]["id"]
    os.kill(first["pid"], signal.SIGKILL)  # a crash, not a stop
    # The waiting caller is lost with the engine; the center does not leave the offer hanging.
    await a1.wait_event("offer.revoked", lambda d: d["conversation"] == conv, timeout=15)
    await asyncio.to_thread(cust.stop)  # its SIP peer is gone; a real caller would hang up too

    def restarted() -> bool:
        try:
            return json.loads(addr_file.read_text())["pid"] != first["pid"]
        except (FileNotFoundError, ValueError):
            return False

    await until(restarted, 30, "a new voice engine")
    # The lead's figures said voice was degraded meanwhile, and say it recovered (stats.get health).
    health = await until(lambda: (h := center.call(lambda hub: dict(hub.stats.health.get("voice", {})))) and
                         not h["degraded"] and h, 30, "voice health back to normal")
    assert health["restarts_10min"] == 1 and health["engines_down"] == []
    cust2 = procs([PY, "-m", "agent_tui.center.voice.call_cli", str(center.dir), "--from", "+31600011133",
                   "--duration", "1"], "customer2")
    offer2 = await a1.wait_event("offer.new", lambda d: d["conversation"]["customer"]["id"] == "+31600011133",
                                 timeout=30)
    assert offer2["data"]["conversation"]["channel"] == "voice"
    assert (await _wait(cust2, lambda e: "result" in e, timeout=30))["answered"]
    await a1.close(bye=True)


async def test_voice_dial_answers_where_a_colleague_is_and_refuses_numbers(make_center):
    from tests.kit.wsclient import CmdError

    center = make_center(voice={"enabled": True, "kamailio": {"enabled": True, "port": 0}})
    a1 = await WsClient.login(center.url, center.ca_file, "agent1")
    got = await a1.cmd("voice.dial", target="agent2")
    assert got["kind"] == "colleague" and got["uri"].startswith("sip:agent2@") and got["uri"].endswith(";transport=tls")
    with pytest.raises(CmdError) as exc:
        await a1.cmd("voice.dial", target="+31612345678")
    assert exc.value.code == "conflict" and "gateway" in exc.value.message
    await a1.close(bye=True)


async def test_demo_center_sends_simulated_callers(make_center, tones, procs, tmp_path):
    center = make_center(demo=True, simulate_customers=True, voice={"enabled": True, "simulate_calls_s": 1})
    a1 = await _available(center, "agent1")
    offered = await a1.wait_event("voice.offered", timeout=45)
    conv = offered["data"]["conversation"]
    assert offered["data"]["caller"].startswith("+316")
    phone = await asyncio.to_thread(start_phone, procs, center.dir, "agent1", play=tones["agent"],
                                    record=tmp_path / "a1")
    phone.send(cmd="dial", uri=offered["data"]["pickup"])
    try:
        assigned = await a1.wait_event("conv.assigned", lambda d: d["conversation"]["id"] == conv, timeout=15)
    except TimeoutError:
        raise AssertionError((phone.events, [(e["kind"], e["data"]) for e in a1.events
                                             if e["kind"].startswith(("voice", "offer", "conv"))])) from None
    assert assigned["data"]["conversation"]["customer"]["name"]  # the made-up caller has a name
    await a1.wait_event("voice.answered", lambda d: d["conversation"] == conv, timeout=15)
    await a1.close(bye=True)


async def test_two_engines_share_the_calls(make_center, tones, procs, tmp_path):
    """pjsua2-python gives an engine 4 call slots (two talking customers): a center runs several."""
    center = make_center(voice={"enabled": True, "engines": 2})
    agents = [await _available(center, f"agent{i}") for i in (1, 2, 3)]
    for i in range(3):
        _customer(procs, center.dir, f"+3163333000{i}", tones["customer"], tmp_path / f"c{i}.wav", 60.0)
    offers = [await a.wait_event("voice.offered", timeout=30) for a in agents]
    ports = {o["data"]["pickup"].rsplit(":", 1)[1].split(";")[0] for o in offers}
    assert len(ports) == 2, offers  # the calls sit in two engines
    for n, (a, o) in enumerate(zip(agents, offers), start=1):
        phone = await asyncio.to_thread(start_phone, procs, center.dir, f"agent{n}", play=tones["agent"],
                                        record=tmp_path / f"a{n}")
        phone.send(cmd="dial", uri=o["data"]["pickup"])
        await a.wait_event("voice.answered", lambda d, o=o: d["conversation"] == o["data"]["conversation"],
                           timeout=15)
    for a in agents:
        await a.close(bye=True)
