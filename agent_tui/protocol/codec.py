"""Encode and decode protocol frames, with validation and size limits.

Pure functions: text in, dicts out (or a :class:`ProtocolError` that the caller
turns into an ``error`` frame). Nothing here touches a socket.
"""

from __future__ import annotations

import json
from typing import Any

from agent_tui.protocol import messages as m


class ProtocolError(Exception):
    """A frame that cannot be accepted. ``code`` is an :class:`ErrorCode` value."""

    def __init__(self, code: m.ErrorCode | str, message: str, re: str | None = None):
        super().__init__(message)
        self.code = m.ErrorCode(code).value
        self.message = message
        self.re = re

    def to_frame(self) -> dict[str, Any]:
        return error_frame(self.code, self.message, self.re)


def error_frame(code: m.ErrorCode | str, message: str, re: str | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "code": m.ErrorCode(code).value, "message": message}
    if re is not None:
        frame["re"] = re
    return frame


class EncodedFrame(dict):  # type: ignore[type-arg]
    """A frame whose JSON text was built once for many receivers (the center's fan-out of one
    event to every agent): :func:`encode` returns :attr:`text` instead of encoding again.
    Never change it after it is built."""

    __slots__ = ("text",)

    def __init__(self, text: str, **fields: Any):
        super().__init__(**fields)
        self.text = text


def encode(frame: dict[str, Any]) -> str:
    """Compact JSON; ``ensure_ascii=False`` keeps Dutch text small on the wire."""
    if isinstance(frame, EncodedFrame):
        return frame.text
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def _reject_constant(name: str) -> Any:
    # NaN/Infinity are not JSON (RFC 8259); accepting them would let a peer
    # plant values that json.dumps then writes back as invalid JSON.
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text[:32]} out of range")
    return value


def frame_size(frame: Any) -> int:
    """Bytes of *frame* on the wire (UTF-8 of :func:`encode`), before compression."""
    return len(encode(frame).encode("utf-8", "surrogatepass"))


def fit_text(text: str, budget: int) -> str:
    """The longest prefix of *text* whose JSON string (quotes and escapes included) takes at
    most *budget* bytes. Whole code points only; a binary search over :func:`frame_size`."""
    if len(text) + 2 <= budget and frame_size(text) <= budget:  # every code point takes a byte or more
        return text
    lo, hi = 0, min(len(text), budget)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if frame_size(text[:mid]) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo]


def announced_limit(value: Any) -> int:
    """A peer's ``max_frame`` (hello or welcome): absent means the default; below the floor or
    above :data:`messages.MAX_FRAME_LIMIT` is refused."""
    if value is None:
        return m.MAX_FRAME_BYTES
    return require_int(value, "max_frame", m.MAX_FRAME_BYTES, m.MAX_FRAME_LIMIT)


