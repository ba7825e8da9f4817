"""SQL of the knowledge base: its tables, the FTS5 index, and every query on them.

Storage
-------
``kb_articles`` holds the articles (the truth); ``kb_fts`` is an FTS5 index over them with
``kb_articles`` as its *external content* (the text is stored once; ``INSERT INTO kb_fts(kb_fts)
VALUES('rebuild')`` rebuilds the index from the table).  The index has, per article, the raw
``title``/``body``/``tags`` (tags as their JSON text; tokenised by
``unicode61 remove_diacritics 2``, so "Wachtwoord vergeten?" yields the token ``wachtwoord`` and
"é" matches "e") and two *shadow* columns ``title_stem``/``body_stem`` holding the same words
reduced by the stemmer of the article's language (computed by the caller, see
:mod:`agent_tui.center.kb.text`).  ``kb_vocab``/``kb_vocab_col`` expose the index's vocabulary
for suggestions and spelling.  ``kb_proposals`` holds agents' proposed articles and changes.

The functions never commit a caller's transaction: writes run inside :func:`savepoint`, which
works whether the connection is in autocommit mode or Python's default transaction mode.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from agent_tui.center import store

# The FTS5 index gives the vocabulary (spelling, how rare a word is) and matching in SQL; ranked
# search runs on the Tantivy index built from the same rows (:mod:`agent_tui.center.kb.index`),
# because FTS5's bm25 scores every matching row before it can cut to the best ten.

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kb_articles (
    n           INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    lang        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '[]',
    updated_at  REAL NOT NULL,
    reviewed_at REAL,
    title_stem  TEXT NOT NULL DEFAULT '',
    body_stem   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS kb_articles_reviewed ON kb_articles(reviewed_at);
CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts USING fts5(
    title, body, tags, title_stem, body_stem, lang,
    content = 'kb_articles', content_rowid = 'n',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE VIRTUAL TABLE IF NOT EXISTS kb_vocab USING fts5vocab(kb_fts, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS kb_vocab_col USING fts5vocab(kb_fts, 'col');
CREATE TABLE IF NOT EXISTS kb_proposals (
    n           INTEGER PRIMARY KEY AUTOINCREMENT,
    article     TEXT,
    user        TEXT NOT NULL,
    lang        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '[]',
    status      TEXT NOT NULL DEFAULT 'pending',
    created_at  REAL NOT NULL,
    reviewer    TEXT,
    comment     TEXT,
    reviewed_at REAL,
    result      TEXT
);
CREATE INDEX IF NOT EXISTS kb_proposals_status ON kb_proposals(status);
"""


def savepoint(conn: sqlite3.Connection) -> contextlib.AbstractContextManager[None]:
    """A write that nests inside the caller's transaction (if any) and commits on its own otherwise
    (a SAVEPOINT outside a transaction starts one)."""
    return store.savepoint(conn, "kb_write")


def create_schema(conn: sqlite3.Connection) -> None:
    """Create the KB tables if they are missing (safe to call on every start)."""
    with savepoint(conn):
        for stmt in _SCHEMA.split(";"):
            if stmt.strip():
                conn.execute(stmt)


def _dump_tags(tags: Sequence[str]) -> str:
    return json.dumps(list(tags), ensure_ascii=False)


def _load_tags(raw: str) -> list[str]:
    try:
        tags = json.loads(raw)
    except (TypeError, ValueError):
        return []
    return [str(t) for t in tags] if isinstance(tags, list) else []


# ---------------------------------------------------------------- articles


