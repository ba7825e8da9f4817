"""``agent-tui doctor``: the health check support staff run on an agent's machine.

It walks the path a desk takes at start-up, one link at a time, and stops guessing
where it breaks: config file → OS keyring → DNS and TCP to the center → TLS against the
CA file → websocket login → round-trip time and jitter → idle traffic → the softphone
(pjsua2 starts, registers over TLS when the center names a registrar) → audio devices.
Each check ends ``ok``, ``warn``, ``fail`` or ``skip`` with one human sentence, a fix
hint, and figures (milliseconds, days, bytes per second) for the ticket.

Checks that depend on an earlier one (TLS needs TCP, login needs TLS, ...) are skipped
with the reason when it failed, so the first ``fail`` is the one to fix.

Secrets: the password and token are read from the keyring (or ``--password-stdin``)
to log in and register, and never printed — the report says only whether they exist.

Side effect worth knowing: like ``ctl``, the doctor opens a short extra session and
closes it without logging out; an agent who was offline shows as "break (login)" for
the center's grace period.

pjsua2 and sounddevice are imported only inside their checks (``--no-sip`` never loads
pjsua2). Domain code: no textual import here.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import json
import socket
import ssl
import statistics
import struct
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from agent_tui import __version__

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"

# Thresholds for warnings (what a home link can live with).
RTT_WARN_MS = 300.0        # voice turns awkward above this round-trip time
JITTER_WARN_MS = 50.0      # jitter buffers struggle above this
IDLE_WARN_BPS = 500.0      # the brief: idle traffic is a few hundred bytes per second at most
CERT_WARN_DAYS = 30        # renew certificates before they bite
SIP_REGISTER_TIMEOUT = 20.0


@dataclass
class Check:
    """One line of the report."""

    name: str
    status: str = SKIP
    summary: str = ""
    hint: str = ""
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class Options:
    """What to check and how (the command line, resolved)."""

    config: Path | None = None
    server: str | None = None
    ca_file: Path | None = None
    user: str | None = None
    password: str | None = None        # from --password-stdin (else the keyring)
    connect_timeout: float = 10.0
    pings: int = 5
    ping_interval: float = 0.2
    idle_window: float = 5.0
    sip: bool = True
    sip_registrar: str | None = None   # overrides welcome["voice"]["registrar"]
    sip_domain: str | None = None
    sip_log: str | None = None
    audio: bool = True
    call_test: str | None = None       # dial this target (an echo/test number) for a short call
    call_seconds: float = 5.0


@dataclass
class Report:
    """The whole doctor run; ``to_dict()`` is the ``--json`` output."""

    checks: list[Check] = field(default_factory=list)
    target: dict[str, Any] = field(default_factory=dict)
    started_at: str = ""
    duration_ms: float = 0.0
    version: str = __version__

    @property
    def ok(self) -> bool:
        return not any(c.status == FAIL for c in self.checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def get(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "exit_code": self.exit_code,
            "version": self.version,
            "started_at": self.started_at,
            "duration_ms": round(self.duration_ms, 1),
            "target": self.target,
            "checks": [asdict(c) for c in self.checks],
            "counts": {s: sum(1 for c in self.checks if c.status == s) for s in (OK, WARN, FAIL, SKIP)},
        }


# --- the run ---------------------------------------------------------------------------


class _Context:
    """What checks hand on to later checks."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.cfg: Any = None
        self.server = opts.server
        self.ca_file = opts.ca_file
        self.user = opts.user
        self.password = opts.password
        self.token: str | None = None
        self.from_keyring = False
        self.host = ""
        self.port = 0
        self.welcome: dict[str, Any] | None = None
        self.client: Any = None
        self.softphone_cfg: Any = None
        self.rtts: list[float] = []           # RTT of each pong, filled by the client's on_status
        self.pongs: asyncio.Event | None = None


