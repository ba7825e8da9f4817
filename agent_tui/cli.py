"""The `agent-tui` command: one entry point, one sub-command module per part.

Each part registers its own sub-commands (``register(subparsers)``) and sets
``func`` on its parsers, so parts can grow without touching this file.
The desk (no sub-command) is the default.
"""

from __future__ import annotations

import argparse
import sys

from agent_tui import __version__, desk_cli
from agent_tui.center import cli as center_cli
from agent_tui.ctl import cli as ctl_cli
from agent_tui.support import doctor as doctor_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agent-tui",
        description="Terminal agent desktop for contact-center agents, and its reference center.",
    )
    parser.add_argument("--version", action="version", version=f"agent-tui {__version__}")
    parser.add_argument("--config", metavar="PATH", help="config file (default: the platform config dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    desk_cli.register(sub)
    center_cli.register(sub)
    ctl_cli.register(sub)
    doctor_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        func = desk_cli.run_desk
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
