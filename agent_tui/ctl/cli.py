"""The argument parsers of ``agent-tui ctl``, ``login`` and ``logout``."""

from __future__ import annotations

import argparse
from typing import Any

from agent_tui.ctl.commands import raw_call, run_ctl, simple_op
from agent_tui.ctl.exits import EXIT_CODES
from agent_tui.ctl.lead import add_lead_parsers
from agent_tui.ctl.login import run_login, run_logout
from agent_tui.ctl.phone import add_phone_parser
from agent_tui.ctl.session import CONNECT_TIMEOUT, TIMEOUT


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
    ctl.add_argument("--timeout", dest="overall_timeout", type=float, default=TIMEOUT, metavar="S",
                     help=f"give up after S seconds, exit 7 (default {TIMEOUT:g}); a refused connection is "
                          "retried within it. events/phone: bounds the login; accept --wait W: S+W")
    ctl.set_defaults(func=run_ctl)
    sub = ctl.add_subparsers(dest="ctl_command", metavar="COMMAND", required=True)

    def simple(name: str, op: str, build=None, help: str = "") -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help)
        p.set_defaults(ctl_run=simple_op(op, build))
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
    p = simple("conversation", "conv.get", lambda a: {"conversation": a.conversation, "before": a.before,
                                                      "limit": a.limit},
               help="one conversation with a page of its messages (newest first; 'older' is the next --before)")
    p.add_argument("conversation")
    p.add_argument("--before", type=int, help="messages before this seq (the 'older' of the page you have)")
    p.add_argument("--limit", type=int, help="at most this many messages")
    p = simple("text", "conv.text", lambda a: {"conversation": a.conversation, "message": a.message,
                                               "offset": a.offset},
               help="one part of a long message (one marked 'truncated'); 'next' is the next --offset")
    p.add_argument("conversation")
    p.add_argument("message")
    p.add_argument("--offset", type=int, default=0)

    kb = sub.add_parser("kb", help="knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="COMMAND", required=True)
    p = kb_sub.add_parser("search", help="search articles")
    p.add_argument("query")
    p.add_argument("--limit", type=int)
    p.add_argument("--lang", choices=["en", "nl"])
    p.set_defaults(ctl_run=simple_op("kb.search", lambda a: {"query": a.query, "limit": a.limit, "lang": a.lang}))
    p = kb_sub.add_parser("get", help="one article")
    p.add_argument("id")
    p.set_defaults(ctl_run=simple_op("kb.get", lambda a: {"id": a.id}))

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
    p = simple("history", "history.get", lambda a: {"customer": a.customer, "limit": a.limit, "before": a.before},
               help="a customer's earlier conversations, newest first ('next' is the next --before)")
    p.add_argument("customer")
    p.add_argument("--limit", type=int)
    p.add_argument("--before", help="conversations older than this conversation id")

    team = sub.add_parser("team", help="team chat")
    team_sub = team.add_subparsers(dest="team_command", metavar="COMMAND", required=True)
    p = team_sub.add_parser("send", help="send to a room (team:TEAM or dm:USER)")
    p.add_argument("room")
    p.add_argument("text")
    p.set_defaults(ctl_run=simple_op("team.send", lambda a: {"room": a.room, "text": a.text}))
    p = team_sub.add_parser("rooms", help="your rooms")
    p.set_defaults(ctl_run=simple_op("team.rooms"))
    p = team_sub.add_parser("history", help="a room's messages")
    p.add_argument("room")
    p.add_argument("--limit", type=int)
    p.set_defaults(ctl_run=simple_op("team.history", lambda a: {"room": a.room, "limit": a.limit}))

    # Call monitoring by a lead (issue 11): `ctl voice monitor CONV --mode listen|whisper|barge`.
    voice = sub.add_parser("voice", help="voice calls (leads: monitor an agent's call)")
    voice_sub = voice.add_subparsers(dest="voice_command", metavar="COMMAND", required=True)
    p = voice_sub.add_parser("monitor", help="listen to, whisper in or barge into a live call (supervisors); "
                                             "run again with another --mode to switch")
    p.add_argument("conversation")
    p.add_argument("--mode", choices=("listen", "whisper", "barge"), default="listen")
    p.set_defaults(ctl_run=simple_op("voice.monitor", lambda a: {"conversation": a.conversation, "mode": a.mode}))
    p = voice_sub.add_parser("monitor-stop", help="stop monitoring a call")
    p.add_argument("conversation")
    p.set_defaults(ctl_run=simple_op("voice.monitor.stop", lambda a: {"conversation": a.conversation}))

    # The headless softphone (pjsua2 is imported only when it runs).
    add_phone_parser(sub).set_defaults(ctl_unbounded=True)  # its --wait/--duration bound it
    # The team lead's actions and the report (ctl/lead.py).
    add_lead_parsers(sub)

    p = sub.add_parser("call", help="any protocol op with JSON args (see docs/protocol.md)")
    p.add_argument("op")
    p.add_argument("args", nargs="?", default="{}", metavar="JSON")
    p.set_defaults(ctl_run=raw_call)

    login = subparsers.add_parser(
        "login", help="log in once and keep the password and session token in the OS keyring",
        description="Asks for the center, CA file and user (defaults from the config) and the "
                    "password (not echoed), checks them against the center, then stores the password "
                    "and session token in the OS keyring and the rest in the config file.",
        epilog=_exit_code_epilog(),
    )
    _conn_options(login)
    login.set_defaults(func=run_login)
    logout = subparsers.add_parser(
        "logout", help="end the session on the center and forget the stored login",
        epilog=_exit_code_epilog(),
    )
    _conn_options(logout)
    logout.set_defaults(func=run_logout)
