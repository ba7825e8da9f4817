"""`agent-tui doctor` against the real center: real TLS, real keyring, real sockets."""

from __future__ import annotations

import json
import os
import shutil
import sys
import wave
from pathlib import Path

import pytest

from agent_tui.center.config import load_center_config
from agent_tui.center.voice import kamailio
from agent_tui.core import credentials
from agent_tui.support.doctor import FAIL, OK, SKIP, Options, Report, format_report, run_doctor
from tests.kit.paths import KIT_DIR
from tests.kit.voicekit import JsonProc
from tests.support.supportkit import Login, run_cli, write_config

needs_kamailio = pytest.mark.skipif(
    shutil.which("kamailio") is None and not Path("/usr/sbin/kamailio").exists(),
    reason="kamailio not installed (Debian: kamailio kamailio-tls-modules)",
)
FAST = {"pings": 3, "idle_window": 0.5, "sip": False, "audio": False, "connect_timeout": 5.0}


async def doctor(**kw) -> Report:
    return await run_doctor(Options(**{**FAST, **kw}))


def statuses(report: Report) -> dict[str, str]:
    return {c.name: c.status for c in report.checks}


async def test_healthy_setup_is_all_ok_with_figures(login: Login):
    report = await doctor(config=login.config)
    assert statuses(report) == {
        "config": OK,
        "keyring": OK,
        "network": OK,
        "tls": OK,
        "login": OK,
        "latency": OK,
        "bandwidth": OK,
        "sip": SKIP,
        "audio": SKIP,
    }
    assert report.ok and report.exit_code == 0
    net, tls, lat, bw = (report.get(n).figures for n in ("network", "tls", "latency", "bandwidth"))
    assert net["connect_ms"] >= 0 and net["addresses"] == ["127.0.0.1"]
    assert tls["tls_version"] in ("TLSv1.2", "TLSv1.3")
    assert (
        tls["certificate"]["issuer"] == "CN=agent-tui center CA"
        and 800 < tls["certificate"]["days_left"] < 830
    )
    assert (
        lat["pings"] == 3
        and lat["min_ms"] <= lat["avg_ms"] <= lat["max_ms"]
        and lat["jitter_ms"] >= 0
    )
    # A ping exchange costs real bytes on the wire (TLS records + websocket frames), and the
    # idle figure includes one every 10 s on top of what was measured in the window.
    assert (
        bw["window_s"] == 0.5
        and 20 < bw["ping_bytes_up"] < 400
        and 20 < bw["ping_bytes_down"] < 400
    )
    assert bw["up_bytes_per_s"] >= bw["ping_bytes_up"] / 10 and bw["up_bytes_per_s"] < 500
    assert report.get("keyring").figures == {
        "backend": report.get("keyring").figures["backend"],
        "password_stored": True,
        "token_stored": False,
    }
    # The login stored the center's fresh session token in the keyring, as `ctl` does.
    assert credentials.get_token(login.server, "agent1")
    text = format_report(report)
    assert "all checks passed" in text and "demo" not in text


async def test_untrusted_ca_fails_tls_and_names_the_trusted_ca(login: Login, other_ca: Path):
    report = await doctor(config=login.config, ca_file=other_ca)
    s = statuses(report)
    assert (s["network"], s["tls"], s["login"], s["latency"]) == (OK, FAIL, SKIP, SKIP)
    tls = report.get("tls")
    assert "not signed by the CA in" in tls.summary and str(other_ca) in tls.summary
    # Support sees which CA the agent trusts (the server's certificate is never read unverified).
    assert "your CA file is CN=some other CA" in tls.summary
    assert "ca.pem" in tls.hint
    assert report.exit_code == 1


async def test_unreachable_port_fails_network(login: Login, free_port: int):
    report = await doctor(config=login.config, server=f"wss://127.0.0.1:{free_port}")
    s = statuses(report)
    assert s["network"] == FAIL and s["tls"] == SKIP and s["login"] == SKIP
    net = report.get("network")
    assert f"127.0.0.1:{free_port}" in net.summary and "connection refused" in net.summary
    assert "port" in net.hint and report.exit_code == 1


