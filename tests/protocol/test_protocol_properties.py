"""Property tests (hypothesis): the codec only ever raises ProtocolError, and the
session machine delivers each event once, in order, and never loses a command."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_tui.protocol import codec
from agent_tui.protocol import messages as m
from agent_tui.protocol.session import ClientSession, Event, Result

# JSON-like values, including the awkward ones: lone surrogates, NUL, huge ints, floats.
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=40),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20,
)
type_names = st.sampled_from(sorted(m.CLIENT_FRAME_TYPES | m.SERVER_FRAME_TYPES) + ["", "x"])
ops = st.one_of(st.sampled_from(sorted(m.COMMANDS)), st.text(max_size=20))
arg_names = st.one_of(st.sampled_from(sorted({a for s in m.COMMANDS.values() for a in s})),
                      st.text(max_size=8))
near_frames = st.fixed_dictionaries(
    {"type": type_names},
    optional={
        "id": st.one_of(st.text(max_size=200), json_values),
        "op": ops,
        "args": st.one_of(st.dictionaries(arg_names, json_values, max_size=5), json_values),
        "seq": st.one_of(st.integers(), json_values),
        "v": st.one_of(st.just(1), json_values),
        "auth": st.one_of(st.fixed_dictionaries({}, optional={"user": json_values, "password": json_values,
                                                              "token": json_values}), json_values),
        "resume": st.one_of(st.fixed_dictionaries({"since": json_values}), json_values),
        "t": json_values, "kind": json_values, "data": json_values, "re": json_values,
        "code": json_values, "message": json_values, "client": json_values,
        "last_seq": json_values, "resumed": json_values, "token": json_values,
    },
)


def _only_protocol_errors(fn, arg):
    try:
        fn(arg)
    except codec.ProtocolError as exc:
        assert exc.code in {c.value for c in m.ErrorCode}
        assert isinstance(exc.to_frame()["message"], str)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=50)))
def test_codec_raises_only_protocol_error_on_arbitrary_text(text):
    _only_protocol_errors(codec.decode_client_frame, text)
    _only_protocol_errors(codec.decode_server_frame, text)


@settings(max_examples=500, deadline=None)
@given(near_frames)
def test_codec_raises_only_protocol_error_on_near_valid_frames(frame):
    text = json.dumps(frame)
    _only_protocol_errors(codec.decode_client_frame, text)
    _only_protocol_errors(codec.decode_server_frame, text)


@settings(max_examples=300, deadline=None)
@given(ops, st.one_of(st.dictionaries(arg_names, json_values, max_size=5), json_values))
def test_validate_args_raises_only_protocol_error(op, args):
    _only_protocol_errors(lambda a: codec.validate_args(op, a), args)


def test_nan_and_infinity_are_malformed():
    for text in ('{"type":"ping","t":NaN}', '{"type":"ping","t":Infinity}'):
        try:
            codec.decode_client_frame(text)
        except codec.ProtocolError as exc:
            assert exc.code == "malformed"
        else:
            raise AssertionError("accepted a non-JSON constant")


def test_deeply_nested_json_is_malformed_not_a_crash():
    nested = "[" * 100_000 + "]" * 100_000  # deeper than the interpreter's recursion limit
    in_a_frame = '{"type":"cmd","id":"c1","op":"whoami","args":{"x":' + nested + "}}"
    for decode in (codec.decode_client_frame, codec.decode_server_frame):
        for text in (nested, in_a_frame):
            with pytest.raises(codec.ProtocolError) as caught:
                decode(text)
            assert caught.value.code == "malformed", (decode.__name__, caught.value.code)
            assert caught.value.to_frame()["code"] == "malformed"


# --- session: exactly once, in order -------------------------------------------

def _welcome(last_seq: int, resumed: bool) -> str:
    return json.dumps({"type": "welcome", "v": 1, "session": "s", "token": "t", "user": {},
                       "last_seq": last_seq, "resumed": resumed})


def _event(seq: int) -> str:
    return json.dumps({"type": "event", "seq": seq, "ts": 0, "kind": "agent.state", "data": {}})


# An adversarial network: per connection, an arbitrary list of seqs (duplicates,
# replays, reorderings, gaps) and then the link drops.
connections = st.lists(st.lists(st.integers(min_value=1, max_value=30), max_size=40), max_size=8)


@settings(max_examples=300, deadline=None)
@given(connections)
def test_session_delivers_each_seq_once_in_order_whatever_arrives(conns):
    s = ClientSession(user="a", password="b", since=0)
    delivered: list[int] = []
    for frames in conns:
        s.hello_frame()
        s.receive(_welcome(30, resumed=True))
        for seq in frames:
            delivered += [e.seq for e in s.receive(_event(seq)) if isinstance(e, Event)]
        s.connection_lost()
    assert delivered == list(range(1, len(delivered) + 1))
    assert s.last_seq == len(delivered)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=60),
       st.lists(st.tuples(st.integers(0, 60), st.integers(0, 3)), min_size=1, max_size=10))
def test_session_with_replaying_center_gets_the_whole_stream(total, cuts):
    """A center that replays from ``resume.since`` (with stale duplicates mixed in)
    and a link that drops after a random number of frames: every connection makes
    progress and the client ends with 1..total exactly once."""
    s = ClientSession(user="a", password="b", since=0)
    delivered: list[int] = []
    cuts = list(cuts) + [(10**6, 0)]  # the last connection stays up
    for cut_after, stale in cuts:
        hello = s.hello_frame()
        since = hello["resume"]["since"]
        s.receive(_welcome(total, resumed=True))
        stream = [max(1, since - k) for k in range(stale) if since] + list(range(since + 1, total + 1))
        for seq in stream[:cut_after]:
            delivered += [e.seq for e in s.receive(_event(seq)) if isinstance(e, Event)]
        s.connection_lost()
    assert delivered == list(range(1, total + 1))


# --- session: the outbox survives connection loss ---------------------------------

@settings(max_examples=200, deadline=None)
@given(st.integers(1, 8), st.lists(st.tuples(st.integers(0, 10), st.booleans()), max_size=8))
def test_outbox_resends_same_ids_until_answered(n_cmds, drops):
    """Commands are resent after each drop with their original ids; answers (even
    repeated ones) complete each command exactly once; nothing is lost."""
    s = ClientSession(user="a", password="b")
    handles = [s.command("team.send", room="team:t", text=f"m{i}") for i in range(n_cmds)]
    ids = {h.id for h in handles}
    completed: list[str] = []
    sent_ids: list[str] = []
    for answer_count, answer_twice in list(drops) + [(10**6, True)]:
        s.hello_frame()
        s.receive(_welcome(0, resumed=False))
        frames = [f for f in s.frames_to_send(0.0) if f["type"] == "cmd"]
        sent_ids += [f["id"] for f in frames]
        assert [f["id"] for f in frames] == [h.id for h in s.outbox]
        for f in frames[:answer_count]:
            res = json.dumps({"type": "result", "re": f["id"], "ok": True, "data": {}})
            for _ in range(2 if answer_twice else 1):
                completed += [r.id for r in s.receive(res) if isinstance(r, Result)]
        s.connection_lost()
    assert sorted(completed) == sorted(ids)  # each exactly once
    assert set(sent_ids) == ids  # never a new id for a retry
    assert s.outbox == []


def test_out_of_range_float_is_malformed():
    try:
        codec.decode_server_frame('{"type":"pong","t":1e999}')
    except codec.ProtocolError as exc:
        assert exc.code == "malformed"
    else:
        raise AssertionError("accepted an infinite number")
