"""The sans-I/O client session: seq/ack, outbox, resume, auth — no sockets."""

from __future__ import annotations

import json

import pytest

from agent_tui.protocol import codec
from agent_tui.protocol.session import (
    ACK_EVERY,
    AuthFailed,
    BadFrame,
    ClientSession,
    CommandFailed,
    Event,
    Pong,
    Result,
    ResyncNeeded,
    ServerError,
    Welcome,
)


def enc(frame: dict) -> str:
    return json.dumps(frame)


def welcome(last_seq: int = 0, resumed: bool = False, token: str = "tok-1") -> str:
    frame = {"type": "welcome", "v": 1, "session": "s1", "token": token,
             "user": {"user": "agent1"}, "last_seq": last_seq, "resumed": resumed, "grace_s": 60}
    if not resumed:
        frame["snapshot"] = {"state": {"state": "offline"}, "offers": []}
    return enc(frame)


def event(seq: int, kind: str = "agent.state") -> str:
    return enc({"type": "event", "seq": seq, "ts": 1.5, "kind": kind, "data": {"n": seq}})


def opened(**kw) -> ClientSession:
    s = ClientSession(user="agent1", password="demo", **kw)
    s.hello_frame()
    [w] = s.receive(welcome())
    assert isinstance(w, Welcome)
    return s


def seqs(events) -> list[int]:
    return [e.seq for e in events if isinstance(e, Event)]


def test_first_hello_uses_password_and_no_resume():
    s = ClientSession(user="agent1", password="demo", client="t")
    hello = s.hello_frame()
    assert hello == {"type": "hello", "v": 1, "auth": {"user": "agent1", "password": "demo"},
                     "client": "t", "max_frame": 262144}
    # the hello is a valid client frame by the center's own rules
    assert codec.decode_client_frame(codec.encode(hello))["auth"]["user"] == "agent1"


def test_session_requires_credentials():
    with pytest.raises(ValueError):
        ClientSession(user="agent1")


def test_welcome_token_is_used_next_time_and_resume_since_last_processed():
    s = ClientSession(user="agent1", password="demo")
    s.hello_frame()
    [w] = s.receive(welcome(last_seq=7, token="T"))
    assert isinstance(w, Welcome) and w.token_changed and not w.resumed
    assert w.snapshot is not None and s.last_seq == 7
    s.receive(event(8))
    s.connection_lost()
    hello = s.hello_frame()
    assert hello["auth"] == {"token": "T"}
    assert hello["resume"] == {"since": 8}


def test_since_given_resumes_on_first_connection():
    s = ClientSession(token="T", since=41)
    assert s.hello_frame()["resume"] == {"since": 41}
    [w] = s.receive(welcome(last_seq=45, resumed=True, token="T"))
    assert w.resumed and not w.token_changed
    assert s.last_seq == 41  # the replay brings 42..45
    assert seqs(s.receive(event(42))) == [42]


def test_events_in_order_duplicates_dropped_and_acked_again():
    s = opened()
    out = []
    for n in (1, 2, 2, 1, 3):
        out += s.receive(event(n), now=0.0)
    assert seqs(out) == [1, 2, 3]
    assert s.ack_due(0.0)
    frames = s.frames_to_send(0.0)
    assert frames == [{"type": "ack", "seq": 3}]


def test_gap_asks_for_resync_and_ignores_the_rest_of_the_connection():
    s = opened()
    s.receive(event(1))
    [r] = s.receive(event(3))
    assert isinstance(r, ResyncNeeded) and (r.expected, r.got) == (2, 3)
    assert s.receive(event(2)) == []  # the resume will replay it in order
    s.connection_lost()
    assert s.hello_frame()["resume"] == {"since": 1}
    s.receive(welcome(last_seq=3, resumed=True))
    assert seqs(s.receive(event(2)) + s.receive(event(3))) == [2, 3]


def test_fresh_welcome_after_failed_resume_continues_after_its_last_seq():
    s = opened()
    s.receive(event(1))
    s.connection_lost()
    s.hello_frame()
    [w] = s.receive(welcome(last_seq=500, resumed=False))
    assert w.snapshot is not None
    assert s.receive(event(400)) == []
    assert seqs(s.receive(event(501))) == [501]


def test_events_before_welcome_are_ignored():
    s = ClientSession(user="a", password="b")
    s.hello_frame()
    assert s.receive(event(1)) == []


def test_ack_policy_every_second_or_fifty_events():
    s = opened()
    s.receive(event(1), now=10.0)
    assert s.frames_to_send(10.0) == [{"type": "ack", "seq": 1}]  # first ack at once
    s.receive(event(2), now=10.2)
    assert not s.ack_due(10.5)
    assert s.next_ack_at() == pytest.approx(11.0)
    assert s.frames_to_send(10.5) == []
    assert s.frames_to_send(11.0) == [{"type": "ack", "seq": 2}]
    for n in range(3, 3 + ACK_EVERY):
        s.receive(event(n), now=11.1)
    assert s.ack_due(11.1)  # 50 unacked: no need to wait for the second
    assert s.frames_to_send(11.1) == [{"type": "ack", "seq": 2 + ACK_EVERY}]
    assert s.next_ack_at() is None
    assert s.final_ack_frame() is None
    s.receive(event(3 + ACK_EVERY), now=11.2)
    assert s.final_ack_frame() == {"type": "ack", "seq": 3 + ACK_EVERY}


