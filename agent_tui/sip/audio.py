"""The agent's headset: a pjsua2 AudioMediaPort bridged to PortAudio streams via sounddevice.

The pjsua2 wheel has no Linux sound device, so the conference bridge runs on the null device
and exchanges 20 ms PCM frames with :class:`HeadsetPort`. Two small ring buffers sit between the
media clock thread (``onFrameRequested``/``onFrameReceived``) and the PortAudio callback
thread, which keeps each side's timing independent.

Virtual devices (ALSA ``type file`` PCMs used in tests, or a headless box) have no clock of their
own and would spin; :class:`RealTimePacer` holds them to wall-clock time (a real headset never
waits there). When the device's and the call's clocks drift, the rings drop old audio or pad
silence, so the delay stays bounded (≤ 40 ms microphone, ≤ 80 ms speaker backlog).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent_tui.sip.framebuf import frame_copier
from agent_tui.sip.lazy_numpy import np

SAMPLE_WIDTH = 2  # 16-bit signed little endian


@dataclass(frozen=True)
class DeviceInfo:
    """One audio device PortAudio can open."""

    index: int
    name: str
    inputs: int
    outputs: int
    default_input: bool
    default_output: bool


class AudioError(Exception):
    """A device could not be found or opened; the message names it."""


def _sounddevice() -> Any:
    """The sounddevice module, or AudioError in words when PortAudio is missing."""
    try:
        import sounddevice  # deferred: loads PortAudio, which may be missing; say so in words

        return sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio cannot be loaded
        raise AudioError(
            f"PortAudio is not available ({exc}); install it (Debian: libportaudio2)"
        ) from exc


def list_devices() -> list[DeviceInfo]:
    """Every PortAudio device with its channel counts (empty when PortAudio finds none)."""
    try:
        import sounddevice as sd  # deferred: loads PortAudio, which may be missing

        devices = sd.query_devices()
        default_in, default_out = sd.default.device
    except Exception as exc:
        raise AudioError(f"cannot list audio devices: {exc}") from exc
    out = []
    for idx, dev in enumerate(devices):
        out.append(
            DeviceInfo(
                index=idx,
                name=str(dev["name"]),
                inputs=int(dev["max_input_channels"]),
                outputs=int(dev["max_output_channels"]),
                default_input=idx == default_in,
                default_output=idx == default_out,
            )
        )
    return out


def resolve_device(spec: str | int | None, kind: str) -> int | None:
    """Index of the device named ``spec`` (exact name, then substring, or an index) for
    ``kind`` "input"/"output"; None means the system default."""
    if spec is None or spec == "" or spec == "default":
        return None
    devices = list_devices()
    want_in = kind == "input"

    def usable(d: DeviceInfo) -> bool:
        return (d.inputs if want_in else d.outputs) > 0

    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        idx = int(spec)
        for d in devices:
            if d.index == idx and usable(d):
                return idx
        raise AudioError(f"audio {kind} device #{idx} does not exist or has no {kind} channels")
    for match in (lambda d: d.name == spec, lambda d: str(spec).lower() in d.name.lower()):
        for d in devices:
            if usable(d) and match(d):
                return d.index
    names = ", ".join(d.name for d in devices if usable(d)) or "none"
    raise AudioError(f"audio {kind} device {spec!r} not found (available: {names})")


def dbfs(pcm: bytes) -> float:
    """RMS level of 16-bit PCM in dBFS; -100 for silence or empty input."""
    if not pcm:
        return -100.0
    a = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    rms = float(np.sqrt(np.mean(a * a))) if a.size else 0.0
    if rms < 1.0:
        return -100.0
    return round(20.0 * math.log10(rms / 32768.0), 1)


def tone(freq: float, seconds: float, rate: int, amplitude: float = 0.3) -> bytes:
    """A sine tone as 16-bit PCM (the headset test tone)."""
    n = int(rate * seconds)
    t = np.arange(n, dtype=np.float64) / rate
    return (np.sin(2 * np.pi * freq * t) * amplitude * 32767).astype("<i2").tobytes()


class PcmRing:
    """A bounded byte FIFO; on overflow the oldest audio goes (latency must not grow)."""

    def __init__(self, capacity: int) -> None:
        self._buf = bytearray()
        self._cap = capacity
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._buf)

    def write(self, data: bytes) -> None:
        self._buf += data
        extra = len(self._buf) - self._cap
        if extra > 0:
            del self._buf[:extra]
            self.dropped += extra

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes (fewer when short)."""
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def clear(self) -> None:
        self._buf.clear()


