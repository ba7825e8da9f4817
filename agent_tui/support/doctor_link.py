"""Doctor checks along the link to the center: config, keyring, DNS/TCP, TLS, login,
round-trip time and idle traffic. Each takes the :class:`Context` and returns a
:class:`Check`; the order and the skipping live in :mod:`agent_tui.support.doctor`."""

from __future__ import annotations

import asyncio
import itertools
import socket
import ssl
import statistics
import struct
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import keyring

from agent_tui.core import credentials
from agent_tui.core.client import (
    AuthError,
    CenterClient,
    TrustError,
    UnreachableError,
    describe_connect_error,
)
from agent_tui.core.config import ConfigError, default_config_path, load_config
from agent_tui.secure.tls import client_ssl_context
from agent_tui.support.doctor_types import (
    CERT_WARN_DAYS,
    FAIL,
    IDLE_PING_INTERVAL,
    IDLE_WARN_BPS,
    JITTER_WARN_MS,
    OK,
    RTT_WARN_MS,
    SKIP,
    WARN,
    Check,
    Context,
)
from agent_tui.support.doctor_types import ms as _ms

# --- config and keyring ------------------------------------------------------------------


def check_config(ctx: Context) -> Check:
    """The client config parses; fills server/CA/user from it (command line wins)."""
    opts = ctx.opts
    path = opts.config
    c = Check("config")
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        c.status = FAIL
        c.summary = str(exc)
        c.hint = (
            "fix that line (see config.example.yaml for every field), or run `agent-tui login` "
            "to write server, ca_file and user afresh"
        )
        if exc.problem == "file not found":
            c.hint = "give the right --config PATH, or run `agent-tui login` to create the file"
        c.figures = {
            "file": str(exc.path) if exc.path else None,
            "line": exc.line,
            "field": exc.field or None,
        }
        return c
    ctx.cfg = cfg
    ctx.softphone_cfg = cfg.softphone
    ctx.server = ctx.server or cfg.server
    ctx.ca_file = ctx.ca_file or cfg.ca_file
    ctx.user = ctx.user or cfg.user
    where = str(cfg.path) if cfg.path else f"{path or default_config_path()} (not there: defaults)"
    c.figures = {
        "file": str(cfg.path) if cfg.path else None,
        "server": cfg.server,
        "ca_file": str(cfg.ca_file) if cfg.ca_file else None,
        "user": cfg.user,
        "language": cfg.language,
        "softphone_profile": cfg.softphone.profile,
    }
    missing = [
        n
        for n, v in (("server", ctx.server), ("ca_file", ctx.ca_file), ("user", ctx.user))
        if not v
    ]
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


def check_keyring(ctx: Context) -> Check:
    """A Secret Service is usable and holds a login for this user (never shown)."""
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
        kr = keyring.get_keyring()
        inner = getattr(kr, "backends", None)
        if inner:
            kr = inner[0]
        return type(kr).__module__.rsplit(".", 1)[-1] + "." + type(kr).__name__
    except Exception:  # noqa: BLE001 - a name for the report only
        return "unknown"


# --- network and TLS -------------------------------------------------------------------------


