"""A desk's connection in a subprocess: the real CenterClient, driven by JSON lines.

Runs inside the agent's network namespace (started by tests/net and bench/low_bandwidth.py through
``ip netns exec``), so its traffic crosses the shaped link. It is the desk minus the screen: the same
client library, the same callbacks.

    python desk_agent.py --server wss://H:P --ca CA --user agent1 [--ping-interval S] [--accept-chats]
    stdin line 1: the password (never on the command line); then commands, one JSON object a line:
        {"cmd": "start"}                               connect + log in (in the background)
        {"cmd": "call", "tag": T, "op": OP, "args": {…}}   submit a command (queued when offline)
        {"cmd": "draft", "key": K, "text": T}          keep a draft (needs --cache)
        {"cmd": "close"}                               close without logout, then exit
    With ``--cache DIR`` the desk's encrypted local cache (core/desk_cache.py) keeps queued typed
    commands and drafts; at start it resubmits what an earlier (killed) run left.
    stdout, one JSON object a line, each with "t" = time.monotonic() (the same clock in every process):
        {"ev": "welcome", "resumed": bool, "snapshot": bool, "last_seq": N}
        {"ev": "status", "state": S, "queued": N}
        {"ev": "event", "kind": K, "seq": N, "data": {…}}
        {"ev": "result", "tag": T, "ok": bool, "data" | "error": …, "t_submit": …}
        {"ev": "accepted", "conversation": C}            (with --accept-chats: a chat offer it took)
        {"ev": "restored", "queued": [text…], "drafts": {K: T}}  (with --cache, before start)
        {"ev": "queued", "tag": T}                       the command is stored (and submitted)
        {"ev": "drafted", "key": K}                      the draft is stored
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from agent_tui.core.client import CenterClient, CommandError
from agent_tui.core.desk_cache import DeskCache


def emit(obj: dict[str, Any]) -> None:
    obj["t"] = time.monotonic()
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--ping-interval", type=float, default=10.0)
    ap.add_argument("--accept-chats", action="store_true",
                    help="accept every non-voice offer at once (voice is the phone's job)")
    ap.add_argument("--cache", type=Path, help="base directory of the encrypted local cache")
    args = ap.parse_args()
    loop = asyncio.get_running_loop()
    # One reader for all of stdin: sys.stdin's own buffer would swallow the lines after the password.
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    password = (await reader.readline()).decode().rstrip("\n")
    client: CenterClient

    def on_event(frame: dict[str, Any]) -> None:
        data = frame.get("data") or {}
        emit({"ev": "event", "kind": frame.get("kind"), "seq": frame.get("seq"), "data": data})
        if args.accept_chats and frame.get("kind") == "offer.new":
            conv = data.get("conversation") or {}
            if conv.get("channel") != "voice":
                conv_id = conv.get("id")
                fut = client.submit("offer.accept", offer=data["offer"])

                def accepted(f: asyncio.Future) -> None:
                    if f.exception() is None:
                        emit({"ev": "accepted", "conversation": conv_id})

                fut.add_done_callback(accepted)

    def on_welcome(frame: dict[str, Any]) -> None:
        emit({"ev": "welcome", "resumed": frame.get("resumed") is True,
              "snapshot": isinstance(frame.get("snapshot"), dict), "last_seq": frame.get("last_seq")})

    def on_status(st: Any) -> None:
        emit({"ev": "status", "state": st.state, "queued": st.queued, "detail": st.detail})

    cache = DeskCache.open_for(args.server, args.user, base=args.cache) if args.cache else None
    client = CenterClient(args.server, args.ca, args.user, password=password, on_event=on_event,
                          on_welcome=on_welcome, on_status=on_status, client_name="agent-tui net-test",
                          ping_interval=args.ping_interval, outbox_store=cache)

    def finish(tag: str, t_submit: float, fut: asyncio.Future) -> None:
        exc = fut.exception()
        if exc is None:
            emit({"ev": "result", "tag": tag, "ok": True, "data": fut.result(), "t_submit": t_submit})
        else:
            code = exc.code if isinstance(exc, CommandError) else type(exc).__name__
            emit({"ev": "result", "tag": tag, "ok": False, "error": f"{code}: {exc}", "t_submit": t_submit})

    if cache is not None:
        queued = cache.queued()
        emit({"ev": "restored", "queued": [a.get("text") for _, _, a in queued],
              "drafts": {k: v.get("text") for k, v in cache.drafts().items()}})
        t_restore = time.monotonic()
        for cid, op, op_args in queued:
            fut = client.restore(cid, op, op_args)
            fut.add_done_callback(lambda f, tag=f"restored:{cid}": finish(tag, t_restore, f))
    while True:
        line = await reader.readline()
        if not line:
            break
        cmd = json.loads(line)
        if cmd["cmd"] == "start":
            await client.start()
        elif cmd["cmd"] == "call":
            t_submit = time.monotonic()
            fut = client.submit(cmd["op"], **cmd.get("args", {}))
            fut.add_done_callback(lambda f, tag=cmd["tag"], t0=t_submit: finish(tag, t0, f))
            emit({"ev": "queued", "tag": cmd["tag"]})
        elif cmd["cmd"] == "draft":
            assert cache is not None, "draft needs --cache"
            cache.set_draft(cmd["key"], cmd["text"])
            emit({"ev": "drafted", "key": cmd["key"]})
        elif cmd["cmd"] == "close":
            break
    await client.close()
    emit({"ev": "closed"})
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
