"""What each ``agent-tui ctl`` command does, given a logged-in :class:`CenterClient`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from agent_tui.core.client import CenterClient
from agent_tui.ctl.exits import (
    EXIT_LOGIN,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_TIMEOUT,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CtlFailure,
    print_json,
    run_guarded,
)
from agent_tui.ctl.session import with_client

Handler = Callable[[CenterClient, argparse.Namespace, dict[str, Any]], Awaitable[int]]
"""What a parser's ``ctl_run`` holds: ``await handler(client, args, welcome)`` -> exit code."""


def simple_op(op: str, build: Callable[[argparse.Namespace], dict[str, Any]] | None = None) -> Handler:
    """A ctl command that is one center op; prints the result data."""

    async def run(client: CenterClient, args: argparse.Namespace, welcome: dict[str, Any]) -> int:
        print_json(await client.call(op, **(build(args) if build else {})))
        return EXIT_OK

    return run


def _offers_from(welcome: dict[str, Any]) -> list[dict[str, Any]]:
    snapshot = welcome.get("snapshot") or {}
    offers = snapshot.get("offers") or []
    return [o for o in offers if isinstance(o, dict) and isinstance(o.get("offer"), str)]


def _offer_age_key(offer: dict[str, Any]) -> float:
    try:
        return float(offer.get("expires_at", 0)) - float(offer.get("timeout_s", 0))
    except (TypeError, ValueError):
        return 0.0


async def _pick_offer(client: CenterClient, args: argparse.Namespace, welcome: dict[str, Any],
                      pending: dict[str, dict[str, Any]], arrived: asyncio.Event) -> str:
    if args.offer:
        return args.offer
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.wait
    while not pending:
        remaining = deadline - loop.time()
        if remaining <= 0:
            if args.wait:
                raise CtlFailure(EXIT_TIMEOUT, f"no offer arrived within {args.wait:g} s")
            raise CtlFailure(EXIT_REFUSED, "no pending offer (use --wait SECONDS to wait for one)")
        arrived.clear()
        try:
            await asyncio.wait_for(arrived.wait(), remaining)
        except asyncio.TimeoutError:
            pass
    return min(pending.values(), key=_offer_age_key)["offer"]


def _offer_tracker() -> tuple[dict[str, dict[str, Any]], asyncio.Event,
                              Callable[[dict[str, Any]], None], Callable[[dict[str, Any]], None]]:
    """Pending offers: the welcome snapshot's, then offer.new/offer.revoked events.
    The snapshot is taken in on_welcome, before any event of that connection."""
    pending: dict[str, dict[str, Any]] = {}
    arrived = asyncio.Event()

    def on_welcome(frame: dict[str, Any]) -> None:
        if frame.get("resumed"):
            return
        pending.clear()
        for offer in _offers_from(frame):
            pending[offer["offer"]] = offer
        if pending:
            arrived.set()

    def on_event(frame: dict[str, Any]) -> None:
        data = frame.get("data") or {}
        if frame.get("kind") == "offer.new" and isinstance(data.get("offer"), str):
            pending[data["offer"]] = data
            arrived.set()
        elif frame.get("kind") == "offer.revoked" and isinstance(data.get("offer"), str):
            pending.pop(data["offer"], None)

    return pending, arrived, on_event, on_welcome


async def _run_offer(args: argparse.Namespace, op: str) -> int:
    pending, arrived, on_event, on_welcome = _offer_tracker()

    async def body(client: CenterClient, welcome: dict[str, Any]) -> int:
        offer = await _pick_offer(client, args, welcome, pending, arrived)
        extra = {"reason": args.reason} if op == "offer.decline" and args.reason else {}
        data = await client.call(op, offer=offer, **extra)
        print_json({"offer": offer, **data} if op == "offer.decline" else data)
        return EXIT_OK

    return await with_client(args, body, on_event=on_event, on_welcome=on_welcome)


async def _transfer_target(client: CenterClient, target: str) -> dict[str, str]:
    """``agent:NAME`` / ``queue:NAME`` explicitly, else whichever exists."""
    kind, _, name = target.partition(":")
    if kind in ("agent", "queue") and name:
        return {kind: name}
    presence = (await client.call("presence.get")).get("presence") or []
    if any(isinstance(p, dict) and p.get("user") == target for p in presence):
        return {"agent": target}
    queues = (await client.call("queue.get")).get("queues") or []
    if any(isinstance(q, dict) and q.get("queue") == target for q in queues):
        return {"queue": target}
    raise CtlFailure(EXIT_REFUSED, f"no agent or queue named {target!r} (use agent:NAME or queue:NAME)")


def _write_cursor(path: Path, seq: int) -> None:
    # Write-then-rename: a crash mid-write never leaves a torn cursor behind.
    fd, tmp = tempfile.mkstemp(prefix=".cursor-", dir=str(path.parent))
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{seq}\n")
    os.replace(tmp, path)


