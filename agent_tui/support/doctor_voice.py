"""Doctor checks for voice: the softphone (pjsua2 starts; registers over TLS, or in
direct mode the voice engine's TLS port is trusted), the audio devices, and an optional
short test call. pjsua2 and sounddevice are imported inside the checks only."""

from __future__ import annotations

import re
import socket
import ssl
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from agent_tui.secure.tls import client_ssl_context
from agent_tui.support.doctor_types import (
    FAIL,
    OK,
    SIP_REGISTER_TIMEOUT,
    SKIP,
    WARN,
    Check,
    Context,
)
from agent_tui.support.doctor_types import ms as _ms

# --- softphone, audio, test call -------------------------------------------------------------


def _voice(ctx: Context) -> dict[str, Any]:
    """The center's ``welcome["voice"]`` (where softphones find their SIP server), or {}."""
    voice = (ctx.welcome or {}).get("voice")
    return voice if isinstance(voice, dict) else {}


def _sip_account(ctx: Context) -> tuple[str, str, str]:
    """(domain, registrar, mode) from the options, then the center's welcome frame."""
    voice = (ctx.welcome or {}).get("voice")
    voice = voice if isinstance(voice, dict) else {}
    host = ctx.host or (urlsplit(ctx.server).hostname if ctx.server else "") or "127.0.0.1"
    registrar = (
        ctx.opts.sip_registrar if ctx.opts.sip_registrar is not None else voice.get("registrar", "")
    )
    domain = ctx.opts.sip_domain or voice.get("domain") or host
    mode = "registrar" if registrar else str(voice.get("mode") or "direct")
    return str(domain), str(registrar or ""), mode


def _tls13_option(ctx: Context) -> object:
    """The desk's ``softphone: {tls13: ...}`` setting (None: not set, the default TLS 1.3)."""
    options = getattr(ctx.softphone_cfg, "options", None)
    return options.get("tls13") if isinstance(options, dict) else None


def check_sip(ctx: Context) -> Check:
    """The softphone starts (pjsua2, TLS transport) and registers when there is a registrar."""
    c = Check("sip")
    try:
        # deferred: pjsua2 is heavy (--no-sip never loads it) and may be missing: that is the finding
        from agent_tui.sip import events as ev
        from agent_tui.sip.account import AccountSpec
        from agent_tui.sip.engine import EngineConfig, SipError
        from agent_tui.sip.phone import Softphone
        from agent_tui.sip.tls_relay import wanted as tls13_wanted
    except ImportError as exc:
        return Check(
            "sip",
            FAIL,
            f"the SIP library cannot be loaded: {exc}",
            "reinstall agent-tui (`pip install agent-tui` pulls in pjsua2-python)",
        )
    domain, registrar, mode = _sip_account(ctx)
    c.figures = {"mode": mode, "domain": domain, "registrar": registrar or None}
    events: list[object] = []
    cond = threading.Condition()

    stamps: dict[int, float] = {}

    def on_event(e: object) -> None:  # owner thread: just record it (with its time)
        with cond:
            stamps[id(e)] = time.monotonic()
            events.append(e)
            cond.notify_all()

    def wait_for(kinds: tuple[type, ...], timeout: float) -> object | None:
        deadline = time.monotonic() + timeout
        with cond:
            while True:
                hit = next((e for e in events if isinstance(e, kinds)), None)
                left = deadline - time.monotonic()
                if hit is not None or left <= 0:
                    return hit
                cond.wait(left)

    profile = "low"
    sp = ctx.softphone_cfg
    if sp is not None and getattr(sp, "profile", "") in ("low", "normal"):
        profile = sp.profile
    phone = Softphone(
        EngineConfig(
            ca_file=str(ctx.ca_file),
            profile=profile,
            user_agent="agent-tui doctor",
            log_file=ctx.opts.sip_log,
            log_level=4 if ctx.opts.sip_log else 0,
            sip_relay=tls13_wanted(_tls13_option(ctx), registrar),  # TLS 1.3, as the desk does
        ),
        AccountSpec(
            user=str(ctx.user),
            domain=domain,
            registrar=registrar,
            password=ctx.password,
            proxy=str(_voice(ctx).get("proxy") or ""),
        ),  # as the desk sets it up
        on_event=on_event,
        media=None,  # no headset: the audio check covers devices; nothing must ring or play here
    )
    t = time.monotonic()
    try:
        phone.start()
    except SipError as exc:
        return Check(
            "sip",
            FAIL,
            f"the softphone does not start: {exc}",
            "another program may hold the SIP library's resources; restart the desk, then retry",
            c.figures,
        )
    try:
        c.figures["start_ms"] = _ms(time.monotonic() - t)
        try:
            c.figures["pjsua2"] = phone.engine.call(
                lambda: phone.engine.ep.libVersion().full, timeout=5
            )
        except Exception:  # noqa: BLE001, S110 - a version string for the report only
            pass
        if not registrar:
            return _direct_mode(ctx, c)
        if not ctx.password:
            c.status = FAIL
            c.summary = "the softphone needs the password to register, and none is stored"
            c.hint = "run `agent-tui login` to store the password in the OS keyring"
            return c
        got = wait_for((ev.Registered, ev.RegistrationFailed), SIP_REGISTER_TIMEOUT)
        tls = [e for e in events if isinstance(e, ev.TlsFailure)]
        if isinstance(got, ev.Registered):
            # From the start of the library: REGISTER goes out while the account is set up.
            c.figures["register_ms"] = _ms(stamps.get(id(got), time.monotonic()) - t)
            c.status = OK
            c.figures["sip_tls_version"] = phone.relay.version if phone.relay else "pjsua2 (TLS 1.2)"
            c.summary = (
                f"softphone registered at {registrar} over TLS ({c.figures['sip_tls_version']}) "
                f"in {c.figures['register_ms']} ms "
                f"(library start {c.figures['start_ms']} ms)"
            )
            return c
        c.status = FAIL
        relay_error = phone.relay.last_error if phone.relay else ""
        if tls or relay_error:
            c.summary = relay_error or tls[-1].message  # type: ignore[attr-defined]
            c.hint = "the SIP server's certificate must be signed by the same CA as the center's"
        elif isinstance(got, ev.RegistrationFailed):
            c.summary = f"SIP registration at {registrar} failed: {got.message}"
            if any(code in got.message for code in ("401", "403", "407")):
                c.hint = (
                    "the registrar does not accept the password: the SIP password is your login "
                    "password; run `agent-tui login` again so the keyring and the center agree"
                )
            else:
                c.hint = (
                    "the registrar did not answer properly (408/503: not reachable or overloaded); "
                    "check the registrar address and the firewall for its TLS port"
                )
        else:
            c.summary = (
                f"no answer from the SIP registrar {registrar} within {SIP_REGISTER_TIMEOUT:g} s"
            )
            c.hint = "a firewall may block the SIP port (TLS); check with IT"
        return c
    finally:
        try:
            phone.stop()
        except SipError:
            pass