async def run_doctor(opts: Options, on_check: Callable[[Check], None] | None = None) -> Report:
    """Run every check in order; ``on_check`` sees each one as soon as it is done."""
    report = Report(started_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))
    t0 = time.monotonic()
    ctx = _Context(opts)

    def add(check: Check) -> Check:
        report.checks.append(check)
        if on_check is not None:
            on_check(check)
        return check

    cfg = add(check_config(ctx))
    target_ok = bool(ctx.server and ctx.ca_file and ctx.user)
    report.target = {"server": ctx.server, "ca_file": str(ctx.ca_file) if ctx.ca_file else None,
                     "user": ctx.user}
    add(check_keyring(ctx))
    if not target_ok:
        why = "no server, CA file and user to check (config: " + (cfg.summary or "empty") + ")"
        for name in ("network", "tls", "login", "latency", "bandwidth"):
            add(Check(name, SKIP, why))
    else:
        net = add(await check_network(ctx))
        tls = add(await check_tls(ctx) if net.status != FAIL else _skipped("tls", "network"))
        login = add(await check_login(ctx) if tls.status != FAIL else _skipped("login", "tls"))
        try:
            if login.status == FAIL or ctx.client is None:
                add(_skipped("latency", "login"))
                add(_skipped("bandwidth", "login"))
            else:
                add(await check_latency(ctx))
                add(await check_bandwidth(ctx))
        finally:
            if ctx.client is not None:
                await ctx.client.close(logout=False)
                ctx.client = None
    if not opts.sip:
        add(Check("sip", SKIP, "softphone check skipped (--no-sip)"))
    elif not ctx.ca_file or not ctx.user:
        add(Check("sip", SKIP, "no CA file and user to register with"))
    else:
        add(await asyncio.to_thread(check_sip, ctx))
    if opts.audio:
        add(await asyncio.to_thread(check_audio, ctx))
    else:
        add(Check("audio", SKIP, "audio check skipped (--no-audio)"))
    if opts.call_test is not None:
        if not opts.sip:
            add(Check("call", SKIP, "call test needs the softphone (drop --no-sip)"))
        else:
            add(await asyncio.to_thread(check_call, ctx))
    report.duration_ms = (time.monotonic() - t0) * 1000
    return report


def _skipped(name: str, because: str) -> Check:
    return Check(name, SKIP, f"not checked: the {because} check failed; fix that first")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# --- config and keyring ------------------------------------------------------------------


def check_config(ctx: _Context) -> Check:
    """The client config parses; fills server/CA/user from it (command line wins)."""
    from agent_tui.core.config import ConfigError, default_config_path, load_config

    opts = ctx.opts
    path = opts.config
    c = Check("config")
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        c.status = FAIL
        c.summary = str(exc)
        c.hint = ("fix that line (see config.example.yaml for every field), or run `agent-tui login` "
                  "to write server, ca_file and user afresh")
        if exc.problem == "file not found":
            c.hint = "give the right --config PATH, or run `agent-tui login` to create the file"
        c.figures = {"file": str(exc.path) if exc.path else None, "line": exc.line, "field": exc.field or None}
        return c
    ctx.cfg = cfg
    ctx.softphone_cfg = cfg.softphone
    ctx.server = ctx.server or cfg.server
    ctx.ca_file = ctx.ca_file or cfg.ca_file
    ctx.user = ctx.user or cfg.user
    where = str(cfg.path) if cfg.path else f"{path or default_config_path()} (not there: defaults)"
    c.figures = {"file": str(cfg.path) if cfg.path else None, "server": cfg.server,
                 "ca_file": str(cfg.ca_file) if cfg.ca_file else None, "user": cfg.user,
                 "language": cfg.language, "softphone_profile": cfg.softphone.profile}
    missing = [n for n, v in (("server", ctx.server), ("ca_file", ctx.ca_file), ("user", ctx.user)) if not v]
    if missing:
        c.status = WARN if cfg.path else FAIL
        c.summary = f"config {where}: no {', '.join(missing)}"
        c.hint = "run `agent-tui login` (it writes server, ca_file and user), or pass --server/--ca/--user"
        return c
    if ctx.ca_file is not None and not Path(ctx.ca_file).is_file():
        c.status = FAIL
        c.summary = f"config {where}: CA file {ctx.ca_file} does not exist"
        c.hint = "copy the center's tls/ca.pem to this machine and point ca_file at it"
        return c
    c.status = OK
    c.summary = f"config {where} parses; server {ctx.server}, user {ctx.user}"
    return c


def check_keyring(ctx: _Context) -> Check:
    """A Secret Service is usable and holds a login for this user (never shown)."""
    from agent_tui.core import credentials

    c = Check("keyring")
    try:
        credentials.check_available()
        backend = _backend_name()
        c.figures["backend"] = backend
        if not (ctx.server and ctx.user):
            c.status = OK if ctx.password else WARN
            c.summary = f"OS keyring available ({backend}); no server/user to look a login up for"
            return c
        password = credentials.get_password(ctx.server, ctx.user)
        token = credentials.get_token(ctx.server, ctx.user)
    except credentials.KeyringUnavailable as exc:
        c.status = WARN if ctx.password else FAIL
        c.summary = str(exc).split(";")[0]
        c.hint = credentials.FIX
        return c
    c.figures.update(password_stored=password is not None, token_stored=token is not None)
    if ctx.password is None:
        ctx.password, ctx.token = password, token
        ctx.from_keyring = True
    what = " and ".join(w for w, v in (("password", password), ("session token", token)) if v)
    if ctx.opts.password is not None:
        c.status = OK
        c.summary = f"OS keyring available ({backend}); using the password from standard input"
        return c
    if not what:
        c.status = FAIL
        c.summary = f"no login for {ctx.user} at {ctx.server} in the OS keyring"
        c.hint = "run `agent-tui login` (it checks the password with the center and stores it)"
        return c
    c.status = OK
    c.summary = f"OS keyring available ({backend}); {what} stored for {ctx.user}"
    if password is None:
        c.status = WARN
        c.summary += " (no password: the softphone cannot register, and a login after the token expires fails)"
        c.hint = "run `agent-tui login` once to store the password as well"
    return c


