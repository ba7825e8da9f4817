"""The `agent-tui` command: one entry point, one sub-command module per part.

Each part registers its own sub-commands (``register(subparsers)``) and sets
``func`` on its parsers, so parts can grow without touching this file.
The desk (no sub-command) is the default.

Only the part whose sub-command is asked for is imported (``agent-tui ctl ... phone`` does not
load the center's store or the doctor's checks: memory of the headless phone, issue 12); with
no known sub-command (the desk, ``--help``, a typo) every part registers, so help and errors
list them all.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

from agent_tui import __version__, desk_cli

# Each part's module with ``register(subparsers)``, and the sub-commands it registers.
PARTS: dict[str, tuple[str, ...]] = {
    "agent_tui.desk_cli": ("demo",),
    "agent_tui.center.cli": ("center",),
    "agent_tui.ctl.cli": ("ctl", "login", "logout"),
    "agent_tui.support.doctor": ("doctor",),
}


def _command(argv: list[str]) -> str | None:
    """The sub-command named in ``argv`` (the first word that is not an option or its value)."""
    args = iter(argv)
    for arg in args:
        if arg == "--config":
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _parts(argv: list[str] | None) -> list[ModuleType]:
    """The part modules to register: the one owning the sub-command, else all of them."""
    command = _command(sys.argv[1:] if argv is None else argv)
    names = [mod for mod, commands in PARTS.items() if command in commands] or list(PARTS)
    # deferred: a part's CLI module pulls in its own stack (center store, doctor checks, ctl client)
    return [importlib.import_module(name) for name in names]


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The ``agent-tui`` parser for ``argv`` (default ``sys.argv[1:]``): with every part's
    sub-commands, or only the part whose sub-command ``argv`` names."""
    parser = argparse.ArgumentParser(
        prog="agent-tui",
        description="Terminal agent desktop for contact-center agents, and its reference center.",
    )
    parser.add_argument("--version", action="version", version=f"agent-tui {__version__}")
    parser.add_argument("--config", metavar="PATH", help="config file (default: the platform config dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for part in _parts(argv):
        part.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(argv)
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