def write_article(
    conn: sqlite3.Connection,
    art_id: str,
    lang: str,
    title: str,
    body: str,
    tags: Sequence[str],
    title_stem: str,
    body_stem: str,
    updated: float,
    reviewed: float,
) -> int:
    """Insert or replace the article ``art_id`` and (re)index it; run inside :func:`savepoint`.
    Returns the article's row number ``n``."""
    row = conn.execute(
        "SELECT n, title, body, tags, title_stem, body_stem, lang FROM kb_articles WHERE id = ?",
        (art_id,),
    ).fetchone()
    values = (title, body, _dump_tags(tags), title_stem, body_stem, lang)
    if row is None:
        cur = conn.execute(
            "INSERT INTO kb_articles (title, body, tags, title_stem, body_stem, lang, id,"
            " updated_at, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, art_id, updated, reviewed),
        )
        n = cur.lastrowid
    else:
        n = row[0]
        # An external-content index forgets a row only when told the exact values it indexed,
        # so read them back before they are overwritten (same transaction).
        conn.execute(
            "INSERT INTO kb_fts (kb_fts, rowid, title, body, tags, title_stem, body_stem, lang)"
            " VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)",
            tuple(row),
        )
        conn.execute(
            "UPDATE kb_articles SET title=?, body=?, tags=?, title_stem=?, body_stem=?, lang=?,"
            " updated_at=?, reviewed_at=? WHERE n=?",
            (*values, updated, reviewed, n),
        )
    conn.execute(
        "INSERT INTO kb_fts (rowid, title, body, tags, title_stem, body_stem, lang)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (n, *values),
    )
    assert n is not None  # an INSERT into a rowid table always sets lastrowid
    return int(n)


def article(conn: sqlite3.Connection, art_id: str) -> dict[str, Any] | None:
    """The article ``{id, lang, title, body, tags, updated_at, reviewed_at}``, or None."""
    row = conn.execute(
        "SELECT id, lang, title, body, tags, updated_at, reviewed_at FROM kb_articles WHERE id = ?",
        (art_id,),
    ).fetchone()
    if row is None:
        return None
    return {
        "id": row[0],
        "lang": row[1],
        "title": row[2],
        "body": row[3],
        "tags": _load_tags(row[4]),
        "updated_at": row[5],
        "reviewed_at": row[6],
    }


def count_articles(conn: sqlite3.Connection, lang: str | None = None) -> int:
    """Number of articles (in one language if given)."""
    if lang is None:
        return int(conn.execute("SELECT count(*) FROM kb_articles").fetchone()[0])
    return int(conn.execute("SELECT count(*) FROM kb_articles WHERE lang = ?", (lang,)).fetchone()[0])


def article_ids_like(conn: sqlite3.Connection, pattern: str) -> list[str]:
    """Ids matching a LIKE ``pattern`` (``kb-en-%``)."""
    return [r[0] for r in conn.execute("SELECT id FROM kb_articles WHERE id LIKE ?", (pattern,))]


def set_reviewed(conn: sqlite3.Connection, art_id: str, when: float) -> bool:
    """Set an article's review date; False when there is no such article."""
    with savepoint(conn):
        cur = conn.execute("UPDATE kb_articles SET reviewed_at = ? WHERE id = ?", (when, art_id))
    return cur.rowcount > 0


def unreviewed_since(conn: sqlite3.Connection, cutoff: float) -> list[tuple[str, str, str, float | None]]:
    """``(id, lang, title, reviewed_at)`` of articles not reviewed since ``cutoff`` (or never),
    the longest unreviewed first."""
    rows = conn.execute(
        "SELECT id, lang, title, reviewed_at FROM kb_articles"
        " WHERE reviewed_at IS NULL OR reviewed_at < ? ORDER BY reviewed_at, id",
        (cutoff,),
    ).fetchall()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


# ---------------------------------------------------------------- search


_INDEX_COLUMNS = "n, lang, title, body, tags, title_stem, body_stem"


def index_rows(
    conn: sqlite3.Connection, ns: Sequence[int] | None = None
) -> Iterable[tuple[int, str, str, str, str, str, str]]:
    """``(n, lang, title, body, tags_json, title_stem, body_stem)`` of the articles numbered
    ``ns`` (all when None, as a cursor: 100,000 articles are not held in memory at once): what
    the ranked search index is built from."""
    if ns is None:
        return conn.execute(f"SELECT {_INDEX_COLUMNS} FROM kb_articles")
    out: list[tuple[int, str, str, str, str, str, str]] = []
    ns = list(ns)
    for i in range(0, len(ns), 500):
        part = ns[i : i + 500]
        marks = ",".join("?" * len(part))
        out += conn.execute(f"SELECT {_INDEX_COLUMNS} FROM kb_articles WHERE n IN ({marks})", part)
    return out