def _backend_name() -> str:
    try:
        import keyring

        kr = keyring.get_keyring()
        inner = getattr(kr, "backends", None)
        if inner:
            kr = inner[0]
        return type(kr).__module__.rsplit(".", 1)[-1] + "." + type(kr).__name__
    except Exception:  # noqa: BLE001 - a name for the report only
        return "unknown"


# --- network and TLS -------------------------------------------------------------------------


async def check_network(ctx: _Context) -> Check:
    """DNS lookup and a plain TCP connect to the center's port, each timed."""
    c = Check("network")
    assert ctx.server
    parts = urlsplit(ctx.server)
    if parts.scheme != "wss" or not parts.hostname:
        return Check("network", FAIL, f"server {ctx.server!r} is not a wss://HOST:PORT address",
                     "set server: wss://HOST:PORT in the config (TLS is always on)")
    ctx.host, ctx.port = parts.hostname, parts.port or 443
    c.figures.update(host=ctx.host, port=ctx.port)
    loop = asyncio.get_running_loop()
    t = time.monotonic()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(ctx.host, ctx.port, type=socket.SOCK_STREAM), ctx.opts.connect_timeout)
    except (socket.gaierror, asyncio.TimeoutError) as exc:
        c.status = FAIL
        c.summary = f"cannot resolve {ctx.host}: {getattr(exc, 'strerror', None) or 'timed out'}"
        c.hint = "check the host name in the config, the DNS settings, or whether the VPN is up"
        return c
    c.figures["dns_ms"] = _ms(time.monotonic() - t)
    c.figures["addresses"] = sorted({info[4][0] for info in infos})
    t = time.monotonic()
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(ctx.host, ctx.port),
                                           ctx.opts.connect_timeout)
    except asyncio.TimeoutError:
        c.status = FAIL
        c.summary = f"no answer from {ctx.host}:{ctx.port} within {ctx.opts.connect_timeout:g} s"
        c.hint = "a firewall or the home router drops the connection; try another network, or ask IT"
        return c
    except OSError as exc:
        from agent_tui.core.client import _why

        c.status = FAIL
        c.summary = f"cannot connect to {ctx.host}:{ctx.port}: {_why(exc)}"
        c.hint = ("check the port in the config and that the center runs; a firewall may block it"
                  if isinstance(exc, ConnectionRefusedError) else
                  "check the network connection (cable, Wi-Fi, VPN)")
        return c
    c.figures["connect_ms"] = _ms(time.monotonic() - t)
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass
    c.status = OK
    c.summary = (f"{ctx.host} resolves ({c.figures['dns_ms']} ms); TCP connect to port {ctx.port} "
                 f"in {c.figures['connect_ms']} ms")
    return c


async def check_tls(ctx: _Context) -> Check:
    """A verified TLS handshake: certificate subject, expiry, protocol version."""
    from agent_tui.secure.tls import client_ssl_context

    c = Check("tls")
    assert ctx.ca_file is not None
    ca_info = _ca_summary(Path(ctx.ca_file))
    c.figures["ca"] = ca_info
    try:
        tls_ctx = client_ssl_context(ctx.ca_file)
    except (OSError, ssl.SSLError) as exc:
        c.status = FAIL
        c.summary = f"cannot use CA file {ctx.ca_file}: {exc}"
        c.hint = "the CA file must be the center's tls/ca.pem (PEM); copy it again"
        return c
    t = time.monotonic()
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(ctx.host, ctx.port, ssl=tls_ctx, server_hostname=ctx.host),
            ctx.opts.connect_timeout)
    except ssl.SSLCertVerificationError as exc:
        c.status = FAIL
        reason = getattr(exc, "verify_message", None) or str(exc)
        c.figures["verify_message"] = reason
        presented = await asyncio.to_thread(_presented_certificate, ctx.host, ctx.port)
        c.figures["presented"] = presented
        if getattr(exc, "verify_code", None) == 62 or "hostname" in reason.lower():
            names = ", ".join(presented.get("names") or []) if presented else "?"
            c.summary = f"the certificate of {ctx.host}:{ctx.port} is for {names}, not {ctx.host}"
            c.hint = "use a server address whose host name is in the certificate (see the names above)"
        else:
            issuer = presented.get("issuer") if presented else "?"
            c.summary = (f"the certificate of {ctx.host}:{ctx.port} is not signed by the CA in {ctx.ca_file} "
                         f"({reason}); it was issued by {issuer}, your CA file is {ca_info.get('subject')}")
            c.hint = ("get the center's current tls/ca.pem and point ca_file at it; if the CA is right, "
                      "someone may be intercepting the connection (a proxy or captive portal)")
        return c
    except ssl.SSLError as exc:
        c.status = FAIL
        c.summary = f"TLS handshake with {ctx.host}:{ctx.port} failed: {exc.reason or exc}"
        c.hint = ("the port may not be the center's TLS port (check the port in the server address), "
                  "or a proxy interferes")
        return c
    except (OSError, asyncio.TimeoutError) as exc:
        c.status = FAIL
        c.summary = f"TLS handshake with {ctx.host}:{ctx.port} did not complete: {exc or 'timed out'}"
        c.hint = "the link drops during the handshake; try again, or another network"
        return c
    handshake_ms = _ms(time.monotonic() - t)
    sslobj = writer.get_extra_info("ssl_object")
    der = sslobj.getpeercert(binary_form=True) if sslobj is not None else None
    version = sslobj.version() if sslobj is not None else None
    cipher = (sslobj.cipher() or ("",))[0] if sslobj is not None else None
    writer.close()
    try:
        await writer.wait_closed()
    except (OSError, ssl.SSLError):
        pass
    cert = _cert_summary(der) if der else {}
    c.figures.update(handshake_ms=handshake_ms, tls_version=version, cipher=cipher, certificate=cert)
    days = cert.get("days_left")
    c.status = OK
    c.summary = (f"certificate {cert.get('subject')} verified against the CA, {days} days left, "
                 f"{version}, handshake {handshake_ms} ms")
    ca_days = ca_info.get("days_left")
    if isinstance(days, int) and days < CERT_WARN_DAYS:
        c.status = WARN
        c.hint = f"the center's certificate expires in {days} days: ask the center's admin to renew it"
    elif isinstance(ca_days, int) and ca_days < CERT_WARN_DAYS:
        c.status = WARN
        c.hint = f"the CA certificate expires in {ca_days} days: a new ca.pem will be needed"
    return c


