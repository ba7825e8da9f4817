"""``agent-tui login`` and ``agent-tui logout``: keep a login in the keyring, and forget it."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from agent_tui.core import credentials
from agent_tui.core.client import AuthError, CenterClient, TrustError, UnreachableError
from agent_tui.core.config import ConfigError, default_config_path, save_login
from agent_tui.ctl.exits import (
    EXIT_LOGIN,
    EXIT_OK,
    EXIT_TRUST,
    EXIT_UNREACHABLE,
    CtlFailure,
    print_json,
    run_guarded,
)
from agent_tui.ctl.session import config_login_values, read_password_stdin


def _ask(prompt: str, default: str | None) -> str:
    sys.stderr.write(f"{prompt}" + (f" [{default}]" if default else "") + ": ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip()
    return answer or (default or "")


def run_login(args: argparse.Namespace) -> int:
    """``agent-tui login``: verify a login against the center, then keep it in the keyring."""
    async def main() -> int:
        try:
            credentials.check_available()
        except credentials.KeyringUnavailable as exc:
            raise CtlFailure(EXIT_LOGIN, str(exc)) from None
        c_server, c_ca, c_user = (None, None, None)
        try:
            c_server, c_ca, c_user = config_login_values(args)
        except CtlFailure:
            pass  # a broken config does not stop a fresh login; save_login rewrites the keys
        server = args.server or _ask("Center (wss://HOST:PORT)", c_server)
        ca = args.ca or _ask("CA certificate file", str(c_ca) if c_ca else None)
        user = args.user or _ask("User", c_user)
        if not (server and ca and user):
            raise CtlFailure(EXIT_LOGIN, "server, CA file and user are all needed")
        ca_path = Path(ca).expanduser().resolve()
        password = read_password_stdin() if args.password_stdin else getpass.getpass("Password: ")
        if not password:
            raise CtlFailure(EXIT_LOGIN, "no password given")
        tokens: list[str] = []
        client = CenterClient(server, ca_path, user, password=password, on_token=tokens.append,
                              client_name="agent-tui login")
        await client.start()
        try:
            await client.wait_online(args.connect_timeout)
            me = await client.call("whoami")
        finally:
            await client.close(logout=False)
        credentials.store_password(server, user, password)
        if tokens:
            credentials.store_token(server, user, tokens[-1])
        config_path = Path(args.config) if getattr(args, "config", None) else default_config_path()
        try:
            save_login(config_path, server, ca_path, user)  # only these keys; comments and layout stay
        except ConfigError as exc:
            raise CtlFailure(EXIT_LOGIN, f"logged in (the keyring has the login), but the config was not "
                                         f"updated: {exc}") from None
        print_json({"user": me, "server": server, "ca_file": str(ca_path), "config": str(config_path),
              "stored": "keyring"})
        return EXIT_OK

    return run_guarded(main)


def run_logout(args: argparse.Namespace) -> int:
    """``agent-tui logout``: end the session on the center and forget the stored login."""

    async def main() -> int:
        server, ca, user = args.server, Path(args.ca) if args.ca else None, args.user
        if not (server and ca and user):
            c_server, c_ca, c_user = config_login_values(args)
            server, ca, user = server or c_server, ca or c_ca, user or c_user
        if not (server and user):
            raise CtlFailure(EXIT_LOGIN, "no stored login (no server/user in the config)")
        token = credentials.get_token(server, user)
        password = credentials.get_password(server, user)
        problem: Exception | None = None
        if (token or password) and ca:
            client = CenterClient(server, ca, user, password=password, token=token,
                                  client_name="agent-tui logout")
            await client.start()
            try:
                await client.wait_online(args.connect_timeout)
            except (AuthError, TrustError, UnreachableError) as exc:
                problem = exc
            await client.close(logout=problem is None)
        # Forget locally in any case: the user asked to log out of this machine.
        credentials.forget(server, user)
        if isinstance(problem, UnreachableError):
            raise CtlFailure(EXIT_UNREACHABLE,
                             f"forgot the stored login, but could not end the session on the center: {problem}")
        if isinstance(problem, TrustError):
            raise CtlFailure(EXIT_TRUST, f"forgot the stored login; the center is not trusted: {problem}")
        print_json({"user": user, "server": server, "logged_out": problem is None, "forgotten": True})
        return EXIT_OK

    return run_guarded(main)