_SIP_HOSTPORT = re.compile(r"sips?:(?:[^@;>]+@)?\[?([^\]\s;>]+?)\]?:(\d+)")


def _direct_mode(ctx: Context, c: Check) -> Check:
    """No registrar: calls are picked up at the center's voice engine. Its TLS port must be
    reachable and trusted, which a plain verified TLS handshake shows without a call."""
    voice = (ctx.welcome or {}).get("voice") if ctx.welcome else None
    start = c.figures.get("start_ms")
    if ctx.welcome is None:
        return Check(
            "sip",
            WARN,
            f"softphone starts ({start} ms); where it registers is unknown without a login "
            "(the center announces it at login)",
            "fix the login first, or name the registrar with --sip-registrar",
            c.figures,
        )
    if not isinstance(voice, dict) or not voice:
        return Check(
            "sip",
            OK,
            f"softphone starts ({start} ms); the center names no SIP server "
            "(voice is off, or this center is older)",
            "",
            c.figures,
        )
    engine = str(voice.get("engine") or "")
    c.figures["engine"] = engine or None
    m = _SIP_HOSTPORT.match(engine)
    if not m:
        return Check(
            "sip",
            OK,
            f"softphone starts ({start} ms); direct mode (no SIP registration)",
            "",
            c.figures,
        )
    host, port = m.group(1), int(m.group(2))
    t = time.monotonic()
    try:
        with (
            socket.create_connection((host, port), timeout=ctx.opts.connect_timeout) as raw,
            client_ssl_context(str(ctx.ca_file)).wrap_socket(raw, server_hostname=host) as tls,
        ):
            c.figures["engine_tls_version"] = tls.version()
    except ssl.SSLCertVerificationError as exc:
        return Check(
            "sip",
            FAIL,
            f"the voice engine at {host}:{port} is not trusted: "
            f"{getattr(exc, 'verify_message', None) or exc}",
            "its certificate must be signed by the same CA as the center's",
            c.figures,
        )
    except (OSError, ssl.SSLError) as exc:
        return Check(
            "sip",
            FAIL,
            f"the voice engine at {host}:{port} does not answer over TLS: "
            f"{getattr(exc, 'strerror', None) or exc}",
            "calls cannot be picked up: a firewall may block that port, or the center's "
            "voice engine is down",
            c.figures,
        )
    c.figures["engine_tls_ms"] = _ms(time.monotonic() - t)
    return Check(
        "sip",
        OK,
        f"softphone starts ({start} ms); direct mode: the voice engine at {host}:{port} "
        f"answers TLS, certificate trusted ({c.figures['engine_tls_ms']} ms)",
        "",
        c.figures,
    )