def _cert_summary(der: bytes) -> dict[str, Any]:
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    return _describe_cert(cert)


def _describe_cert(cert: Any) -> dict[str, Any]:
    from cryptography import x509

    not_after = cert.not_valid_after_utc
    now = _dt.datetime.now(_dt.timezone.utc)
    names: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(n.value) for n in san]
    except x509.ExtensionNotFound:
        pass
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "names": names,
        "not_after": not_after.isoformat(timespec="seconds"),
        "days_left": (not_after - now).days,
    }


def _ca_summary(path: Path) -> dict[str, Any]:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as exc:
        return {"error": str(exc)}
    info = _describe_cert(cert)
    info.pop("names", None)
    return info


def _presented_certificate(host: str, port: int) -> dict[str, Any]:
    """Diagnosis only, after verification FAILED: which certificate does the server show?

    The connection is opened without trusting anything, the certificate is read and the
    socket closed at once — no data is sent, nothing is logged in. It lets support tell
    "wrong CA file" from "someone else answers on that address".
    """
    try:
        probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        probe.check_hostname = False
        probe.verify_mode = ssl.CERT_NONE
        with socket.create_connection((host, port), timeout=5) as raw:
            with probe.wrap_socket(raw, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
        return _cert_summary(der) if der else {}
    except (OSError, ssl.SSLError, ValueError):
        return {}


# --- login, latency, bandwidth -------------------------------------------------------------


async def check_login(ctx: _Context) -> Check:
    """A real websocket login with the stored token or password; the client stays open."""
    from agent_tui.core import credentials
    from agent_tui.core.client import AuthError, CenterClient, TrustError, UnreachableError

    c = Check("login")
    assert ctx.server and ctx.ca_file and ctx.user
    if ctx.password is None and ctx.token is None:
        return Check("login", SKIP, "no password or token to log in with",
                     "run `agent-tui login`, or pass --password-stdin")
    rtts = ctx.rtts
    pongs = ctx.pongs = asyncio.Event()

    def on_status(status: Any) -> None:
        # Each pong forces a status update with the fresh RTT (see CenterClient._dispatch).
        if status.state == "online" and status.rtt_ms is not None:
            rtts.append(float(status.rtt_ms))
            pongs.set()

    def on_token(token: str) -> None:
        if ctx.from_keyring:
            try:
                credentials.store_token(ctx.server or "", ctx.user or "", token)
            except credentials.KeyringUnavailable:
                pass

    client = CenterClient(ctx.server, ctx.ca_file, ctx.user, password=ctx.password, token=ctx.token,
                          on_status=on_status, on_token=on_token, client_name="agent-tui doctor",
                          ping_interval=ctx.opts.ping_interval)
    t = time.monotonic()
    await client.start()
    try:
        welcome = await client.wait_online(ctx.opts.connect_timeout)
    except AuthError as exc:
        await client.close()
        c.status = FAIL
        c.summary = f"the center refused the login: {exc}"
        c.hint = ("run `agent-tui login` to store the right password (the stored one is wrong or was "
                  "changed); after 10 wrong tries a minute the center refuses for a while")
        return c
    except TrustError as exc:
        await client.close()
        return Check("login", FAIL, f"untrusted center: {exc}", "see the tls check")
    except UnreachableError as exc:
        await client.close()
        return Check("login", FAIL, f"no login: {exc}",
                     "the port answers but the login does not complete: is it the center's port?")
    login_ms = _ms(time.monotonic() - t)
    ctx.client = client
    ctx.welcome = welcome
    me = welcome.get("user") if isinstance(welcome.get("user"), dict) else {}
    voice = welcome.get("voice") if isinstance(welcome.get("voice"), dict) else None
    c.figures = {"login_ms": login_ms, "protocol": welcome.get("v"), "role": me.get("role"),
                 "grace_s": welcome.get("grace_s"),
                 "via": "token" if ctx.token and client.token == ctx.token else "password",
                 "voice": {k: v for k, v in (voice or {}).items() if k != "password"} or None}
    c.status = OK
    c.summary = f"logged in as {ctx.user}" + (f" ({me.get('role')})" if me.get("role") else "") + \
        f" in {login_ms} ms"
    return c


async def check_latency(ctx: _Context) -> Check:
    """Several app-level pings: min/avg/max RTT and jitter (mean change between pings)."""
    client = ctx.client
    rtts = ctx.rtts
    pongs = ctx.pongs
    assert pongs is not None
    want = max(2, ctx.opts.pings)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ctx.opts.connect_timeout + want * ctx.opts.ping_interval * 2
    while len(rtts) < want:
        if len(rtts) == want - 1:
            # Back to the normal interval now, so the idle window that follows is idle.
            client.ping_interval = 10.0
        pongs.clear()
        left = deadline - loop.time()
        if left <= 0:
            break
        try:
            await asyncio.wait_for(pongs.wait(), left)
        except asyncio.TimeoutError:
            break
    client.ping_interval = 10.0
    samples = list(rtts[:want])
    c = Check("latency")
    if len(samples) < 2:
        c.status = FAIL
        c.summary = f"only {len(samples)} of {want} pings answered within the time limit"
        c.hint = "the link loses packets or stalls; try a cable instead of Wi-Fi, or another network"
        c.figures = {"samples": samples}
        return c
    jitter = statistics.fmean(abs(a - b) for a, b in zip(samples, samples[1:]))
    c.figures = {"pings": len(samples), "min_ms": round(min(samples), 1),
                 "avg_ms": round(statistics.fmean(samples), 1), "max_ms": round(max(samples), 1),
                 "jitter_ms": round(jitter, 1), "samples_ms": [round(s, 1) for s in samples]}
    f = c.figures
    c.summary = (f"round trip min/avg/max {f['min_ms']}/{f['avg_ms']}/{f['max_ms']} ms, "
                 f"jitter {f['jitter_ms']} ms ({len(samples)} pings)")
    c.status = OK
    if f["avg_ms"] > RTT_WARN_MS or f["jitter_ms"] > JITTER_WARN_MS:
        c.status = WARN
        c.hint = ("a slow or unsteady link: calls will lag or break up; close downloads/streams, "
                  "use a cable, or move closer to the Wi-Fi access point")
    return c


# Offsets in Linux's struct tcp_info (include/uapi/linux/tcp.h): stable ABI, appended to only.
_TCPI_RTT = 68             # __u32 tcpi_rtt, microseconds
_TCPI_BYTES_ACKED = 120    # __u64 tcpi_bytes_acked (sent and acknowledged)
_TCPI_BYTES_RECEIVED = 128  # __u64 tcpi_bytes_received
_TCP_INFO_LEN = 136


def _tcp_counters(sock: Any) -> tuple[int, int, float] | None:
    """(bytes sent, bytes received, kernel RTT ms) of a TCP socket, or None off Linux."""
    opt = getattr(socket, "TCP_INFO", None)
    if opt is None or sock is None:
        return None
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, opt, 256)
    except OSError:
        return None
    if len(raw) < _TCP_INFO_LEN:
        return None
    (rtt_us,) = struct.unpack_from("I", raw, _TCPI_RTT)
    sent, received = struct.unpack_from("QQ", raw, _TCPI_BYTES_ACKED)
    return int(sent), int(received), rtt_us / 1000.0


