"""SQLite storage of the reference center: schema, connection and transactions.

One connection, used from the center's event loop thread only. WAL journal so
readers (``center inject`` from another process, backups) never block the
center; ``synchronous=NORMAL`` in WAL keeps every committed transaction after a
process crash (SIGKILL) — only a power loss can drop the last commits.

Transactions are explicit (``BEGIN IMMEDIATE`` … ``COMMIT``): every domain
operation, with the events it emits, commits as one unit, and only committed
events are sent to clients (see :mod:`agent_tui.center.events`).

All SQL of the center lives in this package, one module per area; the services
call these named functions and never write SQL themselves:

- :mod:`.agents` — users, teams, queues, the state log (and ``center user`` admin)
- :mod:`.sessions` — login sessions (token hashes)
- :mod:`.events` — per-agent event streams, idempotency keys, retention
- :mod:`.conversations` — customers, conversations, messages, wrap-up codes, canned answers
- :mod:`.routing` — offers and re-offer exclusions
- :mod:`.teamchat` — team rooms, direct messages, read marks, announcements
- :mod:`.stats` — the figures of ``stats.get``
- :mod:`.tasks`, :mod:`.lead` — the team lead's tasks and figures (report windows, 15-minute buckets)
- :mod:`.kb`, :mod:`.seed` — the knowledge base and the seeding of a new database
- :mod:`.user_changes` — password, role and disable by ``center user``, noticed by a running center
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS teams (
    team TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'front'
);
CREATE TABLE IF NOT EXISTS users (
    user TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'agent',
    team TEXT NOT NULL,
    teams TEXT NOT NULL DEFAULT '[]',
    skills TEXT NOT NULL DEFAULT '[]',
    capacity TEXT,                 -- JSON {channel: n} overriding center.yaml, or NULL
    lang TEXT NOT NULL DEFAULT 'en',
    pw_hash TEXT,                  -- NULL: cannot log in (simulated colleague)
    simulated INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'offline',
    reason TEXT NOT NULL DEFAULT '',
    state_since REAL NOT NULL DEFAULT 0,
    idle_since REAL NOT NULL DEFAULT 0,
    last_seq INTEGER NOT NULL DEFAULT 0,
    acked_seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(user),
    token_hash TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    client TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS events (
    user TEXT NOT NULL, seq INTEGER NOT NULL, ts REAL NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (user, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_blobs (  -- the data of one event sent to many streams, stored once
    id INTEGER PRIMARY KEY, ts REAL NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS event_blobs_ts ON event_blobs(ts);
CREATE TABLE IF NOT EXISTS idem (
    user TEXT NOT NULL, id TEXT NOT NULL, response TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (user, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idem_at ON idem(at);
CREATE TABLE IF NOT EXISTS queues (
    queue TEXT PRIMARY KEY, name TEXT NOT NULL, channel TEXT NOT NULL, skill TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, first_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    customer TEXT NOT NULL REFERENCES customers(id),
    subject TEXT,
    queue TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    queued_at REAL,
    assigned_to TEXT,
    accepted_at REAL,
    last_message_at REAL NOT NULL,
    unread INTEGER NOT NULL DEFAULT 0,
    msg_seq INTEGER NOT NULL DEFAULT 0,
    wrapup_started_at REAL,
    wrapup_deadline REAL,
    closed_at REAL,
    close_reason TEXT,
    wrapup_code TEXT,
    wrapup_notes TEXT,
    handled_by TEXT
);
CREATE INDEX IF NOT EXISTS conv_customer ON conversations(customer);
CREATE INDEX IF NOT EXISTS conv_status ON conversations(status);
CREATE INDEX IF NOT EXISTS conv_assigned ON conversations(assigned_to);
CREATE TABLE IF NOT EXISTS conv_agents (
    conversation TEXT NOT NULL, user TEXT NOT NULL, PRIMARY KEY (conversation, user)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    conversation TEXT NOT NULL REFERENCES conversations(id),
    seq INTEGER NOT NULL,
    at REAL NOT NULL,
    direction TEXT NOT NULL,
    author_kind TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    text TEXT NOT NULL,
    subject TEXT
);
CREATE INDEX IF NOT EXISTS msg_conv ON messages(conversation, seq);
CREATE TABLE IF NOT EXISTS offers (
    offer TEXT PRIMARY KEY,
    conversation TEXT NOT NULL,
    user TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX IF NOT EXISTS offers_pending ON offers(status);
CREATE TABLE IF NOT EXISTS exclusions (
    conversation TEXT NOT NULL, user TEXT NOT NULL, until REAL NOT NULL,
    PRIMARY KEY (conversation, user)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state_log (
    user TEXT NOT NULL, state TEXT NOT NULL, since REAL NOT NULL, until REAL
);
CREATE INDEX IF NOT EXISTS state_log_user ON state_log(user, since);
CREATE TABLE IF NOT EXISTS team_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL,           -- team:<team> or dm:<a>|<b> (sorted)
    at REAL NOT NULL,
    from_user TEXT NOT NULL,
    text TEXT NOT NULL,
    mentions TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS team_messages_room ON team_messages(room, id);
CREATE TABLE IF NOT EXISTS room_reads (
    user TEXT NOT NULL, room TEXT NOT NULL, last_id INTEGER NOT NULL, PRIMARY KEY (user, room)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS announcements (
    id INTEGER PRIMARY KEY AUTOINCREMENT, team TEXT, from_user TEXT NOT NULL, text TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS wrapup_codes (code TEXT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS canned (
    shortcut TEXT NOT NULL, lang TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (shortcut, lang)
);
-- the team lead's desk (center/tasks.py, center/lead.py)
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY,
    team TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'task',      -- task | escalation
    title TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    conversation TEXT,
    created_by TEXT NOT NULL,
    created_at REAL NOT NULL,
    assignee TEXT,
    due_at REAL,
    status TEXT NOT NULL DEFAULT 'open',    -- open | closed
    closed_at REAL,
    closed_by TEXT,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_status ON tasks(status, team);
CREATE TABLE IF NOT EXISTS announcement_reads (
    announcement INTEGER NOT NULL, user TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (announcement, user)
) WITHOUT ROWID;
-- guard: login changes by `center user` (another process) that a running center must act on
CREATE TABLE IF NOT EXISTS user_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, what TEXT NOT NULL, at REAL NOT NULL
);
"""


