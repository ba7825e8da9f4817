"""Starting pjsua2 and configuring an account: the one place for TLS, codecs and SRTP.

Every pjsua2 process of the project (the softphone, the headless tester phone, the center's
voice engine, the simulated customer) starts the library through :func:`start_library` and
builds its accounts with :func:`account_config`, both called on the owner thread by
:class:`~agent_tui.sip.engine.SipEngine`:

* SIP runs over TLS only (no UDP/TCP SIP transport), pinned to TLS 1.2 (the wheel's OpenSSL
  1.0.2k has no 1.3), and the peer certificate is always verified against ``ca_file``;
* the TLS connection gets TCP keep-alives (home NATs drop idle flows);
* codecs follow a bandwidth profile (:mod:`agent_tui.sip.profiles`);
* SRTP (SDES) is mandatory, and its keys only travel in SDP over TLS.
"""

from __future__ import annotations

import ctypes
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pjsua2 as pj

from agent_tui.sip.config import AccountSpec, EngineConfig
from agent_tui.sip.profiles import apply_codec_profile

log = logging.getLogger(__name__)


class LibraryError(Exception):
    """The library cannot start with this configuration; the message is for a human."""


def quiet_pjlib() -> None:
    """Stop pjlib printing to stdout before libInit applies our LogConfig.

    ``libCreate`` logs a few lines at the default level 5 to stdout, which would scribble over
    the desk's terminal UI and break the JSON output of ``ctl phone`` and the center's
    processes. The wheel exports ``pj_log_set_level``; if a future build does not, we only
    lose this nicety.
    """
    try:
        lib = ctypes.CDLL(pj._pjsua2.__file__)  # type: ignore[attr-defined]
        lib.pj_log_set_level(ctypes.c_int(0))
    except (OSError, AttributeError):  # pragma: no cover - depends on the wheel's build
        log.debug("pj_log_set_level not available; pjlib may print at startup")


# pjmedia's G.722 scales 16-bit PCM to the codec's 14 bits by shifting (PJMEDIA_G722_DEFAULT_PCM_SHIFT,
# 2 in the wheel). Against other G.722 implementations (baresip, and the spec's 14-bit ↔ 16-bit
# mapping) that made the far end 6 dB quieter and us hear them 6 dB louder (clipping risk);
# between two pjsua2 phones it cancelled out. One bit less is level-correct both ways, measured
# against baresip within ±0.1 dB (docs/benchmarks.md, bench/g722_levels.py).
G722_PCM_SHIFT = 1
G722_PCM_SHIFT_ENV = "AGENT_TUI_BENCH_G722_SHIFT"  # bench/g722_levels.py only: measure the old shift


def g722_level_correct() -> None:
    """Set pjmedia's G.722 PCM shift (see :data:`G722_PCM_SHIFT`); after libInit, before calls."""
    shift = G722_PCM_SHIFT
    bench = os.environ.get(G722_PCM_SHIFT_ENV, "")
    if bench.isdigit() and int(bench) <= 4:
        shift = int(bench)
    try:
        lib = ctypes.CDLL(pj._pjsua2.__file__)  # type: ignore[attr-defined]
        lib.pjmedia_codec_g722_set_pcm_shift(ctypes.c_uint(shift))
    except (OSError, AttributeError):  # pragma: no cover - depends on the wheel's build
        log.warning("pjmedia_codec_g722_set_pcm_shift not available: G.722 levels may be off by 6 dB")