async def check_bandwidth(ctx: _Context) -> Check:
    """Bytes on the wire (TLS included) while the session is idle, per second each way.

    Measured by the kernel's TCP counters of the client's connection over ``idle_window``
    seconds — what the agent's uplink really carries, not an estimate from frame sizes.
    """
    c = Check("bandwidth")
    window = max(0.5, ctx.opts.idle_window)
    ws = getattr(ctx.client, "_ws", None)  # the client's live connection (private, read-only use)
    sock = ws.transport.get_extra_info("socket") if ws is not None else None
    first = _tcp_counters(sock)
    if first is None:
        return Check("bandwidth", SKIP, "idle traffic not measured (needs Linux TCP_INFO)")
    await asyncio.sleep(window)  # the measurement itself is the waiting, not synchronisation
    second = _tcp_counters(sock)
    if second is None:
        return Check("bandwidth", WARN, "the connection closed during the idle measurement",
                     "the link dropped; run the doctor again")
    up = (second[0] - first[0]) / window
    down = (second[1] - first[1]) / window
    c.figures = {"window_s": window, "up_bytes_per_s": round(up, 1), "down_bytes_per_s": round(down, 1),
                 "kernel_rtt_ms": round(second[2], 2)}
    c.summary = f"idle traffic {up:.0f} B/s up, {down:.0f} B/s down (TLS included, over {window:g} s)"
    c.status = OK
    if max(up, down) > IDLE_WARN_BPS:
        c.status = WARN
        c.hint = ("more idle traffic than expected (a few hundred bytes per second at most): "
                  "a busy team causes presence updates; otherwise report this with the bundle")
    return c