def check_audio(ctx: Context) -> Check:
    """Microphone and headset devices exist; the configured ones resolve."""
    c = Check("audio")
    try:
        # deferred: numpy/PortAudio load only for this check, and a missing PortAudio is the finding
        from agent_tui.sip import audio
    except ImportError as exc:
        return Check(
            "audio",
            FAIL,
            f"the audio layer cannot be loaded: {exc}",
            "install PortAudio (`apt install libportaudio2`) and reinstall agent-tui",
        )
    try:
        devices = audio.list_devices()
    except audio.AudioError as exc:
        return Check("audio", FAIL, str(exc), "install PortAudio (`apt install libportaudio2`)")
    inputs = [d for d in devices if d.inputs > 0]
    outputs = [d for d in devices if d.outputs > 0]
    default_in = next((d.name for d in devices if d.default_input), None)
    default_out = next((d.name for d in devices if d.default_output), None)
    c.figures = {
        "devices": [
            {"index": d.index, "name": d.name, "inputs": d.inputs, "outputs": d.outputs}
            for d in devices
        ],
        "default_input": default_in,
        "default_output": default_out,
    }
    if not inputs or not outputs:
        missing = " and ".join(
            w for w, v in (("microphone", inputs), ("speaker/headset", outputs)) if not v
        )
        c.status = FAIL
        c.summary = f"no {missing} found ({len(devices)} audio devices in all)"
        c.hint = "plug in the headset (USB headsets: try another port) and check it shows up in the OS sound settings"
        return c
    sp = ctx.softphone_cfg
    chosen: dict[str, str] = {}
    for kind, spec in (
        ("input", getattr(sp, "input_device", None)),
        ("output", getattr(sp, "output_device", None)),
        ("ring", getattr(sp, "ring_device", None)),
    ):
        try:
            idx = audio.resolve_device(spec, "input" if kind == "input" else "output")
        except audio.AudioError as exc:
            c.status = FAIL
            c.summary = f"configured {kind} device: {exc}"
            c.hint = "pick a device from the list (figures) in softphone.devices of the config, or leave it empty"
            return c
        if idx is not None:
            chosen[kind] = next(d.name for d in devices if d.index == idx)
    c.figures["configured"] = chosen
    use_in = chosen.get("input") or default_in
    use_out = chosen.get("output") or default_out
    if not use_in or not use_out:
        c.status = WARN
        c.summary = f"{len(inputs)} microphones, {len(outputs)} outputs, but no system default"
        c.hint = "choose the headset in softphone.devices in the config (names as listed)"
        return c
    in_idx = next(d.index for d in devices if d.name == use_in and d.inputs > 0)
    out_idx = next(d.index for d in devices if d.name == use_out and d.outputs > 0)
    probe = _probe_devices(in_idx, out_idx)
    c.figures.update(probe)
    if probe.get("error"):
        c.status = FAIL
        c.summary = f"the headset cannot be opened: {probe['error']}"
        c.hint = (
            "another program may hold it (close other softphones or video calls; is the desk "
            "running?), or it was unplugged; pick another device in softphone.devices"
        )
        return c
    level = probe.get("mic_dbfs")
    c.status = OK
    c.summary = (
        f"microphone {use_in!r} (level {level} dBFS), headset {use_out!r} "
        f"({len(devices)} audio devices)"
    )
    if level is not None and level <= SILENT_DBFS:
        c.status = WARN
        c.summary = f"microphone {use_in!r} delivers silence; headset {use_out!r}"
        c.hint = "the microphone may be muted (a switch on the headset cable?) or the wrong input"
    return c


SILENT_DBFS = -90.0  # digital silence: a muted or dead microphone
PROBE_SECONDS = 0.3


