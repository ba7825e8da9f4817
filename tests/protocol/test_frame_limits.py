"""Frame sizes as a protocol property (issue 9 §1): the pure parts, without a network."""

from __future__ import annotations

import pytest

from agent_tui.protocol import codec
from agent_tui.protocol import messages as m
from agent_tui.protocol.session import ClientSession, Welcome


def test_fit_text_keeps_whole_code_points_within_the_json_budget():
    text = "€\x01a" * 10_000  # 3, 6 and 1 bytes once encoded as a JSON string
    part = codec.fit_text(text, 1000)
    assert text.startswith(part) and codec.frame_size(part) <= 1000
    assert codec.frame_size(text[:len(part) + 1]) > 1000  # the longest such prefix
    assert codec.fit_text("short", 1000) == "short"


def test_hello_announces_max_frame_and_the_center_checks_it():
    hello = ClientSession(user="agent1", password="demo").hello_frame()
    assert hello["max_frame"] == m.MAX_FRAME_BYTES
    assert codec.decode_client_frame(codec.encode(hello))["max_frame"] == m.MAX_FRAME_BYTES
    old = {k: v for k, v in hello.items() if k != "max_frame"}  # a client from before: the default
    assert codec.decode_client_frame(codec.encode(old))["max_frame"] == m.MAX_FRAME_BYTES
    for bad in (1024, m.MAX_FRAME_LIMIT + 1, "big", True):
        with pytest.raises(codec.ProtocolError):
            codec.decode_client_frame(codec.encode({**hello, "max_frame": bad}))
    with pytest.raises(codec.ProtocolError):
        ClientSession(user="agent1", password="demo", max_frame=1024)


def test_client_refuses_frames_over_its_own_limit_and_learns_the_centers():
    s = ClientSession(user="agent1", password="demo")
    s.hello_frame()
    [w] = s.receive(codec.encode({"type": "welcome", "v": 1, "session": "s1", "token": "t", "user": {},
                                  "last_seq": 0, "resumed": False, "max_frame": 2 * m.MAX_FRAME_BYTES}))
    assert isinstance(w, Welcome) and s.peer_max_frame == 2 * m.MAX_FRAME_BYTES
    big = codec.encode({"type": "event", "seq": 1, "ts": 0, "kind": "x", "data": {"t": "x" * m.MAX_FRAME_BYTES}})
    [bad] = s.receive(big)
    assert bad.code == "too_large"  # type: ignore[union-attr]
    roomy = ClientSession(user="agent1", password="demo", max_frame=2 * m.MAX_FRAME_BYTES)
    roomy.hello_frame()
    roomy.receive(codec.encode({"type": "welcome", "v": 1, "session": "s1", "user": {}, "last_seq": 0,
                                "resumed": False}))
    assert roomy.peer_max_frame == m.MAX_FRAME_BYTES  # a center that says nothing: the default
    [ev] = roomy.receive(big)
    assert ev.seq == 1  # type: ignore[union-attr]


def test_the_largest_command_fits_the_smallest_limit_a_center_may_announce():
    # Every text field at its limit, in the characters that cost most on the wire.
    worst = "\x01" * m.MAX_TEXT
    for op, schema in m.COMMANDS.items():
        args = {}
        for name, f in schema.items():
            args[name] = {"text": worst, "short": "\x01" * m.MAX_SHORT, "id": "\x01" * m.MAX_ID,
                          "secret": "\x01" * m.MAX_SECRET}.get(f.kind, 0)
        frame = {"type": "cmd", "id": "x" * m.MAX_ID, "op": op, "args": args}
        assert codec.frame_size(frame) <= m.MAX_FRAME_BYTES, op
