"""``agent-tui center init|serve|inject|user|call``: the reference center's commands.

``center inject`` is one of the two ways a customer message comes in (the other is the HTTPS
ingress): with a center running it posts to ``POST /v1/messages`` like any integration; with
none, it calls :meth:`agent_tui.center.hub.Hub.ingest` on the database directly and the
conversation is routed when the center starts.

The desk's ``agent-tui`` imports this module at start to list the sub-commands, so the heavy
parts of the center (the hub and the server stack with websockets, certificate making with
cryptography, pjsua2 for ``center call``) are imported inside the command that needs them; the
store and password helpers imported at the top are stdlib-only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from agent_tui.center import auth, store
from agent_tui.center.config import CenterConfigError, load_center_config
from agent_tui.center.lease import lock_path, stop_when_unused
from agent_tui.center.store import agents as agent_store
from agent_tui.center.store import user_changes
from agent_tui.center.voice import call_cli
from agent_tui.protocol import messages as m

USER_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")  # what `center user add` accepts


def register(sub: Any) -> None:
    """Add the ``center`` command and its sub-commands to the top-level parser."""
    center = sub.add_parser("center", help="run the reference contact center")
    csub = center.add_subparsers(dest="center_command", metavar="COMMAND")
    center.set_defaults(func=lambda args: (center.print_help(), 2)[1])

    p = csub.add_parser("init", help="make a center directory (config, private CA, database)")
    p.add_argument("dir", type=Path)
    p.add_argument("--demo", action="store_true", help="seed demo agents, teams, queues and KB articles")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (also put in the certificate)")
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--ingress-port", type=int, default=8444)
    p.add_argument("--san", action="append", default=[], metavar="HOST",
                   help="extra host name or address for the server certificate (repeatable)")
    p.set_defaults(func=cmd_init)

    p = csub.add_parser("serve", help="serve a center directory (wss + HTTPS ingress)")
    p.add_argument("dir", type=Path)
    p.add_argument("--host", help="override center.yaml host")
    p.add_argument("--port", type=int, help="override center.yaml port (0 = a free port)")
    p.add_argument("--ingress-port", type=int, help="override center.yaml ingress_port (0 = a free port)")
    p.add_argument("--quiet", action="store_true", help="demo: no simulated customers (colleagues stay)")
    p.add_argument("-v", "--verbose", action="store_true", help="log to stderr at INFO level")
    p.add_argument("--rate", type=float, metavar="PER_MIN",
                   help="demo: new simulated customers per minute (default: center.yaml simulate_interval_s)")
    p.add_argument("--stop-when-unused", action="store_true",
                   help="stop when no `agent-tui demo` desk holds DIR/run/desks.lock (the demo's center)")
    p.set_defaults(func=cmd_serve)

    p = csub.add_parser("inject", help="a customer contact, as if it came in over a channel")
    p.add_argument("dir", type=Path)
    p.add_argument("--channel", required=True, choices=sorted(m.DIGITAL_CHANNELS))
    p.add_argument("--from", dest="sender", required=True, metavar="ID", help="customer id / address")
    p.add_argument("--name")
    p.add_argument("--subject")
    p.add_argument("--queue", help="queue id (default: the channel's default queue)")
    p.add_argument("--priority", type=int, choices=(0, 1, 2), default=None)
    p.add_argument("--text", required=True)
    p.set_defaults(func=cmd_inject)

    p = csub.add_parser("user", help="add a user, set a password or role, disable a user (the center may run: "
                                     "a change closes that user's live sessions within a second)")
    p.add_argument("action", choices=("add", "passwd", "role", "disable", "list"))
    p.add_argument("dir", type=Path)
    p.add_argument("user", nargs="?")
    p.add_argument("--name")
    p.add_argument("--role", choices=("agent", "supervisor"), default="agent",
                   help="the role for `add` and `role` (default agent)")
    p.add_argument("--team", default="team", help="team id (made if missing)")
    p.add_argument("--skills", default="general", help="comma-separated skills, e.g. general,billing")
    p.add_argument("--lang", choices=("en", "nl"), default="en")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from stdin (never from the command line)")
    p.set_defaults(func=cmd_user)

    # The voice part defines `center call` (its imports are light; pjsua2 loads when a call is placed).
    call_cli.register(csub)


def _fail(msg: str, code: int = 1) -> int:
    print(f"agent-tui center: {msg}", file=sys.stderr)
    return code


def cmd_init(args: argparse.Namespace) -> int:
    # deferred: certificates and seeding (cryptography) load only for `center init`, not at desk start
    from agent_tui.center.init import InitError, init_center

    try:
        path = init_center(args.dir, demo=args.demo, host=args.host, port=args.port,
                           ingress_port=args.ingress_port, extra_hosts=args.san)
    except InitError as exc:
        return _fail(str(exc))
    print(f"center directory ready: {path}")
    print(f"CA certificate for agents: {path / 'tls' / 'ca.pem'}")
    if args.demo:
        print("demo users: agent1..agent6 and lead1 (password: demo)")
    return 0


AUDIT_LOGGERS = ("agent_tui.center.voice.monitoring",)  # logged at INFO even without --verbose


def configure_logging(verbose: bool) -> None:
    """Warnings only unless ``--verbose``; but call monitoring (a lead listening, whispering,
    barging in) is always logged: it is an audit trail, not chatter."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in AUDIT_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)


