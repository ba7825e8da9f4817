"""The pjsua2 owner thread: one Endpoint per process, driven from exactly one Python thread.

pjsua2 from Python is only safe when every library call, every callback and every destructor of
a pjsua2 object happens on one thread. :class:`SipEngine` owns that thread:

* ``start()`` creates the Endpoint on the owner thread (``threadCnt=0``, ``mainThreadOnly=True``),
  opens the TLS transport, selects the null sound device and starts the library;
* the owner loop calls ``libHandleEvents`` and between calls drains a command queue
  (``submit(fn)`` runs ``fn(engine)`` there and returns a ``concurrent.futures.Future``),
  runs periodic timers and drops pjsua2 objects that were retired during a callback;
* events are plain dataclasses (``events.py``) handed to ``on_event`` on the owner thread —
  the listener must not block (the desk wraps them in ``post_message``);
* ``stop()`` hangs up every call, shuts accounts down, drops every pjsua2 object and calls
  ``libDestroy`` — all on the owner thread — then joins it.

Other pjsua2 users in the project (the center's voice engine) build on this class: pass
``EngineConfig(cert_file=..., key_file=...)`` to listen for TLS with a server certificate, and
use :mod:`agent_tui.sip.account` / :mod:`agent_tui.sip.call` (subclass ``SipCall`` to route media).
"""

from __future__ import annotations

import atexit
import concurrent.futures
import ctypes
import gc
import logging
import queue
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from agent_tui.sip import events as ev

T = TypeVar("T")
EventSink = Callable[[object], None]

log = logging.getLogger(__name__)

# pjsua2 allows one Endpoint per process; a second one would abort inside pjlib.
_INSTANCE_LOCK = threading.Lock()
_INSTANCE_ACTIVE = False


class SipError(Exception):
    """The SIP library could not start or a command failed; the message is for a human."""


@dataclass
class EngineConfig:
    """How to start the library. Only ``ca_file`` is required.

    ``cert_file``/``key_file`` give the TLS listener an identity (the center's voice engine);
    a softphone leaves them empty and only connects out. Server verification is always on:
    pjsua2 checks the peer against ``ca_file`` and refuses it otherwise.
    """

    ca_file: str | Path
    cert_file: str | Path | None = None
    key_file: str | Path | None = None
    tls_port: int = 0  # 0: an ephemeral port
    bind_address: str = ""  # "" = all interfaces; tests use 127.0.0.1
    public_address: str = ""  # address to put in Contact/Via, if not the bound one
    verify_client: bool = False
    user_agent: str = "agent-tui"
    max_calls: int = 8
    clock_rate: int = 16000  # conference bridge rate: 16 kHz so G.722 stays wideband
    rtp_port: int = 0  # first RTP port; 0 lets pjsua pick
    profile: str = "normal"  # codec profile applied at start (profiles.py)
    log_level: int = 0  # pjsua log level 0-6 (0: silent); goes to log_file only, never stdout
    log_file: str | Path | None = None
    log_sip_messages: bool = False  # debugging only: writes SRTP keys into the log file
    poll_ms: int = 20  # libHandleEvents slice: bounds command latency (idle CPU ~0.7 % at 20 ms)
    keepalive_s: int = 25  # TCP keep-alive on the TLS connection: home NATs drop idle flows
    rx_drop_pct: int = 0  # pjmedia's own loss simulator (diagnostics, tests): drop N% received RTP


def describe(exc: BaseException) -> str:
    """One line for a human: pjsua2's ``Error`` carries its words in ``reason``/``info()``."""
    reason = getattr(exc, "reason", None)
    if reason:
        title = getattr(exc, "title", "")
        return f"{reason} ({title})" if title else str(reason)
    info = getattr(exc, "info", None)
    if callable(info):
        try:
            return " ".join(str(info()).split())
        except Exception:  # noqa: BLE001, S110 - fall back to str()
            pass
    return str(exc) or exc.__class__.__name__


