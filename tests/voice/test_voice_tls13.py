"""The agent's signalling on TLS 1.3: pjsua2 (OpenSSL 1.0.2k, TLS 1.2 at most) talks SIP over loopback
TCP to agent_tui.sip.tls_relay, which speaks TLS 1.3 to Kamailio on the system's OpenSSL."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from pathlib import Path

import pytest

from agent_tui.center.voice import kamailio
from agent_tui.sip.tls_relay import SipTlsRelay, rewrite, split_messages
from tests.kit.paths import child_env
from tests.kit.voicekit import AGENT2_HZ, AGENT_HZ, HERE, PY
from tests.kit.waiting import wait_until
from tests.voice.voice_audio import band_share, rms, windows

pytestmark = pytest.mark.slow


def _relay_phone(procs, center: Path, user: str, play: Path, record: Path):
    a = kamailio.address(center)
    argv = [PY, str(HERE / "phone_agent.py"), "--ca", str(center / "tls" / "ca.pem"), "--play", str(play),
            "--record", str(record), "--user", user, "--auto-answer", "--tls13-relay",
            "--register", f"sip:{a['host']}:{a['port']};transport=tls", "--domain", a["domain"]]
    p = procs(argv, user, stdin_first=json.dumps({"password": f"s3cret-{user}"}))
    p.wait("ready", timeout=20)
    return p


def test_kamailio_speaks_tls13_to_openssl(kam_running) -> None:
    center, handle = kam_running
    out = subprocess.run(["openssl", "s_client", "-connect", f"{handle.host}:{handle.port}", "-tls1_3", "-brief",
                          "-CAfile", str(center / "tls" / "ca.pem"), "-verify_return_error"],
                         input="", capture_output=True, text=True, timeout=20)
    assert "Protocol version: TLSv1.3" in out.stdout + out.stderr, out.stderr


def test_relay_serves_only_its_own_process(kam_running, tmp_path) -> None:
    center, handle = kam_running
    relay = SipTlsRelay(handle.host, handle.port, center / "tls" / "ca.pem")
    try:
        # Another process connecting to the loopback port is cut off before any byte is relayed.
        code = (f"import socket,sys;s=socket.create_connection(('127.0.0.1',{relay.local_port}));s.settimeout(5);"
                "sys.exit(0 if s.recv(10)==b'' else 1)")
        assert subprocess.run([PY, "-c", code], timeout=20).returncode == 0
        wait_until(lambda: relay.refused == 1, 5, "the foreign connection counted as refused")
        # This process's own connection gets through, on TLS 1.3.
        with socket.create_connection(("127.0.0.1", relay.local_port)) as s:
            s.sendall(b"OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n")
            wait_until(lambda: relay.version == "TLSv1.3", 10, "TLS 1.3 to Kamailio")
    finally:
        relay.close()


def test_framing_and_rewriting_touch_headers_only() -> None:
    buf = bytearray(b"INVITE sip:a SIP/2.0\r\nRoute: <sip:127.0.0.1:9;transport=tcp;lr>\r\nContent-Length: 5\r\n\r\n"
                    b"sip:1\r\n\r\nBYE sip:b SIP/2.0\r\nl: 0\r\n\r\nACK")
    msgs = split_messages(buf)
    assert [m.split(b" ")[0] for m in msgs] == [b"INVITE", b"\r\n\r\n", b"BYE"] and buf == b"ACK"
    out = rewrite(msgs[0] + b"", b"sip:127.0.0.1:9;transport=tcp", b"sip:10.0.0.1:5061;transport=tls")
    assert b"Route: <sip:10.0.0.1:5061;transport=tls;lr>" in out and out.endswith(b"\r\n\r\nsip:1")


def test_headless_phone_calls_over_tls13(kam_running, tones, procs, tmp_path) -> None:
    """The tester's headless phone (`ctl phone --tls13`, Softphone starts the relay) calls agent2, whose
    test phone also uses a relay: INVITE, ACK and BYE through both relays, SRTP audio both ways."""
    center, handle = kam_running
    p2 = _relay_phone(procs, center, "agent2", tones["agent2"], tmp_path / "a2")
    assert p2.wait("registration", timeout=20)["code"] == 200
    p2.send(cmd="relay")
    assert p2.wait("relay")["version"] == "TLSv1.3"
    a = kamailio.address(center)
    heard = tmp_path / "a1.wav"
    opts = {"ca_file": str(center / "tls" / "ca.pem"), "user": "agent1", "domain": a["domain"],
            "registrar": f"sip:{a['host']}:{a['port']};transport=tls", "password": "s3cret-agent1",
            "register_wait": 15.0, "dial": "agent2", "duration": 3.0, "play": str(tones["agent"]),
            "record": str(heard), "tls13_relay": True}
    out = subprocess.run([PY, str(HERE / "phone_proc.py"), json.dumps(opts)], capture_output=True, text=True,
                         timeout=60, env=child_env())
    result = json.loads(out.stdout.strip().splitlines()[-1])
    # "completed": answered and ended by our BYE, which went back through the relays' Route rewriting.
    assert result["result"] == "completed" and result["rx_packets"] > 0, (result, out.stderr[-800:])
    ended = p2.wait("ended")
    assert ended["code"] == 200, ended
    # Kamailio's side of both connections: the REGISTERs arrived on TLS 1.3.
    log = handle.log.read_text()
    assert {"agent1", "agent2"} <= set(re.findall(r"register sip:(agent\d)@\S+ .* tls=TLSv1\.3", log)), log[-1500:]
    leg2 = Path(f"{tmp_path / 'a2'}.{ended['call']}.wav")
    p2.stop()
    at2 = [band_share(w, r, AGENT_HZ) for t, w, r in windows(leg2) if t >= 0.5 and rms(w) > 0.005]
    at1 = [band_share(w, r, AGENT2_HZ) for t, w, r in windows(heard) if t >= 0.5 and rms(w) > 0.005]
    assert at1 and sum(x > 0.5 for x in at1) >= len(at1) * 2 // 3
    assert at2 and sum(x > 0.5 for x in at2) >= len(at2) * 2 // 3
