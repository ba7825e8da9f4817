"""Subprocess for the headset test: test tone, level meter, ring device, then a call on the headset.

argv[1]: JSON {ca_file, cert_file, key_file}. Devices come from ALSA_CONFIG_PATH ("headset", "ringer").
Prints {"ready": port}, then waits for one call: rings 1.5 s, answers, talks 2 s, hangs up, and
prints one JSON line with what it saw.
"""

from __future__ import annotations

import json
import sys

from agent_tui.sip import audio
from agent_tui.sip import events as ev
from agent_tui.sip.account import AccountSpec
from agent_tui.sip.engine import EngineConfig
from agent_tui.sip.phone import HeadsetSpec, Softphone
from tests.kit.waiting import LineLog


def main() -> int:
    cfg = json.loads(sys.argv[1])
    events: LineLog[object] = LineLog()
    on_event = events.append
    wait = events.first  # the first event that matches, or None at the deadline

    out: dict = {"devices": [d.name for d in audio.list_devices()]}
    phone = Softphone(
        EngineConfig(
            ca_file=cfg["ca_file"],
            cert_file=cfg["cert_file"],
            key_file=cfg["key_file"],
            bind_address="127.0.0.1",
        ),
        AccountSpec(user="agent1", domain="127.0.0.1"),
        on_event=on_event,
        media=HeadsetSpec(input_device="headset", output_device="headset", ring_device="ringer"),
        level_interval=0.2,
    )
    phone.start()
    try:
        # Before the shift: the level meter moves with the microphone, the test tone is heard.
        loud = wait(lambda e: isinstance(e, ev.AudioLevel) and e.mic_dbfs > -30, 10)
        out["mic_dbfs"] = loud.mic_dbfs if isinstance(loud, ev.AudioLevel) else None
        phone.test_tone(1.0, 600.0).result(5)
        tone_heard = wait(lambda e: isinstance(e, ev.AudioLevel) and e.speaker_dbfs > -100, 0.1)
        out["levels_api"] = phone.levels()
        out["tone_event_level"] = tone_heard is not None
        print(json.dumps({"ready": phone.engine.sip_port}), flush=True)
        inc = wait(lambda e: isinstance(e, ev.IncomingCall), 30)
        if not isinstance(inc, ev.IncomingCall):
            out["error"] = "no call"
            return 0
        out["caller_id"] = inc.caller_id
        wait(
            lambda e: False, 1.5
        )  # let it ring (a timed wait: ringing IS the behaviour under test)
        phone.answer(inc.call).result(5)
        answered = wait(lambda e: isinstance(e, ev.CallState) and e.state == "answered", 10)
        out["answered"] = answered is not None
        media = wait(lambda e: isinstance(e, ev.CallMedia) and e.status == "active", 10)
        out["codec"] = media.codec if isinstance(media, ev.CallMedia) else ""
        wait(lambda e: isinstance(e, ev.CallState) and e.state == "ended", 2.0)
        phone.hangup(inc.call)
        wait(lambda e: isinstance(e, ev.CallState) and e.state == "ended", 10)
    finally:
        phone.stop()
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