def _read_cursor(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CtlFailure(EXIT_LOGIN, f"cannot read cursor file {path}: {exc}") from None
    if not text.isdigit():
        raise CtlFailure(EXIT_LOGIN, f"cursor file {path} does not hold a seq number")
    return int(text)


async def _run_events(args: argparse.Namespace) -> int:
    cursor = Path(args.cursor) if args.cursor else None
    since = args.since
    if cursor is not None and since is None:
        since = _read_cursor(cursor)
    printed = 0
    printed_seq = [since or 0]
    done = asyncio.Event()
    lost: list[str] = []
    caught_up_at: list[int] = []

    def on_event(frame: dict[str, Any]) -> None:
        nonlocal printed
        if done.is_set() or (args.count is not None and printed >= args.count):
            return
        try:
            print_json({k: frame.get(k) for k in ("seq", "ts", "kind", "data")})
        except BrokenPipeError:
            # The reader went away (`ctl events --follow | head -3`): stop quietly.
            # Point stdout at /dev/null so the interpreter's final flush cannot fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            done.set()
            return
        printed += 1
        printed_seq[0] = int(frame["seq"])
        if cursor is not None:
            _write_cursor(cursor, int(frame["seq"]))
        got_count = args.count is not None and printed >= args.count
        # Without --follow or --count, stop once the backlog seen at login has been printed.
        caught_up = (bool(caught_up_at) and not args.follow and args.count is None
                     and frame["seq"] >= caught_up_at[0])
        if got_count or caught_up:
            done.set()

    welcomes = 0

    def on_welcome(frame: dict[str, Any]) -> None:
        nonlocal welcomes
        welcomes += 1
        if welcomes > 1 and not frame.get("resumed"):
            # The center could not replay (retention ran out): say so rather than
            # let a script believe it saw every event.
            sys.stderr.write("agent-tui ctl: warning: the center could not resume the event stream; "
                             f"events after seq {printed_seq[0]} may be missing\n")
            sys.stderr.flush()

    def on_status(status: Any) -> None:
        if status.state == "reconnecting" and not args.follow:
            lost.append(status.detail)
            done.set()

    async def body(client: CenterClient, welcome: dict[str, Any]) -> int:
        if since is not None and not welcome.get("resumed"):
            sys.stderr.write(
                f"agent-tui ctl: warning: the center could not resume after seq {since}; "
                "showing events from now on\n"
            )
        if not args.follow and args.count is None:
            # Without --follow/--count: print what was missed since the cursor and stop.
            caught_up_at.append(int(welcome.get("last_seq") or 0))
            if client.last_seq >= caught_up_at[0]:
                return EXIT_OK
        try:
            await asyncio.wait_for(done.wait(), args.timeout)
        except asyncio.TimeoutError:
            if args.count is not None:
                raise CtlFailure(
                    EXIT_TIMEOUT, f"timed out after {args.timeout:g} s with {printed} of {args.count} events"
                ) from None
            return EXIT_OK
        if lost:
            raise CtlFailure(EXIT_UNREACHABLE, f"{lost[0]} (use --follow to reconnect and resume)")
        return EXIT_OK

    return await with_client(args, body, on_event=on_event, since=since, on_status=on_status,
                              on_welcome=on_welcome)


async def raw_call(client: CenterClient, args: argparse.Namespace, welcome: dict[str, Any]) -> int:
    """``ctl call OP JSON``: any protocol op with its arguments as a JSON object."""
    try:
        call_args = json.loads(args.args)
    except ValueError as exc:
        raise CtlFailure(EXIT_USAGE, f"JSON args: {exc}") from None
    if not isinstance(call_args, dict):
        raise CtlFailure(EXIT_USAGE, "JSON args must be an object")
    print_json(await client.call(args.op, **call_args))
    return EXIT_OK


def run_ctl(args: argparse.Namespace) -> int:
    """Entry point for ``agent-tui ctl ...``."""
    handler = getattr(args, "ctl_run", None)

    async def main() -> int:
        if getattr(args, "ctl_special", None) == "offer":
            return await _run_offer(args, args.ctl_op)
        if getattr(args, "ctl_special", None) == "events":
            return await _run_events(args)
        if getattr(args, "ctl_special", None) == "transfer":
            async def transfer(client: CenterClient, welcome: dict[str, Any]) -> int:
                target = await _transfer_target(client, args.to)
                print_json(await client.call("conv.transfer", conversation=args.conversation,
                                             note=args.note, **target))
                return EXIT_OK
            return await with_client(args, transfer)
        assert handler is not None

        async def run_op(client: CenterClient, welcome: dict[str, Any]) -> int:
            return await handler(client, args, welcome)

        return await with_client(args, run_op)

    return run_guarded(main)