async def test_unknown_host_fails_dns(login: Login):
    report = await doctor(config=login.config, server="wss://no-such-host.invalid:443")
    net = report.get("network")
    assert (
        net.status == FAIL
        and "cannot resolve no-such-host.invalid" in net.summary
        and "DNS" in net.hint
    )


async def test_wrong_password_fails_login(login: Login):
    credentials.store_password(login.server, "agent1", "not-the-password")
    report = await doctor(config=login.config)
    s = statuses(report)
    assert (s["keyring"], s["tls"], s["login"], s["latency"]) == (OK, OK, FAIL, SKIP)
    login_check = report.get("login")
    assert (
        "refused the login" in login_check.summary
        and "wrong user or password" in login_check.summary
    )
    assert "agent-tui login" in login_check.hint
    assert "not-the-password" not in json.dumps(report.to_dict())


async def test_no_stored_login_fails_keyring(center, tmp_path: Path):
    cfg = write_config(tmp_path / "config.yaml", center.url, center.ca_file, "agent2")
    report = await doctor(config=cfg)
    kr = report.get("keyring")
    assert (
        kr.status == FAIL and "no login for agent2" in kr.summary and "agent-tui login" in kr.hint
    )
    assert report.get("login").status == SKIP


async def test_malformed_config_names_file_line_and_field(center, tmp_path: Path):
    cfg = write_config(
        tmp_path / "config.yaml", center.url, center.ca_file, "agent1", extra="theme: neon\n"
    )
    report = await doctor(config=cfg)
    c = report.get("config")
    assert c.status == FAIL
    assert c.figures == {"file": str(cfg), "line": 5, "field": "theme"}
    assert f"{cfg} line 5: theme:" in c.summary
    # Nothing to connect to without the config: the later checks say why they did not run.
    assert report.get("network").status == SKIP and "config" in report.get("network").summary


