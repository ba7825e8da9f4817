"""The pjsua2 owner loop: one Endpoint per process, driven from exactly one Python thread.

pjsua2 from Python is only safe when every library call, every callback and every destructor of
a pjsua2 object happens on one thread. :class:`SipEngine` is that thread's loop, for every
pjsua2 process of the project:

* the library starts with ``threadCnt=0`` and ``mainThreadOnly=True``
  (:func:`agent_tui.sip.endpoint.start_library`: TLS, codecs, keep-alive in one place);
* the loop calls ``libHandleEvents`` and between calls drains a command queue
  (``submit(fn)`` runs ``fn(*args)`` there and returns a ``concurrent.futures.Future``),
  runs periodic timers and drops pjsua2 objects that were retired during a callback;
* events are plain dataclasses (``events.py``) handed to ``on_event`` on the owner thread —
  the listener must not block (the desk wraps them in ``post_message``);
* shutdown hangs up every call, shuts accounts down, drops every pjsua2 object and calls
  ``libDestroy``, all on the owner thread, so no garbage collection on another thread ever
  destroys a pjsua2 object.

Two ways to run it. A program with a UI (the softphone) calls ``start()``: the loop gets its own
thread, and ``stop()`` ends it. A single-purpose process (the center's voice engine, the
simulated customer) makes the current thread the owner: ``open()``, then ``run_forever()``
(until ``request_stop()``) or ``run_until(done)``, then ``close()``.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import gc
import logging
import queue
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from agent_tui.sip import events as ev
from agent_tui.sip.config import EngineConfig

T = TypeVar("T")
EventSink = Callable[[object], None]
# call_factory(account, pj_call_id, direction) -> a pjsua2 Call subclass (see call.py)
CallFactory = Callable[[Any, int, str], Any]

__all__ = ["EngineConfig", "EventSink", "SipEngine", "SipError", "describe"]

log = logging.getLogger(__name__)

# pjsua2 allows one Endpoint per process; a second one would abort inside pjlib.
_INSTANCE_LOCK = threading.Lock()
_INSTANCE_ACTIVE = False


class SipError(Exception):
    """The SIP library could not start or a command failed; the message is for a human."""


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


def _claim_instance() -> None:
    global _INSTANCE_ACTIVE
    with _INSTANCE_LOCK:
        if _INSTANCE_ACTIVE:
            raise SipError("a SIP engine already runs in this process (pjsua2 allows one)")
        _INSTANCE_ACTIVE = True


def _release_instance() -> None:
    global _INSTANCE_ACTIVE
    with _INSTANCE_LOCK:
        _INSTANCE_ACTIVE = False


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
        self._owner: threading.Thread | None = None  # the thread that touches pjsua2
        self._thread: threading.Thread | None = None  # set when start() made that thread
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
        self.transport_id: int = -1
        self.sip_port: int = 0
        self.calls: dict[str, Any] = {}  # call key -> pjsua2 Call, alive until DISCONNECTED
        self.accounts: dict[str, Any] = {}
        self.last_tls_failure = ""
        # Makes the Call for an incoming or transferred call (call.new_call); None: SipCall.
        self.call_factory: CallFactory | None = None
        # router.update(call) wires call.audio (see call.py); None leaves media unconnected.
        self.router: Any = None

    # ------------------------------------------------------------------ its own thread
    def start(self, timeout: float = 15.0) -> None:
        """Start the owner thread and wait until the library runs; raises :class:`SipError`."""
        _claim_instance()
        self._thread = threading.Thread(target=self._main, name="pjsua2-owner", daemon=True)
        self._owner = self._thread
        self._thread.start()
        # Safety net: a program that forgets stop() must still tear pjsua2 down on the owner
        # thread before interpreter teardown, or GC destroys pj objects on the main thread and
        # pjlib asserts ("unknown/external thread").
        atexit.register(_stop_at_exit, weakref.ref(self))
        if not self._ready.wait(timeout):
            raise SipError(f"SIP library did not start within {timeout:.0f} s")
        if self._start_error is not None:
            self._thread.join(timeout)
            self._thread = self._owner = None
            _release_instance()
            raise self._as_sip_error(self._start_error)

    def stop(self, timeout: float = 15.0) -> None:
        """Hang up, unregister and destroy the library on the owner thread; idempotent."""
        thread = self._thread
        if thread is None:
            return
        if threading.current_thread() is thread:
            raise SipError("stop() must not be called from the owner thread")
        self._stopping = True
        thread.join(timeout)
        if thread.is_alive():
            raise SipError(f"SIP engine did not stop within {timeout:.0f} s")
        self._thread = self._owner = None
        self._fail_queued("the SIP engine is not running")
        _release_instance()

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
            self._loop(None, None)
        except BaseException:
            log.exception("SIP owner loop failed")
            self._stop_reason = "owner loop failed"
        finally:
            self._shutdown()
            self.emit(ev.EngineStopped(reason=self._stop_reason or "stopped"))

    # ------------------------------------------------------------------ the current thread
    def open(self) -> None:
        """Start the library with the current thread as its owner; raises :class:`SipError`.

        From here on only this thread may touch pjsua2; drive it with :meth:`run_forever` or
        :meth:`run_until` and end with :meth:`close` on this thread.
        """
        _claim_instance()
        self._owner = threading.current_thread()
        try:
            self._boot()
        except BaseException as exc:  # noqa: BLE001 - undone here, raised again as SipError
            self._destroy()
            self._owner = None
            _release_instance()
            raise self._as_sip_error(exc)  # noqa: B904 - the cause is set inside
        self._ready.set()
        self.emit(ev.EngineStarted(sip_port=self.sip_port, user_agent=self.config.user_agent))

    def run_until(self, done: Callable[[], bool] | None = None, timeout: float | None = None) -> bool:
        """Run the loop on this (the owner) thread until ``done()``, a stop request or ``timeout``.

        Returns True when ``done()`` ended it. ``done`` is checked after every loop turn.
        """
        self._check_owner("run_until()")
        return self._loop(done, None if timeout is None else time.monotonic() + timeout)

    def run_forever(self) -> None:
        """Run the loop on this (the owner) thread until :meth:`request_stop`."""
        self.run_until()

    def request_stop(self) -> None:
        """Ask the loop to end after its current turn (any thread; a command may call it)."""
        self._stopping = True

    def close(self) -> None:
        """Hang up, unregister and destroy the library; on the thread that called :meth:`open`."""
        if self._owner is None or self._thread is not None:
            return
        self._check_owner("close()")
        self._stopping = True
        try:
            self._shutdown()
        finally:
            self._owner = None
            self._fail_queued("the SIP engine is not running")
            _release_instance()
            self.emit(ev.EngineStopped(reason=self._stop_reason or "stopped"))

    # ------------------------------------------------------------------ any thread
    def submit(
        self, fn: Callable[..., T], *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[T]:
        """Run ``fn(*args, **kwargs)`` on the owner thread; the future holds its result."""
        fut: concurrent.futures.Future[T] = concurrent.futures.Future()
        owner = self._owner
        if self._stopping or owner is None or not owner.is_alive():
            fut.set_exception(SipError("the SIP engine is not running"))
            return fut
        if threading.current_thread() is owner:
            # Already on the owner thread (called from a callback): run now, no deadlock.
            self._run_command(fn, args, kwargs, fut)
            return fut
        self._commands.put((fn, args, kwargs, fut))
        return fut

    def call(self, fn: Callable[..., T], *args: Any, timeout: float = 10.0, **kwargs: Any) -> T:
        """Blocking :meth:`submit` for scripts and tests (never from the owner thread's callers)."""
        return self.submit(fn, *args, **kwargs).result(timeout)

    @property
    def running(self) -> bool:
        """True between a successful start()/open() and stop()/close()."""
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
        """Run ``fn`` every ``interval`` seconds on the owner thread (0: every loop turn)."""
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

    def keep_call(self, call: object) -> str:
        """Hold ``call`` in :attr:`calls` under a new key until :meth:`release_call`.

        Dropping the last Python reference to a live pjsua2 Call hangs it up from its
        destructor; shutdown hangs up every kept call and waits for it to end.
        """
        key = self.new_call_key()
        self.calls[key] = call
        return key

    def release_call(self, key: str) -> None:
        """Forget an ended (DISCONNECTED) call; it is dropped after the current callback."""
        call = self.calls.pop(key, None)
        if call is not None:
            self.retire(call)

    def on_shutdown(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` at shutdown once calls have ended, just before the library is destroyed.

        Drop every pjsua2 object you still reference there: after ``libDestroy`` their
        destructors would crash.
        """
        self._shutdown_hooks.append(hook)

    def new_call_key(self) -> str:
        """A call key that is never reused in this process (pjsua's ids are)."""
        self._next_call += 1
        return f"c{self._next_call}"

    def tls_failure(self, remote: str, message: str) -> None:
        """Remember and report a TLS failure so registration/call errors can name the cause."""
        self.last_tls_failure = message
        self.emit(ev.TlsFailure(remote=remote, message=message))

    # ------------------------------------------------------------------ internals
    def _boot(self) -> None:
        # deferred: endpoint loads pjsua2; the desk and the ctl parser import the engine without a call
        from agent_tui.sip import endpoint

        def tls_up() -> None:
            self.last_tls_failure = ""  # a trusted connection works now

        try:
            endpoint.check_files(self.config)
        except endpoint.LibraryError as exc:
            raise SipError(str(exc)) from None
        self.ep = endpoint.WatchedEndpoint(self.config.ca_file, tls_up, self.tls_failure)
        self.transport_id, self.sip_port = endpoint.start_library(self.ep, self.config)

    @staticmethod
    def _as_sip_error(exc: BaseException) -> SipError:
        if isinstance(exc, SipError):
            return exc
        err = SipError(f"SIP library failed to start: {describe(exc)}")
        err.__cause__ = exc
        return err

    def _check_owner(self, what: str) -> None:
        if threading.current_thread() is not self._owner:
            raise SipError(f"{what} must run on the thread that opened the SIP engine")

    def _loop(self, done: Callable[[], bool] | None, deadline: float | None) -> bool:
        ep = self.ep
        poll = self.config.poll_ms
        while not self._stopping:
            ep.libHandleEvents(poll)
            self._drain_commands()
            self._run_timers()
            if self._retired:
                self._retired.clear()
            if done is not None and done():
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
        return False

    def _drain_commands(self) -> None:
        while True:
            try:
                fn, args, kwargs, fut = self._commands.get_nowait()
            except queue.Empty:
                return
            self._run_command(fn, args, kwargs, fut)

    def _fail_queued(self, message: str) -> None:
        """Fail queued commands instead of leaving callers waiting forever."""
        while True:
            try:
                _fn, _a, _k, fut = self._commands.get_nowait()
            except queue.Empty:
                return
            if fut.set_running_or_notify_cancel():
                fut.set_exception(SipError(message))

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

    def _pump(self, seconds: float, until: Callable[[], bool]) -> None:
        """Handle events for up to ``seconds`` or until ``until()`` (shutdown only)."""
        deadline = time.monotonic() + seconds
        while not until() and time.monotonic() < deadline:
            self.ep.libHandleEvents(20)

    def _shutdown(self) -> None:
        """Orderly teardown on the owner thread; tolerant of a half-started library."""
        ep = self.ep
        self._fail_queued("the SIP engine stopped")
        if ep is not None and self.calls:
            try:
                ep.hangupAllCalls()
            except Exception:
                log.exception("hangupAllCalls failed")
            self._pump(3.0, lambda: not self.calls)
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
            self._pump(1.0, lambda: False)
        for hook in self._shutdown_hooks:
            try:
                hook()
            except Exception:
                log.exception("SIP shutdown hook failed")
        self._destroy()

    def _destroy(self) -> None:
        # Order matters: calls, accounts and media ports must die before the Endpoint, and all
        # of them on this thread — otherwise Python's GC runs their C++ destructors later,
        # on whatever thread, after libDestroy, and pjlib asserts.
        self.calls.clear()
        self.accounts.clear()
        self.router = None  # routers hold players/ports: drop them here, not at interpreter exit
        self.call_factory = None
        self._shutdown_hooks.clear()
        self._owned.clear()
        self._retired.clear()
        # A desk freezes what is alive once it is up (core/collector.py): frozen objects are
        # skipped by gc.collect, and a pjsua2 object in a frozen cycle would outlive libDestroy.
        gc.unfreeze()
        gc.collect()
        if self.ep is not None:
            try:
                self.ep.libDestroy()
            except Exception:
                log.exception("libDestroy failed")
            self.ep = None
        gc.collect()
