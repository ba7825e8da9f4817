"""``agent-tui center call DIR --from NUMBER …``: a simulated customer call.

A real SIP/TLS + SRTP call from its own pjsua2 process to the center's queue
number — through Kamailio when center.yaml enables it, else straight to the
voice engine. It plays a WAV as the customer's voice, records what the customer
hears, can send DTMF (RFC 4733), and prints one JSON object at the end.
Exit code 0 when the call was answered, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from agent_tui.center.config import load_center_config
from agent_tui.center.voice import kamailio
from agent_tui.center.voice import settings as vs


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``call`` arguments to a parser (used by center/cli.py and ``__main__``)."""
    p = sub.add_parser("call", help="simulate a customer calling the voice queue")
    add_arguments(p)
    p.set_defaults(func=run)
    return p


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=Path, help="center directory")
    p.add_argument("--from", dest="from_number", required=True, help="caller number, e.g. +31612345678")
    p.add_argument("--name", default="", help="caller display name")
    p.add_argument("--to", default="", help="number to dial (default: the queue number)")
    p.add_argument("--play", type=Path, help="WAV file played as the caller's voice (looped)")
    p.add_argument("--record", type=Path, help="write what the caller hears to this WAV file")
    p.add_argument("--duration", type=float, default=10.0, help="seconds from answer to hang-up")
    p.add_argument("--dtmf", default="", help="digits to send (RFC 4733) after --dtmf-at seconds")
    p.add_argument("--dtmf-at", type=float, default=1.0, help="seconds after answer to send --dtmf")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for an answer")
    p.add_argument("--events", action="store_true",
                   help="also print progress as JSON lines ({\"ev\": ...}) before the summary")
    p.add_argument("--log-level", type=int, default=0)


def _target(cdir: Path, to: str) -> tuple[list[str], str]:
    """(request URIs to try in order, host) for the queue: via Kamailio, else the engines."""
    vset = vs.parse_voice_settings(load_center_config(cdir).voice)
    number = to or vset.queue_number
    if vset.kamailio.enabled:
        k = kamailio.address(cdir)
        return [f"sip:{number}@{k['host']}:{k['port']};transport=tls"], k["host"]
    addrs = vs.read_engine_addresses(cdir) or [vs.read_engine_address(cdir)]
    # Direct mode: try each engine in turn (a full one answers 486 Busy Here).
    return [f"sip:{number}@{a['host']}:{a['port']};transport=tls" for a in addrs], addrs[0]["host"]


def place_call(cdir: Path, *, from_number: str, name: str = "", to: str = "",
               play: Path | None = None, record: Path | None = None, duration: float = 10.0,
               dtmf: str = "", dtmf_at: float = 1.0, timeout: float = 15.0,
               log_level: int = 0, on_event: Any = None) -> dict[str, Any]:
    """Make one call to the center in ``cdir`` and return the summary (see module docstring)."""
    # deferred: customer loads pjsua2, which `agent-tui center --help` must not need
    from agent_tui.center.voice import customer

    targets, host = _target(cdir, to)
    return customer.place_call(
        ca_file=cdir / "tls" / "ca.pem", host=host, targets=targets, from_number=from_number,
        name=name, play=play, record=record, duration=duration, dtmf=dtmf, dtmf_at=dtmf_at,
        timeout=timeout, log_level=log_level, on_event=on_event,
    )


def _print_json(obj: dict[str, Any]) -> None:
    _OUT.write(json.dumps(obj) + "\n")
    _OUT.flush()


_OUT = sys.stdout


def run(args: argparse.Namespace) -> int:
    """CLI entry: print the JSON summary; exit 0 when answered.

    Accepts parsed arguments, or center/cli.py's form (``dir`` + unparsed ``rest``).
    """
    if hasattr(args, "rest") and not hasattr(args, "from_number"):
        p = argparse.ArgumentParser(prog="agent-tui center call")
        add_arguments(p)
        args = p.parse_args([str(args.dir), *args.rest])
    cdir: Path = args.dir
    if args.play is not None and not args.play.is_file():
        print(f"error: --play {args.play}: no such file", file=sys.stderr)
        return 2
    try:
        summary = place_call(cdir, from_number=args.from_number, name=args.name, to=args.to,
                             play=args.play, record=args.record, duration=args.duration,
                             dtmf=args.dtmf, dtmf_at=args.dtmf_at, timeout=args.timeout,
                             log_level=args.log_level,
                             on_event=_print_json if args.events else None)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _print_json(summary)
    return 0 if summary["answered"] else 1


if __name__ == "__main__":
    _p = argparse.ArgumentParser(prog="python -m agent_tui.center.voice.call_cli")
    add_arguments(_p)
    raise SystemExit(run(_p.parse_args()))
