"""The softphone the desk uses: a thread-safe command facade over :class:`SipEngine`.

Every command returns a ``concurrent.futures.Future`` at once and runs on the owner thread;
results and failures also arrive as events (``events.py``) on ``on_event`` — the desk wraps
those in ``post_message``. Media goes to the headset (:mod:`agent_tui.sip.audio`) or, for the
headless tester phone, to a WAV player/recorder.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pjsua2 as pj

from agent_tui.sip import audio as audio_mod
from agent_tui.sip import autoanswer, profiles, tls_relay
from agent_tui.sip import events as ev
from agent_tui.sip.account import AccountSpec, SipAccount
from agent_tui.sip.call import new_call
from agent_tui.sip.endpoint import source_address, stop_accepting
from agent_tui.sip.engine import EngineConfig, SipEngine, SipError, describe

log = logging.getLogger(__name__)


@dataclass
class HeadsetSpec:
    """Devices by name, substring or index; None = system default."""

    input_device: str | int | None = None
    output_device: str | int | None = None
    ring_device: str | int | None = None  # None: ring in the headset


@dataclass
class FileMediaSpec:
    """Headless media: play a WAV as the microphone, record what we hear to a WAV."""

    play: str | None = None
    record: str | None = None
    loop: bool = False


class MediaRouter:
    """Connects calls to a microphone/speaker pair and, in a conference, to each other."""

    def __init__(self, engine: SipEngine, mic: Any = None, speaker: Any = None) -> None:
        self.engine = engine
        self.mic = mic
        self.speaker = speaker

    @staticmethod
    def _link(src: Any, dst: Any, on: bool) -> None:
        if src is None or dst is None:
            return
        try:
            if on:
                src.startTransmit(dst)
            else:
                src.stopTransmit(dst)
        except Exception:  # noqa: BLE001, S110 - stopping a link that is not there raises; harmless
            pass

    def update(self, call: Any) -> None:
        aud = call.audio
        if aud is None:
            return
        live = call.media_status == "active"
        # The speaker stays linked on hold: nothing arrives, so it plays (and records) silence,
        # which keeps a recording's timeline true. The microphone is cut on hold and mute.
        self._link(aud, self.speaker, call.media_status in ("active", "local_hold", "remote_hold"))
        self._link(self.mic, aud, live and not call.muted)
        for key in list(call.peers):
            peer = self.engine.calls.get(key)
            if peer is None or peer.audio is None:
                call.peers.discard(key)
                continue
            both = live and peer.media_status == "active"
            self._link(aud, peer.audio, both)
            self._link(peer.audio, aud, both)

    def forget(self, call: Any) -> None:
        for key in call.peers:
            peer = self.engine.calls.get(key)
            if peer is not None:
                peer.peers.discard(call.key)


class Softphone:
    """One account, one headset (or WAV files), many calls. Thread-safe; non-blocking."""

    def __init__(
        self,
        engine_config: EngineConfig,
        account: AccountSpec,
        on_event: Callable[[object], None] | None = None,
        media: HeadsetSpec | FileMediaSpec | None = None,
        quality_interval: float = 2.0,
        level_interval: float | None = None,
    ) -> None:
        profiles.get_profile(engine_config.profile)  # fail early on a bad profile name
        if not engine_config.bind_address:
            # Listen only where the registrar (or, in direct mode, the center) is reached from:
            # TLS and RTP are not opened on every interface of the agent's machine.
            server = account.registrar or account.proxy or account.domain
            engine_config = dataclasses.replace(engine_config, bind_address=source_address(server))
        self.account_spec = account
        self.relay: tls_relay.SipTlsRelay | None = None  # started by start() when configured
        self.media_spec = media
        self._listener = on_event
        self.engine = SipEngine(engine_config, self._on_event)
        self.quality_interval = quality_interval
        self.level_interval = level_interval
        self.buffers: audio_mod.HeadsetBuffers | None = None
        self.streams: audio_mod.HeadsetStreams | None = None
        self.ringer: audio_mod.Ringer | None = None
        self._ringing: set[str] = set()
        self.auto_answer = False
        # Monitoring legs the desk asked for: answered at once, never rung (sip/autoanswer.py).
        self.monitor_calls = autoanswer.MonitorExpectations()
        self._state_lock = threading.Lock()
        self._registered: bool | None = None  # None until the registrar answered (or no registrar)
        self._registration_error = ""
        self._call_states: dict[str, str] = {}
        self.listening = True  # False once the TLS listener refuses connections (registered phones)

    # ------------------------------------------------------------------ lifecycle
    def start(self, timeout: float = 15.0) -> None:
        """Start the library, the account (REGISTER when a registrar is set) and the media."""
        cfg = self.engine.config
        if cfg.sip_relay and self.account_spec.registrar and self.relay is None:
            # TLS 1.3 on the system OpenSSL (tls_relay.py): pjsua2 registers at a loopback relay instead.
            try:
                self.relay, self.account_spec = tls_relay.relay_account(self.account_spec, cfg.ca_file,
                                                                       cfg.keepalive_s)
            except tls_relay.RelayError as exc:
                raise SipError(str(exc)) from None
        self.engine.start(timeout)
        try:
            self.engine.call(self._setup, timeout=timeout)
        except BaseException:
            self.engine.stop()
            if self.relay is not None:
                self.relay.close()
                self.relay = None
            raise
        if self.account_spec.registrar:
            # Calls reach a registered phone over its own connection to the registrar: nobody
            # needs to connect to it, and a connection flood would abort pjlib (desk included).
            self.listening = not stop_accepting(self.engine.sip_port)
        if isinstance(self.media_spec, HeadsetSpec):
            self._open_headset()

    def stop(self, timeout: float = 15.0) -> None:
        """Hang up everything, unregister, close the headset and stop the library."""
        if self.ringer is not None:
            self.ringer.stop()
        if self.streams is not None:
            self.streams.close()
        self.engine.stop(timeout)
        if self.relay is not None:
            self.relay.close()

    def _open_headset(self) -> None:
        spec = self.media_spec
        assert isinstance(spec, HeadsetSpec) and self.buffers is not None
        self.streams = audio_mod.HeadsetStreams(self.buffers, spec.input_device, spec.output_device)
        try:
            self.streams.open()
        except audio_mod.AudioError as exc:
            self.streams = None
            self.engine.submit(self.engine.emit, ev.AudioDeviceError(message=str(exc)))
        if spec.ring_device not in (None, "", spec.output_device):
            self.ringer = audio_mod.Ringer(spec.ring_device)

    def set_devices(self, spec: HeadsetSpec) -> None:
        """Switch headset/ring devices (settings screen); calls keep running. Blocking, short.

        Raises :class:`~agent_tui.sip.audio.AudioError` naming the device when it cannot open;
        the old devices are closed either way (the agent picks again).
        """
        if self.buffers is None:
            raise audio_mod.AudioError("this phone has no headset (it was started with WAV files)")
        if self.ringer is not None:
            self.ringer.stop()
            self.ringer = None
        if self.streams is not None:
            self.streams.close()
            self.streams = None
        self.media_spec = spec
        streams = audio_mod.HeadsetStreams(self.buffers, spec.input_device, spec.output_device)
        streams.open()
        self.streams = streams
        if spec.ring_device not in (None, "", spec.output_device):
            self.ringer = audio_mod.Ringer(spec.ring_device)

    def snapshot(self) -> dict:
        """What a health check shows: registration, calls, profile, headset — plain data."""
        with self._state_lock:
            return {
                "registered": self._registered,
                "registration_error": self._registration_error,
                "calls": dict(self._call_states),
                "profile": self.engine.config.profile,
                "headset_open": bool(self.streams is not None and self.streams.active),
                "tls_error": self.engine.last_tls_failure,
            }

    def _setup(self) -> None:
        """Owner thread: account, media router, periodic quality/level polls."""
        eng = self.engine
        mic = speaker = None
        spec = self.media_spec
        if isinstance(spec, HeadsetSpec):
            self.buffers = audio_mod.HeadsetBuffers(rate=eng.config.clock_rate)
            port = eng.own(audio_mod.make_port(pj, self.buffers))
            mic = speaker = port
        elif isinstance(spec, FileMediaSpec):
            if spec.play:
                player = eng.own(pj.AudioMediaPlayer())
                player.createPlayer(spec.play, 0 if spec.loop else pj.PJMEDIA_FILE_NO_LOOP)
                mic = player
            if spec.record:
                recorder = eng.own(pj.AudioMediaRecorder())
                recorder.createRecorder(spec.record)
                speaker = recorder
        eng.router = MediaRouter(eng, mic, speaker)
        SipAccount(eng, self.account_spec).start()
        eng.every(self.quality_interval, self._poll_quality)
        if self.level_interval:
            eng.every(self.level_interval, self._poll_levels)
        eng.every(5.0, self._ring_tick)

    # ------------------------------------------------------------------ events
    def _on_event(self, event: object) -> None:
        # Owner thread. Ringing is handled here so it starts without a UI round trip.
        self._track(event)
        if isinstance(event, ev.IncomingCall):
            mark = autoanswer.parse_mark(event.headers)
            if mark is not None and self.monitor_calls.take(mark):
                # The lead's own desk armed this token a moment ago: connect without ringing.
                # The listener learns of the call before its answer's state changes.
                event = dataclasses.replace(event, monitor=mark.mode, monitor_token=mark.token)
                if self._listener is not None:
                    self._listener(event)
                self._answer(event.call)
                return
            self._ringing.add(event.call)
            if self.auto_answer:
                self._answer(event.call)
            else:
                self._ring_tick()
        elif (
            isinstance(event, ev.CallState)
            and event.state in ("answered", "connecting", "ended")
            and event.call in self._ringing
        ):
            self._ringing.discard(event.call)
            if not self._ringing:
                self._ring_stop()
        if self._listener is not None:
            self._listener(event)

    def _track(self, event: object) -> None:
        with self._state_lock:
            if isinstance(event, ev.Registered):
                self._registered, self._registration_error = True, ""
            elif isinstance(event, ev.RegistrationFailed):
                self._registered, self._registration_error = False, event.message
            elif isinstance(event, ev.Unregistered):
                self._registered = False
            elif isinstance(event, ev.CallState):
                if event.state == "ended":
                    self._call_states.pop(event.call, None)
                else:
                    self._call_states[event.call] = event.state

    def _ring_tick(self) -> None:
        if not self._ringing:
            return
        if self.ringer is not None:
            try:
                self.ringer.start()
            except audio_mod.AudioError as exc:
                self.engine.emit(ev.AudioDeviceError(message=str(exc)))
                self.ringer = None
        elif self.buffers is not None:
            self.buffers.play_local(audio_mod.tone(425.0, 1.0, self.buffers.rate, 0.25))

    def _ring_stop(self) -> None:
        if self.ringer is not None:
            self.ringer.stop()
        if self.buffers is not None:
            self.buffers.stop_local()

    def _poll_quality(self) -> None:
        for call in list(self.engine.calls.values()):
            if call.state == "answered":
                call.poll_quality()

    def _poll_levels(self) -> None:
        if self.buffers is not None:
            self.engine.emit(
                ev.AudioLevel(
                    mic_dbfs=self.buffers.mic_level, speaker_dbfs=self.buffers.speaker_level
                )
            )

    # ------------------------------------------------------------------ commands (any thread)
    def _do(
        self, name: str, fn: Callable[..., Any], *args: Any, call: str = ""
    ) -> concurrent.futures.Future:
        def run() -> Any:
            try:
                return fn(*args)
            except Exception as exc:
                msg = _words(exc)
                self.engine.emit(ev.CommandFailed(command=name, message=msg, call=call))
                raise SipError(msg) from exc

        return self.engine.submit(run)

    def _call(self, key: str) -> Any:
        call = self.engine.calls.get(key)
        if call is None:
            raise SipError(f"no call {key} (it has ended)")
        return call

    def dial(
        self, target: str, headers: dict[str, str] | None = None, near: str = ""
    ) -> concurrent.futures.Future:
        """Call a number, a colleague's user name or a SIP URI; the future gives the call key.

        ``near``: a call key whose SIP server should place the call (consult call in direct mode).
        """
        return self._do("dial", self._dial, target, headers or {}, near)

    def _dial(self, target: str, headers: dict[str, str], near: str = "") -> str:
        acc = self.engine.accounts[self.account_spec.key]
        uri = self.target_for(target, near)
        call = new_call(self.engine, acc, -1, "out")
        call.remote_uri = uri
        op = pj.CallOpParam(True)
        for name, value in headers.items():
            h = pj.SipHeader()
            h.hName = name
            h.hValue = value
            op.txOption.headers.append(h)
        try:
            call.makeCall(uri, op)
        except Exception:
            self.engine.release_call(call.key)
            raise
        return call.key

    def expect_monitor(self, token: str, ttl_s: float = autoanswer.DEFAULT_TTL_S) -> None:
        """Answer, by itself, the one monitoring call carrying ``token`` in the next ``ttl_s`` s.

        Call this before asking the center for monitoring (``voice.monitor`` with this token):
        only then may the engine's marked INVITE skip the ringing. Any thread."""
        self.monitor_calls.arm(token, ttl_s)

    def forget_monitor(self, token: str) -> None:
        """The desk gave up on that monitoring request: its call rings like any other."""
        self.monitor_calls.disarm(token)

    def answer(self, key: str) -> concurrent.futures.Future:
        """Answer a ringing call."""
        return self._do("answer", self._answer, key, call=key)

    def _answer(self, key: str) -> None:
        self._call(key).accept()

    def reject(self, key: str, code: int = 486) -> concurrent.futures.Future:
        """Reject a ringing call (486 Busy Here by default)."""
        return self._do("reject", lambda: self._call(key).end(code), call=key)

    def hangup(self, key: str) -> concurrent.futures.Future:
        """End a call in any state."""
        return self._do("hangup", lambda: self._call(key).end(), call=key)

    def hold(self, key: str) -> concurrent.futures.Future:
        """Put a call on hold."""
        return self._do("hold", lambda: self._call(key).hold(), call=key)

    def resume(self, key: str) -> concurrent.futures.Future:
        """Take a call off hold."""
        return self._do("resume", lambda: self._call(key).resume(), call=key)

    def mute(self, key: str, on: bool = True) -> concurrent.futures.Future:
        """Mute (or unmute) our microphone on a call."""
        return self._do("mute", lambda: self._call(key).set_mute(on), call=key)

    def dtmf(self, key: str, digits: str) -> concurrent.futures.Future:
        """Send DTMF digits (RFC 4733)."""
        return self._do("dtmf", lambda: self._call(key).send_dtmf(digits), call=key)

    def target_for(self, target: str, near: str = "") -> str:
        """A dialable URI for ``target``. Without a registrar (direct mode) a bare name or number
        is addressed at the SIP server of call ``near`` (the center's voice engine we talk to)."""
        spec = self.account_spec
        if spec.registrar or target.startswith(("sip:", "sips:")) or "@" in target:
            return spec.target_uri(target)
        call = self.engine.calls.get(near) if near else None
        hostport = _hostport(call.remote_uri) if call is not None else ""
        if not hostport:
            return spec.target_uri(target)
        return f"sip:{target.strip()}@{hostport};transport=tls"

    def transfer(self, key: str, target: str) -> concurrent.futures.Future:
        """Blind transfer to a colleague, a queue or a number."""
        return self._do(
            "transfer",
            lambda: self._call(key).blind_transfer(self.target_for(target, key)),
            call=key,
        )

    def consult_transfer(self, key: str, consult_key: str) -> concurrent.futures.Future:
        """Attended transfer: join call ``key``'s far end with call ``consult_key``'s far end."""
        return self._do(
            "consult_transfer",
            lambda: self._call(key).consult_transfer(self._call(consult_key)),
            call=key,
        )

    def conference(self, key_a: str, key_b: str) -> concurrent.futures.Future:
        """Three-way conference: both far ends hear us and each other (held calls resume)."""
        return self._do("conference", self._conference, key_a, key_b, call=key_a)

    def _conference(self, key_a: str, key_b: str) -> None:
        a, b = self._call(key_a), self._call(key_b)
        a.peers.add(b.key)
        b.peers.add(a.key)
        for c in (a, b):
            if c.media_status == "local_hold":
                c.resume()
            else:
                self.engine.router.update(c)

    def ring(self, tag: str, on: bool = True) -> concurrent.futures.Future:
        """Ring (or stop ringing) for something that is not a SIP call yet — in direct mode the
        center offers a call as a `voice.offered` event; ``tag`` is e.g. the offer id."""

        def apply() -> None:
            if on:
                self._ringing.add(tag)
                self._ring_tick()
            else:
                self._ringing.discard(tag)
                if not self._ringing:
                    self._ring_stop()

        return self._do("ring", apply)

    def test_tone(self, seconds: float = 2.0, freq: float = 1000.0) -> concurrent.futures.Future:
        """Play a tone in the headset only (the agent checks their ears before the shift)."""

        def play() -> None:
            if self.buffers is None:
                raise SipError("no headset configured")
            self.buffers.play_local(audio_mod.tone(freq, seconds, self.buffers.rate))

        return self._do("test_tone", play)

    def levels(self) -> tuple[float, float]:
        """(microphone, speaker) level in dBFS right now — for a level meter."""
        if self.buffers is None:
            return (-100.0, -100.0)
        return (self.buffers.mic_level, self.buffers.speaker_level)

    def set_profile(self, name: str) -> concurrent.futures.Future:
        """Switch bandwidth profile for the next calls."""

        def apply() -> None:
            profiles.apply_codec_profile(self.engine.ep, name, vad=self.engine.config.vad)
            self.engine.config.profile = name

        return self._do("set_profile", apply)

    def summary(self, key: str) -> concurrent.futures.Future:
        """Current figures of a live call (the same dict CallSummary carries at the end)."""
        return self._do("summary", lambda: (self._call(key).sample(), self._call(key).summary())[1])


_HOSTPORT = re.compile(r"sips?:(?:[^@;>]+@)?([^;>\s]+)")


def _hostport(uri: str) -> str:
    """ "host:port" of a SIP URI (display names and parameters stripped)."""
    m = _HOSTPORT.search(uri)
    return m.group(1) if m else ""


def _words(exc: BaseException) -> str:
    """Any exception (pjsua2's Error included) as a sentence."""
    return describe(exc)