def _load(text: str | bytes, limit: int = m.MAX_FRAME_BYTES) -> dict[str, Any]:
    if isinstance(text, bytes):
        raise ProtocolError(m.ErrorCode.MALFORMED, "binary frames are not part of agent-tui.v1; send JSON text")
    if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
        raise ProtocolError(m.ErrorCode.TOO_LARGE, f"frame larger than {limit} bytes")
    try:
        obj = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(m.ErrorCode.MALFORMED, f"not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise ProtocolError(m.ErrorCode.MALFORMED, "a frame must be a JSON object")
    return obj


def require_str(value: Any, name: str, limit: int, re: str | None = None, *, allow_empty: bool = False) -> str:
    """*value* as a string of at most *limit* characters, or :class:`ProtocolError`.

    Also refuses (unless *allow_empty*) blank strings, NUL and unpaired surrogates. For any
    ingress (frames here, the center's HTTPS ``POST /v1/messages``): the same limits everywhere.
    """
    if not isinstance(value, str):
        raise ProtocolError(m.ErrorCode.BAD_ARGS, f"{name} must be a string", re)
    if len(value) > limit:
        raise ProtocolError(m.ErrorCode.TOO_LARGE, f"{name} longer than {limit} characters", re)
    if not allow_empty and not value.strip():
        raise ProtocolError(m.ErrorCode.BAD_ARGS, f"{name} must not be empty", re)
    if "\x00" in value:
        raise ProtocolError(m.ErrorCode.BAD_ARGS, f"{name} must not contain NUL", re)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ProtocolError(m.ErrorCode.BAD_ARGS, f"{name} is not valid Unicode", re) from None
    return value


def require_int(value: Any, name: str, lo: int | None, hi: int | None, re: str | None = None) -> int:
    """*value* as an integer (not a bool) within [*lo*, *hi*], or :class:`ProtocolError`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(m.ErrorCode.BAD_ARGS, f"{name} must be an integer", re)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ProtocolError(m.ErrorCode.BAD_ARGS, f"{name} must be between {lo} and {hi}", re)
    return value


def validate_args(op: str, args: Any, re: str | None = None) -> dict[str, Any]:
    """Check a command's arguments against :data:`messages.COMMANDS`."""
    schema = m.COMMANDS.get(op)
    if schema is None:
        raise ProtocolError(m.ErrorCode.UNKNOWN_OP, f"unknown op {op[:64]!r}", re)
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ProtocolError(m.ErrorCode.BAD_ARGS, "args must be an object", re)
    unknown = set(args) - set(schema)
    if unknown:
        name = sorted(str(k)[:64] for k in unknown)[0]
        raise ProtocolError(m.ErrorCode.BAD_ARGS, f"{op}: unknown argument {name!r}", re)
    out: dict[str, Any] = {}
    for name, spec in schema.items():
        if name not in args or args[name] is None:
            if spec.required:
                raise ProtocolError(m.ErrorCode.BAD_ARGS, f"{op}: missing argument {name!r}", re)
            continue
        value = args[name]
        if spec.kind == "id":
            out[name] = require_str(value, name, m.MAX_ID, re)
        elif spec.kind == "short":
            out[name] = require_str(value, name, m.MAX_SHORT, re)
        elif spec.kind == "text":
            out[name] = require_str(value, name, m.MAX_TEXT, re)
        elif spec.kind == "secret":
            out[name] = require_str(value, name, m.MAX_SECRET, re)
        elif spec.kind == "int":
            out[name] = require_int(value, name, spec.minimum, spec.maximum, re)
        elif spec.kind == "bool":
            if not isinstance(value, bool):
                raise ProtocolError(m.ErrorCode.BAD_ARGS, f"{name} must be true or false", re)
            out[name] = value
        elif spec.kind in ("enum", "state", "channel"):
            choices = {"state": m.AGENT_SETTABLE_STATES, "channel": m.CHANNELS}.get(spec.kind, spec.choices)
            assert choices is not None
            if not isinstance(value, str) or value not in choices:
                raise ProtocolError(
                    m.ErrorCode.BAD_ARGS, f"{name} must be one of {', '.join(sorted(choices))}", re
                )
            out[name] = value
        else:  # pragma: no cover - schema bug
            raise AssertionError(spec.kind)
    return out


def decode_client_frame(text: str | bytes) -> dict[str, Any]:
    """Parse and validate a frame sent by a client. Returns a normalised dict.

    hello: {"type","v","auth":{"user","password"}|{"token"},"resume":{"since"}?,"client"?,"max_frame"?}
    cmd:   {"type","id","op","args"}
    ack:   {"type","seq"}
    ping:  {"type","t"?}
    bye:   {"type"}
    """
    obj = _load(text)
    ftype = obj.get("type")
    re = obj.get("id") if isinstance(obj.get("id"), str) and len(obj["id"]) <= m.MAX_ID else None
    if not isinstance(ftype, str):
        raise ProtocolError(m.ErrorCode.MALFORMED, "frame has no string 'type'", re)
    if ftype not in m.CLIENT_FRAME_TYPES:
        raise ProtocolError(m.ErrorCode.UNKNOWN_TYPE, f"unknown frame type {ftype[:64]!r}", re)
    if ftype == "cmd":
        cid = obj.get("id")
        cid = require_str(cid, "id", m.MAX_ID, None)
        op = obj.get("op")
        if not isinstance(op, str):
            raise ProtocolError(m.ErrorCode.MALFORMED, "cmd needs a string 'op'", cid)
        args = validate_args(op, obj.get("args"), cid)
        return {"type": "cmd", "id": cid, "op": op, "args": args}
    if ftype == "ack":
        return {"type": "ack", "seq": require_int(obj.get("seq"), "seq", 0, 2**53, None)}
    if ftype == "ping":
        t = obj.get("t")
        if t is not None and (isinstance(t, bool) or not isinstance(t, (int, float))):
            raise ProtocolError(m.ErrorCode.MALFORMED, "ping 't' must be a number")
        return {"type": "ping", "t": t}
    if ftype == "bye":
        return {"type": "bye"}
    # hello
    v = obj.get("v")
    if v != m.PROTOCOL_VERSION:
        raise ProtocolError(
            m.ErrorCode.UNSUPPORTED_VERSION,
            f"protocol version {v!r} not supported; this center speaks v{m.PROTOCOL_VERSION}",
        )
    auth = obj.get("auth")
    if not isinstance(auth, dict):
        raise ProtocolError(m.ErrorCode.MALFORMED, "hello needs an 'auth' object")
    out: dict[str, Any] = {"type": "hello", "v": v}
    if "token" in auth:
        out["auth"] = {"token": require_str(auth["token"], "token", m.MAX_SECRET, None)}
    else:
        out["auth"] = {
            "user": require_str(auth.get("user"), "user", m.MAX_ID, None),
            "password": require_str(auth.get("password"), "password", m.MAX_SECRET, None),
        }
    out["max_frame"] = announced_limit(obj.get("max_frame"))
    client = obj.get("client")
    if client is not None:
        out["client"] = require_str(client, "client", m.MAX_SHORT, None)
    resume = obj.get("resume")
    if resume is not None:
        if not isinstance(resume, dict):
            raise ProtocolError(m.ErrorCode.MALFORMED, "resume must be an object")
        out["resume"] = {"since": require_int(resume.get("since"), "resume.since", 0, 2**53, None)}
    return out


def decode_server_frame(text: str | bytes, limit: int = m.MAX_FRAME_BYTES) -> dict[str, Any]:
    """Parse a frame sent by the center (at most *limit* bytes: what this client announced).
    Light checks: the client trusts the center's shapes but never crashes on a bad frame."""
    obj = _load(text, limit)
    ftype = obj.get("type")
    if ftype not in m.SERVER_FRAME_TYPES:
        raise ProtocolError(m.ErrorCode.UNKNOWN_TYPE, f"unknown frame type {str(ftype)[:64]!r}")
    if ftype == "event":
        seq = obj.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise ProtocolError(m.ErrorCode.MALFORMED, "event needs a positive integer 'seq'")
        if not isinstance(obj.get("kind"), str) or not isinstance(obj.get("data"), dict):
            raise ProtocolError(m.ErrorCode.MALFORMED, "event needs 'kind' and 'data'")
    elif ftype == "result" and not isinstance(obj.get("re"), str):
        raise ProtocolError(m.ErrorCode.MALFORMED, "result needs 're'")
    elif ftype == "error" and not (isinstance(obj.get("code"), str) and isinstance(obj.get("message"), str)):
        raise ProtocolError(m.ErrorCode.MALFORMED, "error needs 'code' and 'message'")
    return obj