async def check_network(ctx: Context) -> Check:
    """DNS lookup and a plain TCP connect to the center's port, each timed."""
    c = Check("network")
    assert ctx.server
    parts = urlsplit(ctx.server)
    if parts.scheme != "wss" or not parts.hostname:
        return Check(
            "network",
            FAIL,
            f"server {ctx.server!r} is not a wss://HOST:PORT address",
            "set server: wss://HOST:PORT in the config (TLS is always on)",
        )
    ctx.host, ctx.port = parts.hostname, parts.port or 443
    c.figures.update(host=ctx.host, port=ctx.port)
    loop = asyncio.get_running_loop()
    t = time.monotonic()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(ctx.host, ctx.port, type=socket.SOCK_STREAM), ctx.opts.connect_timeout
        )
    except (socket.gaierror, asyncio.TimeoutError) as exc:
        c.status = FAIL
        c.summary = f"cannot resolve {ctx.host}: {getattr(exc, 'strerror', None) or 'timed out'}"
        c.hint = "check the host name in the config, the DNS settings, or whether the VPN is up"
        return c
    c.figures["dns_ms"] = _ms(time.monotonic() - t)
    c.figures["addresses"] = sorted({info[4][0] for info in infos})
    t = time.monotonic()
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(ctx.host, ctx.port), ctx.opts.connect_timeout
        )
    except asyncio.TimeoutError:
        c.status = FAIL
        c.summary = f"no answer from {ctx.host}:{ctx.port} within {ctx.opts.connect_timeout:g} s"
        c.hint = (
            "a firewall or the home router drops the connection; try another network, or ask IT"
        )
        return c
    except OSError as exc:
        c.status = FAIL
        c.summary = f"cannot connect to {ctx.host}:{ctx.port}: {describe_connect_error(exc)}"
        c.hint = (
            "check the port in the config and that the center runs; a firewall may block it"
            if isinstance(exc, ConnectionRefusedError)
            else "check the network connection (cable, Wi-Fi, VPN)"
        )
        return c
    c.figures["connect_ms"] = _ms(time.monotonic() - t)
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass
    c.status = OK
    c.summary = (
        f"{ctx.host} resolves ({c.figures['dns_ms']} ms); TCP connect to port {ctx.port} "
        f"in {c.figures['connect_ms']} ms"
    )
    return c


async def check_tls(ctx: Context) -> Check:
    """A verified TLS handshake: certificate subject, expiry, protocol version."""
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
            ctx.opts.connect_timeout,
        )
    except ssl.SSLCertVerificationError as exc:
        c.status = FAIL
        reason = getattr(exc, "verify_message", None) or str(exc)
        c.figures["verify_message"] = reason
        # What the server presented is not read: that would need a handshake without
        # verification, and TLS verification stays on everywhere in the product.
        if getattr(exc, "verify_code", None) == 62 or "hostname" in reason.lower():
            c.summary = f"the certificate of {ctx.host}:{ctx.port} does not name {ctx.host} ({reason})"
            c.hint = "use the server address (host name) that the center's certificate was made for"
        else:
            c.summary = (
                f"the certificate of {ctx.host}:{ctx.port} is not signed by the CA in {ctx.ca_file} "
                f"({reason}); your CA file is {ca_info.get('subject')}"
            )
            c.hint = (
                "get the center's current tls/ca.pem and point ca_file at it; if the CA is right, "
                "someone may be intercepting the connection (a proxy or captive portal)"
            )
        return c
    except ssl.SSLError as exc:
        c.status = FAIL
        c.summary = f"TLS handshake with {ctx.host}:{ctx.port} failed: {exc.reason or exc}"
        c.hint = (
            "the port may not be the center's TLS port (check the port in the server address), "
            "or a proxy interferes"
        )
        return c
    except (OSError, asyncio.TimeoutError) as exc:
        c.status = FAIL
        c.summary = (
            f"TLS handshake with {ctx.host}:{ctx.port} did not complete: {exc or 'timed out'}"
        )
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
    c.figures.update(
        handshake_ms=handshake_ms, tls_version=version, cipher=cipher, certificate=cert
    )
    days = cert.get("days_left")
    c.status = OK
    c.summary = (
        f"certificate {cert.get('subject')} verified against the CA, {days} days left, "
        f"{version}, handshake {handshake_ms} ms"
    )
    ca_days = ca_info.get("days_left")
    if isinstance(days, int) and days < CERT_WARN_DAYS:
        c.status = WARN
        c.hint = (
            f"the center's certificate expires in {days} days: ask the center's admin to renew it"
        )
    elif isinstance(ca_days, int) and ca_days < CERT_WARN_DAYS:
        c.status = WARN
        c.hint = f"the CA certificate expires in {ca_days} days: a new ca.pem will be needed"
    return c


def _cert_summary(der: bytes) -> dict[str, Any]:
    # deferred: secure.pki loads cryptography (~40 ms); every `agent-tui` start builds this parser
    from agent_tui.secure import pki

    return pki.certificate_summary(der)


