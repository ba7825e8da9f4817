"""The login a ctl command uses (options, config, keyring) and the short session it runs in."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_tui.core import credentials
from agent_tui.core.client import AuthError, CenterClient, UnreachableError
from agent_tui.core.config import ConfigError, load_config
from agent_tui.ctl.exits import EXIT_LOGIN, EXIT_TIMEOUT, CtlFailure

CONNECT_TIMEOUT = 15.0  # one connection attempt: TCP, TLS, hello, welcome
TIMEOUT = 30.0  # the whole command (`ctl --timeout`); a refused connection is retried within it
RETRY_PAUSES = (0.2, 0.5, 1.0, 2.0)  # between connection attempts (the last one repeats)


@dataclass
class Login:
    """Where and as whom a ctl command logs in, and with what secret."""

    server: str
    ca_file: Path
    user: str
    password: str | None
    token: str | None
    stored: bool  # from the keyring: keep a renewed token there


def config_login_values(args: argparse.Namespace) -> tuple[str | None, Path | None, str | None]:
    """(server, CA file, user) from the client config; ``CtlFailure`` when it cannot be read."""
    try:
        cfg = load_config(Path(args.config) if getattr(args, "config", None) else None)
    except ConfigError as exc:
        hint = "; run `agent-tui login` or pass --server, --ca and --user" if exc.problem == "file not found" else ""
        raise CtlFailure(EXIT_LOGIN, f"{exc}{hint}") from None
    return cfg.server, cfg.ca_file, cfg.user


def read_password_stdin() -> str:
    """The first line of standard input, without its line ending (never empty)."""
    line = sys.stdin.readline()
    password = line[:-1] if line.endswith("\n") else line
    if password.endswith("\r"):
        password = password[:-1]
    if not password:
        raise CtlFailure(EXIT_LOGIN, "--password-stdin: no password on standard input")
    return password


def resolve_login(args: argparse.Namespace) -> Login:
    """The login from the options, else the config; the secret from stdin or the keyring."""
    server, ca_file, user = args.server, Path(args.ca) if args.ca else None, args.user
    if not (server and ca_file and user):
        c_server, c_ca, c_user = config_login_values(args)
        server = server or c_server
        ca_file = ca_file or c_ca
        user = user or c_user
    missing = [name for name, v in (("--server", server), ("--ca", ca_file), ("--user", user)) if not v]
    if missing:
        raise CtlFailure(
            EXIT_LOGIN,
            f"no {', '.join(missing)} given and none in the config; run `agent-tui login` or pass them",
        )
    assert server and ca_file and user
    if args.password_stdin:
        return Login(server, ca_file, user, read_password_stdin(), None, stored=False)
    try:
        token = credentials.get_token(server, user)
        password = credentials.get_password(server, user)
    except credentials.KeyringUnavailable as exc:
        raise CtlFailure(EXIT_LOGIN, f"{exc} (or use --password-stdin)") from None
    if token is None and password is None:
        raise CtlFailure(
            EXIT_LOGIN,
            f"no stored login for {user} at {server}; run `agent-tui login` or use --password-stdin",
        )
    return Login(server, ca_file, user, password, token, stored=True)


def _persist_token(login: Login) -> Callable[[str], None] | None:
    if not login.stored:
        return None

    def store(token: str) -> None:
        try:
            credentials.store_token(login.server, login.user, token)
        except credentials.KeyringUnavailable:
            pass  # the old token or the password still work next time

    return store


def body_budget(args: argparse.Namespace) -> float | None:
    """Seconds the command may take once logged in (None: bounded by its own options).

    ``events`` and ``phone`` run as long as their own ``--timeout``/``--count``/``--follow`` or
    ``--wait``/``--duration`` say; ``accept``/``decline --wait S`` get S on top of ``--timeout``.
    """
    if getattr(args, "ctl_special", None) == "events" or getattr(args, "ctl_unbounded", False):
        return None
    return float(getattr(args, "overall_timeout", TIMEOUT)) + float(getattr(args, "wait", 0.0) or 0.0)


async def with_client(
    args: argparse.Namespace,
    body: Callable[[CenterClient, dict[str, Any]], Awaitable[int]],
    *,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    since: int | None = None,
    on_status: Callable[[Any], None] | None = None,
    on_welcome: Callable[[dict[str, Any]], None] | None = None,
) -> int:
    """Log in, run ``body(client, welcome)``, close the socket (no logout: see :mod:`agent_tui.ctl`).

    Everything happens within ``--timeout`` (exit 7 when it passes): a center that refuses or
    cannot be reached is tried again until then, so a script may start ctl next to a center
    that is still starting.
    """
    login = resolve_login(args)
    timeout = float(getattr(args, "overall_timeout", TIMEOUT))
    loop = asyncio.get_running_loop()
    started = loop.time()
    attempt = 0
    while True:
        client = CenterClient(
            login.server, login.ca_file, login.user, password=login.password, token=login.token,
            on_event=on_event, on_welcome=on_welcome, on_token=_persist_token(login), on_status=on_status,
            client_name="agent-tui ctl", since=since, ping_interval=getattr(args, "ping_interval", 10.0),
        )
        await client.start()
        try:
            remaining = started + timeout - loop.time()
            welcome = await client.wait_online(max(0.01, min(args.connect_timeout, remaining)))
            break
        except UnreachableError as exc:
            await _close_within(client, 0.5)  # an attempt still hanging in a handshake must not outlast --timeout
            remaining = started + timeout - loop.time()
            if remaining <= 0:
                raise CtlFailure(EXIT_TIMEOUT, f"center unreachable within {timeout:g} s (--timeout): {exc}") from None
            # Pacing between attempts (a backoff), not a wait for something to happen.
            await asyncio.sleep(min(RETRY_PAUSES[min(attempt, len(RETRY_PAUSES) - 1)], remaining))
            attempt += 1
        except AuthError:
            await client.close(logout=False)
            if login.stored and login.token and login.password is None:
                try:
                    credentials.forget_token(login.server, login.user)
                except credentials.KeyringUnavailable:
                    pass
            raise
        except BaseException:
            await client.close(logout=False)
            raise
    try:
        budget = body_budget(args)
        if budget is None:
            return await body(client, welcome)
        try:
            return await asyncio.wait_for(body(client, welcome), max(0.01, started + budget - loop.time()))
        except asyncio.TimeoutError:
            await _close_within(client, 0.5)
            raise CtlFailure(EXIT_TIMEOUT, f"no answer from the center within {timeout:g} s (--timeout)") from None
    finally:
        await client.close(logout=False)


async def _close_within(client: CenterClient, seconds: float) -> None:
    """Close, but give up waiting after *seconds* (what is left is cancelled when ctl exits)."""
    try:
        await asyncio.wait_for(client.close(logout=False), seconds)
    except asyncio.TimeoutError:
        pass