async def test_broken_yaml_names_the_line(tmp_path: Path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("server: wss://127.0.0.1:1\nuser: [agent1\nlanguage: en\n")
    report = await doctor(config=cfg)
    c = report.get("config")
    # Line 2, where the [ opens (PyYAML notices the problem only on line 3).
    assert c.status == FAIL and "not valid YAML" in c.summary and c.figures["line"] == 2


def test_cli_json_is_one_object_and_exit_code(login: Login, other_ca: Path):
    ok = run_cli(
        [
            "--config",
            str(login.config),
            "doctor",
            "--json",
            "--no-sip",
            "--no-audio",
            "--pings",
            "2",
            "--idle-window",
            "0.5",
        ]
    )
    assert ok.returncode == 0, ok.stderr
    lines = ok.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["ok"] is True and data["exit_code"] == 0 and data["counts"]["fail"] == 0
    assert [c["name"] for c in data["checks"]] == [
        "config",
        "keyring",
        "network",
        "tls",
        "login",
        "latency",
        "bandwidth",
        "sip",
        "audio",
    ]
    bad = run_cli(
        ["--config", str(login.config), "doctor", "--ca", str(other_ca), "--no-sip", "--no-audio"]
    )
    assert bad.returncode == 1
    assert "[FAIL] tls" in bad.stdout and "fix:" in bad.stdout and "PROBLEMS FOUND" in bad.stdout


def test_cli_all_ok_with_softphone_and_headset(login: Login, headset_env: dict[str, str]):
    """The full run an agent would do: the softphone starts (pjsua2, direct mode) and the
    (virtual) headset is found."""
    run = run_cli(
        ["--config", str(login.config), "doctor", "--json", "--pings", "2", "--idle-window", "0.5"],
        env=headset_env,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    checks = {c["name"]: c for c in data["checks"]}
    assert all(c["status"] == OK for c in checks.values()), data
    assert checks["sip"]["figures"]["mode"] == "direct" and checks["sip"]["figures"]["start_ms"] > 0
    assert checks["sip"]["figures"]["pjsua2"].startswith("2.")
    audio = checks["audio"]["figures"]
    assert audio["default_input"] == "headset" and audio["output_opens"] is True
    assert -20 < audio["mic_dbfs"] < -5  # the tone at 0.3 of full scale: about -13 dBFS


def test_cli_warns_about_a_silent_microphone(
    login: Login, headset_env: dict[str, str], tmp_path: Path
):
    (tmp_path / "mic.raw").write_bytes(b"\0" * 32000)  # a muted headset delivers digital silence
    run = run_cli(
        [
            "--config",
            str(login.config),
            "doctor",
            "--json",
            "--no-sip",
            "--pings",
            "2",
            "--idle-window",
            "0.5",
        ],
        env=headset_env,
    )
    audio = next(c for c in json.loads(run.stdout)["checks"] if c["name"] == "audio")
    assert run.returncode == 0 and audio["status"] == "warn"  # a warning does not fail the run
    assert "delivers silence" in audio["summary"] and "muted" in audio["hint"]
    assert audio["figures"]["mic_dbfs"] == -100.0


def test_cli_audio_fails_for_a_configured_device_that_is_missing(
    center, tmp_path: Path, headset_env: dict[str, str]
):
    cfg = write_config(
        tmp_path / "config.yaml",
        center.url,
        center.ca_file,
        "agent1",
        extra="softphone:\n  devices:\n    input: Jabra Evolve\n",
    )
    run = run_cli(
        [
            "--config",
            str(cfg),
            "doctor",
            "--json",
            "--no-sip",
            "--password-stdin",
            "--pings",
            "2",
            "--idle-window",
            "0.5",
        ],
        env=headset_env,
        stdin="demo\n",
    )
    data = json.loads(run.stdout)
    audio = next(c for c in data["checks"] if c["name"] == "audio")
    assert run.returncode == 1 and audio["status"] == FAIL
    assert "'Jabra Evolve' not found (available: headset)" in audio["summary"]


@pytest.fixture
def kamailio_registrar(make_center):
    """A center plus Kamailio as its SIP registrar (TLS, the center's CA), agent1's SIP
    password = their login password (as the center keeps it in step at login)."""
    center = make_center(voice={"enabled": False, "kamailio": {"enabled": True, "port": 0}})
    kamailio.write_kamailio_config(center.dir, load_center_config(center.dir))
    kamailio.set_sip_password(center.dir, "agent1", "demo")
    handle = kamailio.start_kamailio(center.dir)
    try:
        addr = kamailio.address(center.dir)
        yield center, f"sip:{addr['host']}:{addr['port']};transport=tls", str(addr["domain"])
    finally:
        handle.stop()


@pytest.mark.slow
@needs_kamailio
def test_softphone_registers_over_tls_and_an_untrusted_registrar_fails(
    kamailio_registrar, tmp_path: Path, other_ca: Path
):
    center, registrar, domain = kamailio_registrar
    cfg = write_config(tmp_path / "config.yaml", center.url, center.ca_file, "agent1")
    credentials.store_password(center.url, "agent1", "demo")
    try:
        base = [
            "--config",
            str(cfg),
            "doctor",
            "--json",
            "--no-audio",
            "--pings",
            "2",
            "--idle-window",
            "0.5",
            "--sip-registrar",
            registrar,
            "--sip-domain",
            domain,
        ]
        run = run_cli(base)
        data = json.loads(run.stdout)
        sip = next(c for c in data["checks"] if c["name"] == "sip")
        assert run.returncode == 0 and sip["status"] == OK, data
        assert f"registered at {registrar} over TLS" in sip["summary"]
        assert 0 < sip["figures"]["register_ms"] < 20000 and sip["figures"]["mode"] == "registrar"
        assert sip["figures"]["sip_tls_version"] == "TLSv1.3", sip  # as the desk: TLS 1.3 by default
        # The same registrar, trusted through the wrong CA: pjsua2 refuses it and says why.
        bad = run_cli([*base, "--ca", str(other_ca)])
        checks = {c["name"]: c for c in json.loads(bad.stdout)["checks"]}
        assert (
            bad.returncode == 1
            and checks["tls"]["status"] == FAIL
            and checks["sip"]["status"] == FAIL
        )
        assert (
            "not trusted" in checks["sip"]["summary"]
            or "certificate" in checks["sip"]["summary"].lower()
        ), checks["sip"]
    finally:
        credentials.forget(center.url, "agent1")


@pytest.mark.slow
@needs_kamailio
def test_call_test_reports_codec_srtp_and_quality(kamailio_registrar, tmp_path: Path):
    center, registrar, domain = kamailio_registrar
    kamailio.set_sip_password(center.dir, "agent2", "pw-agent2")
    tone = tmp_path / "peer.wav"
    with wave.open(str(tone), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x10\x20" * 16000 * 20)
    peer = JsonProc(
        [
            sys.executable,
            str(KIT_DIR / "phone_agent.py"),
            "--ca",
            str(center.ca_file),
            "--register",
            registrar,
            "--user",
            "agent2",
            "--domain",
            domain,
            "--play",
            str(tone),
            "--record",
            str(tmp_path / "peer-heard"),
            "--auto-answer",
        ],
        stdin_first=json.dumps({"password": "pw-agent2"}),
        cwd=tmp_path,
        name="peer",
    )
    cfg = write_config(tmp_path / "config.yaml", center.url, center.ca_file, "agent1")
    credentials.store_password(center.url, "agent1", "demo")
    try:
        assert peer.wait("registration", 20)["code"] == 200
        run = run_cli(
            [
                "--config",
                str(cfg),
                "doctor",
                "--json",
                "--no-audio",
                "--pings",
                "2",
                "--idle-window",
                "0.5",
                "--sip-registrar",
                registrar,
                "--sip-domain",
                domain,
                "--call-test",
                "agent2",
            ]
        )
        checks = {c["name"]: c for c in json.loads(run.stdout)["checks"]}
        call = checks["call"]
        assert run.returncode == 0 and call["status"] == OK, checks
        f = call["figures"]
        assert f["result"] == "completed" and f["codec"] and f["srtp"]
        assert f["mos"] is not None and 1.0 <= f["mos"] <= 4.5 and f["loss_pct"] is not None
        assert f["media_s"] >= 4.0 and f["tx_kbps"] > 0
        assert peer.wait("answered", 5)
    finally:
        credentials.forget(center.url, "agent1")
        peer.stop()


@pytest.mark.slow
@needs_kamailio
@pytest.mark.parametrize("kamailio_on", [True, False], ids=["kamailio", "direct"])
def test_sip_settings_come_from_the_center(make_center, tmp_path: Path, kamailio_on: bool):
    """With voice on, the center announces its SIP server in the welcome frame: the doctor
    registers at Kamailio (its HA1 follows the login password), or in direct mode checks
    that the voice engine's TLS port is reachable and trusted."""
    center = make_center(voice={"enabled": True, "kamailio": {"enabled": kamailio_on, "port": 0}})
    cfg = write_config(tmp_path / "config.yaml", center.url, center.ca_file, "agent1")
    credentials.store_password(center.url, "agent1", "demo")
    try:
        run = run_cli(
            [
                "--config",
                str(cfg),
                "doctor",
                "--json",
                "--no-audio",
                "--pings",
                "2",
                "--idle-window",
                "0.5",
            ]
        )
    finally:
        credentials.forget(center.url, "agent1")
    checks = {c["name"]: c for c in json.loads(run.stdout)["checks"]}
    sip = checks["sip"]
    assert run.returncode == 0 and sip["status"] == OK, checks
    assert checks["login"]["figures"]["voice"]["mode"] == ("kamailio" if kamailio_on else "direct")
    if kamailio_on:
        assert (
            "registered at sip:127.0.0.1:" in sip["summary"] and sip["figures"]["register_ms"] > 0
        )
    else:
        assert (
            "voice engine at 127.0.0.1:" in sip["summary"]
            and "certificate trusted" in sip["summary"]
        )
        assert sip["figures"]["engine_tls_ms"] > 0


def test_cli_without_a_secret_service_says_how_to_fix_it(login: Login, tmp_path: Path):
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/no-bus"}
    run = run_cli(
        ["--config", str(login.config), "doctor", "--json", "--no-sip", "--no-audio"], env=env
    )
    checks = {c["name"]: c for c in json.loads(run.stdout)["checks"]}
    assert run.returncode == 1 and checks["keyring"]["status"] == FAIL
    assert "no usable OS keyring" in checks["keyring"]["summary"]
    assert "gnome-keyring" in checks["keyring"]["hint"]
    assert checks["login"]["status"] == SKIP  # nothing to log in with; the network checks still ran
    assert checks["tls"]["status"] == OK