# --- softphone, audio, test call -------------------------------------------------------------


def _sip_account(ctx: _Context) -> tuple[str, str, str]:
    """(domain, registrar, mode) from the options, then the center's welcome frame."""
    voice = (ctx.welcome or {}).get("voice")
    voice = voice if isinstance(voice, dict) else {}
    host = ctx.host or (urlsplit(ctx.server).hostname if ctx.server else "") or "127.0.0.1"
    registrar = ctx.opts.sip_registrar if ctx.opts.sip_registrar is not None else voice.get("registrar", "")
    domain = ctx.opts.sip_domain or voice.get("domain") or host
    mode = "registrar" if registrar else str(voice.get("mode") or "direct")
    return str(domain), str(registrar or ""), mode


def check_sip(ctx: _Context) -> Check:
    """The softphone starts (pjsua2, TLS transport) and registers when there is a registrar."""
    c = Check("sip")
    try:
        from agent_tui.sip import events as ev
        from agent_tui.sip.account import AccountSpec
        from agent_tui.sip.engine import EngineConfig, SipError
        from agent_tui.sip.phone import Softphone
    except ImportError as exc:
        return Check("sip", FAIL, f"the SIP library cannot be loaded: {exc}",
                     "reinstall agent-tui (`pip install agent-tui` pulls in pjsua2-python)")
    domain, registrar, mode = _sip_account(ctx)
    c.figures = {"mode": mode, "domain": domain, "registrar": registrar or None}
    events: list[object] = []
    cond = threading.Condition()

    def on_event(e: object) -> None:  # owner thread: just record it
        with cond:
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
        EngineConfig(ca_file=str(ctx.ca_file), profile=profile, user_agent="agent-tui doctor",
                     log_file=ctx.opts.sip_log, log_level=4 if ctx.opts.sip_log else 0),
        AccountSpec(user=str(ctx.user), domain=domain, registrar=registrar, password=ctx.password),
        on_event=on_event,
        media=None,  # no headset: the audio check covers devices; nothing must ring or play here
    )
    t = time.monotonic()
    try:
        phone.start()
    except SipError as exc:
        return Check("sip", FAIL, f"the softphone does not start: {exc}",
                     "another program may hold the SIP library's resources; restart the desk, then retry",
                     c.figures)
    try:
        c.figures["start_ms"] = _ms(time.monotonic() - t)
        try:
            c.figures["pjsua2"] = phone.engine.call(lambda: phone.engine.ep.libVersion().full, timeout=5)
        except Exception:  # noqa: BLE001 - a version string for the report only
            pass
        if not registrar:
            c.status = OK
            engine_uri = ((ctx.welcome or {}).get("voice") or {}).get("engine") if ctx.welcome else None
            c.summary = (f"softphone starts ({c.figures['start_ms']} ms); the center uses direct mode "
                         "(no SIP registration; calls are picked up from offers)")
            if not ctx.welcome or not (ctx.welcome.get("voice")):
                c.summary = (f"softphone starts ({c.figures['start_ms']} ms); the center names no SIP "
                             "registrar (direct mode, or voice is off)")
            if engine_uri:
                c.figures["engine"] = engine_uri
            return c
        if not ctx.password:
            c.status = FAIL
            c.summary = "the softphone needs the password to register, and none is stored"
            c.hint = "run `agent-tui login` to store the password in the OS keyring"
            return c
        t = time.monotonic()
        got = wait_for((ev.Registered, ev.RegistrationFailed), SIP_REGISTER_TIMEOUT)
        tls = [e for e in events if isinstance(e, ev.TlsFailure)]
        if isinstance(got, ev.Registered):
            c.figures["register_ms"] = _ms(time.monotonic() - t + 0.0)
            c.status = OK
            c.summary = (f"softphone registered at {registrar} over TLS in {c.figures['register_ms']} ms "
                         f"(start {c.figures['start_ms']} ms)")
            return c
        c.status = FAIL
        if tls:
            c.summary = tls[-1].message  # type: ignore[attr-defined]
            c.hint = "the SIP server's certificate must be signed by the same CA as the center's"
        elif isinstance(got, ev.RegistrationFailed):
            c.summary = f"SIP registration at {registrar} failed: {got.message}"
            c.hint = ("403/401: the SIP password is wrong (it is your login password; log in once in the "
                      "desk so the center updates it); 408/503: the registrar is not reachable")
        else:
            c.summary = f"no answer from the SIP registrar {registrar} within {SIP_REGISTER_TIMEOUT:g} s"
            c.hint = "a firewall may block the SIP port (TLS); check with IT"
        return c
    finally:
        try:
            phone.stop()
        except SipError:
            pass