def sip_host(uri_or_host: str) -> str:
    """The host part of ``sip:user@host:port;params`` (or of a bare ``host:port``)."""
    rest = uri_or_host.strip()
    for scheme in ("sips:", "sip:"):
        if rest.lower().startswith(scheme):
            rest = rest[len(scheme):]
    rest = rest.split(";", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    if rest.startswith("["):
        return rest[1:rest.find("]")] if "]" in rest else ""
    return rest.rsplit(":", 1)[0] if rest.count(":") == 1 else rest


def source_address(server: str) -> str:
    """The local address the kernel would use to reach *server* (a host or a SIP URI).

    A softphone binds its TLS transport and its RTP to this address instead of 0.0.0.0: it
    needs only its connection to the registrar and its media ports, not a listener on every
    interface. '' when the server is unknown or unreachable (then pjsua picks, as before).
    No packet is sent: connecting a UDP socket only asks the routing table.
    """
    host = sip_host(server)
    if not host:
        return ""
    try:
        infos = socket.getaddrinfo(host, 5061, type=socket.SOCK_DGRAM)
    except OSError:
        return ""
    for family, _type, _proto, _name, addr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect(addr)
                return str(s.getsockname()[0])
        except OSError:
            continue
    return ""


def stop_accepting(port: int) -> bool:
    """Stop this process's TLS listener on *port* from taking connections; True when done.

    For a process that needs no incoming connections (the center's voice engine behind
    Kamailio, which reaches it over the engine's own registration connection). pjsua2 cannot
    create a TLS transport without a listener, and every accepted socket takes an ioqueue slot
    that is recycled only after 500 ms: a connection flood aborts the process in pjlib. Shutting
    down the read side of the listening socket makes the kernel refuse new connections (the
    process never sees them); pjsip's accept fails and it stops polling the listener. Outgoing
    connections are sockets of their own and keep working. Linux; elsewhere nothing happens.
    """
    done = False
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return False
    for name in fds:
        try:
            sock = socket.socket(fileno=os.dup(int(name)))
        except (OSError, ValueError):
            continue
        try:
            local = sock.getsockname()
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) and isinstance(local, tuple) \
                    and local[1] == port and sock.type == socket.SOCK_STREAM:
                sock.shutdown(socket.SHUT_RD)
                done = True
        except OSError:
            pass
        finally:
            sock.close()  # our duplicate only; the library keeps its own descriptor
    return done


def _tcp_keepalive(tls: Any, idle_s: int, keep: list[Any]) -> None:
    """Ask the kernel to probe the TLS connection after ``idle_s`` quiet seconds.

    pjsip's own CRLF keep-alive on TLS is compiled in at 90 s, too slow for some home routers;
    TCP keep-alives are cheap (a 40-byte probe) and keep the registrar's path to us open.

    Each ``SockOpt`` is appended to *keep*, which the caller holds until ``transportCreate`` has
    returned: ``setOptValInt`` points ``optVal`` at the SockOpt's own int, and the copy that
    ``append`` puts in the vector keeps pointing there (a shallow copy). Freed before the
    transport copies the values, pjsip read them from freed memory (valgrind: an invalid read
    in ``pj_sockopt_params_clone``), so the keep-alive settings were whatever lay there.
    """
    opts = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    # Probes repeat every min(idle, 10) s while the line stays quiet: a NAT that forgets an idle flow
    # after idle_s + a little must see one before then, not only the first.
    for name, value in (("TCP_KEEPIDLE", idle_s), ("TCP_KEEPINTVL", min(10, idle_s)), ("TCP_KEEPCNT", 3)):
        if hasattr(socket, name):
            opts.append((socket.IPPROTO_TCP, getattr(socket, name), value))
    for level, opt_name, value in opts:
        opt = pj.SockOpt()
        opt.level = level
        opt.optName = opt_name
        opt.setOptValInt(value)
        keep.append(opt)
        tls.sockOptParams.sockOpts.append(opt)
    tls.sockOptIgnoreError = True  # a platform without one of these still gets a phone


def tls_transport_config(cfg: EngineConfig, keep: list[Any]) -> Any:
    """The TransportConfig of the one SIP transport: TLS 1.2, peer verified against the CA.

    Hold *keep* (objects the config points into) until ``transportCreate`` has returned."""
    tcfg = pj.TransportConfig()
    tcfg.port = cfg.tls_port
    if cfg.bind_address:
        tcfg.boundAddress = cfg.bind_address
    if cfg.public_address:
        tcfg.publicAddress = cfg.public_address
    tls = tcfg.tlsConfig
    tls.CaListFile = str(cfg.ca_file)
    tls.verifyServer = True  # pjsua2 skips verification unless told: never allowed here
    tls.verifyClient = cfg.verify_client
    tls.requireClientCert = cfg.verify_client
    if cfg.cert_file:
        tls.certFile = str(cfg.cert_file)
    if cfg.key_file:
        tls.privKeyFile = str(cfg.key_file)
    tls.method = pj.PJSIP_TLSV1_2_METHOD  # the wheel's OpenSSL 1.0.2k tops out at 1.2
    tls.msecTimeout = 8000
    _tcp_keepalive(tls, cfg.keepalive_s, keep)
    return tcfg


