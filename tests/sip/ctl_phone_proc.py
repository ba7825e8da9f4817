"""Runs ``agent-tui ctl ... phone ...`` through the real ctl parser, with the phone sub-command
added by :func:`agent_tui.sip.phone_cli.add_phone_parser` (as the lead wires it into ctl)."""

from __future__ import annotations

import argparse
import sys

from agent_tui.cli import build_parser
from agent_tui.sip.phone_cli import add_phone_parser


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def main() -> int:
    parser = build_parser()
    ctl = _subparsers(parser).choices["ctl"]
    sub = _subparsers(ctl)
    if "phone" not in sub.choices:
        add_phone_parser(sub)
    args = parser.parse_args(sys.argv[1:])
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
