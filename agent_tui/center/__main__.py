"""``python -m agent_tui.center init|serve|inject|call``: the center commands without the desk.

Same as ``agent-tui center …``; handy where the desk's dependencies are not wanted.
"""

from __future__ import annotations

import argparse
import sys

from agent_tui.center import cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agent-tui")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    cli.register(sub)
    args = parser.parse_args(["center", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
