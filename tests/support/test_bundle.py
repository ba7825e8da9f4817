"""`agent-tui doctor --bundle`: everything support needs, and no secret survives into it."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

from agent_tui.center.auth import new_token
from agent_tui.core import credentials
from agent_tui.support.bundle import REDACTED, redact_config, scrub
from tests.support.supportkit import Login, run_cli, write_config

PLANTED_PASSWORD = "Planted-Pa55word!x"
KEYRING_PASSWORD = "kr-Secret-9431"  # stored in the keyring; appears in a log in free text


def test_scrub_removes_each_kind_of_secret():
    tok = new_token()
    cases = {
        f"login user=agent1 password={PLANTED_PASSWORD} ok": PLANTED_PASSWORD,
        f'{{"type": "hello", "user": "agent1", "token": "{tok}"}}': tok,
        f"Authorization: Bearer {tok}": tok,
        f"resumed session {tok} after 3 s": tok,
        'Authorization: Digest username="agent1", realm="127.0.0.1", nonce="5f2a9c", '
        'uri="sip:127.0.0.1", response="9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d", algorithm=MD5': "9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^31": "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
        f"agent-tui ctl --password {PLANTED_PASSWORD} whoami": PLANTED_PASSWORD,
        f"wss://agent1:{PLANTED_PASSWORD}@center.example:8443/": PLANTED_PASSWORD,
        f"ingress_key: {tok}": tok,
        "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----": "MIGHAgEAMBMG",
    }
    for text, secret in cases.items():
        out = scrub(text)
        assert secret not in out, (text, out)
    # What support needs stays: who, where, which scheme.
    digest = scrub('Authorization: Digest username="agent1", realm="127.0.0.1", response="abc"')
    assert 'username="agent1"' in digest and 'realm="127.0.0.1"' in digest and "Digest" in digest
    assert (
        scrub("REGISTER sip:127.0.0.1:5061 SIP/2.0 from agent1")
        == "REGISTER sip:127.0.0.1:5061 SIP/2.0 from agent1"
    )
    # Known secrets go literally, wherever they are; too-short ones only by pattern.
    assert KEYRING_PASSWORD not in scrub(f"typed {KEYRING_PASSWORD} into chat", [KEYRING_PASSWORD])
    assert scrub("demo-20261125 dir", ["demo"]) == "demo-20261125 dir"


def test_redacted_config_keeps_line_numbers():
    text = "server: wss://c:1\nuser: agent1\npassword: hunter2-secret\nsoftphone:\n  profile: low\n"
    out = redact_config(text)
    assert out.splitlines()[2] == f"password: {REDACTED}" and "hunter2" not in out
    assert out.splitlines()[4] == "  profile: low" and out.count("\n") == text.count("\n")


def test_bundle_has_report_versions_config_logs_and_no_secret(login: Login, tmp_path: Path):
    tok = new_token()
    stored_token = new_token()
    credentials.store_password(login.server, login.user, KEYRING_PASSWORD)  # wrong: login fails
    credentials.store_token(login.server, login.user, stored_token)
    sip_log = tmp_path / "pjsua.log"
    sip_log.write_text(
        "02:10:01.100 sip_endpoint.c REGISTER sip:127.0.0.1:5061 SIP/2.0\r\n"
        'Authorization: Digest username="agent1", realm="127.0.0.1", nonce="Xy7nonce", '
        'uri="sip:127.0.0.1:5061", response="0123456789abcdef0123456789abcdef"\r\n'
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:c2VjcmV0LXNydHAta2V5LW1hdGVyaWFsLTEyMzQ1|2^31\r\n",
        encoding="utf-8",
    )
    desk_log = tmp_path / "desk.log"
    desk_log.write_text(
        f'hello {{"user": "agent1", "password": "{PLANTED_PASSWORD}"}}\n'
        f"welcome token={tok}\n"
        f"Authorization: Bearer {stored_token}\n"
        f"agent typed {KEYRING_PASSWORD} in the search box\n"
        "connection to 127.0.0.1 lost; reconnecting\n",
        encoding="utf-8",
    )
    write_config(
        login.config,
        login.server,
        login.ca_file,
        login.user,
        extra=f"softphone:\n  log_file: {sip_log}\n  profile: low\n# old password: {PLANTED_PASSWORD}\n",
    )
    # A demo center's log under the platform state dir is picked up without being named.
    state = tmp_path / "state"
    serve_log = state / "agent-tui" / "demo-20261125-021000" / "run" / "serve.log"
    serve_log.parent.mkdir(parents=True)
    serve_log.write_text(
        f"INFO login agent1 ok\nDEBUG hello password={PLANTED_PASSWORD}\n", encoding="utf-8"
    )
    env = {**os.environ, "XDG_STATE_HOME": str(state)}
    out = tmp_path / "support.zip"
    run = run_cli(
        [
            "--config",
            str(login.config),
            "doctor",
            "--no-sip",
            "--no-audio",
            "--pings",
            "2",
            "--idle-window",
            "0.5",
            "--bundle",
            str(out),
            "--log",
            str(desk_log),
        ],
        env=env,
    )
    assert run.returncode == 1  # the stored password is wrong: the login check fails
    assert "[FAIL] login" in run.stdout and f"support bundle written: {out}" in run.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        texts = {n: zf.read(n).decode("utf-8") for n in names}
    assert {"report.txt", "report.json", "versions.json", "config.yaml", "MANIFEST.txt"} <= names
    logs = sorted(n for n in names if n.startswith("logs/"))
    assert any(n.endswith("pjsua.log") for n in logs) and any(n.endswith("desk.log") for n in logs)
    assert any(n.endswith("run_serve.log") for n in logs), logs
    everything = "\n".join(texts.values())
    for secret in (
        PLANTED_PASSWORD,
        KEYRING_PASSWORD,
        tok,
        stored_token,
        "0123456789abcdef0123456789abcdef",
        "Xy7nonce",
        "c2VjcmV0LXNydHAta2V5LW1hdGVyaWFsLTEyMzQ1",
    ):
        assert secret not in everything, secret
    # ... and what support needs is still there.
    versions = json.loads(texts["versions.json"])
    assert versions["agent-tui"] and versions["python"] and versions["textual"] and versions["os"]
    assert versions["pjsua2-python"]
    report = json.loads(texts["report.json"])
    assert [c["name"] for c in report["checks"]][:5] == [
        "config",
        "keyring",
        "network",
        "tls",
        "login",
    ]
    assert "[FAIL] login" in texts["report.txt"]
    assert report["password_stored"] is True and "password_stored: true" in texts["report.txt"]
    assert f"user: {login.user}" in texts["config.yaml"] and REDACTED in texts["config.yaml"]
    assert texts["config.yaml"].count("\n") == login.config.read_text().count("\n")
    pj = next(texts[n] for n in logs if n.endswith("pjsua.log"))
    assert 'username="agent1"' in pj and "REGISTER sip:127.0.0.1:5061" in pj
    desk = next(texts[n] for n in logs if n.endswith("desk.log"))
    assert "connection to 127.0.0.1 lost" in desk
    serve = next(texts[n] for n in logs if n.endswith("run_serve.log"))
    assert "INFO login agent1 ok" in serve
    assert str(sip_log) in texts["MANIFEST.txt"]


def test_bundle_of_a_broken_config_still_has_the_config(center, tmp_path: Path):
    cfg = write_config(
        tmp_path / "config.yaml",
        center.url,
        center.ca_file,
        "agent1",
        extra=f"password: {PLANTED_PASSWORD}\n",
    )
    out = tmp_path / "b.zip"
    run = run_cli(["--config", str(cfg), "doctor", "--no-sip", "--no-audio", "--bundle", str(out)])
    assert run.returncode == 1 and "line 5: password" in run.stdout
    with zipfile.ZipFile(out) as zf:
        config = zf.read("config.yaml").decode()
        everything = "".join(zf.read(n).decode() for n in zf.namelist())
    assert config.splitlines()[4] == f"password: {REDACTED}"
    assert PLANTED_PASSWORD not in everything


def test_bundle_report_says_when_no_password_is_stored(center, tmp_path: Path):
    cfg = write_config(tmp_path / "config.yaml", center.url, center.ca_file, "agent6")
    credentials.forget(center.url, "agent6")
    out = tmp_path / "b.zip"
    run_cli(["--config", str(cfg), "doctor", "--no-sip", "--no-audio", "--bundle", str(out)])
    with zipfile.ZipFile(out) as zf:
        report = json.loads(zf.read("report.json").decode())
        text = zf.read("report.txt").decode()
    assert report["password_stored"] is False and "password_stored: false" in text