def _endpoint_config(cfg: EngineConfig) -> Any:
    ep_cfg = pj.EpConfig()
    ua = ep_cfg.uaConfig
    ua.threadCnt = 0  # no pjsua worker threads: SIP events run in the owner's libHandleEvents
    ua.mainThreadOnly = True  # callbacks from media threads are queued to the owner thread
    ua.maxCalls = cfg.max_calls
    ua.userAgent = cfg.user_agent
    lc = ep_cfg.logConfig
    to_log = bool(cfg.log_file) or cfg.log_console
    lc.level = cfg.log_level if to_log else 0
    # The console is stdout: it belongs to the TUI or to JSON output unless the process
    # moved fd 1 to stderr (the center's processes).
    lc.consoleLevel = cfg.log_level if cfg.log_console else 0
    # Whole SIP messages carry the SDES keys (a=crypto) and digest responses: never logged
    # unless asked for explicitly, so a support log bundle holds no secrets.
    lc.msgLogging = bool(cfg.log_sip_messages)
    if cfg.log_file:
        lc.filename = str(cfg.log_file)
    mc = ep_cfg.medConfig
    mc.clockRate = cfg.clock_rate
    mc.sndClockRate = cfg.clock_rate
    mc.noVad = not cfg.vad
    mc.ecTailLen = 0  # a headset or a mixer: no acoustic echo worth the CPU
    mc.rxDropPct = max(0, min(100, cfg.rx_drop_pct))
    return ep_cfg


def check_files(cfg: EngineConfig) -> None:
    """Raise :class:`LibraryError` naming the CA, certificate or key file that does not exist."""
    for label, path in (
        ("CA file", cfg.ca_file),
        ("certificate", cfg.cert_file),
        ("key", cfg.key_file),
    ):
        if path is not None and not Path(path).is_file():
            raise LibraryError(f"{label} {path} does not exist")


def start_library(ep: Any, cfg: EngineConfig) -> tuple[int, int]:
    """Create, initialise and start the library on ``ep`` with one TLS transport.

    Returns (transport id, bound SIP port). Call on the owner thread after
    :func:`check_files`; raises ``pj.Error`` for what pjsua2 refuses.
    """
    quiet_pjlib()
    ep.libCreate()
    ep.libInit(_endpoint_config(cfg))
    if cfg.sip_relay:
        # Plain SIP only to our own relay (tls_relay.py): loopback, which it checks is this process.
        tcp = pj.TransportConfig()
        tcp.boundAddress = "127.0.0.1"
        transport_id = ep.transportCreate(pj.PJSIP_TRANSPORT_TCP, tcp)
    else:
        keep: list[Any] = []  # the socket options' values, read when the transport copies them
        transport_id = ep.transportCreate(pj.PJSIP_TRANSPORT_TLS, tls_transport_config(cfg, keep))
        del keep
    local = str(ep.transportGetInfo(transport_id).localName)
    sip_port = int(local.rsplit(":", 1)[1]) if ":" in local else 0
    # No sound card in this build: audio goes through our own ports, the null device clocks
    # the conference bridge.
    ep.audDevManager().setNullDev()
    apply_codec_profile(ep, cfg.profile, vad=cfg.vad)
    g722_level_correct()
    ep.libStart()
    return transport_id, sip_port


class WatchedEndpoint(pj.Endpoint):
    """The Endpoint, reporting TLS connections that come up and TLS failures in words."""

    def __init__(
        self,
        ca_file: str | Path,
        on_tls_up: Callable[[], None],
        on_tls_failure: Callable[[str, str], None],
    ) -> None:
        pj.Endpoint.__init__(self)
        self._ca_file = ca_file
        self._on_up = on_tls_up
        self._on_failure = on_tls_failure
        self._tls_up = 0  # TLS connections that completed the handshake and are still open
        # Told (code, reason, request) when pjsua answers an incoming INVITE itself, e.g. 486
        # when every call slot is taken: the account's onIncomingCall never runs for those.
        self.on_rejected_call: Callable[[int, str, str], None] | None = None

    def onRejectedIncomingCall(self, prm: Any) -> None:
        if self.on_rejected_call is None:
            return
        try:
            msg = str(prm.rdata.wholeMsg)
        except Exception:  # noqa: BLE001 - the request text is optional (it names the target)
            msg = ""
        self.on_rejected_call(int(prm.statusCode), str(prm.reason), msg)

    def onTransportState(self, prm: Any) -> None:
        if "TLS" not in str(prm.type).upper():
            return
        if prm.state == pj.PJSIP_TP_STATE_CONNECTED:
            self._tls_up += 1
            self._on_up()
            return
        if prm.state != pj.PJSIP_TP_STATE_DISCONNECTED:
            return
        info = prm.tlsInfo
        if not info.verifyStatus and self._tls_up > 0:
            # An established connection closed (peer hung up, link lost): not a TLS fault.
            self._tls_up -= 1
            return
        if not prm.lastError and not info.verifyStatus:
            return
        remote = getattr(info, "remoteAddr", "") or "the server"
        try:
            reasons = "; ".join(str(m) for m in info.verifyMsgs)
        except Exception:  # noqa: BLE001 - SWIG vector quirks: the reason is optional
            reasons = ""
        if info.verifyStatus:
            msg = (
                f"TLS certificate of {remote} is not trusted ({reasons or 'verification failed'})"
                f" — it is not signed by the CA in {self._ca_file}; check ca_file"
            )
        else:
            msg = f"TLS handshake with {remote} failed: {self.utilStrError(prm.lastError)}"
        self._on_failure(remote, msg)