def _ca_summary(path: Path) -> dict[str, Any]:
    # deferred: as above
    from agent_tui.secure import pki

    return pki.ca_file_summary(path)


# --- login, latency, bandwidth -------------------------------------------------------------


async def check_login(ctx: Context) -> Check:
    """A real websocket login with the stored token or password; the client stays open."""
    c = Check("login")
    assert ctx.server and ctx.ca_file and ctx.user
    if ctx.password is None and ctx.token is None:
        return Check(
            "login",
            SKIP,
            "no password or token to log in with",
            "run `agent-tui login`, or pass --password-stdin",
        )
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

    client = CenterClient(
        ctx.server,
        ctx.ca_file,
        ctx.user,
        password=ctx.password,
        token=ctx.token,
        on_status=on_status,
        on_token=on_token,
        client_name="agent-tui doctor",
        ping_interval=ctx.opts.ping_interval,
    )
    t = time.monotonic()
    await client.start()
    try:
        welcome = await client.wait_online(ctx.opts.connect_timeout)
    except AuthError as exc:
        await client.close()
        c.status = FAIL
        c.summary = f"the center refused the login: {exc}"
        c.hint = (
            "run `agent-tui login` to store the right password (the stored one is wrong or was "
            "changed); after 10 wrong tries a minute the center refuses for a while"
        )
        return c
    except TrustError as exc:
        await client.close()
        return Check("login", FAIL, f"untrusted center: {exc}", "see the tls check")
    except UnreachableError as exc:
        await client.close()
        return Check(
            "login",
            FAIL,
            f"no login: {exc}",
            "the port answers but the login does not complete: is it the center's port?",
        )
    login_ms = _ms(time.monotonic() - t)
    ctx.client = client
    ctx.welcome = welcome
    me = welcome.get("user")
    if not isinstance(me, dict):
        me = {}
    voice = welcome.get("voice")
    if not isinstance(voice, dict):
        voice = None
    c.figures = {
        "login_ms": login_ms,
        "protocol": welcome.get("v"),
        "role": me.get("role"),
        "grace_s": welcome.get("grace_s"),
        "via": "token" if ctx.token and client.token == ctx.token else "password",
        "voice": {k: v for k, v in (voice or {}).items() if k != "password"} or None,
    }
    c.status = OK
    c.summary = (
        f"logged in as {ctx.user}"
        + (f" ({me.get('role')})" if me.get("role") else "")
        + f" in {login_ms} ms"
    )
    return c


async def check_latency(ctx: Context) -> Check:
    """Several app-level pings: min/avg/max RTT and jitter (mean change between pings)."""
    client = ctx.client
    rtts = ctx.rtts
    pongs = ctx.pongs
    assert pongs is not None
    want = max(2, ctx.opts.pings)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ctx.opts.connect_timeout + want * ctx.opts.ping_interval * 2
    sock = _client_socket(client)
    first: tuple[int, tuple[int, int, float] | None] | None = None
    while len(rtts) < want:
        if first is None and rtts:
            first = (len(rtts), _tcp_counters(sock))  # wire bytes from here on are pings
        if len(rtts) == want - 1:
            # Back to the desk's interval now, so the idle window that follows is idle.
            client.ping_interval = IDLE_PING_INTERVAL
        pongs.clear()
        left = deadline - loop.time()
        if left <= 0:
            break
        try:
            await asyncio.wait_for(pongs.wait(), left)
        except asyncio.TimeoutError:
            break
    client.ping_interval = IDLE_PING_INTERVAL
    last = _tcp_counters(sock)
    if first is not None and first[1] is not None and last is not None and len(rtts) > first[0]:
        n = len(rtts) - first[0]
        ctx.ping_bytes = ((last[0] - first[1][0]) / n, (last[1] - first[1][1]) / n)
    samples = list(rtts[:want])
    c = Check("latency")
    if len(samples) < 2:
        c.status = FAIL
        c.summary = f"only {len(samples)} of {want} pings answered within the time limit"
        c.hint = (
            "the link loses packets or stalls; try a cable instead of Wi-Fi, or another network"
        )
        c.figures = {"samples": samples}
        return c
    jitter = statistics.fmean(abs(a - b) for a, b in itertools.pairwise(samples))
    c.figures = {
        "pings": len(samples),
        "min_ms": round(min(samples), 1),
        "avg_ms": round(statistics.fmean(samples), 1),
        "max_ms": round(max(samples), 1),
        "jitter_ms": round(jitter, 1),
        "samples_ms": [round(s, 1) for s in samples],
    }
    f = c.figures
    c.summary = (
        f"round trip min/avg/max {f['min_ms']}/{f['avg_ms']}/{f['max_ms']} ms, "
        f"jitter {f['jitter_ms']} ms ({len(samples)} pings)"
    )
    c.status = OK
    if f["avg_ms"] > RTT_WARN_MS or f["jitter_ms"] > JITTER_WARN_MS:
        c.status = WARN
        c.hint = (
            "a slow or unsteady link: calls will lag or break up; close downloads/streams, "
            "use a cable, or move closer to the Wi-Fi access point"
        )
    return c