def check_audio(ctx: _Context) -> Check:
    """Microphone and headset devices exist; the configured ones resolve."""
    c = Check("audio")
    try:
        from agent_tui.sip import audio
    except ImportError as exc:
        return Check("audio", FAIL, f"the audio layer cannot be loaded: {exc}",
                     "install PortAudio (`apt install libportaudio2`) and reinstall agent-tui")
    try:
        devices = audio.list_devices()
    except audio.AudioError as exc:
        return Check("audio", FAIL, str(exc), "install PortAudio (`apt install libportaudio2`)")
    inputs = [d for d in devices if d.inputs > 0]
    outputs = [d for d in devices if d.outputs > 0]
    default_in = next((d.name for d in devices if d.default_input), None)
    default_out = next((d.name for d in devices if d.default_output), None)
    c.figures = {"devices": [{"index": d.index, "name": d.name, "inputs": d.inputs, "outputs": d.outputs}
                             for d in devices],
                 "default_input": default_in, "default_output": default_out}
    if not inputs or not outputs:
        missing = " and ".join(w for w, v in (("microphone", inputs), ("speaker/headset", outputs)) if not v)
        c.status = FAIL
        c.summary = f"no {missing} found ({len(devices)} audio devices in all)"
        c.hint = "plug in the headset (USB headsets: try another port) and check it shows up in the OS sound settings"
        return c
    sp = ctx.softphone_cfg
    chosen: dict[str, str] = {}
    for kind, spec in (("input", getattr(sp, "input_device", None)), ("output", getattr(sp, "output_device", None)),
                       ("ring", getattr(sp, "ring_device", None))):
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
    c.status = OK
    c.summary = f"microphone {use_in!r}, headset {use_out!r} ({len(devices)} audio devices)"
    return c


def check_call(ctx: _Context) -> Check:
    """A short test call to ``--call-test TARGET`` (an echo or test number), with its figures."""
    target = ctx.opts.call_test or ""
    voice = (ctx.welcome or {}).get("voice") if ctx.welcome else None
    if not target and isinstance(voice, dict):
        target = str(voice.get("test_number") or voice.get("echo") or "")
    if not target:
        return Check("call", SKIP, "the center names no echo/test number",
                     "give one: --call-test NUMBER (a number that answers and echoes)")
    if not ctx.password and _sip_account(ctx)[1]:
        return Check("call", SKIP, "no password to register the softphone with")
    from agent_tui.sip import headless

    domain, registrar, _mode = _sip_account(ctx)
    result = headless.run_headless(headless.HeadlessOptions(
        ca_file=str(ctx.ca_file), user=str(ctx.user), domain=domain, registrar=registrar,
        password=ctx.password, profile="low", dial=target, duration=ctx.opts.call_seconds))
    figures = {k: result.get(k) for k in ("result", "codec", "profile", "rtt_ms", "jitter_ms", "loss_pct",
                                          "mos", "tx_kbps", "rx_kbps", "degraded") if k in result}
    if result.get("result") != headless.COMPLETED:
        return Check("call", FAIL, f"test call to {target}: {result.get('message') or result.get('result')}",
                     "see the sip check; if it is ok, the test number may not answer", figures)
    c = Check("call", OK, f"test call to {target}: {figures.get('codec')}, RTT {figures.get('rtt_ms')} ms, "
                          f"jitter {figures.get('jitter_ms')} ms, loss {figures.get('loss_pct')} %, "
                          f"MOS {figures.get('mos')}", "", figures)
    if result.get("degraded"):
        c.status = WARN
        c.hint = "call quality degraded: " + "; ".join(result.get("quality_warnings") or [])
    return c


# --- output -------------------------------------------------------------------------------

_LABEL = {OK: " ok ", WARN: "warn", FAIL: "FAIL", SKIP: "skip"}


def format_check(c: Check) -> str:
    """One check as text: ``[ ok ] name  summary`` and, when useful, a ``fix:`` line."""
    line = f"[{_LABEL.get(c.status, c.status)}] {c.name:<10} {c.summary}"
    if c.hint and c.status in (WARN, FAIL, SKIP):
        line += f"\n{'':18}fix: {c.hint}"
    return line


