"""The headset bridge's pure parts: levels, rings, latency bounds, mixing, real-time pacing."""

from __future__ import annotations

import numpy as np
import pytest

from agent_tui.sip import audio


def test_level_meter_reads_silence_and_a_loud_tone():
    assert audio.dbfs(b"") == -100.0
    assert audio.dbfs(bytes(640)) == -100.0
    full = audio.tone(1000, 0.1, 16000, amplitude=1.0)
    assert audio.dbfs(full) == pytest.approx(-3.0, abs=0.1)  # a full-scale sine is -3 dBFS RMS
    assert audio.dbfs(audio.tone(1000, 0.1, 16000, amplitude=0.1)) == pytest.approx(-23.0, abs=0.2)


def test_ring_buffer_drops_the_oldest_audio_when_full():
    ring = audio.PcmRing(8)
    ring.write(b"abcdef")
    ring.write(b"ghij")
    assert len(ring) == 8 and ring.dropped == 2
    assert ring.read(3) == b"cde"
    assert ring.read(100) == b"fghij"
    assert ring.read(4) == b""


def test_microphone_backlog_is_dropped_not_delayed():
    b = audio.HeadsetBuffers(rate=16000, ptime_ms=20)
    frame = b.frame_bytes
    for i in range(8):  # 160 ms piled up while no call listened
        b.device_input(bytes([i]) * frame)
    first = b.take_mic()
    assert first == bytes([6]) * frame  # only the newest ~40 ms are kept
    assert b.take_mic() == bytes([7]) * frame
    assert b.take_mic() == bytes(frame)  # then silence, never old audio


def test_speaker_backlog_is_bounded_and_local_sounds_are_mixed():
    b = audio.HeadsetBuffers(rate=16000, ptime_ms=20)
    frame = b.frame_bytes
    for i in range(10):
        b.put_speaker(bytes([i]) * frame)
    out = b.device_output(frame)
    assert out == bytes([8]) * frame  # the backlog beyond ~2 frames was skipped
    assert b.device_output(frame) == bytes([9]) * frame
    b.play_local(np.full(frame // 2, 30000, "<i2").tobytes())
    b.put_speaker(np.full(frame // 2, 10000, "<i2").tobytes())
    mixed = np.frombuffer(b.device_output(frame), "<i2")
    assert mixed.max() == 32767  # clipped, not wrapped around
    assert audio.dbfs(b.device_output(frame)) == -100.0  # nothing left: silence


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.waited: list[float] = []

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.waited.append(seconds)
        self.now += seconds


def test_pacer_holds_a_clockless_device_to_real_time():
    clock = FakeClock()
    pacer = audio.RealTimePacer(16000, clock=clock, wait=clock.wait)
    # A virtual device asks for 20 ms blocks as fast as it can (no time passes between them).
    for _ in range(100):
        pacer.tick(320)
    consumed = 100 * 320 / 16000
    assert clock.now == pytest.approx(consumed, abs=0.11)  # held to ~real time (within the slack)
    assert clock.waited


def test_pacer_never_holds_a_real_time_device():
    clock = FakeClock()
    pacer = audio.RealTimePacer(16000, clock=clock, wait=clock.wait)
    for _ in range(500):
        assert pacer.tick(320) == 0.0
        clock.now += 0.02 * (1 + 0.003)  # a real clock, slightly slow
    assert clock.waited == []


def test_pjsua2_frames_are_copied_in_one_block_both_ways():
    import pjsua2 as pj

    from agent_tui.sip import framebuf

    copier = framebuf.frame_copier(pj)
    assert copier.fast  # the vector layout probe holds here: no byte-by-byte SWIG copy
    frame = pj.MediaFrame()
    pcm = audio.tone(440, 0.02, 16000)
    copier.write(frame, pcm)
    assert frame.size == len(pcm) and bytes(frame.buf) == pcm  # SWIG sees what we wrote
    frame.buf = pj.ByteVector(pcm[::-1])
    frame.size = 100
    assert copier.read(frame) == pcm[::-1][:100]  # and we read what SWIG holds, up to size
    slow = framebuf.SwigFrameCopy(pj)
    slow.write(frame, pcm[:64])
    assert copier.read(frame) == slow.read(frame) == pcm[:64]


def test_levels_are_measured_over_the_newest_frame_when_asked():
    b = audio.HeadsetBuffers(rate=16000, ptime_ms=20)
    assert b.mic_level == -100.0 and b.speaker_level == -100.0
    b.device_input(audio.tone(1000, 0.02, 16000, amplitude=0.1))
    b.put_speaker(audio.tone(1000, 0.02, 16000, amplitude=1.0))
    assert b.mic_level == pytest.approx(-23.0, abs=0.3)
    assert b.speaker_level == pytest.approx(-3.0, abs=0.2)
    b.device_input(bytes(b.frame_bytes))
    assert b.mic_level == -100.0