class RealTimePacer:
    """Holds a clockless (virtual) device to real time; a real device never waits here.

    An ALSA ``type file`` PCM over the ``null`` plugin has no clock and calls back as fast as
    it can; pjsua2's media clock runs in real time. After each callback, if the device has
    consumed more audio than wall-clock time allows (beyond ``slack_s``), we wait the
    difference. A clocked device stays within the slack and never waits.
    """

    def __init__(
        self,
        rate: int,
        slack_s: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[float], Any] | None = None,
    ) -> None:
        self.rate = rate
        self.slack_s = slack_s
        self._clock = clock
        # An Event that is never set: its timed wait releases the GIL and cannot be woken early.
        self._wait = wait or threading.Event().wait
        self._start: float | None = None
        self._frames = 0

    def tick(self, frames: int) -> float:
        """Account for ``frames`` the device just took; returns how long we held it back (s)."""
        now = self._clock()
        if self._start is None:
            self._start = now
        self._frames += frames
        ahead = self._frames / self.rate - (now - self._start)
        if ahead > self.slack_s:
            delay = min(ahead - self.slack_s / 2, 0.5)
            self._wait(delay)
            return delay
        if ahead < -1.0:
            # Far behind (xrun, suspended laptop): restart the reference instead of racing.
            self._start, self._frames = now, 0
        return 0.0


class HeadsetBuffers:
    """The two rings plus local sounds (test tone, ring) shared by the pj port and the device."""

    def __init__(self, rate: int = 16000, ptime_ms: int = 20, max_ms: int = 200) -> None:
        self.rate = rate
        self.frame_bytes = rate * ptime_ms // 1000 * SAMPLE_WIDTH
        cap = rate * max_ms // 1000 * SAMPLE_WIDTH
        self.lock = threading.Lock()
        self.speaker = PcmRing(cap)  # call audio waiting for the device
        self.mic = PcmRing(cap)  # device audio waiting for the call
        self.local = PcmRing(rate * 30 * SAMPLE_WIDTH)  # test tone / ring tone, mixed into output
        # The newest frame each way; its level is computed only when a meter asks (a few times a
        # second), not for each of the 100 frames a second that pass through.
        self._mic_last = b""
        self._speaker_last = b""
        self._silence = np.zeros(0, "<i2")  # loads numpy now, with the headset, not in a callback

    @property
    def mic_level(self) -> float:
        """The microphone's level in dBFS, over the newest frame from the device."""
        return dbfs(self._mic_last)

    @property
    def speaker_level(self) -> float:
        """The call audio's level in dBFS, over the newest frame from the call."""
        return dbfs(self._speaker_last)

    # --- pjsua2 media clock side
    def take_mic(self) -> bytes:
        with self.lock:
            # Keep the microphone path short: audio that piled up while no call listened (or
            # after a device hiccup) is old — drop it rather than add it as delay.
            excess = len(self.mic) - 2 * self.frame_bytes
            if excess > 0:
                self.mic.read(excess)
            data = self.mic.read(self.frame_bytes)
        if len(data) < self.frame_bytes:
            data += bytes(self.frame_bytes - len(data))
        return data

    def put_speaker(self, data: bytes) -> None:
        with self.lock:
            self.speaker.write(data)
        self._speaker_last = data

    # --- device side (PortAudio callback thread)
    def device_input(self, data: bytes) -> None:
        """A microphone block from the device."""
        with self.lock:
            self.mic.write(data)
        self._mic_last = data

    def device_output(self, nbytes: int) -> bytes:
        """A speaker block for the device: call audio (silence when short) plus local sounds."""
        with self.lock:
            # Same for the ear: when the call's clock ran ahead of the device's, skip the
            # backlog instead of letting the delay grow for the rest of the call.
            excess = len(self.speaker) - 4 * self.frame_bytes
            if excess > 0:
                self.speaker.read(excess + 2 * self.frame_bytes)
            data = self.speaker.read(nbytes)
            local = self.local.read(nbytes)
        if len(data) < nbytes:
            data += bytes(nbytes - len(data))
        if local:
            local += bytes(nbytes - len(local))
            mixed = np.frombuffer(data, "<i2").astype(np.int32) + np.frombuffer(local, "<i2")
            data = np.clip(mixed, -32768, 32767).astype("<i2").tobytes()
        return data

    def play_local(self, pcm: bytes) -> None:
        """Queue a local sound (only the agent hears it)."""
        with self.lock:
            self.local.write(pcm)

    def stop_local(self) -> None:
        with self.lock:
            self.local.clear()