# Offsets in Linux's struct tcp_info (include/uapi/linux/tcp.h): stable ABI, appended to only.
_TCPI_RTT = 68  # __u32 tcpi_rtt, microseconds
_TCPI_BYTES_ACKED = 120  # __u64 tcpi_bytes_acked (sent and acknowledged)
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


def _client_socket(client: Any) -> Any:
    """The TCP socket under the client's live websocket (read-only use, for its counters)."""
    ws = getattr(client, "_ws", None)  # private to CenterClient; None when not connected
    transport = getattr(ws, "transport", None)
    return transport.get_extra_info("socket") if transport is not None else None


async def check_bandwidth(ctx: Context) -> Check:
    """Bytes on the wire (TLS included) while the session is idle, per second each way.

    The kernel's TCP counters of the client's connection over ``idle_window`` seconds give
    what the agent's link really carries (events, acks). The keep-alive ping comes only
    every IDLE_PING_INTERVAL seconds, so its cost — measured per ping during the latency
    check — is added as its share per second rather than waited for.
    """
    c = Check("bandwidth")
    window = max(0.5, ctx.opts.idle_window)
    sock = _client_socket(ctx.client)
    first = _tcp_counters(sock)
    if first is None:
        return Check("bandwidth", SKIP, "idle traffic not measured (needs Linux TCP_INFO)")
    await asyncio.sleep(window)  # the measurement itself is the waiting, not synchronisation
    second = _tcp_counters(sock)
    if second is None:
        return Check(
            "bandwidth",
            WARN,
            "the connection closed during the idle measurement",
            "the link dropped; run the doctor again",
        )
    measured_up = (second[0] - first[0]) / window
    measured_down = (second[1] - first[1]) / window
    ping_up, ping_down = ctx.ping_bytes or (0.0, 0.0)
    up = measured_up + ping_up / IDLE_PING_INTERVAL
    down = measured_down + ping_down / IDLE_PING_INTERVAL
    c.figures = {
        "window_s": window,
        "measured_up_bytes_per_s": round(measured_up, 1),
        "measured_down_bytes_per_s": round(measured_down, 1),
        "ping_bytes_up": round(ping_up),
        "ping_bytes_down": round(ping_down),
        "ping_interval_s": IDLE_PING_INTERVAL,
        "up_bytes_per_s": round(up, 1),
        "down_bytes_per_s": round(down, 1),
        "kernel_rtt_ms": round(second[2], 2),
    }
    c.summary = (
        f"idle traffic about {up:.0f} B/s up, {down:.0f} B/s down, TLS included "
        f"({window:g} s measured, plus a {ping_up:.0f}/{ping_down:.0f} byte ping every "
        f"{IDLE_PING_INTERVAL:g} s)"
    )
    c.status = OK
    if max(up, down) > IDLE_WARN_BPS:
        c.status = WARN
        c.hint = (
            "more idle traffic than expected (a few hundred bytes per second at most): "
            "a busy team causes presence updates; otherwise report this with the bundle"
        )
    return c