def _silence_pjlib_console() -> None:
    """Stop pjlib printing to stdout before libInit applies our LogConfig.

    ``libCreate`` logs a few lines at the default level 5 to stdout, which would scribble over
    the desk's terminal UI and break ``ctl phone``'s JSON output. The wheel exports
    ``pj_log_set_level``; if a future build does not, we only lose this nicety.
    """
    try:
        import pjsua2

        lib = ctypes.CDLL(pjsua2._pjsua2.__file__)  # type: ignore[attr-defined]
        lib.pj_log_set_level(ctypes.c_int(0))
    except (OSError, AttributeError):  # pragma: no cover - depends on the wheel's build
        log.debug("pj_log_set_level not available; pjlib may print at startup")


def _tcp_keepalive(pj: Any, tls: Any, idle_s: int) -> None:
    """Ask the kernel to probe the TLS connection after ``idle_s`` quiet seconds.

    pjsip's own CRLF keep-alive on TLS is compiled in at 90 s, too slow for some home routers;
    TCP keep-alives are cheap (a 40-byte probe) and keep the registrar's path to us open.
    """
    import socket

    opts = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    for name, value in (("TCP_KEEPIDLE", idle_s), ("TCP_KEEPINTVL", 10), ("TCP_KEEPCNT", 3)):
        if hasattr(socket, name):
            opts.append((socket.IPPROTO_TCP, getattr(socket, name), value))
    for level, opt_name, value in opts:
        opt = pj.SockOpt()
        opt.level = level
        opt.optName = opt_name
        opt.setOptValInt(value)
        tls.sockOptParams.sockOpts.append(opt)
    tls.sockOptIgnoreError = True  # a platform without one of these still gets a phone


def _make_endpoint(pj: Any, engine: SipEngine) -> Any:
    """An Endpoint whose transport callback turns TLS failures into words."""

    class _Endpoint(pj.Endpoint):  # type: ignore[misc, name-defined]
        def onTransportState(self, prm: Any) -> None:
            if prm.type not in ("TLS", "tls") and "TLS" not in str(prm.type).upper():
                return
            if prm.state == pj.PJSIP_TP_STATE_CONNECTED:
                engine._tls_up += 1
                engine.last_tls_failure = ""  # a trusted connection works now
                return
            if prm.state != pj.PJSIP_TP_STATE_DISCONNECTED:
                return
            info = prm.tlsInfo
            if not info.verifyStatus and engine._tls_up > 0:
                # An established connection closed (peer hung up, link lost): not a TLS fault.
                engine._tls_up -= 1
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
                    f" — it is not signed by the CA in {engine.config.ca_file}; check ca_file"
                )
            else:
                msg = f"TLS handshake with {remote} failed: {self.utilStrError(prm.lastError)}"
            engine.tls_failure(remote, msg)

    return _Endpoint()


def _stop_at_exit(ref: weakref.ref[SipEngine]) -> None:
    engine = ref()
    if engine is not None and engine._thread is not None:
        try:
            engine.stop(10.0)
        except SipError:
            log.exception("SIP engine did not stop at exit")


class _Timer:
    __slots__ = ("due", "fn", "interval")

    def __init__(self, interval: float, fn: Callable[[], None]) -> None:
        self.interval = interval
        self.due = time.monotonic() + interval
        self.fn = fn


