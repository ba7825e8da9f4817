"""``agent-tui ctl``, ``login`` and ``logout``: the tester's non-interactive CLI.

Every ``ctl`` command opens its own short session with the center, prints JSON
on stdout and exits 0; on failure it prints ONE line on stderr and exits with a
code that says what went wrong (see :data:`EXIT_CODES`).

Credentials: either ``--server/--ca/--user --password-stdin`` (nothing touches
the keyring: made for CI), or the stored login — server, CA file and user from
the client config, the session token (and password, for when the token has
expired) from the OS keyring, written there by ``agent-tui login``.

Why ``ctl`` does not say ``bye``: a ``ctl`` command is an *extra* session of
the agent, next to the desk. ``bye`` would end the agent's presence at once
when ctl happens to be the only session (a tester driving an agent from a
shell: ``ctl state available`` then, later, ``ctl accept``), and would log
out nothing useful when the desk is open. So ctl just closes its socket (after
a final ack): the agent's state, offers and conversations stay for the center's
grace period, and other sessions go on. ``agent-tui logout`` is the one command
that ends the session on the center (``logout`` op + ``bye``).

``ctl events``: without ``--since``/``--cursor`` it is a fresh login and shows
events from now on. ``--cursor FILE`` makes separate invocations continue
where the previous one stopped: the last printed seq is kept in FILE (written
after each event) and the next run resumes after it, so nothing is printed
twice and nothing is skipped (within the center's 7-day retention). The cursor
is an explicit file rather than hidden state, so concurrent scripts and test
runs cannot disturb each other.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_tui.core import credentials
from agent_tui.core.client import (
    AuthError,
    CenterClient,
    CommandError,
    TrustError,
    UnreachableError,
)

EXIT_OK = 0
EXIT_REFUSED = 1      # the center answered with an error (not_found, forbidden, conflict, ...)
EXIT_USAGE = 2        # argparse: bad command line
EXIT_AUTH = 3         # wrong user/password, or the stored token was rejected and no password
EXIT_TRUST = 4        # the center's certificate is not signed by the CA file
EXIT_UNREACHABLE = 5  # connection refused / unreachable / timed out / link lost
EXIT_LOGIN = 6        # no login settings: missing config/keyring entries, keyring unavailable
EXIT_TIMEOUT = 7      # events --count not reached within --timeout; accept --wait with no offer

EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_REFUSED: "the center refused the command",
    EXIT_USAGE: "bad command line",
    EXIT_AUTH: "wrong user or password (or rejected token)",
    EXIT_TRUST: "the center's TLS certificate is not trusted by the CA file",
    EXIT_UNREACHABLE: "the center cannot be reached",
    EXIT_LOGIN: "no usable login (config, keyring)",
    EXIT_TIMEOUT: "timed out waiting",
}

CONNECT_TIMEOUT = 15.0


class CtlFailure(Exception):
    """Ends a ctl command with *code* and a one-line message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


# --- output ------------------------------------------------------------------------