def _probe_devices(in_idx: int, out_idx: int, timeout: float = 5.0) -> dict[str, Any]:
    """Open the microphone and the headset briefly, as the softphone will: the microphone's
    level over PROBE_SECONDS, and whether the output opens. Bounded by ``timeout`` (a stuck
    driver must not hang the doctor)."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            # deferred: numpy and sounddevice (PortAudio) load only when the devices are probed
            import numpy as np
            import sounddevice as sd

            from agent_tui.sip.audio import dbfs

            rate = 16000
            frames = int(rate * PROBE_SECONDS)
            with sd.RawInputStream(device=in_idx, samplerate=rate, channels=1, dtype="int16") as st:
                data, _overflow = st.read(frames)
            result["mic_dbfs"] = dbfs(bytes(data))
            with sd.RawOutputStream(
                device=out_idx, samplerate=rate, channels=1, dtype="int16"
            ) as st:
                st.write(np.zeros(rate // 10, dtype="<i2").tobytes())  # 0.1 s of silence
            result["output_opens"] = True
        except Exception as exc:  # noqa: BLE001 - PortAudio errors are the finding
            result["error"] = " ".join(str(exc).split())

    worker = threading.Thread(target=run, name="doctor-audio-probe", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return {"error": f"the audio devices did not answer within {timeout:g} s"}
    return result


def check_call(ctx: Context) -> Check:
    """A short test call to ``--call-test TARGET`` (an echo or test number), with its figures."""
    target = ctx.opts.call_test or ""
    voice = (ctx.welcome or {}).get("voice") if ctx.welcome else None
    if not target and isinstance(voice, dict):
        target = str(voice.get("test_number") or voice.get("echo") or "")
    if not target:
        return Check(
            "call",
            SKIP,
            "the center names no echo/test number",
            "give one: --call-test NUMBER (a number that answers and echoes)",
        )
    if not ctx.password and _sip_account(ctx)[1]:
        return Check("call", SKIP, "no password to register the softphone with")
    # deferred: pjsua2 is heavy and loads only for a test call
    from agent_tui.sip import headless
    from agent_tui.sip.tls_relay import wanted as tls13_wanted  # deferred: with headless

    domain, registrar, _mode = _sip_account(ctx)
    voice = voice if isinstance(voice, dict) else {}
    # Calls leave through the registrar (outbound proxy), so the answer comes back over the
    # TLS connection we opened: a home NAT would drop anything else.
    proxy = str(voice.get("proxy") or (registrar + ";lr" if registrar else ""))
    with tempfile.TemporaryDirectory(prefix="agent-tui-doctor-") as tmp:
        # A tone as the microphone: voice activity detection would send nothing for silence,
        # and the far end's figures need packets to measure.
        tone = _tone_wav(Path(tmp) / "tone.wav", ctx.opts.call_seconds + 2.0)
        result = headless.run_headless(
            headless.HeadlessOptions(
                ca_file=str(ctx.ca_file),
                user=str(ctx.user),
                domain=domain,
                registrar=registrar,
                proxy=proxy,
                password=ctx.password,
                profile="low",
                tls13_relay=tls13_wanted(_tls13_option(ctx), registrar),
                dial=target,
                duration=ctx.opts.call_seconds,
                play=str(tone),
            )
        )
    figures = {
        k: result.get(k)
        for k in (
            "result",
            "codec",
            "srtp",
            "ptime_ms",
            "media_s",
            "rtt_ms",
            "jitter_ms",
            "loss_pct",
            "mos",
            "tx_kbps",
            "rx_kbps",
            "degraded",
        )
        if k in result
    }
    if result.get("result") != headless.COMPLETED:
        return Check(
            "call",
            FAIL,
            f"test call to {target}: {result.get('message') or result.get('result')}",
            "see the sip check; if it is ok, the test number may not answer",
            figures,
        )
    c = Check(
        "call",
        OK,
        f"test call to {target}: {figures.get('codec')} with SRTP {figures.get('srtp')}, "
        f"RTT {figures.get('rtt_ms')} ms, "
        f"jitter {figures.get('jitter_ms')} ms, loss {figures.get('loss_pct')} %, "
        f"MOS {figures.get('mos')}",
        "",
        figures,
    )
    if result.get("degraded"):
        c.status = WARN
        c.hint = "call quality degraded: " + "; ".join(result.get("quality_warnings") or [])
    return c


def _tone_wav(path: Path, seconds: float, rate: int = 16000) -> Path:
    """A 440 Hz test tone as a 16-bit mono WAV (what the test call sends)."""
    # deferred: sip.audio imports numpy, needed only for a test call
    from agent_tui.sip.audio import tone

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(tone(440.0, seconds, rate))
    return path