def format_report(report: Report) -> str:
    """The whole report as text (what support reads on the phone with the agent)."""
    t = report.target
    head = f"agent-tui doctor {report.version} — {t.get('user') or '?'} at {t.get('server') or '?'}"
    counts = report.to_dict()["counts"]
    tail = (f"{'all checks passed' if report.ok else 'PROBLEMS FOUND'}: {counts[OK]} ok, {counts[WARN]} warnings, "
            f"{counts[FAIL]} failed, {counts[SKIP]} skipped ({report.duration_ms / 1000:.1f} s)")
    return "\n".join([head, *(format_check(c) for c in report.checks), tail])


# --- command line ---------------------------------------------------------------------------


def options_from_args(args: argparse.Namespace) -> Options:
    """Options from the parsed command line (reads the password from stdin if asked)."""
    password = None
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        password = line.rstrip("\r\n") or None
    return Options(
        config=Path(args.config) if getattr(args, "config", None) else None,
        server=args.server,
        ca_file=Path(args.ca).expanduser() if args.ca else None,
        user=args.user,
        password=password,
        connect_timeout=args.connect_timeout,
        pings=args.pings,
        idle_window=args.idle_window,
        sip=not args.no_sip,
        sip_registrar=args.sip_registrar,
        sip_domain=args.sip_domain,
        sip_log=args.sip_log,
        audio=not args.no_audio,
        call_test=args.call_test,
    )


def _cmd(args: argparse.Namespace) -> int:
    opts = options_from_args(args)
    stream = not args.json

    def show(check: Check) -> None:
        if stream:
            sys.stdout.write(format_check(check) + "\n")
            sys.stdout.flush()

    if stream:
        sys.stdout.write(f"agent-tui doctor {__version__}: checking ...\n")
        sys.stdout.flush()
    report = asyncio.run(run_doctor(opts, on_check=show))
    if args.json:
        from agent_tui.core.ctl import dumps

        sys.stdout.write(dumps(report.to_dict()) + "\n")
    else:
        sys.stdout.write(format_report(report).splitlines()[-1] + "\n")
    if args.bundle:
        from agent_tui.core import bundle

        try:
            path = bundle.write_bundle(Path(args.bundle), report, opts, extra_logs=args.log or [])
        except OSError as exc:
            sys.stderr.write(f"agent-tui: cannot write the bundle {args.bundle}: {exc}\n")
            return 1
        sys.stderr.write(f"support bundle written: {path} (secrets removed; check it before sending)\n")
    sys.stdout.flush()
    return report.exit_code


def register(subparsers: Any) -> None:
    """Add ``doctor`` to the ``agent-tui`` command."""
    p = subparsers.add_parser(
        "doctor",
        help="health check for support: config, keyring, network, TLS, login, latency, SIP, audio",
        description="Check, in order, everything the desk needs: the config file, the OS keyring, DNS and "
                    "TCP to the center, TLS against the CA file, the login, round-trip time and jitter, "
                    "idle traffic, the softphone's SIP registration and the audio devices. Each check says "
                    "ok/warn/fail with a fix. Server, CA and user default to the config and the stored "
                    "login (as for `ctl`).",
        epilog="exit codes: 0 no check failed (warnings allowed); 1 a check failed. "
               "--bundle FILE.zip also writes a support bundle without secrets.",
    )
    g = p.add_argument_group("connection (default: the config and the stored login)")
    g.add_argument("--server", metavar="wss://HOST:PORT")
    g.add_argument("--ca", metavar="FILE")
    g.add_argument("--user", metavar="NAME")
    g.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input instead of the keyring")
    g.add_argument("--connect-timeout", type=float, default=10.0, metavar="S")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--pings", type=int, default=5, metavar="N", help="pings for the RTT figures (default 5)")
    p.add_argument("--idle-window", type=float, default=5.0, metavar="S",
                   help="seconds to measure idle traffic (default 5)")
    p.add_argument("--no-sip", action="store_true", help="skip the softphone check (does not load pjsua2)")
    p.add_argument("--no-audio", action="store_true", help="skip the audio device check")
    p.add_argument("--sip-registrar", metavar="URI",
                   help="SIP registrar to test (default: what the center announces)")
    p.add_argument("--sip-domain", metavar="HOST", help="SIP domain (default: the center's)")
    p.add_argument("--sip-log", metavar="FILE", help="write the pjsua log of the SIP check to FILE")
    p.add_argument("--call-test", nargs="?", const="", default=None, metavar="TARGET",
                   help="make a short test call to an echo/test number (default: the center's, if any)")
    p.add_argument("--bundle", metavar="FILE.zip", help="also write a support bundle (report, versions, "
                                                        "redacted config, recent logs without secrets)")
    p.add_argument("--log", action="append", metavar="FILE", help="add this log file to the bundle (repeatable)")
    p.set_defaults(func=_cmd)