# JSON escapes C0 controls, but ensure_ascii=False leaves C1 controls (U+0080..U+009F,
# e.g. CSI U+009B) and bidi overrides raw; a customer's text must never drive the
# tester's terminal, so those are escaped too (still valid JSON).
_UNSAFE = re.compile("[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def dumps(data: Any) -> str:
    """One line of JSON, safe to print on a terminal."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _UNSAFE.sub(lambda mo: f"\\u{ord(mo.group()):04x}", text)


def _out(data: Any) -> None:
    sys.stdout.write(dumps(data) + "\n")
    sys.stdout.flush()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# --- login resolution --------------------------------------------------------------


@dataclass
class Login:
    server: str
    ca_file: Path
    user: str
    password: str | None
    token: str | None
    stored: bool  # from the keyring: keep a renewed token there


def _config_values(args: argparse.Namespace) -> tuple[str | None, Path | None, str | None]:
    from agent_tui.core.config import ConfigError, load_config

    try:
        cfg = load_config(Path(args.config) if getattr(args, "config", None) else None)
    except ConfigError as exc:
        hint = "; run `agent-tui login` or pass --server, --ca and --user" if exc.problem == "file not found" else ""
        raise CtlFailure(EXIT_LOGIN, f"{exc}{hint}") from None
    return cfg.server, cfg.ca_file, cfg.user


def _read_password_stdin() -> str:
    line = sys.stdin.readline()
    password = line[:-1] if line.endswith("\n") else line
    if password.endswith("\r"):
        password = password[:-1]
    if not password:
        raise CtlFailure(EXIT_LOGIN, "--password-stdin: no password on standard input")
    return password


def _resolve_login(args: argparse.Namespace) -> Login:
    server, ca_file, user = args.server, Path(args.ca) if args.ca else None, args.user
    if not (server and ca_file and user):
        c_server, c_ca, c_user = _config_values(args)
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
        return Login(server, ca_file, user, _read_password_stdin(), None, stored=False)
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


# --- running a command ---------------------------------------------------------------


async def _with_client(
    args: argparse.Namespace,
    body: Callable[[CenterClient, dict[str, Any]], Awaitable[int]],
    *,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    since: int | None = None,
    on_status: Callable[[Any], None] | None = None,
    on_welcome: Callable[[dict[str, Any]], None] | None = None,
) -> int:
    login = _resolve_login(args)
    client = CenterClient(
        login.server, login.ca_file, login.user, password=login.password, token=login.token,
        on_event=on_event, on_welcome=on_welcome, on_token=_persist_token(login), on_status=on_status,
        client_name="agent-tui ctl", since=since, ping_interval=getattr(args, "ping_interval", 10.0),
    )
    await client.start()
    try:
        try:
            welcome = await client.wait_online(args.connect_timeout)
        except AuthError:
            if login.stored and login.token and login.password is None:
                try:
                    credentials.forget_token(login.server, login.user)
                except credentials.KeyringUnavailable:
                    pass
            raise
        return await body(client, welcome)
    finally:
        await client.close(logout=False)


def _simple(op: str, build: Callable[[argparse.Namespace], dict[str, Any]] | None = None):
    """A ctl command that is one center op; prints the result data."""

    async def run(client: CenterClient, args: argparse.Namespace, welcome: dict[str, Any]) -> int:
        _out(await client.call(op, **(build(args) if build else {})))
        return EXIT_OK

    return run


def _offers_from(welcome: dict[str, Any]) -> list[dict[str, Any]]:
    snapshot = welcome.get("snapshot") or {}
    offers = snapshot.get("offers") or []
    return [o for o in offers if isinstance(o, dict) and isinstance(o.get("offer"), str)]


def _offer_age_key(offer: dict[str, Any]) -> float:
    try:
        return float(offer.get("expires_at", 0)) - float(offer.get("timeout_s", 0))
    except (TypeError, ValueError):
        return 0.0


async def _pick_offer(client: CenterClient, args: argparse.Namespace, welcome: dict[str, Any],
                      pending: dict[str, dict[str, Any]], arrived: asyncio.Event) -> str:
    if args.offer:
        return args.offer
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.wait
    while not pending:
        remaining = deadline - loop.time()
        if remaining <= 0:
            if args.wait:
                raise CtlFailure(EXIT_TIMEOUT, f"no offer arrived within {args.wait:g} s")
            raise CtlFailure(EXIT_REFUSED, "no pending offer (use --wait SECONDS to wait for one)")
        arrived.clear()
        try:
            await asyncio.wait_for(arrived.wait(), remaining)
        except asyncio.TimeoutError:
            pass
    return min(pending.values(), key=_offer_age_key)["offer"]


def _offer_tracker() -> tuple[dict[str, dict[str, Any]], asyncio.Event,
                              Callable[[dict[str, Any]], None], Callable[[dict[str, Any]], None]]:
    """Pending offers: the welcome snapshot's, then offer.new/offer.revoked events.
    The snapshot is taken in on_welcome, before any event of that connection."""
    pending: dict[str, dict[str, Any]] = {}
    arrived = asyncio.Event()

    def on_welcome(frame: dict[str, Any]) -> None:
        if frame.get("resumed"):
            return
        pending.clear()
        for offer in _offers_from(frame):
            pending[offer["offer"]] = offer
        if pending:
            arrived.set()

    def on_event(frame: dict[str, Any]) -> None:
        data = frame.get("data") or {}
        if frame.get("kind") == "offer.new" and isinstance(data.get("offer"), str):
            pending[data["offer"]] = data
            arrived.set()
        elif frame.get("kind") == "offer.revoked" and isinstance(data.get("offer"), str):
            pending.pop(data["offer"], None)

    return pending, arrived, on_event, on_welcome


async def _run_offer(args: argparse.Namespace, op: str) -> int:
    pending, arrived, on_event, on_welcome = _offer_tracker()

    async def body(client: CenterClient, welcome: dict[str, Any]) -> int:
        offer = await _pick_offer(client, args, welcome, pending, arrived)
        extra = {"reason": args.reason} if op == "offer.decline" and args.reason else {}
        data = await client.call(op, offer=offer, **extra)
        _out({"offer": offer, **data} if op == "offer.decline" else data)
        return EXIT_OK

    return await _with_client(args, body, on_event=on_event, on_welcome=on_welcome)


async def _transfer_target(client: CenterClient, target: str) -> dict[str, str]:
    """``agent:NAME`` / ``queue:NAME`` explicitly, else whichever exists."""
    kind, _, name = target.partition(":")
    if kind in ("agent", "queue") and name:
        return {kind: name}
    presence = (await client.call("presence.get")).get("presence") or []
    if any(isinstance(p, dict) and p.get("user") == target for p in presence):
        return {"agent": target}
    queues = (await client.call("queue.get")).get("queues") or []
    if any(isinstance(q, dict) and q.get("queue") == target for q in queues):
        return {"queue": target}
    raise CtlFailure(EXIT_REFUSED, f"no agent or queue named {target!r} (use agent:NAME or queue:NAME)")


def _write_cursor(path: Path, seq: int) -> None:
    # Write-then-rename: a crash mid-write never leaves a torn cursor behind.
    fd, tmp = tempfile.mkstemp(prefix=".cursor-", dir=str(path.parent))
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{seq}\n")
    os.replace(tmp, path)


def _read_cursor(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CtlFailure(EXIT_LOGIN, f"cannot read cursor file {path}: {exc}") from None
    if not text.isdigit():
        raise CtlFailure(EXIT_LOGIN, f"cursor file {path} does not hold a seq number")
    return int(text)


async def _run_events(args: argparse.Namespace) -> int:
    cursor = Path(args.cursor) if args.cursor else None
    since = args.since
    if cursor is not None and since is None:
        since = _read_cursor(cursor)
    printed = 0
    printed_seq = [since or 0]
    done = asyncio.Event()
    lost: list[str] = []
    caught_up_at: list[int] = []

    def on_event(frame: dict[str, Any]) -> None:
        nonlocal printed
        if done.is_set() or (args.count is not None and printed >= args.count):
            return
        try:
            _out({k: frame.get(k) for k in ("seq", "ts", "kind", "data")})
        except BrokenPipeError:
            # The reader went away (`ctl events --follow | head -3`): stop quietly.
            # Point stdout at /dev/null so the interpreter's final flush cannot fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            done.set()
            return
        printed += 1
        printed_seq[0] = int(frame["seq"])
        if cursor is not None:
            _write_cursor(cursor, int(frame["seq"]))
        got_count = args.count is not None and printed >= args.count
        # Without --follow or --count, stop once the backlog seen at login has been printed.
        caught_up = (bool(caught_up_at) and not args.follow and args.count is None
                     and frame["seq"] >= caught_up_at[0])
        if got_count or caught_up:
            done.set()

    welcomes = 0

    def on_welcome(frame: dict[str, Any]) -> None:
        nonlocal welcomes
        welcomes += 1
        if welcomes > 1 and not frame.get("resumed"):
            # The center could not replay (retention ran out): say so rather than
            # let a script believe it saw every event.
            sys.stderr.write("agent-tui ctl: warning: the center could not resume the event stream; "
                             f"events after seq {printed_seq[0]} may be missing\n")
            sys.stderr.flush()

    def on_status(status: Any) -> None:
        if status.state == "reconnecting" and not args.follow:
            lost.append(status.detail)
            done.set()

    async def body(client: CenterClient, welcome: dict[str, Any]) -> int:
        if since is not None and not welcome.get("resumed"):
            sys.stderr.write(
                f"agent-tui ctl: warning: the center could not resume after seq {since}; "
                "showing events from now on\n"
            )
        if not args.follow and args.count is None:
            # Without --follow/--count: print what was missed since the cursor and stop.
            caught_up_at.append(int(welcome.get("last_seq") or 0))
            if client.last_seq >= caught_up_at[0]:
                return EXIT_OK
        try:
            await asyncio.wait_for(done.wait(), args.timeout)
        except asyncio.TimeoutError:
            if args.count is not None:
                raise CtlFailure(
                    EXIT_TIMEOUT, f"timed out after {args.timeout:g} s with {printed} of {args.count} events"
                ) from None
            return EXIT_OK
        if lost:
            raise CtlFailure(EXIT_UNREACHABLE, f"{lost[0]} (use --follow to reconnect and resume)")
        return EXIT_OK

    return await _with_client(args, body, on_event=on_event, since=since, on_status=on_status,
                              on_welcome=on_welcome)


def _cmd(args: argparse.Namespace) -> int:
    """Entry point for ``agent-tui ctl ...``."""
    handler = getattr(args, "ctl_run", None)

    async def main() -> int:
        if getattr(args, "ctl_special", None) == "offer":
            return await _run_offer(args, args.ctl_op)
        if getattr(args, "ctl_special", None) == "events":
            return await _run_events(args)
        if getattr(args, "ctl_special", None) == "transfer":
            async def transfer(client: CenterClient, welcome: dict[str, Any]) -> int:
                target = await _transfer_target(client, args.to)
                _out(await client.call("conv.transfer", conversation=args.conversation,
                                       note=args.note, **target))
                return EXIT_OK
            return await _with_client(args, transfer)
        assert handler is not None

        async def run_op(client: CenterClient, welcome: dict[str, Any]) -> int:
            return await handler(client, args, welcome)

        return await _with_client(args, run_op)

    return _guarded(main)


def _guarded(main: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run *main*, turning every expected failure into one stderr line + exit code."""
    try:
        return asyncio.run(main())
    except CtlFailure as exc:
        return _fail(exc.code, str(exc))
    except CommandError as exc:
        return _fail(EXIT_REFUSED, f"the center refused: {exc.message} ({exc.code})")
    except AuthError as exc:
        return _fail(EXIT_AUTH, f"login failed: {exc}")
    except TrustError as exc:
        return _fail(EXIT_TRUST, f"untrusted center: {exc}")
    except UnreachableError as exc:
        return _fail(EXIT_UNREACHABLE, f"center unreachable: {exc}")
    except credentials.KeyringUnavailable as exc:
        return _fail(EXIT_LOGIN, str(exc))
    except ValueError as exc:  # e.g. a ws:// server address
        return _fail(EXIT_LOGIN, str(exc))


def _fail(code: int, message: str) -> int:
    sys.stderr.write(f"agent-tui: {_one_line(message)}\n")
    sys.stderr.flush()
    return code


# --- login / logout ----------------------------------------------------------------------


def _ask(prompt: str, default: str | None) -> str:
    sys.stderr.write(f"{prompt}" + (f" [{default}]" if default else "") + ": ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip()
    return answer or (default or "")


def _login(args: argparse.Namespace) -> int:
    """``agent-tui login``: verify a login against the center, then keep it in the keyring."""
    from agent_tui.core.config import default_config_path, save_login

    async def main() -> int:
        try:
            credentials.check_available()
        except credentials.KeyringUnavailable as exc:
            raise CtlFailure(EXIT_LOGIN, str(exc)) from None
        c_server, c_ca, c_user = (None, None, None)
        try:
            c_server, c_ca, c_user = _config_values(args)
        except CtlFailure:
            pass  # a broken config does not stop a fresh login; save_login rewrites the keys
        server = args.server or _ask("Center (wss://HOST:PORT)", c_server)
        ca = args.ca or _ask("CA certificate file", str(c_ca) if c_ca else None)
        user = args.user or _ask("User", c_user)
        if not (server and ca and user):
            raise CtlFailure(EXIT_LOGIN, "server, CA file and user are all needed")
        ca_path = Path(ca).expanduser().resolve()
        password = _read_password_stdin() if args.password_stdin else getpass.getpass("Password: ")
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
        save_login(config_path, server, ca_path, user)
        _out({"user": me, "server": server, "ca_file": str(ca_path), "config": str(config_path),
              "stored": "keyring"})
        return EXIT_OK

    return _guarded(main)


def _logout(args: argparse.Namespace) -> int:
    """``agent-tui logout``: end the session on the center and forget the stored login."""

    async def main() -> int:
        server, ca, user = args.server, Path(args.ca) if args.ca else None, args.user
        if not (server and ca and user):
            c_server, c_ca, c_user = _config_values(args)
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
        _out({"user": user, "server": server, "logged_out": problem is None, "forgotten": True})
        return EXIT_OK

    return _guarded(main)


# --- argparse ----------------------------------------------------------------------------


def _conn_options(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("connection (default: the stored login from `agent-tui login`)")
    g.add_argument("--server", metavar="wss://HOST:PORT", help="the center's address")
    g.add_argument("--ca", metavar="FILE", help="the center's CA certificate (PEM)")
    g.add_argument("--user", metavar="NAME", help="agent user name")
    g.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input (never from the command line)")
    g.add_argument("--connect-timeout", type=float, default=CONNECT_TIMEOUT, metavar="S",
                   help=f"seconds to wait for the login (default {CONNECT_TIMEOUT:g})")


def _exit_code_epilog() -> str:
    return "exit codes: " + "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items())


def register(subparsers: Any) -> None:
    """Add ``ctl``, ``login`` and ``logout`` to the ``agent-tui`` command."""
    ctl = subparsers.add_parser(
        "ctl", help="run one command against the center and print JSON (for testers and scripts)",
        description="Run one command against the center and print JSON. ctl opens a short extra "
                    "session and closes it without logging the agent out.",
        epilog=_exit_code_epilog(),
    )
    _conn_options(ctl)
    ctl.set_defaults(func=_cmd)
    sub = ctl.add_subparsers(dest="ctl_command", metavar="COMMAND", required=True)

    def simple(name: str, op: str, build=None, help: str = "") -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help)
        p.set_defaults(ctl_run=_simple(op, build))
        return p

    simple("whoami", "whoami", help="who the center thinks you are")
    p = simple("state", "state.set", lambda a: {"state": a.state, "reason": a.reason},
               help="set the agent state (available, break, lunch, meeting, training, acw, offline)")
    p.add_argument("state")
    p.add_argument("--reason")
    simple("presence", "presence.get", help="colleagues and their states")
    simple("queue", "queue.get", help="queue figures")
    simple("stats", "stats.get", help="queue, agent and team figures")
    simple("conversations", "conv.list", help="your open conversations")
    p = simple("conversation", "conv.get", lambda a: {"conversation": a.conversation},
               help="one conversation with its messages")
    p.add_argument("conversation")

    kb = sub.add_parser("kb", help="knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="COMMAND", required=True)
    p = kb_sub.add_parser("search", help="search articles")
    p.add_argument("query")
    p.add_argument("--limit", type=int)
    p.add_argument("--lang", choices=["en", "nl"])
    p.set_defaults(ctl_run=_simple("kb.search", lambda a: {"query": a.query, "limit": a.limit, "lang": a.lang}))
    p = kb_sub.add_parser("get", help="one article")
    p.add_argument("id")
    p.set_defaults(ctl_run=_simple("kb.get", lambda a: {"id": a.id}))

    p = sub.add_parser(
        "events", help="print events as JSON lines",
        description="Print the agent's events, one JSON object per line: {seq, ts, kind, data}. "
                    "Without --follow/--count it prints what was missed since --since/--cursor and "
                    "stops (nothing, on a fresh login). --follow keeps going and, after a link drop, "
                    "resumes at the last printed seq: no gaps, no duplicates. --cursor FILE keeps the "
                    "last printed seq in FILE so the next run continues from there.",
    )
    p.add_argument("--follow", action="store_true",
                   help="keep printing; reconnect and resume without gaps or duplicates")
    p.add_argument("--count", type=int, metavar="N", help="stop after N events")
    p.add_argument("--timeout", type=float, metavar="S", help="stop after S seconds")
    p.add_argument("--since", type=int, metavar="SEQ", help="replay the events after SEQ first")
    p.add_argument("--cursor", metavar="FILE",
                   help="resume after the seq stored in FILE and keep it up to date (for repeated runs)")
    p.add_argument("--ping-interval", type=float, default=10.0, metavar="S", help=argparse.SUPPRESS)
    p.set_defaults(ctl_special="events")

    for name, op in (("accept", "offer.accept"), ("decline", "offer.decline")):
        p = sub.add_parser(name, help=f"{name} an offer (default: the oldest pending one)")
        p.add_argument("offer", nargs="?")
        p.add_argument("--wait", type=float, default=0.0, metavar="S",
                       help="wait up to S seconds for an offer when none is pending")
        if name == "decline":
            p.add_argument("--reason")
        p.set_defaults(ctl_special="offer", ctl_op=op)

    p = simple("send", "conv.send",
               lambda a: {"conversation": a.conversation, "text": a.text, "subject": a.subject},
               help="send a message to the customer")
    p.add_argument("conversation")
    p.add_argument("text")
    p.add_argument("--subject")
    p = simple("note", "conv.note", lambda a: {"conversation": a.conversation, "text": a.text},
               help="add an internal note")
    p.add_argument("conversation")
    p.add_argument("text")
    p = sub.add_parser("transfer", help="transfer a conversation to an agent or a queue")
    p.add_argument("conversation")
    p.add_argument("--to", required=True, metavar="AGENT|QUEUE",
                   help="an agent or queue name (or agent:NAME / queue:NAME)")
    p.add_argument("--note")
    p.set_defaults(ctl_special="transfer")
    p = simple("wrapup", "conv.wrapup",
               lambda a: {"conversation": a.conversation, "code": a.code, "notes": a.notes},
               help="wrap up (close) a conversation with a code")
    p.add_argument("conversation")
    p.add_argument("code")
    p.add_argument("--notes")
    simple("wrapup-codes", "wrapup.codes", help="the wrap-up codes")
    p = simple("history", "history.get", lambda a: {"customer": a.customer, "limit": a.limit},
               help="a customer's earlier conversations")
    p.add_argument("customer")
    p.add_argument("--limit", type=int)

    team = sub.add_parser("team", help="team chat")
    team_sub = team.add_subparsers(dest="team_command", metavar="COMMAND", required=True)
    p = team_sub.add_parser("send", help="send to a room (team:TEAM or dm:USER)")
    p.add_argument("room")
    p.add_argument("text")
    p.set_defaults(ctl_run=_simple("team.send", lambda a: {"room": a.room, "text": a.text}))
    p = team_sub.add_parser("rooms", help="your rooms")
    p.set_defaults(ctl_run=_simple("team.rooms"))
    p = team_sub.add_parser("history", help="a room's messages")
    p.add_argument("room")
    p.add_argument("--limit", type=int)
    p.set_defaults(ctl_run=_simple("team.history", lambda a: {"room": a.room, "limit": a.limit}))

    # The headless softphone lives with the softphone (pjsua2 is imported only when it runs).
    from agent_tui.ctl.phone import add_phone_parser

    add_phone_parser(sub)

    p = sub.add_parser("call", help="any protocol op with JSON args (see docs/protocol.md)")
    p.add_argument("op")
    p.add_argument("args", nargs="?", default="{}", metavar="JSON")
    p.set_defaults(ctl_run=_raw_call)

    login = subparsers.add_parser(
        "login", help="log in once and keep the password and session token in the OS keyring",
        description="Asks for the center, CA file and user (defaults from the config) and the "
                    "password (not echoed), checks them against the center, then stores the password "
                    "and session token in the OS keyring and the rest in the config file.",
        epilog=_exit_code_epilog(),
    )
    _conn_options(login)
    login.set_defaults(func=_login)
    logout = subparsers.add_parser(
        "logout", help="end the session on the center and forget the stored login",
        epilog=_exit_code_epilog(),
    )
    _conn_options(logout)
    logout.set_defaults(func=_logout)


async def _raw_call(client: CenterClient, args: argparse.Namespace, welcome: dict[str, Any]) -> int:
    try:
        call_args = json.loads(args.args)
    except ValueError as exc:
        raise CtlFailure(EXIT_USAGE, f"JSON args: {exc}") from None
    if not isinstance(call_args, dict):
        raise CtlFailure(EXIT_USAGE, "JSON args must be an object")
    _out(await client.call(args.op, **call_args))
    return EXIT_OK