def cmd_serve(args: argparse.Namespace) -> int:
    # deferred: the center's server stack (hub, websockets, ~0.15 s; ctypes for malloc) loads only for `center serve`
    from agent_tui.center.memory import freeze_startup_objects
    from agent_tui.center.run import RunningCenter, run_center

    configure_logging(args.verbose)

    def ready(rc: RunningCenter) -> None:
        # Exactly these two lines on stdout: the desk's `agent-tui demo` and scripts parse them.
        print(f"listening {rc.url}", flush=True)
        print(f"ingress {rc.ingress_url}", flush=True)
        # This process is the center alone (a test's center on a thread must not freeze the test's objects).
        freeze_startup_objects()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        watcher = loop.create_task(stop_when_unused(lock_path(args.dir), stop)) if args.stop_when_unused else None
        try:
            await run_center(args.dir, port=args.port, ingress_port=args.ingress_port, host=args.host,
                             quiet=args.quiet, ready=ready, stop=stop, rate=args.rate)
        finally:
            if watcher is not None:
                watcher.cancel()

    try:
        asyncio.run(main())
    except CenterConfigError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot serve: {exc}")
    return 0


def _running(center_dir: Path) -> dict | None:
    """The run file of a live center in *center_dir*, or None."""
    path = center_dir / "run" / "center.json"
    try:
        info = json.loads(path.read_text())
        os.kill(int(info["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info


def cmd_inject(args: argparse.Namespace) -> int:
    try:
        cfg = load_center_config(args.dir)
    except CenterConfigError as exc:
        return _fail(str(exc))
    body: dict[str, Any] = {"channel": args.channel, "from": args.sender, "text": args.text}
    for key in ("name", "subject", "queue", "priority"):
        if getattr(args, key) is not None:
            body[key] = getattr(args, key)
    info = _running(args.dir)
    if info is not None:
        status, out = post_ingress(info["ingress"], cfg.ca_file, cfg.ingress_key_file.read_text().strip(),
                                   "/v1/messages", body)
        if status >= 300:
            return _fail(f"ingress refused the message: {out.get('error', {}).get('message', status)}")
    else:
        # No center running: write straight into the database; it is routed when the center starts.
        out = _inject_offline(cfg, body)
        if "error" in out:
            return _fail(out["error"])
    print(json.dumps(out, ensure_ascii=False))
    return 0


def _inject_offline(cfg: Any, body: dict) -> dict:
    # deferred: the hub (and the knowledge base under it) loads only for an offline inject
    from agent_tui.center.hub import DomainError, Hub

    conn = store.connect(cfg.db_path)
    try:
        hub = Hub(cfg, conn)
        hub.load()
        return hub.ingest(body["channel"], body["from"], body["text"], name=body.get("name"),
                          subject=body.get("subject"), queue=body.get("queue"),
                          priority=body.get("priority") or 0)
    except DomainError as exc:
        return {"error": exc.message}
    finally:
        conn.close()


def post_ingress(base_url: str, ca_file: Path, key: str, path: str, body: dict | None = None,
                 method: str = "POST") -> tuple[int, dict]:
    """Call the center's HTTPS ingress with TLS verification against *ca_file*."""
    # deferred: the TLS helpers (cryptography) load only when the ingress is called
    from agent_tui.secure.tls import client_ssl_context

    data = json.dumps(body).encode("utf-8") if body is not None else None
    req = urllib.request.Request(base_url + path, data=data, method=method,
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, context=client_ssl_context(ca_file), timeout=15) as resp:
            return resp.status, json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read().decode("utf-8"))
        except ValueError:
            return exc.code, {}


def cmd_user(args: argparse.Namespace) -> int:
    """Manage users in the center database. A running center finds new users at their first login and
    closes the live sessions of a user whose password or role changed, or who was disabled, within a second."""
    try:
        cfg = load_center_config(args.dir)
    except CenterConfigError as exc:
        return _fail(str(exc))
    conn = store.connect(cfg.db_path)
    try:
        store.create_schema(conn)  # idempotent: a database made by an older version gets new tables
        if args.action == "list":
            for r in agent_store.list_login_users(conn):
                print(json.dumps(r, ensure_ascii=False))
            return 0
        if not args.user:
            return _fail(f"`center user {args.action}` needs a user name")
        if args.action == "add" and not USER_NAME.fullmatch(args.user):
            # Room keys are "dm:<a>|<b>" and mentions "@name": other characters would break them.
            return _fail(f"user name {args.user!r}: use 1 to 64 letters, digits, '.', '_' or '-'")
        exists = agent_store.user_exists(conn, args.user)
        if args.action in ("role", "disable"):
            if not exists:
                return _fail(f"no user {args.user!r}")
            if args.action == "role":
                user_changes.set_role(conn, args.user, args.role, time.time())
                print(f"role of {args.user} is now {args.role}")
            else:
                user_changes.disable(conn, args.user, time.time())
                print(f"user {args.user} disabled (`center user passwd` enables it again)")
            return 0
        if not args.password_stdin:
            return _fail("give the password on stdin with --password-stdin (never on the command line)")
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < 4:
            return _fail("password too short (at least 4 characters)")
        pw_hash = auth.hash_password(password)
        if args.action == "passwd":
            if not exists:
                return _fail(f"no user {args.user!r}")
            # A new password ends every session of the user (a running center closes them).
            user_changes.change_password(conn, args.user, pw_hash, time.time())
            print(f"password of {args.user} changed")
            return 0
        if exists:
            return _fail(f"user {args.user!r} exists already")
        skills = [x.strip() for x in args.skills.split(",") if x.strip()]
        agent_store.add_login_user(conn, name=args.user, display_name=args.name or args.user, role=args.role,
                                   team=args.team, skills=skills, lang=args.lang, pw_hash=pw_hash, now=time.time())
        print(f"user {args.user} added")
        return 0
    finally:
        conn.close()