def connect(path: str | Path) -> sqlite3.Connection:
    """Open the center database (autocommit mode; transactions are explicit)."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table of the center (idempotent)."""
    conn.executescript(SCHEMA)
    conn.execute(
        "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
    )


class Tx:
    """``with Tx(conn):`` — one ``BEGIN IMMEDIATE`` … ``COMMIT`` (rollback on error).

    Nested use joins the outer transaction, so domain methods can call each
    other and still commit once.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.depth = 0

    def __enter__(self) -> Tx:
        if self.depth == 0:
            self.conn.execute("BEGIN IMMEDIATE")
        self.depth += 1
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.depth -= 1
        if self.depth == 0:
            if exc_type is None:
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.Error:
                    # A failed COMMIT (full disk, I/O error) may leave the transaction open:
                    # roll it back, so nothing half-done stays and the next BEGIN works.
                    if self.conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            self.conn.execute("ROLLBACK")
                    raise
            elif self.conn.in_transaction:  # SQLite may have rolled back by itself (SQLITE_FULL)
                self.conn.execute("ROLLBACK")


@contextlib.contextmanager
def savepoint(conn: sqlite3.Connection, name: str = "cmd") -> Iterator[None]:
    """Inside a transaction: undo this block's writes if it raises, keep the outer transaction."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | None, default: Any = None) -> Any:
    if text is None:
        return default
    return json.loads(text)
