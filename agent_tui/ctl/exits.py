"""How a ctl command ends: its exit code, its one-line error on stderr, its JSON on stdout."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from agent_tui.core import credentials
from agent_tui.core.client import AuthError, CommandError, TrustError, UnreachableError
from agent_tui.jsonout import dumps

EXIT_OK = 0
EXIT_REFUSED = 1      # the center answered with an error (not_found, forbidden, conflict, ...)
EXIT_USAGE = 2        # argparse: bad command line
EXIT_AUTH = 3         # wrong user/password, or the stored token was rejected and no password
EXIT_TRUST = 4        # the center's certificate is not signed by the CA file
EXIT_UNREACHABLE = 5  # connection refused / unreachable / timed out / link lost
EXIT_LOGIN = 6        # no login settings: missing config/keyring entries, keyring unavailable
EXIT_TIMEOUT = 7      # ctl --timeout passed; events --count not reached in time; accept --wait with no offer

EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_REFUSED: "the center refused the command",
    EXIT_USAGE: "bad command line",
    EXIT_AUTH: "wrong user or password (or rejected token)",
    EXIT_TRUST: "the center's TLS certificate is not trusted by the CA file",
    EXIT_UNREACHABLE: "the center cannot be reached",
    EXIT_LOGIN: "no usable login (config, keyring)",
    EXIT_TIMEOUT: "timed out (--timeout; also events --count, accept --wait)",
}


class CtlFailure(Exception):
    """Ends a ctl command with *code* and a one-line message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def print_json(data: Any) -> None:
    """One terminal-safe JSON line on stdout."""
    sys.stdout.write(dumps(data) + "\n")
    sys.stdout.flush()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def run_guarded(main: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run *main*, turning every expected failure into one stderr line + exit code."""
    try:
        return asyncio.run(main())
    except CtlFailure as exc:
        return fail(exc.code, str(exc))
    except CommandError as exc:
        return fail(EXIT_REFUSED, f"the center refused: {exc.message} ({exc.code})")
    except AuthError as exc:
        return fail(EXIT_AUTH, f"login failed: {exc}")
    except TrustError as exc:
        return fail(EXIT_TRUST, f"untrusted center: {exc}")
    except UnreachableError as exc:
        return fail(EXIT_UNREACHABLE, f"center unreachable: {exc}")
    except credentials.KeyringUnavailable as exc:
        return fail(EXIT_LOGIN, str(exc))
    except ValueError as exc:  # e.g. a ws:// server address
        return fail(EXIT_LOGIN, str(exc))


def fail(code: int, message: str) -> int:
    """Print *message* as one ``agent-tui: …`` line on stderr; return *code*."""
    sys.stderr.write(f"agent-tui: {_one_line(message)}\n")
    sys.stderr.flush()
    return code