class SipEngine:
    """Owns the pjsua2 Endpoint and the one thread allowed to touch it."""

    def __init__(self, config: EngineConfig, on_event: EventSink | None = None) -> None:
        self.config = config
        self._on_event = on_event
        self._commands: queue.SimpleQueue[
            tuple[Callable[..., Any], tuple, dict, concurrent.futures.Future]
        ] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        self._stopping = False
        self._stop_reason = ""
        self._timers: list[_Timer] = []
        self._retired: list[object] = []
        self._owned: list[object] = []
        self._shutdown_hooks: list[Callable[[], None]] = []
        self._next_call = 0
        # Owner-thread state (read elsewhere only after the thread has ended).
        self.ep: Any = None
        self.pj: Any = None
        self.transport_id: int = -1
        self.sip_port: int = 0
        self.calls: dict[str, Any] = {}  # call key -> SipCall, alive until DISCONNECTED
        self.accounts: dict[str, Any] = {}
        self.last_tls_failure = ""
        self._tls_up = 0  # TLS connections that completed the handshake and are still open
        # call_factory(account, pj_call_id, direction) -> SipCall; replace to use a subclass.
        self.call_factory: Callable[[Any, int, str], Any] = self._default_call_factory
        # router.update(call) wires call.audio (see call.py); None leaves media unconnected.
        self.router: Any = None

    # ------------------------------------------------------------------ any thread
    def start(self, timeout: float = 15.0) -> None:
        """Start the owner thread and wait until the library runs; raises :class:`SipError`."""
        global _INSTANCE_ACTIVE
        with _INSTANCE_LOCK:
            if _INSTANCE_ACTIVE:
                raise SipError("a SIP engine already runs in this process (pjsua2 allows one)")
            _INSTANCE_ACTIVE = True
        self._thread = threading.Thread(target=self._main, name="pjsua2-owner", daemon=True)
        self._thread.start()
        # Safety net: a program that forgets stop() must still tear pjsua2 down on the owner
        # thread before interpreter teardown, or GC destroys pj objects on the main thread and
        # pjlib asserts ("unknown/external thread").
        atexit.register(_stop_at_exit, weakref.ref(self))
        if not self._ready.wait(timeout):
            raise SipError(f"SIP library did not start within {timeout:.0f} s")
        if self._start_error is not None:
            self._thread.join(timeout)
            self._thread = None
            with _INSTANCE_LOCK:
                _INSTANCE_ACTIVE = False
            if isinstance(self._start_error, SipError):
                raise self._start_error
            raise SipError(
                f"SIP library failed to start: {describe(self._start_error)}"
            ) from self._start_error

    def submit(
        self, fn: Callable[..., T], *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[T]:
        """Run ``fn(*args, **kwargs)`` on the owner thread; the future holds its result."""
        fut: concurrent.futures.Future[T] = concurrent.futures.Future()
        if self._stopping or self._thread is None or not self._thread.is_alive():
            fut.set_exception(SipError("the SIP engine is not running"))
            return fut
        if threading.current_thread() is self._thread:
            # Already on the owner thread (called from a callback): run now, no deadlock.
            self._run_command(fn, args, kwargs, fut)
            return fut
        self._commands.put((fn, args, kwargs, fut))
        return fut

    def call(self, fn: Callable[..., T], *args: Any, timeout: float = 10.0, **kwargs: Any) -> T:
        """Blocking :meth:`submit` for scripts and tests (never from the owner thread's callers)."""
        return self.submit(fn, *args, **kwargs).result(timeout)

    def stop(self, timeout: float = 15.0) -> None:
        """Hang up, unregister and destroy the library on the owner thread; idempotent."""
        global _INSTANCE_ACTIVE
        thread = self._thread
        if thread is None:
            return
        if threading.current_thread() is thread:
            raise SipError("stop() must not be called from the owner thread")
        self._stopping = True
        thread.join(timeout)
        if thread.is_alive():
            raise SipError(f"SIP engine did not stop within {timeout:.0f} s")
        self._thread = None
        # A command queued while the loop was finishing would otherwise wait forever.
        while True:
            try:
                _fn, _a, _k, fut = self._commands.get_nowait()
            except queue.Empty:
                break
            if fut.set_running_or_notify_cancel():
                fut.set_exception(SipError("the SIP engine is not running"))
        with _INSTANCE_LOCK:
            _INSTANCE_ACTIVE = False

    @property
    def running(self) -> bool:
        """True between a successful start() and stop()."""
        return self._ready.is_set() and self._start_error is None and not self._stopping

    # ------------------------------------------------------------------ owner thread only
    def emit(self, event: object) -> None:
        """Hand an event to the listener; a failing listener must not kill the owner thread."""
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:
            log.exception("SIP event listener failed on %r", event)

    def every(self, interval: float, fn: Callable[[], None]) -> None:
        """Run ``fn`` every ``interval`` seconds on the owner thread."""
        self._timers.append(_Timer(interval, fn))

    def retire(self, obj: object) -> None:
        """Drop our reference to a pjsua2 object after the current callback has returned.

        Destroying a ``Call`` inside its own ``onCallState`` crashes pjsua2; deferring to the
        loop keeps destruction on this thread but outside the callback.
        """
        self._retired.append(obj)

    def own(self, obj: T) -> T:
        """Keep a pjsua2 object (port, player, recorder) alive until shutdown, then drop it first."""
        self._owned.append(obj)
        return obj

    def disown(self, obj: object) -> None:
        """Stop keeping ``obj``; it is dropped after the current callback."""
        if obj in self._owned:
            self._owned.remove(obj)
            self.retire(obj)

    def on_shutdown(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` on the owner thread at the start of shutdown (before hang-up)."""
        self._shutdown_hooks.append(hook)

    def _default_call_factory(self, account: Any, pj_call_id: int, direction: str) -> Any:
        from agent_tui.sip.call import SipCall

        return SipCall(self, account, pj_call_id, direction)

    def new_call_key(self) -> str:
        """A call key that is never reused in this process (pjsua's ids are)."""
        self._next_call += 1
        return f"c{self._next_call}"

    # ------------------------------------------------------------------ internals
    def _main(self) -> None:
        try:
            self._boot()
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            self._start_error = exc
            self._destroy()
            self._ready.set()
            return
        self._ready.set()
        self.emit(ev.EngineStarted(sip_port=self.sip_port, user_agent=self.config.user_agent))
        try:
            self._loop()
        except BaseException:
            log.exception("SIP owner loop failed")
            self._stop_reason = "owner loop failed"
        finally:
            self._shutdown()
            self.emit(ev.EngineStopped(reason=self._stop_reason or "stopped"))

    def _boot(self) -> None:
        import pjsua2 as pj

        from agent_tui.sip import profiles

        self.pj = pj
        cfg = self.config
        for label, path in (
            ("CA file", cfg.ca_file),
            ("certificate", cfg.cert_file),
            ("key", cfg.key_file),
        ):
            if path is not None and not Path(path).is_file():
                raise SipError(f"{label} {path} does not exist")
        _silence_pjlib_console()
        ep = _make_endpoint(pj, self)
        self.ep = ep
        ep.libCreate()

        ep_cfg = pj.EpConfig()
        ua = ep_cfg.uaConfig
        ua.threadCnt = 0  # no pjsua worker threads: SIP events run in our libHandleEvents
        ua.mainThreadOnly = True  # callbacks from media threads are queued to this thread
        ua.maxCalls = cfg.max_calls
        ua.userAgent = cfg.user_agent
        lc = ep_cfg.logConfig
        lc.consoleLevel = 0  # never stdout: it belongs to the TUI or to ctl's JSON
        lc.level = cfg.log_level if cfg.log_file else 0
        # Whole SIP messages carry the SDES keys (a=crypto) and digest responses: never logged
        # unless asked for explicitly, so a support log bundle holds no secrets.
        lc.msgLogging = bool(cfg.log_sip_messages)
        if cfg.log_file:
            lc.filename = str(cfg.log_file)
        mc = ep_cfg.medConfig
        mc.clockRate = cfg.clock_rate
        mc.sndClockRate = cfg.clock_rate
        mc.noVad = False  # VAD saves bandwidth on the low profile
        mc.ecTailLen = 0  # headset: no acoustic echo worth the CPU
        mc.rxDropPct = max(0, min(100, cfg.rx_drop_pct))
        ep.libInit(ep_cfg)

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
        tls.method = pj.PJSIP_SSLV23_METHOD  # best both sides speak; this OpenSSL tops out at 1.2
        tls.msecTimeout = 8000
        _tcp_keepalive(pj, tls, cfg.keepalive_s)
        self.transport_id = ep.transportCreate(pj.PJSIP_TRANSPORT_TLS, tcfg)
        info = ep.transportGetInfo(self.transport_id)
        self.sip_port = int(info.localName.rsplit(":", 1)[1]) if ":" in info.localName else 0

        # No built-in Linux sound device in this build; audio goes through our own ports.
        ep.audDevManager().setNullDev()
        profiles.apply_codec_profile(ep, cfg.profile)
        ep.libStart()

    def tls_failure(self, remote: str, message: str) -> None:
        """Remember and report a TLS failure so registration/call errors can name the cause."""
        self.last_tls_failure = message
        self.emit(ev.TlsFailure(remote=remote, message=message))

    def _loop(self) -> None:
        ep = self.ep
        poll = self.config.poll_ms
        while not self._stopping:
            ep.libHandleEvents(poll)
            self._drain_commands()
            self._run_timers()
            if self._retired:
                self._retired.clear()

    def _drain_commands(self) -> None:
        while True:
            try:
                fn, args, kwargs, fut = self._commands.get_nowait()
            except queue.Empty:
                return
            self._run_command(fn, args, kwargs, fut)

    @staticmethod
    def _run_command(
        fn: Callable[..., Any], args: tuple, kwargs: dict, fut: concurrent.futures.Future
    ) -> None:
        if not fut.set_running_or_notify_cancel():
            return
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            fut.set_exception(exc)

    def _run_timers(self) -> None:
        now = time.monotonic()
        for timer in self._timers:
            if now >= timer.due:
                timer.due = now + timer.interval
                try:
                    timer.fn()
                except Exception:
                    log.exception("SIP timer failed")

    def _shutdown(self) -> None:
        """Orderly teardown on the owner thread; tolerant of a half-started library."""
        ep = self.ep
        for hook in self._shutdown_hooks:
            try:
                hook()
            except Exception:
                log.exception("SIP shutdown hook failed")
        # Fail queued commands instead of leaving callers waiting forever.
        while True:
            try:
                _fn, _a, _k, fut = self._commands.get_nowait()
            except queue.Empty:
                break
            if fut.set_running_or_notify_cancel():
                fut.set_exception(SipError("the SIP engine stopped"))
        if ep is not None and self.calls:
            try:
                ep.hangupAllCalls()
            except Exception:
                log.exception("hangupAllCalls failed")
            deadline = time.monotonic() + 3.0
            while self.calls and time.monotonic() < deadline:
                ep.libHandleEvents(20)
        self._timers.clear()
        for acc in list(self.accounts.values()):
            try:
                acc.shutdown()
            except Exception:
                log.exception("account shutdown failed")
        if ep is not None and any(
            a.spec.registrar for a in self.accounts.values() if hasattr(a, "spec")
        ):
            # Give the un-REGISTER a moment to leave (bounded: the registrar may be gone).
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:
                ep.libHandleEvents(20)
        self._destroy()

    def _destroy(self) -> None:
        # Order matters: calls, accounts and media ports must die before the Endpoint, and all
        # of them on this thread — otherwise Python's GC runs their C++ destructors later,
        # on whatever thread, after libDestroy, and pjlib asserts.
        self.calls.clear()
        self.accounts.clear()
        self.router = None  # routers hold players/ports: drop them here, not at interpreter exit
        self.call_factory = self._default_call_factory
        self._owned.clear()
        self._retired.clear()
        gc.collect()
        if self.ep is not None:
            try:
                self.ep.libDestroy()
            except Exception:
                log.exception("libDestroy failed")
            self.ep = None
        gc.collect()