def make_port(pj: Any, buffers: HeadsetBuffers, name: str = "headset") -> Any:
    """A pjsua2 AudioMediaPort exchanging 20 ms frames with ``buffers`` (owner thread).

    Each frame is copied in one block (:mod:`agent_tui.sip.framebuf`), not byte by byte."""
    copier = frame_copier(pj)
    audio_type = pj.PJMEDIA_FRAME_TYPE_AUDIO

    class HeadsetPort(pj.AudioMediaPort):  # type: ignore[misc, name-defined]
        def onFrameRequested(self, frame: Any) -> None:
            frame.type = audio_type
            copier.write(frame, buffers.take_mic())

        def onFrameReceived(self, frame: Any) -> None:
            if frame.type != audio_type or not frame.size:
                return
            buffers.put_speaker(copier.read(frame))

    port = HeadsetPort()
    fmt = pj.MediaFormatAudio()
    ptime_us = buffers.frame_bytes * 1_000_000 // (buffers.rate * SAMPLE_WIDTH)
    fmt.init(pj.PJMEDIA_FORMAT_PCM, buffers.rate, 1, ptime_us, 16, 0, 0)
    port.createPort(name, fmt)
    return port


class HeadsetStreams:
    """PortAudio streams feeding :class:`HeadsetBuffers`: one duplex stream when input and output
    are the same device, else one of each. Open/close from any thread (not the media thread)."""

    def __init__(
        self,
        buffers: HeadsetBuffers,
        input_device: str | int | None,
        output_device: str | int | None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.buffers = buffers
        self.input_spec = input_device
        self.output_spec = output_device
        self._streams: list[Any] = []
        self._on_error = on_error
        self.status_flags = 0

    def open(self) -> None:
        """Open and start the streams; raises :class:`AudioError` naming the device."""
        sd = _sounddevice()

        b = self.buffers
        block = b.frame_bytes // SAMPLE_WIDTH
        in_dev = resolve_device(self.input_spec, "input")
        out_dev = resolve_device(self.output_spec, "output")
        in_pace, out_pace = RealTimePacer(b.rate), RealTimePacer(b.rate)

        def duplex_cb(indata: Any, outdata: Any, frames: int, _t: Any, status: Any) -> None:
            if status:
                self.status_flags += 1
            b.device_input(bytes(indata))
            outdata[:] = b.device_output(len(outdata))
            out_pace.tick(frames)

        def in_cb(indata: Any, frames: int, _t: Any, status: Any) -> None:
            if status:
                self.status_flags += 1
            b.device_input(bytes(indata))
            in_pace.tick(frames)

        def out_cb(outdata: Any, frames: int, _t: Any, status: Any) -> None:
            if status:
                self.status_flags += 1
            outdata[:] = b.device_output(len(outdata))
            out_pace.tick(frames)

        common = {
            "samplerate": b.rate,
            "channels": 1,
            "dtype": "int16",
            "blocksize": block,
            "latency": "low",
        }
        try:
            if self.input_spec == self.output_spec or in_dev == out_dev:
                self._streams = [
                    sd.RawStream(device=(in_dev, out_dev), callback=duplex_cb, **common)
                ]
            else:
                self._streams = [
                    sd.RawInputStream(device=in_dev, callback=in_cb, **common),
                    sd.RawOutputStream(device=out_dev, callback=out_cb, **common),
                ]
            for s in self._streams:
                s.start()
        except Exception as exc:
            self.close()
            raise AudioError(
                f"cannot open headset (input {self.input_spec or 'default'},"
                f" output {self.output_spec or 'default'}): {exc}"
            ) from exc

    def close(self) -> None:
        """Stop and close the streams; safe to call twice."""
        streams, self._streams = self._streams, []
        for s in streams:
            try:
                s.abort()
                s.close()
            except Exception:  # noqa: BLE001, S110 - closing a broken stream must not raise
                pass

    @property
    def active(self) -> bool:
        return bool(self._streams) and all(s.active for s in self._streams)


class Ringer:
    """Ring cadence on the ring device (its own output stream), while an incoming call rings."""

    def __init__(self, device: str | int | None, rate: int = 16000) -> None:
        self.device = device
        self.rate = rate
        self._stream: Any = None
        self._pos = 0
        # Dutch/European ring: 425 Hz, 1 s on, 4 s off.
        on = tone(425.0, 1.0, rate, 0.25)
        self._pattern = np.frombuffer(on + bytes(4 * rate * SAMPLE_WIDTH), "<i2")

    def start(self) -> None:
        sd = _sounddevice()

        if self._stream is not None:
            return
        dev = resolve_device(self.device, "output")
        self._pos = 0
        pattern = self._pattern
        pacer = RealTimePacer(self.rate)

        def cb(outdata: Any, frames: int, _t: Any, _status: Any) -> None:
            idx = (np.arange(frames) + self._pos) % len(pattern)
            self._pos = int((self._pos + frames) % len(pattern))
            outdata[:] = pattern[idx].tobytes()
            pacer.tick(frames)

        try:
            self._stream = sd.RawOutputStream(
                device=dev, samplerate=self.rate, channels=1, dtype="int16", callback=cb
            )
            self._stream.start()
        except Exception as exc:
            self._stream = None
            raise AudioError(f"cannot open ring device {self.device or 'default'}: {exc}") from exc

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # noqa: BLE001, S110 - closing a broken stream must not raise
                pass