def signature(conn: sqlite3.Connection) -> tuple[int, int, float]:
    """``(count, highest n, latest updated_at)`` of the articles: changes with every write."""
    row = conn.execute("SELECT count(*), max(n), max(updated_at) FROM kb_articles").fetchone()
    return (int(row[0]), int(row[1] or 0), float(row[2] or 0.0))


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's ``data_version``: changes when *another* connection commits to the file."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def articles_by_n(conn: sqlite3.Connection, ns: Sequence[int]) -> dict[int, tuple[str, str, str, str, Any]]:
    """``{n: (id, lang, title, body, reviewed_at)}`` for the article numbers ``ns``."""
    if not ns:
        return {}
    marks = ",".join("?" * len(ns))
    rows = conn.execute(
        f"SELECT n, id, lang, title, body, reviewed_at FROM kb_articles WHERE n IN ({marks})", list(ns)
    )
    return {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows}


def word_known(conn: sqlite3.Connection, prefix: str) -> bool:
    """Whether a title or body holds ``prefix`` or a word that starts with it."""
    return (
        conn.execute(
            "SELECT 1 FROM kb_vocab_col WHERE term >= ? AND term < ? AND col IN ('title', 'body')"
            " LIMIT 1",
            (prefix, prefix + "\U0010ffff"),
        ).fetchone()
        is not None
    )


def words_with_prefix(
    conn: sqlite3.Connection, prefix: str, min_len: int, max_len: int
) -> list[tuple[str, int]]:
    """``(word, articles)`` of title and body words starting with ``prefix``, length in range."""
    rows = conn.execute(
        "SELECT term, sum(doc) FROM kb_vocab_col WHERE term >= ? AND term < ?"
        " AND col IN ('title', 'body') AND length(term) BETWEEN ? AND ? GROUP BY term",
        (prefix, prefix + "\U0010ffff", min_len, max_len),
    ).fetchall()
    return [(r[0], int(r[1])) for r in rows]


# ---------------------------------------------------------------- proposals


def add_proposal(
    conn: sqlite3.Connection,
    *,
    article: str | None,
    user: str,
    lang: str,
    title: str,
    body: str,
    tags: Sequence[str],
    created_at: float,
) -> int:
    """Store a pending proposal; returns its number."""
    with savepoint(conn):
        cur = conn.execute(
            "INSERT INTO kb_proposals (article, user, lang, title, body, tags, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (article, user, lang, title, body, _dump_tags(tags), created_at),
        )
    assert cur.lastrowid is not None  # an INSERT into a rowid table always sets it
    return cur.lastrowid


def proposal_numbers(conn: sqlite3.Connection, status: str | None) -> list[int]:
    """Numbers of the proposals with ``status`` (None: all), oldest first."""
    if status is None:
        rows = conn.execute("SELECT n FROM kb_proposals ORDER BY n").fetchall()
    else:
        rows = conn.execute("SELECT n FROM kb_proposals WHERE status = ? ORDER BY n", (status,)).fetchall()
    return [r[0] for r in rows]


def proposal(conn: sqlite3.Connection, n: int) -> dict[str, Any] | None:
    """Proposal number ``n`` as the protocol shows it (id ``kbp-NNNNNN``), or None."""
    row = conn.execute(
        "SELECT n, article, user, lang, title, body, tags, status, created_at, reviewer, comment,"
        " reviewed_at, result FROM kb_proposals WHERE n = ?",
        (n,),
    ).fetchone()
    if row is None:
        return None
    return {
        "id": f"kbp-{row[0]:06d}",
        "article": row[1],
        "user": row[2],
        "lang": row[3],
        "title": row[4],
        "body": row[5],
        "tags": _load_tags(row[6]),
        "status": row[7],
        "created_at": row[8],
        "reviewer": row[9],
        "comment": row[10],
        "reviewed_at": row[11],
        "result_article": row[12],
    }


def set_proposal_review(
    conn: sqlite3.Connection,
    n: int,
    *,
    status: str,
    reviewer: str,
    comment: str | None,
    reviewed_at: float,
    result: str | None,
) -> None:
    """Record a supervisor's decision on proposal ``n``; run inside :func:`savepoint`."""
    conn.execute(
        "UPDATE kb_proposals SET status=?, reviewer=?, comment=?, reviewed_at=?, result=? WHERE n=?",
        (status, reviewer, comment, reviewed_at, result, n),
    )
