"""The tester's headless softphone: register, take or make one call, play/record WAV, report JSON.

:func:`run_headless` is blocking and independent of the center connection: the ctl wrapper
(``agent_tui/ctl/phone.py``) feeds it "pickup" URIs from the center's ``voice.offered`` events through
``pickups`` (a ``queue.Queue``), and prints the dict it returns.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_tui.sip import events as ev
from agent_tui.sip.account import AccountSpec
from agent_tui.sip.engine import EngineConfig, SipError
from agent_tui.sip.phone import FileMediaSpec, HeadsetSpec, Softphone

# Results (the "result" field) — what a script can branch on.
COMPLETED = "completed"  # the call was answered and ended (by us after --duration, or by the peer)
NO_CALL = "no_call"  # --auto-answer and no call came within --wait
FAILED = "failed"  # the call was not answered (busy, rejected, not found, ...)
REJECTED = "rejected"  # we rejected the incoming call (--reject CODE)
REGISTRATION_FAILED = "registration_failed"
TLS_REFUSED = "tls_refused"
ERROR = "error"

EXIT_FOR_RESULT = {
    COMPLETED: 0,
    NO_CALL: 7,
    FAILED: 1,
    REGISTRATION_FAILED: 3,
    TLS_REFUSED: 4,
    ERROR: 1,
}


@dataclass
class HeadlessOptions:
    """Everything the headless phone needs; secrets arrive here, never on a command line."""

    ca_file: str | Path
    user: str
    domain: str
    registrar: str = ""
    proxy: str = ""
    password: str | None = None
    retry_s: int = 30  # re-REGISTER interval after a failure
    register_wait: float = 0.0  # > 0: wait this long for a registration, through failures
    profile: str = "normal"
    play: str | None = None
    record: str | None = None
    headset: HeadsetSpec | None = None  # use sound devices instead of WAV files
    dial: str | None = None
    auto_answer: bool = False
    reject_code: int = 0  # with auto_answer: reject the call with this SIP code instead (e.g. 486)
    duration: float = 10.0
    wait: float = 60.0  # how long to wait for a call with --auto-answer
    dtmf: str = ""  # digits to send once answered
    dtmf_delay: float = 1.0
    hold_after: float | None = None  # put the call on hold after this many seconds ...
    hold_for: float = 2.0  # ... for this long
    mute_after: float | None = None
    mute_for: float = 2.0
    bind_address: str = ""
    tls13_relay: bool = False  # SIP over TLS 1.3 via agent_tui.sip.tls_relay (needs a registrar)
    cert_file: str | None = None  # a TLS listener identity (test peers; the desk has none)
    key_file: str | None = None
    tls_port: int = 0
    rx_drop_pct: int = 0  # simulate loss on what we receive (pjmedia drops it for real)
    log_file: str | None = None
    log_level: int = 0
    log_sip_messages: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    progress: Any = None  # progress(dict): milestones (registered, call, answered) for scripts
    transfer_to: str | None = None  # blind (or, with consult, attended) transfer target
    transfer_after: float = 2.0
    consult: bool = False
    consult_talk: float = 1.0
    conference_with: str | None = None  # call this target and join it with the current call
    conference_after: float = 2.0


class _Inbox:
    """Events from the owner thread, waited on by the runner (condition + deadline, no sleeps)."""

    def __init__(self) -> None:
        self.items: list[object] = []
        self.stamps: list[float] = []  # time.monotonic() of each item (system-wide clock on Linux)
        self.cond = threading.Condition()

    def put(self, event: object) -> None:
        with self.cond:
            self.items.append(event)
            self.stamps.append(time.monotonic())
            self.cond.notify_all()

    def first_at(self, kind: type) -> float | None:
        with self.cond:
            return next((t for e, t in zip(self.items, self.stamps) if isinstance(e, kind)), None)

    def wait_for(self, pred: Any, timeout: float, start: int = 0) -> object | None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for e in self.items[start:]:
                    if pred(e):
                        return e
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def all(self, kind: type) -> list:
        with self.cond:
            return [e for e in self.items if isinstance(e, kind)]


def _progress(opts: HeadlessOptions, event: dict) -> None:
    if opts.progress is not None:
        opts.progress(event)


def _on_event(opts: HeadlessOptions, inbox: _Inbox, event: object) -> None:
    """Owner thread: keep the event, and report registration changes as they happen."""
    inbox.put(event)
    if isinstance(event, ev.Registered):
        _progress(opts, {"ev": "registered", "user": opts.user})
    elif isinstance(event, ev.RegistrationFailed):
        _progress(
            opts, {"ev": "registration_failed", "code": event.status_code, "message": event.message}
        )


def _is_end_of(call: str) -> Any:
    """Predicate: the event that says ``call`` ended."""
    return lambda e: isinstance(e, ev.CallState) and e.call == call and e.state == "ended"


def _pause(inbox: _Inbox, seconds: float, call: str) -> bool:
    """Wait ``seconds`` unless the call ends first; True when it ended."""
    ended = inbox.wait_for(
        lambda e: isinstance(e, ev.CallState) and e.call == call and e.state == "ended", seconds
    )
    return ended is not None


def run_headless(
    opts: HeadlessOptions,
    pickups: queue.Queue[str] | None = None,
    on_ready: Any = None,
    center_ended: threading.Event | None = None,
) -> dict:
    """Run one call and return the result dict (codec, result, packets, kbit/s, loss, jitter, RTT, MOS).

    ``on_ready(sip_port)`` is called once the library listens (test peers announce their port).
    ``center_ended`` set (the center's ``voice.ended`` for our call) hangs up the calls in progress:
    in direct mode behind a NAT the engine's BYE may never reach us.
    """
    inbox = _Inbox()
    media = opts.headset or FileMediaSpec(play=opts.play, record=opts.record)
    phone = Softphone(
        EngineConfig(
            ca_file=opts.ca_file,
            cert_file=opts.cert_file,
            key_file=opts.key_file,
            tls_port=opts.tls_port,
            rx_drop_pct=opts.rx_drop_pct,
            profile=opts.profile,
            bind_address=opts.bind_address,
            log_file=opts.log_file,
            log_level=opts.log_level,
            log_sip_messages=opts.log_sip_messages,
            user_agent="agent-tui headless",
            sip_relay=opts.tls13_relay,
        ),
        AccountSpec(
            user=opts.user,
            domain=opts.domain,
            registrar=opts.registrar,
            proxy=opts.proxy,
            password=opts.password,
            retry_s=opts.retry_s,
        ),
        on_event=lambda e: _on_event(opts, inbox, e),
        media=media,
        quality_interval=1.0,
    )
    phone.auto_answer = opts.auto_answer and not opts.reject_code
    result: dict = {"result": ERROR, "codec": "", "profile": opts.profile, "user": opts.user}
    try:
        phone.start()
    except SipError as exc:
        result["message"] = str(exc)
        return _finish(result, None)
    if on_ready is not None:
        on_ready(phone.engine.sip_port)
    done = threading.Event()
    if center_ended is not None:
        threading.Thread(target=_hang_up_when, args=(phone, center_ended, done), daemon=True,
                         name="headless-center-ended").start()
    try:
        _run_call(phone, opts, inbox, pickups, result)
    except SipError as exc:
        result.setdefault("message", str(exc))
    finally:
        done.set()
        if center_ended is not None:
            center_ended.set()  # releases the watcher
        phone.stop()
    return _finish(result, inbox)


def _hang_up_when(phone: Softphone, center_ended: threading.Event, done: threading.Event) -> None:
    """Wait for the center to say our call ended; then hang up every call still in progress."""
    center_ended.wait()
    if done.is_set():
        return
    for key, state in phone.snapshot()["calls"].items():
        if state not in ("ended", "failed"):
            phone.hangup(key)


def _run_call(
    phone: Softphone,
    opts: HeadlessOptions,
    inbox: _Inbox,
    pickups: queue.Queue[str] | None,
    result: dict,
) -> None:
    if opts.registrar:
        if opts.register_wait > 0:
            # Keep waiting through failures: pjsua retries every retry_s (registrar restarting).
            got = inbox.wait_for(lambda e: isinstance(e, ev.Registered), opts.register_wait)
            failures = inbox.all(ev.RegistrationFailed)
            result["registration_failures"] = len(failures)
            if got is None and failures:
                got = failures[-1]
        else:
            got = inbox.wait_for(
                lambda e: isinstance(e, (ev.Registered, ev.RegistrationFailed)), 20.0
            )
        if not isinstance(got, ev.Registered):
            tls = inbox.all(ev.TlsFailure)
            result["result"] = TLS_REFUSED if tls else REGISTRATION_FAILED
            result["message"] = (
                got.message
                if isinstance(got, ev.RegistrationFailed)
                else "no answer from the registrar in 20 s"
            )
            return
        result["registered"] = True

    key: str | None = None
    if opts.dial:
        result["dial_at"] = time.monotonic()
        key = phone.dial(opts.dial, opts.headers).result(15)
    elif opts.auto_answer:
        deadline = time.monotonic() + opts.wait
        while key is None and time.monotonic() < deadline:
            inc = inbox.wait_for(lambda e: isinstance(e, ev.IncomingCall), 0.2)
            if isinstance(inc, ev.IncomingCall):
                key = inc.call
                if opts.reject_code:
                    phone.reject(key, opts.reject_code).result(10)
                    inbox.wait_for(_is_end_of(key), 10.0)
                    result["result"] = REJECTED
                    result["call"] = key
                    return
                break
            if pickups is not None:
                try:
                    uri = pickups.get_nowait()
                except queue.Empty:
                    continue
                key = phone.dial(uri, opts.headers).result(15)
        if key is None:
            result["result"] = NO_CALL
            result["message"] = f"no call within {opts.wait:g} s"
            return
    else:
        raise SipError("nothing to do: give --dial TARGET or --auto-answer")
    result["call"] = key
    _progress(opts, {"ev": "call", "call": key})

    answered = inbox.wait_for(
        lambda e: (
            isinstance(e, ev.CallState) and e.call == key and e.state in ("answered", "ended")
        ),
        60.0,
    )
    if not isinstance(answered, ev.CallState) or answered.state != "answered":
        result["result"] = FAILED
        if isinstance(answered, ev.CallState):
            result["status_code"] = answered.status_code
            result["message"] = f"call not answered: {answered.status_code} {answered.reason}"
            tls = inbox.all(ev.TlsFailure)
            if tls:
                result["result"] = TLS_REFUSED
                result["message"] = tls[-1].message
        else:
            result["message"] = "call not answered within 60 s"
            phone.hangup(key)
        return

    _progress(opts, {"ev": "answered", "call": key})
    final, ended = _script(phone, opts, inbox, key, result)
    if not ended:
        phone.hangup(final).result(10)
    inbox.wait_for(lambda e: isinstance(e, ev.CallSummary) and e.call == final, 10.0)
    result["call"] = final
    result["result"] = COMPLETED
    result["ended_by"] = "remote" if ended else "us"
    transfers = inbox.all(ev.TransferStatus)
    if transfers:
        result["transfer_status"] = transfers[-1].status_code


def _ended_keys(inbox: _Inbox) -> set[str]:
    return {e.call for e in inbox.all(ev.CallState) if e.state == "ended"}


def _successor(inbox: _Inbox, key: str, timeout: float = 5.0) -> str | None:
    """After ``key`` ended: the answered call that took its place (we were transferred, or our
    call was replaced by an attended transfer), if any."""

    def live(e: object) -> bool:
        return (
            isinstance(e, ev.CallState)
            and e.state == "answered"
            and e.call != key
            and e.call not in _ended_keys(inbox)
        )

    hit = inbox.wait_for(live, timeout)
    return hit.call if isinstance(hit, ev.CallState) else None


def _hold_and_dial(phone: Softphone, inbox: _Inbox, key: str, target: str, what: str) -> str:
    """Hold the customer's call, dial ``target`` next to it; the new call's key once answered."""
    phone.hold(key).result(10)
    other: str = phone.dial(target, near=key).result(15)
    got = inbox.wait_for(
        lambda e: (
            isinstance(e, ev.CallState) and e.call == other and e.state in ("answered", "ended")
        ),
        20.0,
    )
    if not isinstance(got, ev.CallState) or got.state != "answered":
        raise SipError(f"{what} call to {target} was not answered")
    return other


def _consult_and_transfer(
    phone: Softphone, inbox: _Inbox, key: str, target: str, talk_s: float
) -> Any:
    """Attended transfer: hold the customer, call the target, talk, then join the two."""
    consult = _hold_and_dial(phone, inbox, key, target, "consult")
    inbox.wait_for(
        lambda e: isinstance(e, ev.CallState) and e.call == consult and e.state == "ended", talk_s
    )
    return phone.consult_transfer(key, consult)


def _conference(phone: Softphone, inbox: _Inbox, key: str, target: str) -> Any:
    """Three-way: hold the customer, call the target, then mix both calls with our headset."""
    other = _hold_and_dial(phone, inbox, key, target, "conference")
    return phone.conference(key, other)


def _script(
    phone: Softphone, opts: HeadlessOptions, inbox: _Inbox, key: str, result: dict
) -> tuple[str, bool]:
    """The in-call timeline: DTMF, hold, mute, transfer, then the rest of --duration.

    Returns (the call we are on at the end, True if it was ended by the other side). When our
    call is transferred or replaced, we follow the call that took its place.
    """
    start = time.monotonic()
    steps: list[tuple[float, Any]] = []
    if opts.dtmf:
        steps.append((opts.dtmf_delay, lambda k: phone.dtmf(k, opts.dtmf)))
    if opts.hold_after is not None:
        steps.append((opts.hold_after, lambda k: phone.hold(k)))
        steps.append((opts.hold_after + opts.hold_for, lambda k: phone.resume(k)))
    if opts.mute_after is not None:
        steps.append((opts.mute_after, lambda k: phone.mute(k, True)))
        steps.append((opts.mute_after + opts.mute_for, lambda k: phone.mute(k, False)))
    if opts.transfer_to:
        if opts.consult:
            steps.append(
                (
                    opts.transfer_after,
                    lambda k: _consult_and_transfer(
                        phone, inbox, k, opts.transfer_to or "", opts.consult_talk
                    ),
                )
            )
        else:
            steps.append((opts.transfer_after, lambda k: phone.transfer(k, opts.transfer_to or "")))
    if opts.conference_with:
        steps.append(
            (
                opts.conference_after,
                lambda k: _conference(phone, inbox, k, opts.conference_with or ""),
            )
        )
    steps.sort(key=lambda s: s[0])
    current = key
    pending = list(steps)
    while True:
        due = pending[0][0] if pending and pending[0][0] < opts.duration else opts.duration
        if _pause(inbox, max(0.0, start + due - time.monotonic()), current):
            nxt = _successor(inbox, current)
            if nxt is None:
                return current, True
            result.setdefault("followed", []).append(nxt)
            current = nxt
            continue
        if not pending or due >= opts.duration:
            return current, False
        _at, action = pending.pop(0)
        action(current).result(30)


def _finish(result: dict, inbox: _Inbox | None) -> dict:
    if inbox is not None:
        summaries = [e for e in inbox.all(ev.CallSummary) if e.call == result.get("call")]
        summaries = summaries or inbox.all(ev.CallSummary)
        if summaries:
            for k, v in summaries[-1].stats.items():
                result.setdefault(k, v) if k == "profile" else result.__setitem__(k, v)
        regs = inbox.all(ev.Registered)
        if regs:
            result["registrations"] = len(
                regs
            )  # > 1: it re-registered (registrar restart, link drop)
        digits = inbox.all(ev.DtmfReceived)
        if digits:
            result["dtmf_received"] = "".join(d.digit for d in digits)
        live = inbox.all(ev.CallQuality)
        if live:
            result["quality_samples"] = len(live)
            result["degraded"] = any(q.degraded for q in live)
            warnings = sorted({q.warning for q in live if q.warning})
            if warnings:
                result["quality_warnings"] = warnings[:5]
        media = inbox.all(ev.CallMedia)
        if media:
            result["held_seen"] = any(m.held for m in media)
        ring_at = inbox.first_at(ev.IncomingCall)
        if ring_at is not None:
            result["ring_at"] = ring_at
        tls = inbox.all(ev.TlsFailure)
        if tls and "message" not in result:
            result["tls"] = tls[-1].message
    for k in (
        "tx_packets",
        "rx_packets",
        "tx_kbps",
        "rx_kbps",
        "loss_pct",
        "jitter_ms",
        "rtt_ms",
        "mos",
    ):
        result.setdefault(k, None if k in ("rtt_ms", "mos") else 0)
    return result