def test_commands_wait_for_welcome_and_are_sent_once_per_connection():
    s = ClientSession(user="agent1", password="demo")
    h = s.command("state.set", state="break", reason="coffee")
    assert s.frames_to_send(0) == []  # no connection yet
    s.hello_frame()
    assert s.frames_to_send(0) == []  # not before welcome
    s.receive(welcome())
    frames = s.frames_to_send(0)
    assert frames == [{"type": "cmd", "id": h.id, "op": "state.set",
                       "args": {"state": "break", "reason": "coffee"}}]
    assert s.frames_to_send(0) == []
    [res] = s.receive(enc({"type": "result", "re": h.id, "ok": True, "data": {"state": "break"}}))
    assert isinstance(res, Result) and res.op == "state.set" and res.data == {"state": "break"}
    assert s.outbox == []


def test_unanswered_commands_are_resent_with_same_ids_after_connection_loss():
    s = opened()
    a = s.command("conv.send", conversation="c1", text="hello")
    b = s.command("team.send", room="team:t1", text="hi")
    first = [f["id"] for f in s.frames_to_send(0)]
    s.connection_lost()
    assert [c.id for c in s.outbox] == [a.id, b.id]
    s.hello_frame()
    s.receive(welcome(resumed=True))
    second = [f["id"] for f in s.frames_to_send(0) if f["type"] == "cmd"]
    assert first == second == [a.id, b.id]
    # both answers arrive, and a duplicate answer is delivered once only
    r1 = s.receive(enc({"type": "result", "re": a.id, "ok": True, "data": {}}))
    r2 = s.receive(enc({"type": "result", "re": a.id, "ok": True, "data": {}}))
    e = s.receive(enc({"type": "error", "re": b.id, "code": "forbidden", "message": "no"}))
    assert len(r1) == 1 and r2 == []
    assert isinstance(e[0], CommandFailed) and e[0].code == "forbidden"
    assert s.outbox == []


def test_bad_command_args_fail_at_once():
    s = opened()
    with pytest.raises(codec.ProtocolError) as exc:
        s.command("state.set", state="on_contact")
    assert exc.value.code == "bad_args"
    with pytest.raises(codec.ProtocolError):
        s.command("no.such.op")
    assert s.outbox == []


def test_cancel_only_unsent_commands():
    s = ClientSession(user="a", password="b")
    h = s.command("whoami")
    assert s.cancel(h.id) and s.outbox == []
    h2 = s.command("whoami")
    s.hello_frame()
    s.receive(welcome())
    s.frames_to_send(0)
    assert not s.cancel(h2.id)


def test_wrong_password_is_auth_failed():
    s = ClientSession(user="a", password="wrong")
    s.hello_frame()
    [f] = s.receive(enc({"type": "error", "code": "auth_failed", "message": "wrong user or password"}))
    assert isinstance(f, AuthFailed) and not f.retry_with_password


def test_rejected_token_falls_back_to_password_when_known():
    s = ClientSession(user="a", password="pw", token="old")
    assert s.hello_frame()["auth"] == {"token": "old"}
    [f] = s.receive(enc({"type": "error", "code": "token_invalid", "message": "expired"}))
    assert isinstance(f, AuthFailed) and f.retry_with_password
    s.connection_lost()
    assert s.hello_frame()["auth"] == {"user": "a", "password": "pw"}


def test_rejected_token_without_password_cannot_retry():
    s = ClientSession(token="old")
    s.hello_frame()
    [f] = s.receive(enc({"type": "error", "code": "token_invalid", "message": "expired"}))
    assert isinstance(f, AuthFailed) and not f.retry_with_password


def test_error_without_pending_command_is_a_server_error():
    s = opened()
    [e] = s.receive(enc({"type": "error", "code": "malformed", "message": "bad"}))
    assert isinstance(e, ServerError) and e.code == "malformed"


def test_ping_pong_gives_rtt():
    s = opened()
    ping = s.ping_frame(100.0)
    assert codec.decode_client_frame(codec.encode(ping))["t"] == 100.0
    [p] = s.receive(enc({"type": "pong", "t": 100.0}), now=100.25)
    assert isinstance(p, Pong) and p.rtt == pytest.approx(0.25) and s.rtt == pytest.approx(0.25)


@pytest.mark.parametrize("text", [b"\x00", "not json", "[]", '{"type":"nope"}',
                                  '{"type":"event","seq":0,"kind":"x","data":{}}',
                                  '{"type":"welcome","last_seq":"x"}'])
def test_bad_frames_from_the_center_never_raise(text):
    s = opened()
    out = s.receive(text)
    assert all(isinstance(e, BadFrame) for e in out)
    assert len(out) == 1


def test_secrets_never_appear_in_repr():
    s = ClientSession(user="agent1", password="pw-SECRET", token="tok-SECRET")
    s.hello_frame()
    [w] = s.receive(welcome(token="tok2-SECRET"))
    assert "SECRET" not in repr(s) and "SECRET" not in repr(w)
