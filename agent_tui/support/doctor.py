"""``agent-tui doctor``: the health check support staff run on an agent's machine.

It walks the path a desk takes at start-up, one link at a time, and stops guessing
where it breaks: config file → OS keyring → DNS and TCP to the center → TLS against the
CA file → websocket login → round-trip time and jitter → idle traffic → the softphone
(pjsua2 starts, registers over TLS when the center names a registrar) → audio devices.
Each check ends ``ok``, ``warn``, ``fail`` or ``skip`` with one human sentence, a fix
hint, and figures (milliseconds, days, bytes per second) for the ticket.

Checks that depend on an earlier one (TLS needs TCP, login needs TLS, ...) are skipped
with the reason when it failed, so the first ``fail`` is the one to fix.

Secrets: the password and token are read from the keyring (or ``--password-stdin``)
to log in and register, and never printed — the report says only whether they exist.

Side effect worth knowing: like ``ctl``, the doctor opens a short extra session and
closes it without logging out; an agent who was offline shows as "break (login)" for
the center's grace period.

pjsua2 and sounddevice are imported only inside their checks (``--no-sip`` never loads
pjsua2). Domain code: no textual import here.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent_tui import __version__
from agent_tui.jsonout import dumps
from agent_tui.support import bundle
from agent_tui.support.doctor_link import (
    check_bandwidth,
    check_config,
    check_keyring,
    check_latency,
    check_login,
    check_network,
    check_tls,
)
from agent_tui.support.doctor_report import format_check, format_report
from agent_tui.support.doctor_types import (
    FAIL,
    OK,
    SKIP,
    WARN,
    Check,
    Context,
    Options,
    Report,
    skipped,
)
from agent_tui.support.doctor_voice import check_audio, check_call, check_sip

__all__ = [
    "FAIL",
    "OK",
    "SKIP",
    "WARN",
    "Check",
    "Options",
    "Report",
    "format_check",
    "format_report",
    "register",
    "run_doctor",
]


async def run_doctor(opts: Options, on_check: Callable[[Check], None] | None = None) -> Report:
    """Run every check in order; ``on_check`` sees each one as soon as it is done."""
    report = Report(started_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))
    t0 = time.monotonic()
    ctx = Context(opts)

    def add(check: Check) -> Check:
        report.checks.append(check)
        if on_check is not None:
            on_check(check)
        return check

    async def run(name: str, check: Callable[[Context], Any], blocking: bool = False) -> Check:
        # A support tool must report, not crash: an unexpected error becomes a failed check.
        try:
            if blocking:
                return add(await asyncio.to_thread(check, ctx))
            result = check(ctx)
            return add(await result if asyncio.iscoroutine(result) else result)
        except Exception as exc:  # noqa: BLE001
            return add(
                Check(
                    name,
                    FAIL,
                    f"the {name} check itself failed: {exc!r}",
                    "please send the bundle (--bundle FILE.zip) to the agent-tui developers",
                )
            )

    cfg = await run("config", check_config)
    target_ok = bool(ctx.server and ctx.ca_file and ctx.user)
    report.target = {
        "server": ctx.server,
        "ca_file": str(ctx.ca_file) if ctx.ca_file else None,
        "user": ctx.user,
    }
    await run("keyring", check_keyring)
    if not target_ok:
        why = (
            "not checked: the config check did not pass; fix that first"
            if cfg.status == FAIL
            else "not checked: no server, CA file and user (config or --server/--ca/--user)"
        )
        for name in ("network", "tls", "login", "latency", "bandwidth"):
            add(Check(name, SKIP, why))
    else:
        net = await run("network", check_network)
        tls = await run("tls", check_tls) if net.status != FAIL else add(skipped("tls", "network"))
        login = (
            await run("login", check_login) if tls.status != FAIL else add(skipped("login", "tls"))
        )
        try:
            if login.status == FAIL or ctx.client is None:
                add(skipped("latency", "login"))
                add(skipped("bandwidth", "login"))
            else:
                await run("latency", check_latency)
                await run("bandwidth", check_bandwidth)
        finally:
            if ctx.client is not None:
                await ctx.client.close(logout=False)
                ctx.client = None
    if not opts.sip:
        add(Check("sip", SKIP, "softphone check skipped (--no-sip)"))
    elif not ctx.ca_file or not ctx.user:
        add(Check("sip", SKIP, "no CA file and user to register with"))
    else:
        await run("sip", check_sip, blocking=True)
    if opts.audio:
        await run("audio", check_audio, blocking=True)
    else:
        add(Check("audio", SKIP, "audio check skipped (--no-audio)"))
    if opts.call_test is not None:
        if not opts.sip:
            add(Check("call", SKIP, "call test needs the softphone (drop --no-sip)"))
        else:
            await run("call", check_call, blocking=True)
    report.duration_ms = (time.monotonic() - t0) * 1000
    return report


# --- command line ---------------------------------------------------------------------------


def options_from_args(args: argparse.Namespace) -> Options:
    """Options from the parsed command line (reads the password from stdin if asked)."""
    password = None
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        password = line.rstrip("\r\n") or None
    return Options(
        config=Path(args.config) if getattr(args, "config", None) else None,
        server=args.server,
        ca_file=Path(args.ca).expanduser() if args.ca else None,
        user=args.user,
        password=password,
        connect_timeout=args.connect_timeout,
        pings=args.pings,
        idle_window=args.idle_window,
        sip=not args.no_sip,
        sip_registrar=args.sip_registrar,
        sip_domain=args.sip_domain,
        sip_log=args.sip_log,
        audio=not args.no_audio,
        call_test=args.call_test,
    )


def _cmd(args: argparse.Namespace) -> int:
    opts = options_from_args(args)
    stream = not args.json

    def show(check: Check) -> None:
        if stream:
            sys.stdout.write(format_check(check) + "\n")
            sys.stdout.flush()

    if stream:
        sys.stdout.write(f"agent-tui doctor {__version__}: checking ...\n")
        sys.stdout.flush()
    report = asyncio.run(run_doctor(opts, on_check=show))
    if args.json:
        sys.stdout.write(dumps(report.to_dict()) + "\n")
    else:
        sys.stdout.write(format_report(report).splitlines()[-1] + "\n")
    if args.bundle:
        try:
            path = bundle.write_bundle(Path(args.bundle), report, opts, extra_logs=args.log or [])
        except OSError as exc:
            sys.stderr.write(f"agent-tui: cannot write the bundle {args.bundle}: {exc}\n")
            return 1
        sys.stderr.write(
            f"support bundle written: {path} (secrets removed; check it before sending)\n"
        )
    sys.stdout.flush()
    return report.exit_code


def register(subparsers: Any) -> None:
    """Add ``doctor`` to the ``agent-tui`` command."""
    p = subparsers.add_parser(
        "doctor",
        help="health check for support: config, keyring, network, TLS, login, latency, SIP, audio",
        description="Check, in order, everything the desk needs: the config file, the OS keyring, DNS and "
        "TCP to the center, TLS against the CA file, the login, round-trip time and jitter, "
        "idle traffic, the softphone's SIP registration and the audio devices. Each check says "
        "ok/warn/fail with a fix. Server, CA and user default to the config and the stored "
        "login (as for `ctl`).",
        epilog="exit codes: 0 no check failed (warnings allowed); 1 a check failed. "
        "--bundle FILE.zip also writes a support bundle without secrets.",
    )
    g = p.add_argument_group("connection (default: the config and the stored login)")
    g.add_argument("--server", metavar="wss://HOST:PORT")
    g.add_argument("--ca", metavar="FILE")
    g.add_argument("--user", metavar="NAME")
    g.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of the keyring",
    )
    g.add_argument("--connect-timeout", type=float, default=10.0, metavar="S")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument(
        "--pings", type=int, default=5, metavar="N", help="pings for the RTT figures (default 5)"
    )
    p.add_argument(
        "--idle-window",
        type=float,
        default=5.0,
        metavar="S",
        help="seconds to measure idle traffic (default 5)",
    )
    p.add_argument(
        "--no-sip", action="store_true", help="skip the softphone check (does not load pjsua2)"
    )
    p.add_argument("--no-audio", action="store_true", help="skip the audio device check")
    p.add_argument(
        "--sip-registrar",
        metavar="URI",
        help="SIP registrar to test (default: what the center announces)",
    )
    p.add_argument("--sip-domain", metavar="HOST", help="SIP domain (default: the center's)")
    p.add_argument("--sip-log", metavar="FILE", help="write the pjsua log of the SIP check to FILE")
    p.add_argument(
        "--call-test",
        nargs="?",
        const="",
        default=None,
        metavar="TARGET",
        help="make a short test call to an echo/test number (default: the center's, if any)",
    )
    p.add_argument(
        "--bundle",
        metavar="FILE.zip",
        help="also write a support bundle (report, versions, "
        "redacted config, recent logs without secrets)",
    )
    p.add_argument(
        "--log",
        action="append",
        metavar="FILE",
        help="add this log file to the bundle (repeatable)",
    )
    p.set_defaults(func=_cmd)