def account_config(spec: AccountSpec, cfg: EngineConfig, transport_id: int) -> Any:
    """The pjsua2 AccountConfig for ``spec``: TLS transport, SRTP mandatory, retries."""
    acc = pj.AccountConfig()
    acc.idUri = f'"{spec.display_name}" <{spec.uri}>' if spec.display_name else spec.uri
    reg = acc.regConfig
    reg.registrarUri = spec.registrar
    reg.registerOnAdd = bool(spec.registrar)
    reg.timeoutSec = spec.expires_s
    reg.retryIntervalSec = spec.retry_s
    reg.firstRetryIntervalSec = min(spec.retry_s, spec.first_retry_s)
    reg.randomRetryIntervalSec = min(10, spec.retry_s // 3)
    reg.dropCallsOnFail = False  # a registrar hiccup must not cut a customer off
    reg.unregWaitMsec = 1000
    sip = acc.sipConfig
    sip.transportId = transport_id
    if spec.contact_params:
        sip.contactParams = spec.contact_params
    # The registrar doubles as the outbound proxy unless told otherwise: a call to
    # sip:agent2@<domain> must go through it (the domain alone may name no SIP server).
    proxy = spec.proxy or (f"{spec.registrar};lr" if spec.registrar else "")
    if proxy:
        sip.proxies.append(proxy)
    if spec.password is not None:
        data_type = pj.PJSIP_CRED_DATA_DIGEST if spec.password_is_ha1 else pj.PJSIP_CRED_DATA_PLAIN_PASSWD
        sip.authCreds.append(pj.AuthCredInfo("digest", "*", spec.user, data_type, spec.password))
    # Session timers (RFC 4028), short: a party that vanished without BYE is found within
    # minutes even when media says nothing. pjsip as UAC leaves the refresher to the UAS, which
    # picks the UAC: the center's engine, which places every agent leg, refreshes those; the
    # non-refresher ends the dialog with BYE when no refresh came in time.
    cc = acc.callConfig
    cc.timerUse = pj.PJSUA_SIP_TIMER_OPTIONAL
    cc.timerMinSESec = 90
    cc.timerSessExpiresSec = max(90, spec.session_expires_s)
    nat = acc.natConfig
    nat.udpKaIntervalSec = spec.keepalive_s
    nat.iceEnabled = False
    if not spec.nat_traversal:
        nat.contactRewriteUse = 0
        nat.viaRewriteUse = 0
        nat.sdpNatRewriteUse = 0
        nat.sipOutboundUse = 0
    med = acc.mediaConfig
    med.srtpUse = pj.PJMEDIA_SRTP_MANDATORY
    med.srtpSecureSignaling = 1  # SDES keys only over TLS (at least the first hop)
    if cfg.sip_relay:
        # The first hop is the in-process loopback leg to the relay, which carries it on in TLS 1.3:
        # the keys still leave the process only inside TLS.
        med.srtpSecureSignaling = 0
    med.streamKaEnabled = spec.nat_traversal  # keep the NAT pinhole open while VAD sends nothing
    tcfg = med.transportConfig
    tcfg.port = cfg.rtp_port
    if cfg.bind_address:
        tcfg.boundAddress = cfg.bind_address
    if cfg.public_address:
        tcfg.publicAddress = cfg.public_address
    return acc
