"""Start and stop with a call up: no crash, hang or pjlib assertion at stop, GC or exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kit.paths import child_env

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent


def test_stop_with_active_call_is_clean_and_the_peer_sees_the_hangup(pki, phones):
    peer = phones(
        {
            "ca_file": str(pki.ca),
            "cert_file": str(pki.cert),
            "key_file": str(pki.key),
            "user": "customer",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "auto_answer": True,
            "wait": 30,
            "duration": 60,
        },
        name="peer",
    )
    port = peer.ready_port()
    proc = subprocess.run(
        [
            sys.executable,
            str(HERE / "lifecycle_proc.py"),
            json.dumps(
                {"ca_file": str(pki.ca), "target": f"sip:customer@127.0.0.1:{port};transport=tls"}
            ),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=child_env(),  # the script imports tests.kit
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Assertion" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "CA file /nonexistent/ca.pem does not exist" in out["bad_ca"]
    assert out["answered"] is True
    assert "already runs in this process" in out["second_engine"]
    assert out["ended_event"] and out["stopped_event"]
    assert out["stop_s"] < 10
    assert "not running" in out["after_stop"]
    r = peer.result(30)  # the peer's call ended because we hung up on stop
    assert r["result"] == "completed" and r["ended_by"] == "remote", r


def test_exit_without_stop_with_a_call_up_is_still_clean(pki, phones):
    peer = phones(
        {
            "ca_file": str(pki.ca),
            "cert_file": str(pki.cert),
            "key_file": str(pki.key),
            "user": "customer",
            "domain": "127.0.0.1",
            "bind_address": "127.0.0.1",
            "auto_answer": True,
            "wait": 30,
            "duration": 60,
        },
        name="peer",
    )
    port = peer.ready_port()
    target = f"sip:customer@127.0.0.1:{port};transport=tls"
    proc = subprocess.run(
        [
            sys.executable,
            str(HERE / "lifecycle_proc.py"),
            json.dumps({"ca_file": str(pki.ca), "target": target, "forget_stop": True}),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=child_env(),  # the script imports tests.kit
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Assertion" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1])["answered"] is True
    r = peer.result(30)
    assert r["result"] == "completed" and r["ended_by"] == "remote", r
