"""``agent-tui ctl ... phone``: the headless softphone for testers.

``add_phone_parser(subparsers)`` adds the ``phone`` sub-command to ``ctl``'s sub-parsers and sets
``ctl_run`` (ctl's convention: ``async handler(client, args, welcome) -> exit code``), so ctl logs in,
hands over its :class:`CenterClient`, and closes it afterwards. :func:`run` is the same with an
explicit :class:`PhoneContext`, for callers that log in differently.

SIP settings come from, in order: ``--sip-registrar/--sip-domain/--sip-proxy``, the welcome
frame's ``voice`` (or ``sip``) mapping (``registrar``, ``domain``, ``proxy``), then the center's
host with no registrar (direct mode: calls arrive as ``voice.offered`` events with a ``pickup``
URI, which the phone dials to take the call).

Output: ONE JSON object on stdout (see :mod:`agent_tui.sip.headless`); exit 0 when the call
completed, 7 when no call came, 3/4 when registration/TLS failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import queue
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from agent_tui.core import credentials
from agent_tui.core.client import CenterClient
from agent_tui.sip.profiles import PROFILES


@dataclass
class PhoneContext:
    """What the phone needs from the ctl session."""

    server: str
    ca_file: Path
    user: str
    password: str | None
    client: CenterClient  # already online
    welcome: dict


def add_phone_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``phone`` to ctl's sub-commands."""
    p = subparsers.add_parser(
        "phone",
        help="headless softphone: take or make one call, play/record WAV, print call figures as JSON",
        description="Register like the desk's softphone, take (--auto-answer) or make (--dial) one call, "
        "play a WAV as the microphone, record what it hears, and print one JSON object.",
    )
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--auto-answer",
        action="store_true",
        help="become Available and answer the first call offered",
    )
    mode.add_argument("--dial", metavar="TARGET", help="call a number, a colleague or a SIP URI")
    p.add_argument("--play", metavar="WAV", help="WAV file to send as the microphone")
    p.add_argument("--record", metavar="WAV", help="WAV file to record what the phone hears")
    p.add_argument(
        "--profile", choices=sorted(PROFILES), default="normal", help="bandwidth profile"
    )
    p.add_argument(
        "--tls13",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="signalling over TLS 1.3 (system OpenSSL) through an in-process relay, not pjsua2's TLS 1.2 "
        "(default: on with a TLS registrar; --no-tls13: pjsua2's TLS 1.2)",
    )
    p.add_argument(
        "--duration",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds to stay in the call after it is answered (default 10)",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=60.0,
        metavar="S",
        help="with --auto-answer: seconds to wait for a call (default 60)",
    )
    p.add_argument(
        "--dtmf", default="", metavar="DIGITS", help="send these digits (RFC 4733) once answered"
    )
    p.add_argument(
        "--hold-after", type=float, metavar="S", help="put the call on hold after S seconds"
    )
    p.add_argument(
        "--hold-for", type=float, default=2.0, metavar="S", help="hold length (default 2)"
    )
    p.add_argument(
        "--input-device", metavar="DEV", help="use a sound device as microphone instead of --play"
    )
    p.add_argument(
        "--output-device", metavar="DEV", help="use a sound device as speaker instead of --record"
    )
    p.add_argument(
        "--sip-registrar", metavar="URI", help="e.g. sip:center.example:5061;transport=tls"
    )
    p.add_argument("--sip-domain", metavar="HOST", help="SIP domain (default: the center's host)")
    p.add_argument("--sip-proxy", metavar="URI", help="outbound proxy URI")
    p.add_argument("--sip-log", metavar="FILE", help="write the pjsua log (level 4) to FILE")
    p.add_argument(
        "--events",
        action="store_true",
        help="print milestones (registered, call, answered) as JSON lines on stderr",
    )
    p.set_defaults(ctl_run=_ctl_entry)
    return p


async def _ctl_entry(client: CenterClient, args: argparse.Namespace, welcome: dict) -> int:
    """ctl's hook: build the context from the logged-in client."""
    password = None
    try:
        password = credentials.get_password(client.server, client.user)
    except Exception:  # noqa: BLE001 - keyring absent (CI with --password-stdin): use the session's
        password = None
    if password is None:
        password = client.password
    ctx = PhoneContext(
        server=client.server,
        ca_file=Path(client.ca_file),
        user=client.user,
        password=password,
        client=client,
        welcome=welcome,
    )
    return await run(args, ctx)


def sip_settings(args: argparse.Namespace, ctx: PhoneContext) -> tuple[str, str, str]:
    """(domain, registrar, proxy) from the options, the welcome frame, or the center's host."""
    info = ctx.welcome.get("voice") or ctx.welcome.get("sip") or {}
    if not isinstance(info, dict):
        info = {}
    host = urlsplit(ctx.server).hostname or "127.0.0.1"
    domain = args.sip_domain or info.get("domain") or host
    registrar = args.sip_registrar if args.sip_registrar is not None else info.get("registrar", "")
    proxy = args.sip_proxy if args.sip_proxy is not None else info.get("proxy", "")
    return str(domain), str(registrar or ""), str(proxy or "")


async def run(args: argparse.Namespace, ctx: PhoneContext) -> int:
    """Run the headless phone next to an online center session; print one JSON object."""
    # deferred: pjsua2 is heavy, and `agent-tui` builds this parser on every start
    from agent_tui.sip import headless
    from agent_tui.sip.phone import HeadsetSpec
    from agent_tui.sip.tls_relay import wanted as tls13_wanted

    domain, registrar, proxy = sip_settings(args, ctx)
    pickups: queue.Queue[str] = queue.Queue()
    center_ended = threading.Event()
    offered: set[str] = set()  # conversations whose pickup we were given
    previous = ctx.client.on_event

    def on_event(frame: dict) -> None:
        # Direct mode: the center offers the call with a one-time pickup URI to dial.
        if frame.get("kind") == "voice.offered":
            data = frame.get("data") or {}
            uri = data.get("pickup") if isinstance(data, dict) else None
            if uri and args.auto_answer:
                pickups.put(str(uri))
                offered.add(str(data.get("conversation") or ""))
        elif frame.get("kind") == "voice.ended":
            data = frame.get("data") or {}
            # The center ended our call (not a withdrawn offer, not a transfer): in direct mode
            # behind a NAT the engine's BYE may never arrive, so hang the SIP call up too.
            if isinstance(data, dict) and str(data.get("conversation") or "") in offered \
                    and data.get("reason") not in ("timeout", "declined", "cancelled", "transferred"):
                center_ended.set()
        if previous is not None:
            previous(frame)

    ctx.client.on_event = on_event
    if args.auto_answer:
        await ctx.client.call("state.set", state="available")
    dial = args.dial
    if dial and not dial.startswith(("sip:", "sips:")) and "@" not in dial:
        # A colleague's name or a number: the center says where (or why not) to call it.
        try:
            dial = str((await ctx.client.call("voice.dial", target=dial)).get("uri") or dial)
        except Exception as exc:  # noqa: BLE001 - CommandError carries the center's words
            code = getattr(exc, "code", "")
            if code not in ("unknown_op", "not_implemented"):
                message = getattr(exc, "message", "") or str(exc)
                failure: dict[str, object] = {
                    "result": "failed",
                    "message": f"the center cannot place this call: {message}",
                    "codec": "",
                    "tx_packets": 0,
                    "rx_packets": 0,
                    "tx_kbps": 0,
                    "rx_kbps": 0,
                    "loss_pct": 0,
                    "jitter_ms": 0,
                    "rtt_ms": None,
                    "mos": None,
                }
                sys.stdout.write(json.dumps(failure, sort_keys=True) + "\n")
                sys.stdout.flush()
                return 1
    headset = None
    if args.input_device or args.output_device:
        headset = HeadsetSpec(input_device=args.input_device, output_device=args.output_device)
    opts = headless.HeadlessOptions(
        ca_file=ctx.ca_file,
        user=ctx.user,
        domain=domain,
        registrar=registrar,
        proxy=proxy,
        password=ctx.password,
        profile=args.profile,
        tls13_relay=tls13_wanted(args.tls13, registrar),
        play=args.play,
        record=args.record,
        headset=headset,
        dial=dial,
        auto_answer=args.auto_answer,
        duration=args.duration,
        wait=args.wait,
        dtmf=args.dtmf,
        hold_after=args.hold_after,
        hold_for=args.hold_for,
        log_file=args.sip_log,
        log_level=4 if args.sip_log else 0,
    )
    if args.events:

        def progress(event: dict) -> None:
            sys.stderr.write(json.dumps(event, sort_keys=True) + "\n")
            sys.stderr.flush()

        opts.progress = progress
    try:
        result = await asyncio.to_thread(headless.run_headless, opts, pickups, None, center_ended)
    finally:
        ctx.client.on_event = previous
    sys.stdout.write(json.dumps(result, sort_keys=True) + "\n")
    sys.stdout.flush()
    return headless.EXIT_FOR_RESULT.get(result.get("result", "error"), 1)
